/** /handoff end to end: create (modal, inline), list, lifecycle, permissions, quiet hours, text safety, limits. */
import { modalValues } from '../harness/handoffForm';
import { startTestApp, eventually, type TestApp } from '../harness/testApp';
import { validateSurface } from '../harness/blockKit';
import { ActionIds, CallbackIds, HandoffModalFields as F, ResolveModalFields, ReassignModalFields } from '../../src/ids';
import { countRows } from '../harness/testDb';
import type { RecordedCall } from '../harness/fakeSlack';

// Wednesday 2026-11-25 12:00 UTC: Lisbon 12:00 (working), Kolkata 17:30 (just off), Tokyo 21:00 (off), New York 07:00 (not yet).
const NOW = '2026-11-25T12:00:00Z';

let t: TestApp;
let seq = 0;

beforeEach(async () => {
  t = await startTestApp({ now: NOW });
  t.fake.addUser({ id: 'U0AUTH', name: 'alex', tz: 'America/New_York' });
  t.fake.addUser({ id: 'U0ANA', name: 'ana', tz: 'Europe/Lisbon' });
  t.fake.addUser({ id: 'U0RAJ', name: 'raj', tz: 'Asia/Kolkata' });
  t.fake.addUser({ id: 'U0KEN', name: 'ken', tz: 'Asia/Tokyo' });
  t.fake.addUser({ id: 'U0EVE', name: 'eve', tz: 'Europe/Berlin' });
  t.fake.addUser({ id: 'U0BOTTY', name: 'deploybot', is_bot: true });
  t.fake.addUser({ id: 'U0GONE', name: 'gone', deleted: true });
  t.fake.addChannel({ id: 'C0PROJ', name: 'proj', members: ['U0AUTH', 'U0ANA', 'U0RAJ'] });
  t.fake.addChannel({ id: 'C0NOBOT', name: 'secret-ish', members: ['U0AUTH'], botIsMember: false });
});
afterEach(async () => t.close());

const store = () => t.handoff.store;
const responses = () => t.fake.callsTo('response_url');
const lastResponseText = async (n = 1): Promise<string> => {
  await eventually(() => expect(responses().length).toBeGreaterThanOrEqual(n));
  return String(responses().at(-1)!.args.text ?? '');
};
const dmsTo = (userId: string): RecordedCall[] => t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === userId && (c.response as { ok: boolean }).ok);

/** Sends a command and returns the text posted to *its* response_url. */
async function inline(userId: string, text: string): Promise<string> {
  const responseUrl = t.fake.responseUrl();
  const res = await t.slack.command({ userId, text, responseUrl });
  expect(res.status).toBe(200);
  const call = await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl);
  return String(call.args.text ?? '');
}

function numberFrom(text: string): number {
  const m = /#(\d+)/.exec(text);
  if (!m) throw new Error(`no handoff number in: ${text}`);
  return Number(m[1]);
}

async function handoffByNumber(n: number) {
  const id = await store().findHandoffIdByNumber('T0001', n);
  return id === undefined ? undefined : store().loadHandoff('T0001', id);
}

async function click(userId: string, actionId: string, handoffId: number, extra: Record<string, unknown> = {}) {
  return t.slack.interaction(t.slack.blockAction({ userId, actionId, value: String(handoffId), messageTs: `1700000${++seq}.000100`, ...extra }));
}

async function submitNote(userId: string, handoffId: number, action: 'complete' | 'decline' | 'cancel', note: string) {
  return t.slack.interaction(
    t.slack.viewSubmission({
      userId,
      callbackId: CallbackIds.resolveModal,
      privateMetadata: JSON.stringify({ handoffId, action }),
      values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: note } },
    }),
  );
}

describe('creating handoffs', () => {
  it('modal: /handoff opens the form, submitting creates one handoff even when submitted twice', async () => {
    await t.slack.command({ userId: 'U0AUTH', text: '' });
    const opened = await t.fake.waitFor('views.open');
    const view = opened.args.view as { private_metadata: string; callback_id: string };
    expect(view.callback_id).toBe(CallbackIds.handoffModal);
    const submission = t.slack.viewSubmission({
      userId: 'U0AUTH',
      callbackId: CallbackIds.handoffModal,
      privateMetadata: view.private_metadata,
      values: modalValues({ recipients: ['U0ANA'], ask: 'Approve the launch copy. It is in the doc.', context: 'Copy is final except the headline' }),
    });
    const first = await t.slack.interaction(submission);
    const second = await t.slack.interaction(submission);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    await eventually(() => expect(dmsTo('U0AUTH').length).toBe(2));
    expect(await countRows(t, 'handoffs')).toBe(1);
    const h = (await handoffByNumber(1))!;
    expect(h.title).toBe('Approve the launch copy.');
    expect(h.context).toBe('Copy is final except the headline');
    // Ana is working (12:00 in Lisbon): she is told now, exactly once.
    expect(dmsTo('U0ANA')).toHaveLength(1);
    expect(String(dmsTo('U0AUTH')[1]!.args.text)).toContain('already created');
  });

  it('modal: validation errors come back into the modal and nothing is created', async () => {
    const res = await t.slack.interaction(
      t.slack.viewSubmission({
        userId: 'U0AUTH',
        callbackId: CallbackIds.handoffModal,
        privateMetadata: JSON.stringify({ key: 'k1' }),
        values: modalValues({ recipients: ['U0BOTTY'], ask: '' }),
      }),
    );
    expect(res.json).toMatchObject({ response_action: 'errors' });
    const errors = (res.json as { errors: Record<string, string> }).errors;
    expect(errors[F.recipients.block]).toMatch(/app, not a person/);
    expect(errors[F.ask.block]).toMatch(/what you need/i);
    expect(await handoffByNumber(1)).toBeUndefined();
  });

  it('inline: creates without a modal, DMs a working recipient now and leaves an off-hours one for the digest', async () => {
    const reply = await inline('U0AUTH', '<@U0ANA|ana> <@U0RAJ|raj> Please review the pricing page. Then ping legal.');
    expect(reply).toMatch(/Handoff #1 created/);
    expect(reply).toContain('Please review the pricing page.');
    // One clause each: where they are, then what happens — nothing said twice.
    expect(reply).toContain('<@U0ANA> — 12:00 in Lisbon, working now: sent to them now.');
    expect(reply).toContain('<@U0RAJ> — 17:30 in Kolkata: it waits for their morning digest, Thu 09:00 Kolkata time (in 15 h 30 m).');
    await eventually(() => expect(dmsTo('U0ANA')).toHaveLength(1));
    expect(dmsTo('U0RAJ')).toHaveLength(0);
    // People see where the others are: the DM names each person's city.
    expect(JSON.stringify(dmsTo('U0ANA')[0]!.args.blocks)).toMatch(/<@U0AUTH> \(New York\) to <@U0ANA> \(Lisbon\), <@U0RAJ> \(Kolkata\)/);
    const h = (await handoffByNumber(1))!;
    expect(h.title).toBe('Please review the pricing page.');
    expect(h.recipients.map((r) => r.userId).sort()).toEqual(['U0ANA', 'U0RAJ']);
  });

  it('inline: the same command sent twice in a row creates one handoff', async () => {
    const first = await inline('U0AUTH', '<@U0ANA> approve the budget');
    const again = await inline('U0AUTH', '<@U0ANA> approve the budget');
    expect(first).toMatch(/Handoff #1 created/);
    expect(again).toMatch(/a moment ago as #1, so I didn’t create it twice/);
    // Later, the same words are a new ask.
    t.clock.advance(3 * 60_000);
    expect(await inline('U0AUTH', '<@U0ANA> approve the budget')).toMatch(/Handoff #2 created/);
  });

  it('urgent: DMs even outside working hours', async () => {
    await t.slack.command({ userId: 'U0AUTH', text: '' });
    const view = (await t.fake.waitFor('views.open')).args.view as { private_metadata: string };
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: 'U0AUTH',
        callbackId: CallbackIds.handoffModal,
        privateMetadata: view.private_metadata,
        values: modalValues({ recipients: ['U0KEN'], ask: 'Prod is down, need the deploy key', urgent: true }),
      }),
    );
    await eventually(() => expect(dmsTo('U0KEN')).toHaveLength(1));
    expect((await handoffByNumber(1))!.urgent).toBe(true);
  });

  it('inline: bad recipients get a clear message and nothing is created', async () => {
    expect(await inline('U0AUTH', '<@U0BOTTY> deploy it')).toMatch(/app, not a person/);
    expect(await inline('U0AUTH', '<@U0GONE> deploy it')).toMatch(/deactivated/);
    expect(await inline('U0AUTH', '<@U0NOBODY> deploy it')).toMatch(/can’t find <@U0NOBODY>/);
    expect(await inline('U0AUTH', '<@U0AUTH> <@U0ANA> deploy it')).toMatch(/included yourself/);
    expect(await inline('U0AUTH', '@someone-unknown deploy it')).toMatch(/couldn’t tell who @someone-unknown is/);
    expect(await handoffByNumber(1)).toBeUndefined();
  });

  it('inline: malformed commands are answered in the ack with guidance', async () => {
    const noAsk = await t.slack.command({ userId: 'U0AUTH', text: '<@U0ANA>' });
    expect(JSON.stringify(noAsk.json)).toMatch(/What do you need from them/);
    const channel = await t.slack.command({ userId: 'U0AUTH', text: '<!channel> everyone look' });
    expect(JSON.stringify(channel.json)).toMatch(/go to people, not to channel/);
    const doneUsage = await t.slack.command({ userId: 'U0AUTH', text: 'done please' });
    expect(JSON.stringify(doneUsage.json)).toMatch(/Usage/);
  });

  it('a note to self is allowed and waits for your own digest', async () => {
    const reply = await inline('U0AUTH', '<@U0AUTH> pick up the invoice thread tomorrow');
    expect(reply).toMatch(/Note to self/);
    expect(dmsTo('U0AUTH')).toHaveLength(0);
  });

  it('over-long text is refused with the text given back, never silently cut', async () => {
    const long = 'x'.repeat(3500);
    const reply = await inline('U0AUTH', `<@U0ANA> ${long}`);
    expect(reply).toMatch(/under 3000 characters/);
    expect(reply).toContain('xxxxxxxx');
    expect(await handoffByNumber(1)).toBeUndefined();
  });
});

describe('text safety', () => {
  it('neutralises <!channel>, fake mentions and spoofed links in what the bot shows', async () => {
    await inline('U0AUTH', '<@U0ANA> hi &lt;!channel&gt; see &lt;http://evil.example|the doc&gt; &lt;@U0EVE&gt;');
    const dm = (await eventually(() => expect(dmsTo('U0ANA')).toHaveLength(1)), dmsTo('U0ANA')[0]!);
    const shown = JSON.stringify(dm.args.blocks);
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<http://evil.example|');
    expect(shown).not.toContain('<@U0EVE>');
    expect(shown).toContain('&lt;!channel&gt;');
    expect(shown).toContain('@U0EVE');
  });

  it('raw <!channel> typed into the modal is escaped too', async () => {
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: 'U0AUTH',
        callbackId: CallbackIds.handoffModal,
        privateMetadata: JSON.stringify({ key: 'x' }),
        values: modalValues({ recipients: ['U0ANA'], ask: 'Ping <!channel> and <!here> via <https://evil.example|docs>' }),
      }),
    );
    await eventually(() => expect(dmsTo('U0ANA')).toHaveLength(1));
    const shown = JSON.stringify(dmsTo('U0ANA')[0]!.args.blocks);
    expect(shown).not.toMatch(/<!channel>|<!here>|<https:\/\/evil/);
  });
});

describe('lifecycle', () => {
  let n: number;
  let id: number;
  beforeEach(async () => {
    n = numberFrom(await inline('U0AUTH', '<@U0ANA> <@U0RAJ> send the Q3 numbers'));
    id = (await handoffByNumber(n))!.id;
  });

  it('list shows it to both sides with age', async () => {
    t.clock.advance(2 * 3600_000);
    const mine = JSON.stringify(await t.reply('U0ANA', 'list'));
    expect(mine).toContain('Waiting on you');
    expect(mine).toContain('send the Q3 numbers');
    expect(mine).toContain('2 h');
    const theirs = JSON.stringify(await t.reply('U0AUTH', 'list'));
    expect(theirs).toMatch(/You’re waiting on\* \(1\)/);
    // On demand, the list shows everyone's local time now (14:00 UTC).
    expect(theirs).toContain('<@U0RAJ> (19:30 in Kolkata)');
  });

  it('records with each change who was left to their working hours (the async-health report’s night pings avoided)', async () => {
    // Created at 12:00 UTC: 12:00 in Lisbon (working), 17:30 in Kolkata (not): Raj's DM waits.
    const [created] = await store().listEvents(id);
    expect(JSON.parse(created!.detail!)).toEqual({ recipients: ['U0ANA', 'U0RAJ'], urgent: false, held: ['U0RAJ'] });
    // Done at 12:00 UTC = 07:00 in New York: the author hears it at the start of their day.
    await inline('U0ANA', `done ${n} numbers are in`);
    await eventually(async () => expect((await handoffByNumber(n))!.state).toBe('done'));
    const done = (await store().listEvents(id)).find((e) => e.kind === 'done')!;
    expect(JSON.parse(done.detail!)).toEqual({ held: ['U0AUTH'] });
  });

  it('acknowledge, then done with a note via /handoff done; the working author is told now', async () => {
    await click('U0ANA', ActionIds.acknowledge, id);
    await eventually(async () => expect((await handoffByNumber(n))!.state).toBe('acknowledged'));
    // 14:00 UTC = 09:00 in New York: the author is working.
    t.clock.set('2026-11-25T14:00:00Z');
    const reply = await inline('U0ANA', `done ${n} numbers are in the sheet`);
    expect(reply).toMatch(/Marked #\d+ “send the Q3 numbers” done\. <@U0AUTH> is working/);
    const h = (await handoffByNumber(n))!;
    expect(h.state).toBe('done');
    expect(h.resolutionNote).toBe('numbers are in the sheet');
    await eventually(() => expect(dmsTo('U0AUTH')).toHaveLength(1));
    expect(JSON.stringify(dmsTo('U0AUTH')[0]!.args.blocks)).toContain('numbers are in the sheet');
    expect((await store().listEvents(id)).map((e) => e.kind)).toEqual(['created', 'acknowledged', 'done']);
  });

  it('done while the author is offline waits for their digest (no DM now)', async () => {
    const reply = await inline('U0ANA', `done ${n}`);
    expect(reply).toMatch(/offline .*morning digest/);
    await t.handoff.dispatcher.idle();
    expect(dmsTo('U0AUTH')).toHaveLength(0);
    expect((await handoffByNumber(n))!.authorNotifiedAt).toBeNull();
  });

  it('Mark done button opens the note modal; double submit is harmless', async () => {
    await click('U0ANA', ActionIds.complete, id);
    const opened = await t.fake.waitFor('views.open');
    expect(JSON.stringify(opened.args.view)).toContain(CallbackIds.resolveModal);
    await submitNote('U0ANA', id, 'complete', 'shipped');
    await submitNote('U0ANA', id, 'complete', 'shipped');
    expect((await store().listEvents(id)).filter((e) => e.kind === 'done')).toHaveLength(1);
  });

  it('decline by one of two recipients keeps it open for the other; the last decline closes it', async () => {
    const empty = await submitNote('U0ANA', id, 'decline', '');
    expect(empty.json).toMatchObject({ response_action: 'errors' });
    await submitNote('U0ANA', id, 'decline', 'not my area');
    let h = (await handoffByNumber(n))!;
    expect(h.state).toBe('open');
    expect(h.recipients.find((r) => r.userId === 'U0ANA')!.active).toBe(false);
    await submitNote('U0RAJ', id, 'decline', 'ask finance');
    h = (await handoffByNumber(n))!;
    expect(h.state).toBe('declined');
    expect(h.resolutionNote).toBe('ask finance');
  });

  it('reassign passes it to someone else', async () => {
    await click('U0RAJ', ActionIds.reassign, id);
    await t.fake.waitFor('views.open', (c) => JSON.stringify(c.args.view).includes(CallbackIds.reassignModal));
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: 'U0RAJ',
        callbackId: CallbackIds.reassignModal,
        privateMetadata: JSON.stringify({ handoffId: id }),
        values: {
          [ReassignModalFields.to.block]: { [ReassignModalFields.to.action]: { type: 'users_select', selected_user: 'U0EVE' } },
          [ReassignModalFields.note.block]: { [ReassignModalFields.note.action]: '' },
        },
      }),
    );
    const h = (await handoffByNumber(n))!;
    expect(
      h.recipients
        .filter((r) => r.active)
        .map((r) => r.userId)
        .sort(),
    ).toEqual(['U0ANA', 'U0EVE']);
    expect((await store().listEvents(id)).at(-1)!.kind).toBe('reassigned');
  });

  it('only the author can cancel; the author can', async () => {
    await click('U0ANA', ActionIds.cancel, id);
    await eventually(async () => expect(await lastResponseText()).toMatch(/Only the person who wrote this handoff can cancel it/));
    await submitNote('U0AUTH', id, 'cancel', 'not needed');
    expect((await handoffByNumber(n))!.state).toBe('cancelled');
  });

  it('a crafted action from a non-participant is refused and changes nothing', async () => {
    const before = (await store().listEvents(id)).length;
    await click('U0EVE', ActionIds.acknowledge, id);
    await eventually(async () => expect(await lastResponseText()).toMatch(/Only the people on this handoff/));
    const res = await submitNote('U0EVE', id, 'complete', 'hijacked');
    expect(res.json).toMatchObject({ response_action: 'errors' });
    await inline('U0EVE', `done ${n} hijacked`);
    expect((await handoffByNumber(n))!.state).toBe('open');
    expect(await store().listEvents(id)).toHaveLength(before);
  });

  it('clicking in a DM refreshes that message in place', async () => {
    const dm = (await eventually(() => expect(dmsTo('U0ANA')).toHaveLength(1)), dmsTo('U0ANA')[0]!);
    const ts = (dm.response as { ts: string }).ts;
    const channel = (dm.response as { channel: string }).channel;
    await t.slack.interaction(
      t.slack.blockAction({
        userId: 'U0ANA',
        actionId: ActionIds.acknowledge,
        value: String(id),
        channelId: channel,
        messageTs: ts,
        message: { type: 'message', ts, blocks: dm.args.blocks },
      }),
    );
    const update = await t.fake.waitFor('chat.update', (c) => c.args.ts === ts);
    const after = JSON.stringify(update.args.blocks);
    expect(after).toContain('Acknowledged');
    // The status line is replaced, not duplicated, and the message keeps its size.
    expect(after).not.toContain('Open');
    expect((update.args.blocks as unknown[]).length).toBe((dm.args.blocks as unknown[]).length);
  });
});

describe('channel posts', () => {
  it('posts in the chosen channel and updates the post in place on each change', async () => {
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: 'U0AUTH',
        callbackId: CallbackIds.handoffModal,
        privateMetadata: JSON.stringify({ key: 'c1' }),
        values: modalValues({ recipients: ['U0ANA'], ask: 'Need the API key rotated', channel: 'C0PROJ' }),
      }),
    );
    const post = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'C0PROJ');
    // Plain names in the channel: nobody is pinged outside their hours.
    expect(JSON.stringify(post.args.blocks)).not.toContain('<@U0ANA>');
    const h = (await handoffByNumber(1))!;
    expect(h.channelTs).toBe((post.response as { ts: string }).ts);
    await inline('U0ANA', 'done 1 rotated');
    const update = await t.fake.waitFor('chat.update', (c) => c.args.channel === 'C0PROJ');
    expect(JSON.stringify(update.args.blocks)).toContain('Done');
  });

  it('a form submitted from the channel card updates that card by the handoff’s stored channel_ts, reading no history', async () => {
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: 'U0AUTH',
        callbackId: CallbackIds.handoffModal,
        privateMetadata: JSON.stringify({ key: 'c3' }),
        values: modalValues({ recipients: ['U0ANA'], ask: 'Need the API key rotated', channel: 'C0PROJ' }),
      }),
    );
    const post = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'C0PROJ');
    const cardTs = (post.response as { ts: string }).ts;
    const h = (await handoffByNumber(1))!;
    await eventually(async () => expect((await handoffByNumber(1))!.channelTs).toBe(cardTs));
    // "Mark done" clicked on the channel card opens the note form, which carries the card's place.
    const res = await t.slack.interaction(
      t.slack.viewSubmission({
        userId: 'U0ANA',
        callbackId: CallbackIds.resolveModal,
        privateMetadata: JSON.stringify({ handoffId: h.id, action: 'complete', channelId: 'C0PROJ', messageTs: cardTs }),
        values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: 'rotated' } },
      }),
    );
    expect(res.status).toBe(200);
    const update = await t.fake.waitFor('chat.update', (c) => c.args.channel === 'C0PROJ');
    expect(update.args.ts).toBe(cardTs);
    expect(JSON.stringify(update.args.blocks)).toContain('Done');
    expect(await t.handoff.inFlight.drain(10_000)).toBe(true);
    expect(t.fake.callsTo('conversations.history')).toHaveLength(0);
  });

  it('tells the author in plain words when it cannot post, and keeps the handoff', async () => {
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: 'U0AUTH',
        callbackId: CallbackIds.handoffModal,
        privateMetadata: JSON.stringify({ key: 'c2' }),
        values: modalValues({ recipients: ['U0ANA'], ask: 'Need eyes on this', channel: 'C0NOBOT' }),
      }),
    );
    await eventually(() => expect(dmsTo('U0AUTH').length).toBeGreaterThan(0));
    const text = String(dmsTo('U0AUTH')[0]!.args.text);
    expect(text).toMatch(/Not posted in <#C0NOBOT>: I can’t see <#C0NOBOT>|I’m not a member of <#C0NOBOT>/);
    expect((await handoffByNumber(1))!.state).toBe('open');
  });
});

describe('limits with 200 open handoffs', () => {
  it('App Home and /handoff list stay within Block Kit limits and summarise the rest', async () => {
    // The same service the command and the modal use; 200 through HTTP would only slow the test.
    for (let i = 0; i < 200; i++) {
      await t.handoff.deps.handoffs.create(
        'T0001',
        {
          authorId: 'U0AUTH',
          recipientIds: ['U0ANA'],
          title: `Task ${i} <!channel>`,
          context: 'c'.repeat(500),
          ask: 'a'.repeat(2900),
          links: '',
          ifOffline: '',
          neededByAt: null,
          channelId: null,
          urgent: false,
        },
        { idempotencyKey: `bulk-${i}` },
      );
    }
    await t.slack.event({ type: 'app_home_opened', user: 'U0ANA', channel: 'D0ANA', tab: 'home', event_ts: '1.0' });
    const publish = await t.fake.waitFor('views.publish', (c) => c.args.user_id === 'U0ANA');
    expect((publish.response as { ok: boolean }).ok).toBe(true);
    const view = publish.args.view as { blocks: unknown[] };
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(view)).toMatch(/…and \d+ more/);

    const body = (await t.reply('U0ANA', 'list')) as { blocks: unknown[] };
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    expect(validateSurface('message', body)).toEqual([]);
    expect(JSON.stringify(body)).toMatch(/…and \d+ more/);
  }, 60000);
});
