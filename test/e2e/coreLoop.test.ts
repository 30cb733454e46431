/**
 * The core loop's promise, end to end through the real receiver with an injected clock: news that
 * waits for someone's day always arrives, no workday loses its digest to a settings or zone change,
 * and every message says the true thing. One describe per numbered item of the issue.
 *
 * November 2026: London and Lisbon are UTC+0, Berlin and Paris +1, New York -5, Los Angeles -8,
 * Kolkata +5:30, Tokyo +9, Auckland +13.
 */
import type { TestApp } from '../harness/testApp';
import { ActionIds, CallbackIds, CardBlockIds, ReassignModalFields } from '../../src/ids';
import { localParts } from '../../src/time';
import {
  HOUR,
  appWith,
  command,
  digestRows,
  digestsTo,
  dmsTo,
  eventually,
  handoff,
  handoffRow,
  resolve,
  saveSettings,
  sentAtOf,
  textOf,
  tickFor,
  userRow,
} from './coreLoop.support';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('1. digest off: unblocked news still arrives, at the start of the next working day', () => {
  it('a London author with the digest off hears, in one DM at 09:00, that their ask was done at 18:00', async () => {
    // Wed 25 Nov, 10:00 London, 05:00 New York.
    t = await appWith('2026-11-25T10:00:00Z', { ULON: 'Europe/London', UNYC: 'America/New_York' });
    expect(await saveSettings(t, 'ULON', { digest: false })).toContain('Morning digest is off');
    const h = await handoff(t, 'ULON', '<@UNYC> please countersign the contract');

    t.clock.set('2026-11-25T18:00:00Z'); // 18:00 London (off), 13:00 New York (working)
    const reply = await command(t, 'UNYC', `done ${h.number} signed, it is in the shared folder`);
    // The resolver is told what will really happen: no "morning digest" for someone who turned it off.
    expect(reply).toContain('<@ULON> is offline (18:00 in London); they’ll hear with the start of their day, Thu 09:00 London time (in 15 h).');
    expect(reply).not.toMatch(/morning digest/);
    expect(dmsTo(t, 'ULON')).toHaveLength(0);

    await tickFor(t, 17 * HOUR); // to Thu 11:00 London
    const dms = dmsTo(t, 'ULON');
    expect(dms).toHaveLength(1);
    const text = textOf(dms[0]!);
    expect(text).toContain('While you were offline');
    expect(text).toContain('You’re unblocked');
    expect(text).toContain('signed, it is in the shared folder');
    expect(localParts('Europe/London', await sentAtOf(t, dms[0]!))).toMatchObject({ date: '2026-11-26', hour: 9, minute: 0 });
    // Told once: nothing more the following days.
    await tickFor(t, 48 * HOUR, 2 * HOUR);
    expect(dmsTo(t, 'ULON')).toHaveLength(1);
    // …and it stays visible in /handoff list.
    const list = JSON.stringify(await t.reply('ULON', 'list'));
    expect(list).toContain('Recently resolved for you');
    expect(list).toContain('please countersign the contract');
  });

  it('a recipient with the digest off hears about a new ask at the start of their day, once, and not the old ones again', async () => {
    t = await appWith('2026-11-25T14:00:00Z', { UTOK: 'Asia/Tokyo', UNYC: 'America/New_York' }); // 23:00 Tokyo
    await saveSettings(t, 'UTOK', { digest: false });
    await handoff(t, 'UNYC', '<@UTOK> please review the Q3 deck');
    await tickFor(t, 11 * HOUR); // to Thu 10:00 Tokyo
    expect(dmsTo(t, 'UTOK')).toHaveLength(1);
    expect(textOf(dmsTo(t, 'UTOK')[0]!)).toContain('please review the Q3 deck');
    expect(localParts('Asia/Tokyo', await sentAtOf(t, dmsTo(t, 'UTOK')[0]!))).toMatchObject({ hour: 9, minute: 0 });
    // Told: the next morning has nothing new, so nothing is sent (the digest is off).
    await tickFor(t, 24 * HOUR, 2 * HOUR);
    expect(dmsTo(t, 'UTOK')).toHaveLength(1);
  });
});

describe('2. a moved day start never drops that day’s digest', () => {
  it('(a) at 08:00 Lisbon the start moves to 07:30: the digest goes now, once', async () => {
    // The ask arrives Tuesday evening; Wednesday's 09:00 digest would carry it.
    t = await appWith('2026-11-24T20:00:00Z', { ULIS: 'Europe/Lisbon', UNYC: 'America/New_York' });
    await handoff(t, 'UNYC', '<@ULIS> please approve the budget');
    t.clock.set('2026-11-25T08:00:00Z');
    await t.tick();
    expect(digestsTo(t, 'ULIS')).toHaveLength(0);
    const preview = await saveSettings(t, 'ULIS', { start: '07:30' });
    expect(preview).toContain('Now — today’s start (07:30) has already passed');
    await t.tick();
    expect(digestsTo(t, 'ULIS')).toHaveLength(1);
    expect(textOf(digestsTo(t, 'ULIS')[0]!)).toContain('please approve the budget');
    await tickFor(t, 26 * HOUR);
    expect((await digestRows(t, 'ULIS')).filter((r) => r.status === 'sent').map((r) => r.localDate)).toEqual(['2026-11-25', '2026-11-26']);
  });

  it('(b) at 08:30 Lisbon the Slack zone becomes Berlin (09:30 there): the digest goes now, once', async () => {
    t = await appWith('2026-11-24T20:00:00Z', { ULIS: 'Europe/Lisbon', UNYC: 'America/New_York' });
    await handoff(t, 'UNYC', '<@ULIS> please approve the budget');
    t.clock.set('2026-11-25T08:30:00Z');
    await t.tick();
    t.fake.getUser('ULIS')!.tz = 'Europe/Berlin';
    await t.slack.event({ type: 'user_change', user: { id: 'ULIS', name: 'lis', tz: 'Europe/Berlin', team_id: 'T0001' } });
    await eventually(async () => expect((await userRow(t!, 'ULIS')).slackTz).toBe('Europe/Berlin'));
    await t.tick();
    expect(digestsTo(t, 'ULIS')).toHaveLength(1);
    await tickFor(t, 26 * HOUR);
    const sent = (await digestRows(t, 'ULIS')).filter((r) => r.status === 'sent');
    expect(sent.map((r) => r.localDate)).toEqual(['2026-11-25', '2026-11-26']);
    expect(localParts('Europe/Berlin', new Date(sent[1]!.sentAt!))).toMatchObject({ hour: 9, minute: 0 });
  });
});

describe('3. the settings preview is what the scheduler then does', () => {
  it('after today’s digest, a later start previews (and sends) tomorrow’s, not a second today', async () => {
    t = await appWith('2026-11-24T20:00:00Z', { ULIS: 'Europe/Lisbon', UNYC: 'America/New_York' });
    await handoff(t, 'UNYC', '<@ULIS> please approve the budget');
    t.clock.set('2026-11-25T09:00:00Z');
    await t.tick();
    expect(digestsTo(t, 'ULIS')).toHaveLength(1);
    t.clock.set('2026-11-25T10:00:00Z');
    const later = await saveSettings(t, 'ULIS', { start: '11:00' });
    expect(later).toContain('• Thu 26 Nov, 11:00 Lisbon time');
    expect(later).not.toContain('Wed 25 Nov');
    expect(new Date((await userRow(t, 'ULIS')).nextDigestAt!).toISOString()).toBe('2026-11-26T11:00:00.000Z');
    // Moving west the same morning: New York's Wednesday is that same workday. Thursday 26 Nov is
    // Thanksgiving, a public holiday there (her zone's, by default): the preview says Friday.
    const west = await saveSettings(t, 'ULIS', { tz: 'America/New_York', start: '09:00' });
    expect(west).toContain('• Fri 27 Nov, 09:00 New York time (EST)');
    expect(west).not.toContain('Wed 25 Nov');
    await tickFor(t, 54 * HOUR);
    const sent = (await digestRows(t, 'ULIS')).filter((r) => r.status === 'sent');
    expect(sent.map((r) => [r.localDate, new Date(r.sentAt!).toISOString()])).toEqual([
      ['2026-11-25', '2026-11-25T09:00:00.000Z'],
      ['2026-11-27', '2026-11-27T14:00:00.000Z'],
    ]);
  });
});

describe('4. travelling west after the day’s digest never skips the new local day', () => {
  it('Tokyo Friday digest, then Los Angeles: an ask sent Thursday evening (PST) arrives Friday 09:00 in LA', async () => {
    t = await appWith('2026-11-26T12:00:00Z', { UTOK: 'Asia/Tokyo', UNYC: 'America/New_York' });
    await handoff(t, 'UNYC', '<@UTOK> first ask');
    t.clock.set('2026-11-27T00:00:00Z'); // Fri 09:00 Tokyo = Thu 16:00 LA
    await t.tick();
    expect(digestsTo(t, 'UTOK')).toHaveLength(1);
    t.clock.set('2026-11-27T01:00:00Z');
    t.fake.getUser('UTOK')!.tz = 'America/Los_Angeles';
    await t.slack.event({ type: 'user_change', user: { id: 'UTOK', name: 'tok', tz: 'America/Los_Angeles', team_id: 'T0001' } });
    await eventually(async () => expect((await userRow(t!, 'UTOK')).slackTz).toBe('America/Los_Angeles'));
    t.clock.set('2026-11-27T04:00:00Z'); // Thu 20:00 LA
    await handoff(t, 'UNYC', '<@UTOK> the ask sent after the Tokyo digest');
    await tickFor(t, 14 * HOUR); // to Fri 10:00 LA
    const digests = digestsTo(t, 'UTOK');
    expect(digests).toHaveLength(2);
    expect(textOf(digests[1]!)).toContain('the ask sent after the Tokyo digest');
    expect(localParts('America/Los_Angeles', await sentAtOf(t, digests[1]!))).toMatchObject({ date: '2026-11-27', hour: 9, minute: 0 });
  });
});

describe('2b. a wave is planned before its slot; a change after planning decides again', () => {
  /** A Lisbon person with an ask waiting: the 08:59 tick plans their 09:00 digest; then it is 08:59:50. */
  async function plannedBeforeNine(): Promise<TestApp> {
    const app = await appWith('2026-11-24T20:00:00Z', { ULIS: 'Europe/Lisbon', UNYC: 'America/New_York' });
    await handoff(app, 'UNYC', '<@ULIS> please approve the budget');
    app.clock.set('2026-11-25T08:59:00Z');
    await app.tick();
    // Planned, but nothing visible: not due before 09:00, no Slack call.
    expect((await digestRows(app, 'ULIS')).map((r) => [r.localDate, r.status])).toEqual([['2026-11-25', 'pending']]);
    expect((await digestRows(app, 'ULIS'))[0]!.nextAttemptAt).toBeGreaterThanOrEqual(Date.parse('2026-11-25T09:00:00Z'));
    expect(dmsTo(app, 'ULIS')).toHaveLength(0);
    app.clock.set('2026-11-25T08:59:50Z');
    return app;
  }

  /** The digests sent, as [local date, local time] in `tz`. */
  const sentDigests = async (app: TestApp, userId: string, tz: string) =>
    (await digestRows(app, userId))
      .filter((r) => r.status === 'sent')
      .map((r) => {
        const p = localParts(tz, new Date(r.sentAt!));
        return [r.localDate, `${p.date} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`];
      });

  it('unchanged: the planned digest goes at 09:00, in the slot’s first second', async () => {
    t = await plannedBeforeNine();
    t.clock.set('2026-11-25T09:00:00.999Z');
    await t.tick();
    expect(digestsTo(t, 'ULIS')).toHaveLength(1);
    expect(textOf(digestsTo(t, 'ULIS')[0]!)).toContain('please approve the budget');
    expect(await sentDigests(t, 'ULIS', 'Europe/Lisbon')).toEqual([['2026-11-25', '2026-11-25 09:00']]);
  });

  it('(a) at 08:59:50 the start moves to 10:00: nothing at 09:00, the digest at 10:00, once', async () => {
    t = await plannedBeforeNine();
    const preview = await saveSettings(t, 'ULIS', { start: '10:00' });
    expect(preview).toContain('• Wed 25 Nov, 10:00 Lisbon time');
    t.clock.set('2026-11-25T09:00:00.999Z');
    await t.tick();
    expect(dmsTo(t, 'ULIS')).toHaveLength(0);
    await tickFor(t, HOUR); // 09:30, 10:00
    expect(digestsTo(t, 'ULIS')).toHaveLength(1);
    expect(textOf(digestsTo(t, 'ULIS')[0]!)).toContain('please approve the budget');
    await tickFor(t, 24 * HOUR);
    expect(await sentDigests(t, 'ULIS', 'Europe/Lisbon')).toEqual([
      ['2026-11-25', '2026-11-25 10:00'],
      ['2026-11-26', '2026-11-26 10:00'],
    ]);
  });

  it('(b) at 08:59:50 the digest is turned off: what waited for them still arrives at 09:00, once', async () => {
    t = await plannedBeforeNine();
    expect(await saveSettings(t, 'ULIS', { digest: false })).toContain('Morning digest is off');
    t.clock.set('2026-11-25T09:00:00.999Z');
    await t.tick();
    expect(dmsTo(t, 'ULIS')).toHaveLength(1);
    expect(textOf(dmsTo(t, 'ULIS')[0]!)).toContain('please approve the budget');
    expect(await sentDigests(t, 'ULIS', 'Europe/Lisbon')).toEqual([['2026-11-25', '2026-11-25 09:00']]);
    // Told once: the digest is off, so the next morning has nothing new to say.
    await tickFor(t, 26 * HOUR);
    expect(dmsTo(t, 'ULIS')).toHaveLength(1);
  });

  it('(c) at 08:59:50 the Slack zone becomes New York: nothing at 09:00 Lisbon, the digest at 09:00 New York, once', async () => {
    t = await plannedBeforeNine();
    t.fake.getUser('ULIS')!.tz = 'America/New_York';
    await t.slack.event({ type: 'user_change', user: { id: 'ULIS', name: 'lis', tz: 'America/New_York', team_id: 'T0001' } });
    await eventually(async () => expect((await userRow(t!, 'ULIS')).slackTz).toBe('America/New_York'));
    t.clock.set('2026-11-25T09:00:00.999Z');
    await t.tick();
    expect(dmsTo(t, 'ULIS')).toHaveLength(0);
    await tickFor(t, 5 * HOUR); // to 14:00:00.999 UTC = 09:00 New York
    expect(digestsTo(t, 'ULIS')).toHaveLength(1);
    expect(textOf(digestsTo(t, 'ULIS')[0]!)).toContain('please approve the budget');
    expect(await sentDigests(t, 'ULIS', 'America/New_York')).toEqual([['2026-11-25', '2026-11-25 09:00']]);
  });
});

describe('5. a decline is never announced as "you’re unblocked"', () => {
  it('live DM: "@x can’t do #n — reassign, rewrite or cancel?" with those buttons; reassigning reopens it and its answer is news again', async () => {
    // 15:00 UTC: New York 10:00 and Lisbon 15:00, both working.
    t = await appWith('2026-11-25T15:00:00Z', { UNYC: 'America/New_York', ULIS: 'Europe/Lisbon', UBER: 'Europe/Berlin' });
    const h = await handoff(t, 'UNYC', '<@ULIS> please sign off the Q3 numbers');
    await resolve(t, 'ULIS', h.id, 'decline', 'no budget left this quarter');
    await eventually(() => expect(dmsTo(t!, 'UNYC')).toHaveLength(1));
    const dm = dmsTo(t, 'UNYC')[0]!;
    expect(dm.text).not.toMatch(/unblocked/i);
    const blocks = JSON.stringify(dm.blocks);
    expect(blocks).toContain(`<@ULIS> can’t do #${h.number} — reassign, rewrite or cancel?`);
    expect(blocks).not.toMatch(/unblocked/i);
    expect(blocks).toContain('no budget left this quarter');
    for (const id of [ActionIds.reassign, ActionIds.rewrite, ActionIds.cancel]) expect(blocks).toContain(`"action_id":"${id}"`);

    // Reassign, as the author, from that DM.
    await t.slack.interaction(t.slack.blockAction({ userId: 'UNYC', actionId: ActionIds.reassign, value: String(h.id), channelId: dm.channel, messageTs: dm.ts }));
    const open = await t.fake.waitFor('views.open', (c) => JSON.stringify(c.args.view).includes(CallbackIds.reassignModal));
    expect(open.response).toMatchObject({ ok: true });
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: 'UNYC',
        callbackId: CallbackIds.reassignModal,
        privateMetadata: JSON.stringify({ handoffId: h.id }),
        values: { [ReassignModalFields.to.block]: { [ReassignModalFields.to.action]: { type: 'users_select', selected_user: 'UBER' } } },
      }),
    );
    await eventually(async () => expect((await handoffRow(t!, h.id)).state).toBe('open'));
    expect((await handoffRow(t, h.id)).recipients.filter((r) => r.active).map((r) => r.userId)).toEqual(['UBER']);
    await resolve(t, 'UBER', h.id, 'complete', 'signed');
    const unblocked = `You’re unblocked: <@UBER> marked #${h.number} done.`;
    await eventually(() => expect(dmsTo(t!, 'UNYC').filter((m) => JSON.stringify(m.blocks ?? []).includes(unblocked))).toHaveLength(1));
  });

  it('digest: its own section and notification text; App Home shows it with the same choices', async () => {
    t = await appWith('2026-11-25T12:00:00Z', { UNYC: 'America/New_York', ULIS: 'Europe/Lisbon' }); // New York 07:00: off
    const h = await handoff(t, 'UNYC', '<@ULIS> please sign off the Q3 numbers');
    await resolve(t, 'ULIS', h.id, 'decline', 'no budget left this quarter');
    // Thursday 26 Nov is Thanksgiving in New York: no digest; Friday's has the news.
    t.clock.set('2026-11-26T14:00:00Z');
    await t.tick();
    expect(digestsTo(t, 'UNYC')).toHaveLength(0);
    t.clock.set('2026-11-27T14:00:00Z');
    await t.tick();
    const digest = digestsTo(t, 'UNYC')[0]!;
    expect(digest.text).toBe('Good morning: 1 declined.');
    const blocks = JSON.stringify(digest.blocks);
    expect(blocks).toContain('Declined — reassign, rewrite or cancel?');
    expect(blocks).toContain(`<@ULIS> can’t do it`);
    expect(blocks).not.toMatch(/unblocked/i);
    expect(blocks).toContain(`"block_id":"${CardBlockIds.actions(h.id)}"`);
    await t.slack.event({ type: 'app_home_opened', user: 'UNYC', channel: 'DNYC', tab: 'home', event_ts: '1.0' });
    const home = JSON.stringify((await t.fake.waitFor('views.publish', (c) => c.args.user_id === 'UNYC')).args.view);
    expect(home).toContain('Recently resolved for you');
    expect(home).not.toMatch(/unblocked/i);
    expect(home).toContain(`"action_id":"${ActionIds.rewrite}"`);
  });
});

describe('6. your own actions are never reported back to you', () => {
  it('a note to self you completed does not come back next morning as "you’re unblocked"', async () => {
    t = await appWith('2026-11-25T15:00:00Z', { ULIS: 'Europe/Lisbon' });
    const h = await handoff(t, 'ULIS', '<@ULIS> renew the domain before Friday');
    expect(h.reply).toContain('Note to self: it waits for your morning digest, Thu 09:00 Lisbon time');
    expect(h.reply).not.toMatch(/their/);
    await command(t, 'ULIS', `done ${h.number}`);
    await tickFor(t, 24 * HOUR);
    expect(dmsTo(t, 'ULIS').map(textOf).join('\n')).not.toMatch(/unblocked/i);
    expect(digestsTo(t, 'ULIS')).toHaveLength(0);
  });
});

describe('7. the digest footer says who is at work, truthfully', () => {
  it('when someone you wait on is working now, it says so instead of whose day starts next', async () => {
    // Thu 26 Nov 00:00 UTC: Tokyo 09:00 (digest), Auckland 13:00 (working), Kolkata 05:30 (not yet).
    t = await appWith('2026-11-25T20:00:00Z', { UTOK: 'Asia/Tokyo', UAKL: 'Pacific/Auckland', UKOL: 'Asia/Kolkata' });
    await handoff(t, 'UTOK', '<@UKOL> <@UAKL> the release notes');
    await handoff(t, 'UKOL', '<@UTOK> a question for you'); // so Tokyo's digest has something to say
    t.clock.set('2026-11-26T00:00:00Z');
    await t.tick();
    const digest = textOf(digestsTo(t, 'UTOK')[0]!);
    expect(digest).toContain('<@UAKL> is working now.');
    expect(digest).not.toContain('day starts next');
  });
});

describe('8. away is said wherever availability is shown', () => {
  it('confirmation, form clocks and lists say "away until Mon 30 Nov", not "starts in 4 d"', async () => {
    t = await appWith('2026-11-25T14:00:00Z', { UPAR: 'Europe/Paris', UNYC: 'America/New_York' }); // Paris 15:00
    await saveSettings(t, 'UPAR', { away: '2026-11-30' });
    const h = await handoff(t, 'UNYC', '<@UPAR> please check the French copy');
    expect(h.reply).toContain('<@UPAR> — 15:00 in Paris, away until Mon 30 Nov: it waits for their return, Mon 09:00 Paris time (in 4 d 18 h).');
    const list = JSON.stringify(await t.reply('UNYC', 'list'));
    expect(list).toContain('away until Mon 30 Nov');
    // The form's recipient clocks.
    await t.slack.command({ userId: 'UNYC', text: '' });
    const open = await t.fake.waitFor('views.open', (c) => JSON.stringify(c.args.view).includes(CallbackIds.handoffModal));
    const view = open.args.view as Record<string, unknown>;
    const viewId = (open.response as { view: { id: string; hash: string } }).view;
    const payload = t.slack.blockAction({
      userId: 'UNYC',
      actionId: ActionIds.recipientsSelect,
      actionType: 'multi_users_select',
      blockId: 'recipients',
      view: { ...view, id: viewId.id, hash: viewId.hash } as never,
    });
    (payload.actions as Record<string, unknown>[])[0]!.selected_users = ['UPAR'];
    await t.slack.interaction(payload);
    const update = await t.fake.waitFor('views.update', (c) => JSON.stringify(c.args.view).includes('Paris'));
    expect(JSON.stringify(update.args.view)).toContain('15:00 in Paris, away until Mon 30 Nov');
  });
});

describe('9. an inline ask without a mention asks who it is for', () => {
  it('`/handoff please send the numbers` → "Who is this for?" with an example, not help', async () => {
    t = await appWith('2026-11-25T12:00:00Z', { ULIS: 'Europe/Lisbon' });
    const reply = await command(t, 'ULIS', 'please send the numbers');
    expect(reply).toContain('Who is this for?');
    expect(reply).toContain('/handoff @ana please send the numbers');
    expect(reply).not.toMatch(/don’t know/);
  });
});

describe('10. night shifts: any start, DST gaps resolved and shown', () => {
  it('a 22:00 start is accepted and the digest arrives at 22:00 local', async () => {
    t = await appWith('2026-11-25T12:00:00Z', { ULIS: 'Europe/Lisbon', UNYC: 'America/New_York' });
    const saved = await saveSettings(t, 'ULIS', { start: '22:00', end: '06:00' });
    expect(saved).toContain('• Wed 25 Nov, 22:00 Lisbon time');
    await handoff(t, 'UNYC', '<@ULIS> overnight check of the batch job');
    await tickFor(t, 12 * HOUR);
    const digest = digestsTo(t, 'ULIS')[0]!;
    expect(localParts('Europe/Lisbon', await sentAtOf(t, digest))).toMatchObject({ date: '2026-11-25', hour: 22, minute: 0 });
  });

  it('a 02:30 start in New York shows the spring-forward gap in the preview, with the instant the scheduler uses', async () => {
    t = await appWith('2027-03-12T12:00:00Z', { UNYC: 'America/New_York' }); // Fri; clocks jump Sun 14 Mar
    const saved = await saveSettings(t, 'UNYC', { start: '02:30', end: '10:30', days: [0, 1, 2, 3, 4, 5, 6] });
    expect(saved).toContain('Sun 14 Mar, 03:30 New York time (EDT) (clocks change before this one; 02:30 doesn’t exist that day — clocks jump forward, so it comes at 03:30)');
  });
});

describe('wording', () => {
  it('an inline handoff says its sentence once, not as title and again as "Needs:"', async () => {
    t = await appWith('2026-11-25T12:00:00Z', { ULIS: 'Europe/Lisbon', UNYC: 'America/New_York' });
    await handoff(t, 'UNYC', '<@ULIS> please review the pricing page');
    const dm = await eventually(() => expect(dmsTo(t!, 'ULIS')).toHaveLength(1)).then(() => dmsTo(t!, 'ULIS')[0]!);
    const blocks = JSON.stringify(dm.blocks);
    expect(blocks.split('please review the pricing page').length - 1).toBe(1);
    expect(blocks).not.toContain('*Needs:*');
  });

  it('recipients are named in the order the author chose, with their cities, in digests as in DMs', async () => {
    t = await appWith('2026-11-25T20:00:00Z', { UZED: 'Asia/Tokyo', UAAA: 'Asia/Kolkata', UNYC: 'America/New_York' });
    await handoff(t, 'UNYC', '<@UZED> <@UAAA> the launch checklist');
    t.clock.set('2026-11-26T00:00:00Z');
    await t.tick();
    expect(textOf(digestsTo(t, 'UZED')[0]!)).toContain('to <@UZED> (Tokyo), <@UAAA> (Kolkata)');
  });

  it('"Snooze to next workday" confirms with a human date', async () => {
    t = await appWith('2026-11-26T20:00:00Z', { UTOK: 'Asia/Tokyo', UNYC: 'America/New_York' });
    const h = await handoff(t, 'UNYC', '<@UTOK> the vendor question');
    t.clock.set('2026-11-27T00:00:00Z'); // Friday 09:00 Tokyo
    await t.tick();
    expect(JSON.stringify(digestsTo(t, 'UTOK')[0]!.blocks)).toContain('Snooze to next workday');
    const responseUrl = t.fake.responseUrl();
    await t.slack.interaction({ ...t.slack.blockAction({ userId: 'UTOK', actionId: ActionIds.snooze, value: String(h.id) }), response_url: responseUrl });
    const call = await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl);
    expect(String(call.args.text)).toBe(`Snoozed #${h.number} until Mon 30 Nov, your next working day.`);
  });

  it('no double punctuation after a quoted title, and no raw mention syntax in echoed text', async () => {
    t = await appWith('2026-11-25T15:00:00Z', { ULIS: 'Europe/Lisbon', UNYC: 'America/New_York' });
    const h = await handoff(t, 'UNYC', '<@ULIS> Book the offsite.');
    const reply = await command(t, 'ULIS', `done ${h.number}`);
    expect(reply).toContain(`Marked #${h.number} “Book the offsite” done.`);
    expect(reply).not.toContain('.”.');
    const echo = await command(t, 'UNYC', '<@ULIS|lis> @nobody-here please help');
    expect(echo).toContain('> @lis @nobody-here please help');
    expect(echo).not.toContain('&lt;@');
  });

  it('a digest sent late says so and why', async () => {
    t = await appWith('2026-11-25T20:00:00Z', { UTOK: 'Asia/Tokyo', UNYC: 'America/New_York' });
    await handoff(t, 'UNYC', '<@UTOK> the late one');
    await t.handoff.stop();
    t.clock.set('2026-11-26T03:59:00Z'); // 12:59 Tokyo: Handoff was down at 09:00
    await t.restart();
    await t.tick();
    const digest = digestsTo(t, 'UTOK')[0]!;
    expect(textOf(digest)).toContain('This comes late: Handoff was offline at 09:00 Tokyo time, when your day started.');
    expect(digest.text).toBe('Your handoffs (late today): 1 waiting on you.');
  });
});
