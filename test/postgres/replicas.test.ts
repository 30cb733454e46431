/**
 * Two replicas of the app (A and B) on one PostgreSQL database and one fake Slack, each behind its
 * own real receiver (issue 14): what reaches A is honoured by B (a profile change, a settings save,
 * an uninstall), and the same request delivered to both at once acts once (an Events API retry, a
 * modal submitted twice, a button clicked twice). Nothing here waits on a fixed delay: each step
 * waits until both replicas have answered, or for what the other replica must then see.
 *
 * November 2026: Lisbon UTC+0, New York −5, Los Angeles −8, Tokyo +9.
 */
import { randomUUID } from 'node:crypto';
import { startTestApp, eventually, TEAM, type TestApp } from '../harness/testApp';
import { recordDeflectionOutcomes } from '../harness/deflectionOutcomes';
import { ActionIds, CallbackIds, HandoffModalFields as F, MetadataEventTypes, ResolveModalFields } from '../../src/ids';
import { localParts } from '../../src/time';
import { settingsValues, type SettingsInput } from '../e2e/coreLoop.support';
import { createTestDatabase, describeOnPostgres, type TestDatabase } from './support/databases';

const HOUR = 3600_000;
/** How long a step may take on a loaded machine before it counts as never happening. */
const PATIENCE_MS = 15_000;

describeOnPostgres()('two replicas on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  /** Both replicas' clocks (each app has its own), as one wall clock would be. */
  const at = (iso: string) => {
    a.clock.set(iso);
    b.clock.set(iso);
  };

  async function replicas(now: string, people: Record<string, string>, env: Record<string, string> = {}): Promise<void> {
    a = await startTestApp({ now, databaseUrl: database.url, env });
    b = await startTestApp({ now, databaseUrl: database.url, fake: a.fake, env });
    for (const [id, tz] of Object.entries(people)) a.fake.addUser({ id, name: id.slice(1).toLowerCase(), tz });
  }

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    // B first: A started the fake Slack and closes it.
    await b?.close();
    await a?.close();
    await database.drop();
  });

  /** `/handoff <text>` through `t`; the handoff's database id. */
  async function handoffVia(t: TestApp, from: string, text: string): Promise<{ id: number; number: number }> {
    const responseUrl = t.fake.responseUrl();
    await t.slack.command({ userId: from, text, responseUrl });
    const reply = String((await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl, PATIENCE_MS)).args.text ?? '');
    const m = /Handoff #(\d+) created/.exec(reply);
    if (!m) throw new Error(`not created: ${reply}`);
    const number = Number(m[1]);
    return { id: (await t.handoff.store.findHandoffIdByNumber(TEAM, number))!, number };
  }

  const digestsTo = (userId: string) => a.fake.messagesIn(userId).filter((m) => m.metadata?.event_type === MetadataEventTypes.digest);
  const textOf = (m: { text?: string; blocks?: unknown }) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;
  const chatCalls = (from: number) => a.fake.calls.slice(from).filter((c) => c.method.startsWith('chat.'));

  /** Runs B's scheduler (sweep and drain) at each step until `to`, A's clock kept alongside. */
  async function tickBUntil(to: string, step = 30 * 60_000): Promise<void> {
    const end = new Date(to).getTime();
    while (b.clock.now().getTime() < end) {
      at(new Date(Math.min(b.clock.now().getTime() + step, end)).toISOString());
      await b.tick();
    }
  }

  /** Counts the calls of `obj[method]` that have settled (a listener's work done), for conditions to wait on. */
  function settledCalls<K extends string>(obj: Record<K, (...args: never[]) => Promise<unknown>>, method: K): { count: () => number } {
    let n = 0;
    const original = obj[method].bind(obj);
    obj[method] = (async (...args: never[]) => {
      try {
        return await original(...args);
      } finally {
        n += 1;
      }
    }) as (typeof obj)[K];
    return { count: () => n };
  }

  it('a user_change received by A is honoured by B’s next digest plan and by the digest B builds', async () => {
    // Tue 24 Nov 14:00 UTC: 23:00 in Tokyo, 06:00 in Los Angeles, 09:00 in New York.
    await replicas('2026-11-24T14:00:00Z', { UKEN: 'Asia/Tokyo', UNYC: 'America/New_York' });
    const h = await handoffVia(a, 'UNYC', '<@UKEN> please review the Q3 deck');
    // Planned for Wednesday 09:00 in Tokyo (Ken is off now).
    expect((await b.handoff.store.getUser(TEAM, 'UKEN'))?.nextDigestAt).toBe(Date.parse('2026-11-25T00:00:00Z'));

    // Ken flies to Los Angeles: Slack tells replica A.
    a.fake.getUser('UKEN')!.tz = 'America/Los_Angeles';
    const remembered = settledCalls(a.handoff.deps.people as never, 'remember');
    const res = await a.slack.event({ type: 'user_change', user: { id: 'UKEN', name: 'ken', tz: 'America/Los_Angeles', team_id: TEAM } });
    expect(res.status).toBe(200);
    await eventually(() => expect(remembered.count()).toBe(1), PATIENCE_MS);

    // B reads the new plan: today 09:00 in Los Angeles (17:00 UTC), not tomorrow 09:00 Tokyo.
    const seen = (await b.handoff.store.getUser(TEAM, 'UKEN'))!;
    expect(seen.slackTz).toBe('America/Los_Angeles');
    expect(seen.nextDigestAt).toBe(Date.parse('2026-11-24T17:00:00Z'));

    // B's scheduler sends it then, dated in Los Angeles, and nothing at 09:00 Tokyo.
    await tickBUntil('2026-11-24T16:30:00Z');
    expect(digestsTo('UKEN')).toHaveLength(0);
    await tickBUntil('2026-11-24T17:00:00Z');
    const digests = digestsTo('UKEN');
    expect(digests).toHaveLength(1);
    expect(textOf(digests[0]!)).toContain('please review the Q3 deck');
    expect(textOf(digests[0]!)).toContain('Tuesday 24 November');
    await tickBUntil('2026-11-25T01:00:00Z'); // past Wednesday 09:00 in Tokyo
    expect(digestsTo('UKEN')).toHaveLength(1);
    expect((await b.handoff.store.loadHandoff(TEAM, h.id))?.state).toBe('open');
  });

  it('a settings save on A (a later start, Wednesday off) is honoured by B’s plan and digest', async () => {
    // Tue 24 Nov 20:00 UTC: Lisbon is off; Wednesday's 09:00 digest would carry the ask.
    await replicas('2026-11-24T20:00:00Z', { ULIS: 'Europe/Lisbon', UNYC: 'America/New_York' });
    await handoffVia(b, 'UNYC', '<@ULIS> please approve the budget');
    expect((await b.handoff.store.getUser(TEAM, 'ULIS'))?.nextDigestAt).toBe(Date.parse('2026-11-25T09:00:00Z'));

    // On A: the day starts at 10:30, and Wednesday is not a working day any more.
    const input: SettingsInput = { start: '10:30', end: '18:00', days: [1, 2, 4, 5] };
    const saved = await a.slack.interaction(a.slack.viewSubmission({ userId: 'ULIS', callbackId: CallbackIds.settingsModal, values: settingsValues(input) }));
    expect(saved.status).toBe(200);
    expect(JSON.stringify(saved.json)).toContain('10:30');

    const row = (await b.handoff.store.getUser(TEAM, 'ULIS'))!;
    expect(row.workdayStartMinute).toBe(10 * 60 + 30);
    expect(row.nextDigestAt).toBe(Date.parse('2026-11-26T10:30:00Z'));
    // B sends nothing on Wednesday, and Thursday's digest at 10:30.
    await tickBUntil('2026-11-26T10:00:00Z', HOUR);
    expect(digestsTo('ULIS')).toHaveLength(0);
    await tickBUntil('2026-11-26T10:30:00Z');
    expect(digestsTo('ULIS')).toHaveLength(1);
    expect(localParts('Europe/Lisbon', new Date((await b.handoff.store.getUser(TEAM, 'ULIS'))!.lastDigestAt!))).toMatchObject({ date: '2026-11-26', hour: 10, minute: 30 });
  });

  for (const event of [
    { type: 'app_uninstalled', event_ts: '1.0' },
    { type: 'tokens_revoked', tokens: { bot: ['UBOT'], oauth: [] }, event_ts: '1.0' },
  ]) {
    it(`${event.type} received by A stops B’s deliveries: no DM, no digest, nothing already queued`, async () => {
      // Wed 25 Nov 12:00 UTC: Ana (Lisbon) is working, Ken (Tokyo) is off until Thursday 09:00.
      await replicas('2026-11-25T12:00:00Z', { UANA: 'Europe/Lisbon', UKEN: 'Asia/Tokyo', UNYC: 'America/New_York' });
      // Ana is working and told at once; Ken's waits for his digest.
      await handoffVia(b, 'UNYC', '<@UKEN> <@UANA> waiting for the Tokyo digest');
      await b.tick();
      // Queued before the event, due at B's next tick (no drain can claim it before the clocks move).
      const queued = await b.handoff.store.enqueue(
        {
          teamId: TEAM,
          kind: 'dm',
          dedupeKey: 'queued-before',
          userId: 'UANA',
          payload: { reason: 'notice', text: 'queued before' },
          nextAttemptAt: new Date(b.clock.now().getTime() + 60_000),
        },
        b.clock.now(),
      );
      expect(queued).not.toBeNull();

      const res = await a.slack.event(event);
      expect(res.status).toBe(200);
      const paused = event.type === 'app_uninstalled' ? 'uninstalled' : 'tokens_revoked';
      await eventually(async () => expect((await b.handoff.store.getWorkspace(TEAM))?.status).toBe(paused), PATIENCE_MS);
      // Slack revokes the token with it: B's periodic re-check must not resume delivery.
      a.fake.revokeToken();
      const from = a.fake.calls.length;

      // A new handoff through B: saved, Ana not notified, and the author told why.
      const responseUrl = b.fake.responseUrl();
      await b.slack.command({ userId: 'UNYC', text: '<@UANA> please check the release notes', responseUrl });
      const reply = String((await b.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl, PATIENCE_MS)).args.text ?? '');
      expect(reply).toMatch(/Handoff #2 created/);
      expect(reply).toMatch(/Delivery is paused for this workspace/);
      // B's scheduler through Ken's Thursday 09:00 (Wed 00:00 UTC): no digest, and the queued DM stays.
      await tickBUntil('2026-11-26T01:00:00Z', HOUR);
      expect(chatCalls(from)).toEqual([]);
      expect((await b.handoff.store.getOutboxRow(queued!))?.status).toBe('pending');
      expect((await b.handoff.store.getWorkspace(TEAM))?.status).toBe(paused);
    });
  }

  it('the same Events API event delivered to A and to B (a retry) at once acts once', async () => {
    await replicas('2026-11-25T12:00:00Z', { UDEV: 'America/Los_Angeles', UANA: 'Europe/Lisbon', UKEN: 'Asia/Tokyo' });
    a.fake.addChannel({ id: 'C0ENG', name: 'eng', members: ['UDEV', 'UANA', 'UKEN'] });
    const outcomes = [recordDeflectionOutcomes(a), recordDeflectionOutcomes(b)];
    const stored = a.fake.addMessage('C0ENG', { user: 'UDEV', text: 'can we hop on a call?' });
    const message = {
      type: 'message',
      channel: 'C0ENG',
      user: 'UDEV',
      text: 'can we hop on a call?',
      ts: stored.ts,
      event_ts: stored.ts,
      channel_type: 'channel',
      team: TEAM,
      client_msg_id: randomUUID(),
    };
    const [first, retry] = await Promise.all([
      a.slack.event(message, { eventId: 'Ev0SAME' }),
      b.slack.event(message, { eventId: 'Ev0SAME', retryNum: 1, retryReason: 'http_timeout' }),
    ]);
    expect([first.status, retry.status]).toEqual([200, 200]);
    await eventually(() => expect(outcomes.flat()).toHaveLength(2), PATIENCE_MS);
    expect(outcomes.flat().sort()).toEqual(['ignored: duplicate event', 'prompted']);
    expect(a.fake.ephemerals).toHaveLength(1);

    // A profile change delivered to both at once: one profile, one plan, one digest.
    a.fake.getUser('UKEN')!.tz = 'America/Los_Angeles';
    const remembered = [settledCalls(a.handoff.deps.people as never, 'remember'), settledCalls(b.handoff.deps.people as never, 'remember')];
    const change = { type: 'user_change', user: { id: 'UKEN', name: 'ken', tz: 'America/Los_Angeles', team_id: TEAM } };
    await Promise.all([a.slack.event(change, { eventId: 'Ev0USER' }), b.slack.event(change, { eventId: 'Ev0USER', retryNum: 1, retryReason: 'http_timeout' })]);
    await eventually(() => expect(remembered[0]!.count() + remembered[1]!.count()).toBe(2), PATIENCE_MS);
    const ken = (await b.handoff.store.getUser(TEAM, 'UKEN'))!;
    expect(ken.slackTz).toBe('America/Los_Angeles');
    // Wednesday 09:00 in Los Angeles is still to come (it is 04:00 there).
    expect(ken.nextDigestAt).toBe(Date.parse('2026-11-25T17:00:00Z'));
  });

  it('the same handoff form submitted to A and to B at once creates one handoff', async () => {
    await replicas('2026-11-25T12:00:00Z', { UAUTH: 'America/New_York', UANA: 'Europe/Lisbon' });
    const key = randomUUID();
    const values = {
      [F.recipients.block]: { [F.recipients.action]: { type: 'multi_users_select', selected_users: ['UANA'] } },
      [F.ask.block]: { [F.ask.action]: 'Approve the launch copy. It is in the doc.' },
      [F.title.block]: { [F.title.action]: '' },
      [F.context.block]: { [F.context.action]: '' },
      [F.links.block]: { [F.links.action]: '' },
      [F.ifOffline.block]: { [F.ifOffline.action]: '' },
      [F.neededBy.block]: { [F.neededBy.action]: { type: 'datetimepicker', selected_date_time: null } },
      [F.channel.block]: { [F.channel.action]: { type: 'conversations_select', selected_conversation: null } },
      [F.urgent.block]: { [F.urgent.action]: { type: 'checkboxes', selected_options: [] } },
    };
    const submission = a.slack.viewSubmission({ userId: 'UAUTH', callbackId: CallbackIds.handoffModal, privateMetadata: JSON.stringify({ key }), values });
    const answers = await Promise.all([a.slack.interaction(submission), b.slack.interaction(submission)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    // Each replica tells the author: one "created", one "already created".
    await eventually(() => expect(a.fake.messagesIn('UAUTH')).toHaveLength(2), PATIENCE_MS);
    const told = a.fake.messagesIn('UAUTH').map((m) => String(m.text));
    expect(told.filter((t) => /already created/.test(t))).toHaveLength(1);
    expect(await b.handoff.store.findHandoffIdByNumber(TEAM, 1)).toBeDefined();
    expect(await b.handoff.store.findHandoffIdByNumber(TEAM, 2)).toBeUndefined();
    // Ana is working: told once.
    await eventually(() => expect(a.fake.messagesIn('UANA')).toHaveLength(1), PATIENCE_MS);
    await Promise.all([a.handoff.dispatcher.idle(), b.handoff.dispatcher.idle()]);
    expect(a.fake.messagesIn('UANA')).toHaveLength(1);
  });

  /** A click on a button of a DM, its response_url recorded by the fake; resolves with that URL. */
  async function clickVia(t: TestApp, userId: string, actionId: string, value: string, messageTs: string): Promise<string> {
    const responseUrl = t.fake.responseUrl();
    const payload = { ...t.slack.blockAction({ userId, actionId, value, channelId: userId, messageTs }), response_url: responseUrl };
    const res = await t.slack.interaction(payload);
    expect(res.status).toBe(200);
    return responseUrl;
  }
  const answered = (t: TestApp, url: string) => t.fake.waitFor('response_url', (c) => c.args.response_url === url, PATIENCE_MS);

  it('the same button click to A and to B at once makes one state change and one event-log row', async () => {
    await replicas('2026-11-25T12:00:00Z', { UAUTH: 'America/New_York', UANA: 'Europe/Lisbon' });
    const h = await handoffVia(a, 'UAUTH', '<@UANA> please check the numbers');
    const events = async () => (await b.handoff.store.listEvents(h.id)).map((e) => e.kind);

    const acks = await Promise.all([clickVia(a, 'UANA', ActionIds.acknowledge, String(h.id), '1.1'), clickVia(b, 'UANA', ActionIds.acknowledge, String(h.id), '1.1')]);
    const replies = await Promise.all(acks.map((url) => answered(a, url)));
    expect((await b.handoff.store.loadHandoff(TEAM, h.id))?.state).toBe('acknowledged');
    expect((await events()).filter((k) => k === 'acknowledged')).toHaveLength(1);
    expect(replies.map((r) => String(r.args.text)).sort()).toEqual([expect.stringMatching(/acknowledged/i), expect.stringMatching(/acknowledged/i)]);

    // Snooze is the other button that acts at once.
    const snoozes = await Promise.all([clickVia(a, 'UANA', ActionIds.snooze, String(h.id), '1.2'), clickVia(b, 'UANA', ActionIds.snooze, String(h.id), '1.2')]);
    await Promise.all(snoozes.map((url) => answered(a, url)));
    expect((await events()).filter((k) => k === 'snoozed')).toHaveLength(1);
  });

  it('the same "decline" (one of two recipients) submitted to A and to B at once declines once', async () => {
    await replicas('2026-11-25T12:00:00Z', { UAUTH: 'America/New_York', UANA: 'Europe/Lisbon', UKEN: 'Asia/Tokyo' });
    const h = await handoffVia(a, 'UAUTH', '<@UANA> <@UKEN> please check the numbers');
    const acted = [settledCalls(a.handoff.deps.handoffs as never, 'act'), settledCalls(b.handoff.deps.handoffs as never, 'act')];
    const submission = a.slack.viewSubmission({
      userId: 'UANA',
      callbackId: CallbackIds.resolveModal,
      privateMetadata: JSON.stringify({ handoffId: h.id, action: 'decline' }),
      values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: 'not mine, sorry' } },
    });
    await Promise.all([a.slack.interaction(submission), b.slack.interaction(submission)]);
    await eventually(() => expect(acted[0]!.count() + acted[1]!.count()).toBe(2), PATIENCE_MS);
    const events = await b.handoff.store.listEvents(h.id);
    expect(events.filter((e) => e.kind === 'recipient_declined')).toHaveLength(1);
    const after = (await b.handoff.store.loadHandoff(TEAM, h.id))!;
    expect(after.state).toBe('open');
    expect(after.recipients.filter((r) => r.active).map((r) => r.userId)).toEqual(['UKEN']);
  });
});
