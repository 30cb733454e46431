/**
 * The morning digest, end to end: the real app behind its HTTP receiver, a fake Slack, a manual clock.
 * Tokyo (UTC+9) and New York (UTC-5 in November) are 14 hours apart, so one person's working day is
 * the other's night: the handoff waits for the recipient's 09:00 digest, the answer for the author's.
 */
import { startTestApp, eventually, type TestApp } from '../harness/testApp';
import type { FakeMessage } from '../harness/fakeSlack';
import { countRows, insertRows, selectOne, selectRows, updateRows } from '../harness/testDb';
import { saveSettings } from '../harness/settingsForm';
import { ActionIds, CallbackIds, CardBlockIds, MetadataEventTypes, ResolveModalFields } from '../../src/ids';
import { localParts } from '../../src/time';
import { sweepDueDigests } from '../../src/scheduler/digestSweep';

const TEAM = 'T0001';
const TOKYO = 'UTOKYO';
const NYC = 'UNYC';
const HOUR = 3600_000;

function digestsIn(t: TestApp, userId: string): FakeMessage[] {
  return t.fake.messagesIn(userId).filter((m) => m.metadata?.event_type === MetadataEventTypes.digest);
}

function nonDigestDmsIn(t: TestApp, userId: string): FakeMessage[] {
  return t.fake.messagesIn(userId).filter((m) => m.metadata?.event_type !== MetadataEventTypes.digest);
}

const textOf = (m: FakeMessage): string => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

/** The person's digest rows by local date (a date repeated by travelling west: in id order). */
async function digestRows(t: TestApp, userId: string) {
  return (await selectRows(t, 'outbox', { teamId: TEAM, kind: 'digest', userId })).sort((a, b) => (a.localDate ?? '').localeCompare(b.localDate ?? ''));
}

const userRow = (t: TestApp, userId: string) => selectOne(t, 'users', { teamId: TEAM, userId });

/** Sets the clock to `at` and runs one scheduler tick there. */
async function sweepAt(t: TestApp, at: string): Promise<void> {
  t.clock.set(at);
  await t.tick();
}

const handoffNumber = async (t: TestApp, id: number) => (await t.handoff.store.loadHandoff(TEAM, id))!.number;

/**
 * Every digest the fake received was sent at the person's 09:00 (or up to `lateMs` after it): the
 * outbox row that produced it records the app clock at sending, and its message ts ties it to Slack.
 */
async function expectPostedInMorning(t: TestApp, userId: string, tz: string, lateMs = 4 * HOUR): Promise<void> {
  const rows = await digestRows(t, userId);
  const messages = digestsIn(t, userId);
  expect(messages.length).toBeGreaterThan(0);
  for (const m of messages) {
    const row = rows.find((r) => r.messageTs === m.ts);
    expect(row?.sentAt).toBeDefined();
    const local = localParts(tz, new Date(row!.sentAt!));
    expect(local.date).toBe(row!.localDate);
    expect(local.minuteOfDay).toBeGreaterThanOrEqual(9 * 60);
    expect(local.minuteOfDay).toBeLessThanOrEqual(9 * 60 + lateMs / 60_000);
  }
}

async function createHandoff(t: TestApp, from: string, text: string): Promise<number> {
  const res = await t.slack.command({ userId: from, text });
  expect(res.status).toBe(200);
  const ask = text.replace(/^(<@\w+>\s*)+/, '');
  // waitFor also matches past calls: pick this handoff's confirmation by its title (the ask).
  const reply = await t.fake.waitFor('response_url', (c) => String(c.args.text).includes(` created:* ${ask}\n`));
  const m = /Handoff #(\d+) created/.exec(String(reply.args.text));
  expect(m).not.toBeNull();
  return (await t.handoff.store.findHandoffIdByNumber(TEAM, Number(m![1])))!;
}

describe('morning digest: Tokyo recipient, New York author', () => {
  let t: TestApp;
  let handoffId: number;

  beforeAll(async () => {
    // Wed 25 Nov 2026, 14:00 in New York = 04:00 Thu in Tokyo.
    t = await startTestApp({ now: '2026-11-25T19:00:00Z' });
    t.fake.addUser({ id: TOKYO, name: 'kenji', tz: 'Asia/Tokyo' });
    t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
    // Nora works on Thanksgiving (Thu 26 Nov, a public holiday in the US she would keep by default).
    await saveSettings(t, NYC, { region: 'off' });
  });
  afterAll(async () => t?.close());

  it('does not DM a recipient who is off-hours; the handoff waits for their digest', async () => {
    handoffId = await createHandoff(t, NYC, `<@${TOKYO}> please send the Q3 numbers`);
    const reply = t.fake
      .callsTo('response_url')
      .map((c) => String(c.args.text))
      .join('\n');
    expect(reply).toMatch(/waits for their morning digest/);
    await t.tick();
    expect(t.fake.messagesIn(TOKYO)).toHaveLength(0);
    // Both people were seen, so both have their next digest planned at 09:00 local.
    expect((await userRow(t, TOKYO)).nextDigestLocalDate).toBe('2026-11-26');
    expect(new Date((await userRow(t, TOKYO)).nextDigestAt!).toISOString()).toBe('2026-11-26T00:00:00.000Z');
    expect(new Date((await userRow(t, NYC)).nextDigestAt!).toISOString()).toBe('2026-11-26T14:00:00.000Z');
  });

  it('sends nothing to Tokyo until 09:00 Tokyo time', async () => {
    t.clock.set('2026-11-25T23:59:00Z'); // 08:59 Thu in Tokyo
    await t.tick();
    expect(digestsIn(t, TOKYO)).toHaveLength(0);
  });

  it('delivers the Tokyo digest at 09:00 with the ask in it', async () => {
    // 09:00 Thu in Tokyo, 19:00 Wed in New York. The 08:59 tick planned it ahead: it is due in its
    // turn within the slot's first second (fair order), so the clock moves into that second.
    t.clock.set('2026-11-26T00:00:00.999Z');
    await t.tick();
    const digests = digestsIn(t, TOKYO);
    expect(digests).toHaveLength(1);
    expect(textOf(digests[0]!)).toContain('please send the Q3 numbers');
    expect(textOf(digests[0]!)).toContain('Waiting on you');
    // The author has nothing to hear yet (and it is night in New York).
    expect(digestsIn(t, NYC)).toHaveLength(0);
    await expectPostedInMorning(t, TOKYO, 'Asia/Tokyo');
  });

  it('a restart on the same day sends nothing twice', async () => {
    await t.restart();
    t.clock.advance(10 * 60_000);
    await t.tick();
    await t.restart();
    await t.tick();
    expect(digestsIn(t, TOKYO)).toHaveLength(1);
    expect((await digestRows(t, TOKYO)).map((r) => [r.localDate, r.status])).toEqual([['2026-11-26', 'sent']]);
  });

  it('the recipient marks it done from the digest, with a note', async () => {
    const digest = digestsIn(t, TOKYO)[0]!;
    const dm = t.fake.dmChannelFor(TOKYO);
    const click = t.slack.blockAction({
      userId: TOKYO,
      actionId: ActionIds.complete,
      value: String(handoffId),
      blockId: CardBlockIds.actions(handoffId),
      channelId: dm,
      messageTs: digest.ts,
      message: { type: 'message', ts: digest.ts, text: digest.text, blocks: digest.blocks, user: 'UBOT', bot_id: 'B0001' },
    });
    expect((await t.slack.interaction(click)).status).toBe(200);
    const opened = await t.fake.waitFor('views.open', (c) => (c.args.view as { callback_id?: string }).callback_id === CallbackIds.resolveModal);
    const view = opened.args.view as { private_metadata: string };
    const submit = t.slack.viewSubmission({
      userId: TOKYO,
      callbackId: CallbackIds.resolveModal,
      privateMetadata: view.private_metadata,
      values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: 'Numbers are in the Q3 sheet, tab "final"' } },
    });
    expect((await t.slack.interaction(submit)).status).toBe(200);
    await eventually(async () => {
      const h = (await t.handoff.store.loadHandoff(TEAM, handoffId))!;
      expect({ state: h.state, note: h.resolutionNote }).toEqual({ state: 'done', note: 'Numbers are in the Q3 sheet, tab "final"' });
    });
    // It is 19:10 in New York: the author is not pinged now.
    await t.tick();
    expect(t.fake.messagesIn(NYC)).toHaveLength(0);
  });

  it('the author’s next 09:00 New York digest says they are unblocked, with the note', async () => {
    t.clock.set('2026-11-26T13:59:00Z'); // 08:59 in New York
    await t.tick();
    expect(digestsIn(t, NYC)).toHaveLength(0);
    t.clock.set('2026-11-26T14:00:00.999Z'); // planned ahead at 08:59: due within 09:00's first second
    await t.tick();
    const digests = digestsIn(t, NYC);
    expect(digests).toHaveLength(1);
    const text = textOf(digests[0]!);
    expect(text).toContain('unblocked');
    expect(text).toContain('please send the Q3 numbers');
    expect(text).toContain('Numbers are in the Q3 sheet, tab \\"final\\"');
    expect(text).toContain(`<@${TOKYO}> marked it done`);
    expect(nonDigestDmsIn(t, NYC)).toHaveLength(0);
    await expectPostedInMorning(t, NYC, 'America/New_York');
  });

  it('sends no digest when there is nothing to say', async () => {
    // Fri 27 Nov: Tokyo has nothing waiting, New York was already told.
    t.clock.set('2026-11-27T00:00:00Z');
    await t.tick();
    t.clock.set('2026-11-27T14:00:00Z');
    await t.tick();
    expect(digestsIn(t, TOKYO)).toHaveLength(1);
    expect(digestsIn(t, NYC)).toHaveLength(1);
    expect((await digestRows(t, TOKYO)).find((r) => r.localDate === '2026-11-27')).toMatchObject({ status: 'skipped', lastError: 'nothing to say' });
    expect((await digestRows(t, NYC)).find((r) => r.localDate === '2026-11-27')).toMatchObject({ status: 'skipped', lastError: 'nothing to say' });
  });
});

/** `n` people in Tokyo, Mon–Fri, whose 09:00 digest of Thu 26 Nov is due at `at`. */
const dueInTokyo = (prefix: string, n: number, at: number) =>
  Array.from({ length: n }, (_, i) => ({
    teamId: TEAM,
    userId: `${prefix}${i}`,
    slackTz: 'Asia/Tokyo',
    workingDays: 62,
    nextDigestAt: at,
    nextDigestLocalDate: '2026-11-26',
    createdAt: 0,
    updatedAt: 0,
  }));

/** A Tokyo person with one open handoff from New York, so each of their digests has something to say. */
async function tokyoWithWork(now: string, env: Record<string, string> = {}): Promise<{ t: TestApp; handoffId: number }> {
  const t = await startTestApp({ now, env });
  t.fake.addUser({ id: TOKYO, name: 'kenji', tz: 'Asia/Tokyo' });
  t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
  const handoffId = await createHandoff(t, NYC, `<@${TOKYO}> please send the Q3 numbers`);
  return { t, handoffId };
}

describe('morning digest: downtime and catch-up (DIGEST_MAX_LATE_HOURS = 4)', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('after 3 hours of downtime the missed digest is sent late, once', async () => {
    ({ t } = await tokyoWithWork('2026-11-25T19:00:00Z'));
    await t.handoff.stop();
    t.clock.set('2026-11-26T03:00:00Z'); // 12:00 in Tokyo: 3 h after the 09:00 digest
    await t.restart();
    await t.tick();
    expect(digestsIn(t, TOKYO)).toHaveLength(1);
    expect((await digestRows(t, TOKYO)).map((r) => [r.localDate, r.status])).toEqual([['2026-11-26', 'sent']]);
    await expectPostedInMorning(t, TOKYO, 'Asia/Tokyo');
    await t.tick();
    expect(digestsIn(t, TOKYO)).toHaveLength(1);
    // The schedule moved on to Friday 09:00 Tokyo.
    expect(new Date((await userRow(t, TOKYO)).nextDigestAt!).toISOString()).toBe('2026-11-27T00:00:00.000Z');
  });

  it('after 6 hours of downtime the missed digest is skipped, and the next one comes on time', async () => {
    ({ t } = await tokyoWithWork('2026-11-25T19:00:00Z'));
    await t.handoff.stop();
    t.clock.set('2026-11-26T06:00:00Z'); // 15:00 in Tokyo
    await t.restart();
    await t.tick();
    expect(digestsIn(t, TOKYO)).toHaveLength(0);
    expect((await digestRows(t, TOKYO)).map((r) => [r.localDate, r.status])).toEqual([['2026-11-26', 'skipped']]);
    t.clock.set('2026-11-27T00:00:00Z');
    await t.tick();
    expect(digestsIn(t, TOKYO)).toHaveLength(1);
    expect((await digestRows(t, TOKYO)).map((r) => [r.localDate, r.status])).toEqual([
      ['2026-11-26', 'skipped'],
      ['2026-11-27', 'sent'],
    ]);
    await expectPostedInMorning(t, TOKYO, 'Asia/Tokyo');
  });

  it('honours a shorter DIGEST_MAX_LATE_HOURS', async () => {
    ({ t } = await tokyoWithWork('2026-11-25T19:00:00Z', { DIGEST_MAX_LATE_HOURS: '2' }));
    t.clock.set('2026-11-26T03:00:00Z');
    await t.tick();
    expect((await digestRows(t, TOKYO)).map((r) => r.status)).toEqual(['skipped']);
  });

  it('a weekend of downtime sends only Monday’s digest, at most 4 hours late', async () => {
    ({ t } = await tokyoWithWork('2026-11-25T19:00:00Z'));
    await t.handoff.stop();
    t.clock.set('2026-11-30T01:30:00Z'); // Mon 10:30 in Tokyo; Thu and Fri were missed
    await t.restart();
    await t.tick();
    expect(digestsIn(t, TOKYO)).toHaveLength(1);
    expect((await digestRows(t, TOKYO)).map((r) => [r.localDate, r.status])).toEqual([
      ['2026-11-26', 'skipped'],
      ['2026-11-27', 'skipped'],
      ['2026-11-30', 'sent'],
    ]);
  });
});

describe('morning digest: crashes around the send', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** What a kill -9 between Slack accepting the message and the outbox recording it leaves behind. */
  async function forgetThatItWasSent(t: TestApp, userId: string): Promise<void> {
    await updateRows(t, 'outbox', { status: 'sending', messageTs: null, sentAt: null, attempts: 0 }, { kind: 'digest', userId });
  }

  it('a digest Slack already has is recognised by its metadata after a restart, not sent again', async () => {
    ({ t } = await tokyoWithWork('2026-11-25T19:00:00Z'));
    t.clock.set('2026-11-26T00:00:00Z');
    await t.tick();
    expect(digestsIn(t, TOKYO)).toHaveLength(1);
    await forgetThatItWasSent(t, TOKYO);
    t.clock.advance(2 * 60_000);
    await t.restart();
    await t.tick();
    expect(digestsIn(t, TOKYO)).toHaveLength(1);
    const [row] = await digestRows(t, TOKYO);
    expect(row).toMatchObject({ status: 'sent', messageTs: digestsIn(t, TOKYO)[0]!.ts });
    expect(t.fake.callsTo('conversations.history').length).toBeGreaterThan(0);
  });

  it('a digest that never reached Slack is sent after the restart', async () => {
    ({ t } = await tokyoWithWork('2026-11-25T19:00:00Z'));
    t.clock.set('2026-11-26T00:00:00Z');
    // The sweep enqueues it, then the process dies as the row is claimed, before any Slack call.
    await sweepDueDigests(t.handoff.store, t.clock.now(), 4 * HOUR);
    await updateRows(t, 'outbox', { status: 'sending' }, { kind: 'digest' });
    await t.restart();
    await t.tick();
    expect(digestsIn(t, TOKYO)).toHaveLength(1);
    expect((await digestRows(t, TOKYO)).map((r) => r.status)).toEqual(['sent']);
  });

  it('when Slack cannot say whether it was sent, the digest is not re-sent blindly', async () => {
    ({ t } = await tokyoWithWork('2026-11-25T19:00:00Z'));
    t.clock.set('2026-11-26T00:00:00Z');
    await t.tick();
    await forgetThatItWasSent(t, TOKYO);
    t.fake.failNext('conversations.history', { status: 503, times: 1 });
    await t.restart();
    await t.tick();
    t.clock.advance(HOUR);
    await t.tick();
    expect(digestsIn(t, TOKYO)).toHaveLength(1);
    expect((await digestRows(t, TOKYO)).map((r) => r.status)).toEqual(['sent']);
  });
});

describe('morning digest: Slack errors delay but never lose a digest', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** Ticks with the clock moving forward until the digest row settles (or the limit is hit). */
  async function tickUntilSettled(t: TestApp, stepMs: number, max = 20): Promise<number> {
    for (let i = 0; i < max; i++) {
      await t.tick();
      const rows = await digestRows(t, TOKYO);
      if (rows.length > 0 && rows.every((r) => r.status !== 'pending' && r.status !== 'sending')) return i;
      t.clock.advance(stepMs);
    }
    return max;
  }

  it('429 with Retry-After: waits, then sends exactly once', async () => {
    ({ t } = await tokyoWithWork('2026-11-25T19:00:00Z'));
    t.fake.rateLimit({ method: 'chat.postMessage', retryAfterSec: 1, times: 3 });
    t.clock.set('2026-11-26T00:00:00Z');
    await t.tick();
    expect((await digestRows(t, TOKYO))[0]).toMatchObject({ status: 'pending', lastError: 'ratelimited', attempts: 0 });
    expect((await digestRows(t, TOKYO))[0]!.nextAttemptAt).toBeGreaterThanOrEqual(t.clock.now().getTime() + 1000);
    await tickUntilSettled(t, 1000);
    expect(digestsIn(t, TOKYO)).toHaveLength(1);
    expect(t.fake.callsTo('chat.postMessage').filter((c) => c.status === 429)).toHaveLength(3);
    expect((await digestRows(t, TOKYO))[0]).toMatchObject({ status: 'sent' });
    await expectPostedInMorning(t, TOKYO, 'Asia/Tokyo');
  });

  it('5xx and network-level failures back off and retry until sent', async () => {
    ({ t } = await tokyoWithWork('2026-11-25T19:00:00Z'));
    t.fake.failNext('chat.postMessage', { status: 500, times: 2 });
    t.fake.failNext('chat.postMessage', { status: 503, times: 1 });
    t.fake.failNext('chat.postMessage', { error: 'internal_error', times: 1 });
    t.clock.set('2026-11-26T00:00:00Z');
    await t.tick();
    expect((await digestRows(t, TOKYO))[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'unverified: http_500' });
    await tickUntilSettled(t, 60_000);
    expect(digestsIn(t, TOKYO)).toHaveLength(1);
    expect((await digestRows(t, TOKYO))[0]).toMatchObject({ status: 'sent', attempts: 5 });
    await expectPostedInMorning(t, TOKYO, 'Asia/Tokyo');
  });
});

describe('morning digest: never outside the person’s start', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a time-zone change in the middle of the day never produces a 3 a.m. digest; flying west repeats the date as a new workday', async () => {
    ({ t } = await tokyoWithWork('2026-11-25T19:00:00Z'));
    t.clock.set('2026-11-26T00:00:00Z');
    await t.tick();
    expect(digestsIn(t, TOKYO)).toHaveLength(1);
    // Kenji flies to Los Angeles (UTC-8) right after Thursday's Tokyo digest (Wed 16:00 in LA). LA's
    // Thursday starts 17 h later: a new workday, so it gets its digest (decided in nextDigest: a
    // date reached again by travelling west gets one repeat, at least 12 h after the first).
    // He keeps no public holidays: in Los Angeles his Thursday would be Thanksgiving, with no digest.
    await saveSettings(t, TOKYO, { region: 'off' });
    t.fake.getUser(TOKYO)!.tz = 'America/Los_Angeles';
    const res = await t.slack.event({ type: 'user_change', user: { id: TOKYO, name: 'kenji', tz: 'America/Los_Angeles', team_id: TEAM } });
    expect(res.status).toBe(200);
    await eventually(async () => expect((await userRow(t!, TOKYO)).slackTz).toBe('America/Los_Angeles'));
    for (let h = 0; h < 72; h++) {
      t.clock.advance(HOUR);
      await t.tick();
    }
    const rows = (await digestRows(t, TOKYO)).sort((a, b) => a.sentAt! - b.sentAt!);
    expect(rows.map((r) => [r.localDate, r.status])).toEqual([
      ['2026-11-26', 'sent'],
      ['2026-11-26', 'sent'],
      ['2026-11-27', 'sent'],
    ]);
    expect(localParts('Asia/Tokyo', new Date(rows[0]!.sentAt!))).toMatchObject({ date: '2026-11-26', hour: 9 });
    for (const r of rows.slice(1)) {
      expect(localParts('America/Los_Angeles', new Date(r.sentAt!))).toMatchObject({ date: r.localDate, hour: 9 });
    }
    expect(rows[1]!.sentAt! - rows[0]!.sentAt!).toBeGreaterThanOrEqual(12 * HOUR);
  });

  it('hourly ticks over a week only ever send at 09:00 local, once per working day', async () => {
    ({ t } = await tokyoWithWork('2026-11-25T19:00:00Z'));
    for (let h = 0; h < 24 * 7; h++) {
      t.clock.advance(HOUR);
      await t.tick();
    }
    expect((await digestRows(t, TOKYO)).map((r) => [r.localDate, r.status])).toEqual([
      ['2026-11-26', 'sent'],
      ['2026-11-27', 'sent'],
      ['2026-11-30', 'sent'],
      ['2026-12-01', 'sent'],
      ['2026-12-02', 'sent'],
    ]);
    await expectPostedInMorning(t, TOKYO, 'Asia/Tokyo', 0);
  });
});

describe('morning digest: a busy person', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('20 asks waiting and 16 answers in: one digest within Slack’s 50-block limit, the rest counted', async () => {
    t = await startTestApp({ now: '2026-11-25T19:00:00Z' });
    t.fake.addUser({ id: TOKYO, name: 'kenji', tz: 'Asia/Tokyo' });
    t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
    for (let i = 0; i < 20; i++) await createHandoff(t, NYC, `<@${TOKYO}> waiting item ${i}`);
    const mine: number[] = [];
    for (let i = 0; i < 16; i++) {
      const id = await createHandoff(t, TOKYO, `<@${NYC}> answered item ${i}`);
      mine.push(await handoffNumber(t, id));
    }
    // Nora (working) answers all of Kenji's asks; Kenji (04:00) hears it in his digest.
    for (const n of mine) {
      await t.slack.command({ userId: NYC, text: `done ${n} here you go` });
      await t.fake.waitFor('response_url', (c) => String(c.args.text).includes(`Marked #${n} `));
    }
    t.clock.set('2026-11-26T00:00:00Z');
    await t.tick();
    const digests = digestsIn(t, TOKYO);
    expect(digests).toHaveLength(1);
    expect((await digestRows(t, TOKYO))[0]).toMatchObject({ status: 'sent' });
    expect(digests[0]!.blocks!.length).toBeLessThanOrEqual(50);
    expect(digests[0]!.text).toBe('Good morning: you’re unblocked on 16, 20 waiting on you.');
    const text = textOf(digests[0]!);
    expect(text).toContain('…and 1 more');
    expect(text).toContain('…and 11 more');
    // All 16 answers count as told; of the waiting items, the 9 shown count as notified.
    const told = (await selectRows(t, 'handoffs', { authorId: TOKYO })).filter((h) => h.authorNotifiedAt !== null);
    expect(told).toHaveLength(16);
    const notified = (await selectRows(t, 'handoffRecipients', { userId: TOKYO })).filter((r) => r.notifiedAt !== null);
    expect(notified).toHaveLength(9);
  });
});

describe('morning digest: a big wave', () => {
  it('requests are answered while a 20,000-person wave is being swept into the outbox', async () => {
    const t = await startTestApp({ now: '2026-11-25T23:59:00Z' });
    try {
      const at = Date.parse('2026-11-26T00:00:00Z');
      await insertRows(t, 'users', dueInTokyo('UWAVE', 20_000, at));
      t.clock.set('2026-11-26T00:00:30Z');
      let swept = false;
      const sweep = t.handoff.tick.runOnce().then((r) => ((swept = true), r));
      // A request arriving mid-sweep is answered before the sweep ends: it yields between slices.
      const res = await t.slack.urlVerification('mid-wave');
      expect(res.status).toBe(200);
      expect(swept).toBe(false);
      expect(await sweep).toMatchObject({ due: 20_000, enqueued: 20_000 });
    } finally {
      await t.close();
    }
    // Generous: delivery (20,000 digests with nothing to say) shares the loop with the sweep, and on
    // PostgreSQL every slice is a few round trips (about 13 s at load 8 on a 2-core machine, 3 s quiet).
  }, 60_000);
});

describe('morning digest: re-checked just before it is sent', () => {
  it('an item resolved while the digest waited for its turn is not shown as waiting', async () => {
    const t = await startTestApp({ now: '2026-11-25T19:00:00Z' });
    try {
      t.fake.addUser({ id: TOKYO, name: 'kenji', tz: 'Asia/Tokyo' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      const a = await createHandoff(t, NYC, `<@${TOKYO}> resolve me in time`);
      await createHandoff(t, NYC, `<@${TOKYO}> still waiting`);
      t.clock.set('2026-11-26T00:00:00Z'); // 09:00 in Tokyo
      // A wave ahead of it (say, a Retry-After): the digest is built, then waits for its turn.
      await t.handoff.dispatcher.limiterFor(TEAM).pause(1500);
      const ticking = t.tick();
      await eventually(async () => expect((await digestRows(t, TOKYO))[0]?.status).toBe('sending'));
      // Meanwhile Kenji (at work now) marks the first one done.
      await t.slack.command({ userId: TOKYO, text: `done ${await handoffNumber(t, a)}` });
      await eventually(async () => expect((await t.handoff.store.loadHandoff(TEAM, a))!.state).toBe('done'));
      expect(digestsIn(t, TOKYO)).toHaveLength(0); // it was still waiting for its turn
      await ticking;
      const digests = digestsIn(t, TOKYO);
      expect(digests).toHaveLength(1);
      expect(textOf(digests[0]!)).toContain('still waiting');
      expect(textOf(digests[0]!)).not.toContain('resolve me in time');
    } finally {
      await t.close();
    }
  });
});

describe('morning digest: catch-up at start-up', () => {
  it('the start-up sweep runs in the background: start returns at once and requests are answered while it runs', async () => {
    const t = await startTestApp({ now: '2026-11-26T00:00:30Z' });
    try {
      const at = Date.parse('2026-11-26T00:00:00Z');
      await insertRows(t, 'users', dueInTokyo('UBOOT', 20_000, at));
      const swept = () => t.logs.some((l) => l.includes('"msg":"digest sweep"'));
      t.handoff.tick.start(); // what Handoff.start() runs once it listens
      expect(swept()).toBe(false);
      expect((await t.slack.urlVerification('during catch-up')).status).toBe(200);
      expect(swept()).toBe(false);
      await eventually(() => expect(swept()).toBe(true), 50_000);
      expect(await countRows(t, 'outbox', { kind: 'digest' })).toBe(20_000);
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe('morning digest: its cards change in place, from Handoff’s own copy of it', () => {
  let t: TestApp;
  let first: number;
  let second: number;
  let digest: FakeMessage;
  const metaOf = (m: FakeMessage, id: number) => JSON.stringify((m.blocks ?? []).find((b) => (b as { block_id?: string }).block_id === CardBlockIds.meta(id)));
  const acknowledge = (userId: string, id: number, channelId: string) =>
    t.slack.interaction(
      // The click's own copy of the message says nothing: it is never what the message is rebuilt from.
      t.slack.blockAction({ userId, actionId: ActionIds.acknowledge, value: String(id), channelId, messageTs: digest.ts, message: { type: 'message', ts: digest.ts, blocks: [] } }),
    );

  beforeAll(async () => {
    // Thu 3 Dec 2026, 14:00 in New York = Fri 04:00 in Tokyo. Distributed apps read history once a minute:
    // with that budget, a refresh that read it would wait a minute per click.
    t = await startTestApp({ now: '2026-12-03T19:00:00Z', env: { SLACK_HISTORY_READS_PER_MINUTE: '1' } });
    t.fake.addUser({ id: TOKYO, name: 'kenji', tz: 'Asia/Tokyo' });
    t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
    first = await createHandoff(t, NYC, `<@${TOKYO}> sign the supplier form`);
    second = await createHandoff(t, NYC, `<@${TOKYO}> review the rollout plan`);
    t.clock.set('2026-12-04T00:00:00.999Z'); // Fri 09:00 in Tokyo
    await t.tick();
    digest = digestsIn(t, TOKYO)[0]!;
    expect(metaOf(digest, first)).toContain('Open');
    expect(metaOf(digest, second)).toContain('Open');
  });
  afterAll(async () => t?.close());

  it('two clicks at once on two cards of one digest: each card shows its change, nothing else in the message changes, no history is read', async () => {
    const before = structuredClone(digest.blocks ?? []);
    const dm = t.fake.dmChannelFor(TOKYO);
    const [a, b] = await Promise.all([acknowledge(TOKYO, first, dm), acknowledge(TOKYO, second, dm)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await eventually(async () => {
      expect(metaOf(digest, first)).toContain('Acknowledged');
      expect(metaOf(digest, second)).toContain('Acknowledged');
    });
    expect(await t.handoff.inFlight.drain(10_000)).toBe(true);
    const after = digest.blocks ?? [];
    expect(after).toHaveLength(before.length);
    const untouched = (blocks: unknown[]) =>
      blocks.filter((x) => ![first, second].some((id) => [CardBlockIds.meta(id), CardBlockIds.actions(id)].includes((x as { block_id?: string }).block_id ?? '')));
    expect(untouched(after)).toEqual(untouched(before));
    expect(t.fake.callsTo('conversations.history')).toHaveLength(0);
    expect(metaOf(digest, first)).not.toContain('Open');
  });

  it('a click naming that message from another conversation, or from someone else, leaves it as it is', async () => {
    const updates = () => t.fake.callsTo('chat.update').filter((c) => c.args.ts === digest.ts).length;
    const before = updates();
    const third = await createHandoff(t, NYC, `<@${TOKYO}> approve the budget`);
    // Kenji's click, naming Nora's DM as where the message is.
    expect((await acknowledge(TOKYO, third, t.fake.dmChannelFor(NYC))).status).toBe(200);
    await eventually(async () => expect((await t.handoff.store.loadHandoff(TEAM, third))!.state).toBe('acknowledged'));
    // Nora cancels the first ask through the form, naming Kenji's digest as where she clicked.
    const submit = t.slack.viewSubmission({
      userId: NYC,
      callbackId: CallbackIds.resolveModal,
      privateMetadata: JSON.stringify({ handoffId: first, action: 'cancel', channelId: t.fake.dmChannelFor(TOKYO), messageTs: digest.ts }),
      values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: 'no longer needed' } },
    });
    expect((await t.slack.interaction(submit)).status).toBe(200);
    await eventually(async () => expect((await t.handoff.store.loadHandoff(TEAM, first))!.state).toBe('cancelled'));
    expect(await t.handoff.inFlight.drain(10_000)).toBe(true);
    expect(updates()).toBe(before);
    expect(metaOf(digest, first)).toContain('Acknowledged');
  });
});

describe('morning digest: the same card clicked twice at once', () => {
  it('a double click on Acknowledge: one change, one event, the card shows it, the copy moves on, both clicks are answered', async () => {
    const t = await startTestApp({ now: '2026-12-03T19:00:00Z', env: { SLACK_HISTORY_READS_PER_MINUTE: '1' } });
    try {
      t.fake.addUser({ id: TOKYO, name: 'kenji', tz: 'Asia/Tokyo' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      const id = await createHandoff(t, NYC, `<@${TOKYO}> sign the supplier form`);
      t.clock.set('2026-12-04T00:00:00.999Z'); // Fri 09:00 in Tokyo
      await t.tick();
      const digest = digestsIn(t, TOKYO)[0]!;
      const meta = () => JSON.stringify((digest.blocks ?? []).find((b) => (b as { block_id?: string }).block_id === CardBlockIds.meta(id)));
      expect(meta()).toContain('Open');
      const copyBefore = (await t.handoff.store.postedMessageAt(TEAM, digest.ts))!;
      const dm = t.fake.dmChannelFor(TOKYO);
      const click = () =>
        t.slack.interaction(
          t.slack.blockAction({
            userId: TOKYO,
            actionId: ActionIds.acknowledge,
            value: String(id),
            channelId: dm,
            messageTs: digest.ts,
            message: { type: 'message', ts: digest.ts, blocks: [] },
          }),
        );
      const answers = await Promise.all([click(), click()]);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      expect(await t.handoff.inFlight.drain(10_000)).toBe(true);
      expect(await selectRows(t, 'handoffEvents', { handoffId: id, kind: 'acknowledged' })).toHaveLength(1);
      expect(meta()).toContain('Acknowledged');
      // Handoff's copy moved on with the message Slack shows, so a later click starts from it.
      const copyAfter = (await t.handoff.store.postedMessageAt(TEAM, digest.ts))!;
      expect(copyAfter.posted).not.toBe(copyBefore.posted);
      expect(t.fake.callsTo('conversations.history')).toHaveLength(0);
      // Each click is told what happened: a click nobody answers looks broken.
      const told = t.fake
        .callsTo('response_url')
        .map((c) => String(c.args.text))
        .filter((x) => /acknowledged/.test(x));
      // The second is told it was already done ("is now" when it lost the race after its own read).
      expect(told.sort()).toEqual([expect.stringMatching(/^Handoff #1 is (already|now) acknowledged\.$/), `You acknowledged #1 “sign the supplier form”.`]);
    } finally {
      await t.close();
    }
  });
});

describe('morning digest: stale asks, counted in the recipient’s working days', () => {
  it('an ask sent on Friday evening to Tokyo is not stale on Monday or Tuesday; on Wednesday it says so and comes first', async () => {
    // Thu 3 Dec 2026, 14:00 in New York = Fri 04:00 in Tokyo: the older ask, which Kenji acknowledges.
    const t = await startTestApp({ now: '2026-12-03T19:00:00Z' });
    try {
      t.fake.addUser({ id: TOKYO, name: 'kenji', tz: 'Asia/Tokyo' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      const older = await createHandoff(t, NYC, `<@${TOKYO}> sign the older form`);
      t.clock.set('2026-12-04T01:00:00Z'); // Fri 10:00 in Tokyo
      const ack = t.slack.blockAction({ userId: TOKYO, actionId: ActionIds.acknowledge, value: String(older) });
      expect((await t.slack.interaction(ack)).status).toBe(200);
      await eventually(async () => expect((await t.handoff.store.loadHandoff(TEAM, older))!.state).toBe('acknowledged'));
      t.clock.set('2026-12-04T10:00:00Z'); // Fri 19:00 in Tokyo, after Kenji's day
      const stale = await createHandoff(t, NYC, `<@${TOKYO}> review the supplier contract`);
      const staleNumber = await handoffNumber(t, stale);
      const waitingLine = (m: FakeMessage) => JSON.stringify(m.blocks ?? []).match(/waiting \d+ of your working days/g) ?? [];

      for (const [day, at] of [
        ['Monday', '2026-12-07T00:00:00Z'],
        ['Tuesday', '2026-12-08T00:00:00Z'],
      ] as const) {
        t.clock.set(at); // 09:00 in Tokyo
        await t.tick();
        const digest = digestsIn(t, TOKYO).at(-1)!;
        expect({ day, localDate: (await digestRows(t, TOKYO)).at(-1)!.localDate, marked: waitingLine(digest) }).toEqual({ day, localDate: at.slice(0, 10), marked: [] });
        expect(textOf(digest)).toContain('Waiting on you* (oldest first)');
      }

      t.clock.set('2026-12-09T00:00:00Z'); // Wednesday 09:00 in Tokyo: Monday and Tuesday have passed
      await t.tick();
      const wednesday = digestsIn(t, TOKYO).at(-1)!;
      expect(waitingLine(wednesday)).toEqual(['waiting 2 of your working days']);
      expect(textOf(wednesday)).toContain('Waiting on you* (waiting longest first)');
      // The stale ask's card comes before the older, acknowledged one.
      const blocks = JSON.stringify(wednesday.blocks);
      expect(blocks.indexOf(CardBlockIds.meta(stale))).toBeGreaterThan(-1);
      expect(blocks.indexOf(CardBlockIds.meta(stale))).toBeLessThan(blocks.indexOf(CardBlockIds.meta(older)));
      expect(wednesday.text).toBe(`Good morning: 2 waiting on you, #${staleNumber} waiting 2 of your working days.`);
    } finally {
      await t.close();
    }
  });

  it('follows the workspace’s threshold: at 3 working days the author is asked on Wednesday, not Tuesday, and the recipient’s Thursday digest marks it', async () => {
    const t = await startTestApp({ now: '2026-12-04T10:00:00Z' }); // Fri 19:00 in Tokyo, after Kenji's day
    try {
      t.fake.addUser({ id: TOKYO, name: 'kenji', tz: 'Asia/Tokyo' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      const stale = await createHandoff(t, NYC, `<@${TOKYO}> review the supplier contract`);
      await t.handoff.store.setStaleAfterWorkingDays(TEAM, 3, t.clock.now());
      const waitingLine = (m: FakeMessage) => JSON.stringify(m.blocks ?? []).match(/waiting \d+ of your working days/g) ?? [];
      const offers = () =>
        digestsIn(t, NYC)
          .map(textOf)
          .filter((x) => x.includes('No answer from'));
      // Nora's Tuesday 09:00: two of Kenji's working days have passed (at the default 2 she would be asked).
      t.clock.set('2026-12-08T14:00:00Z');
      await t.tick();
      expect(offers()).toEqual([]);
      t.clock.set('2026-12-09T00:00:00Z'); // Kenji's Wednesday 09:00: not marked yet
      await t.tick();
      expect(waitingLine(digestsIn(t, TOKYO).at(-1)!)).toEqual([]);
      // Nora's Wednesday 09:00: three have passed, so she is asked.
      t.clock.set('2026-12-09T14:00:00Z');
      await t.tick();
      const number = await handoffNumber(t, stale);
      expect(offers()).toHaveLength(1);
      expect(offers()[0]).toContain(`No answer from <@${TOKYO}> in 3 of their working days: *#${number} · review the supplier contract*`);
      t.clock.set('2026-12-10T00:00:00Z'); // Kenji's Thursday 09:00: marked
      await t.tick();
      expect(waitingLine(digestsIn(t, TOKYO).at(-1)!)).toEqual(['waiting 3 of your working days']);
    } finally {
      await t.close();
    }
  });

  it('the author is asked once, on their own morning, and a nudge puts the ask first in the recipient’s next digest — never a ping, once per their working day', async () => {
    const t = await startTestApp({ now: '2026-12-04T10:00:00Z' }); // Fri 19:00 in Tokyo, 05:00 in New York
    try {
      t.fake.addUser({ id: TOKYO, name: 'kenji', tz: 'Asia/Tokyo' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      const id = await createHandoff(t, NYC, `<@${TOKYO}> review the supplier contract`);
      const number = await handoffNumber(t, id);
      await sweepAt(t, '2026-12-07T00:00:00Z'); // Kenji's Monday 09:00
      await sweepAt(t, '2026-12-07T14:00:00Z'); // Nora's Monday 09:00: one of Kenji's working days, not yet
      expect(digestsIn(t, NYC)).toHaveLength(0);
      await sweepAt(t, '2026-12-08T00:00:00Z'); // Kenji's Tuesday
      await sweepAt(t, '2026-12-08T14:00:00Z'); // Nora's Tuesday: Monday and Tuesday in Tokyo have passed
      const offer = digestsIn(t, NYC);
      expect(offer).toHaveLength(1);
      expect(offer[0]!.text).toBe('Good morning: 1 unanswered.');
      expect(textOf(offer[0]!)).toContain(`No answer from <@${TOKYO}> in 2 of their working days: *#${number} · review the supplier contract*`);
      const nudgeButton = { actionId: ActionIds.nudge, value: `${id}:${TOKYO}`, blockId: CardBlockIds.unanswered(id, TOKYO) };
      expect(JSON.stringify(offer[0]!.blocks)).toContain(JSON.stringify(nudgeButton.value));
      // "nudge, reassign, or cancel?": the three buttons side by side, under the offer about this recipient.
      const offerActions = (offer[0]!.blocks as Array<{ block_id?: string; elements?: Array<{ action_id?: string; value?: string }> }>).find(
        (b) => b.block_id === CardBlockIds.unanswered(id, TOKYO),
      );
      expect(offerActions?.elements?.map((e) => [e.action_id, e.value])).toEqual([
        [ActionIds.nudge, `${id}:${TOKYO}`],
        [ActionIds.reassign, String(id)],
        [ActionIds.cancel, String(id)],
      ]);

      // Only the author may nudge.
      await t.slack.interaction(t.slack.blockAction({ userId: TOKYO, ...nudgeButton }));
      await t.fake.waitFor('response_url', (c) => String(c.args.text).includes('Only the person who wrote this handoff can nudge'));
      for (let i = 0; i < 2; i++) await t.slack.interaction(t.slack.blockAction({ userId: NYC, ...nudgeButton }));
      await t.fake.waitFor('response_url', (c) => String(c.args.text).startsWith(`Nudged: #${number} will be the first thing in <@${TOKYO}>’s digest on Wed 9 Dec`));
      await t.fake.waitFor('response_url', (c) => String(c.args.text).startsWith(`Already nudged: #${number} is first in <@${TOKYO}>’s digest on Wed 9 Dec`));
      expect(nonDigestDmsIn(t, TOKYO)).toHaveLength(0); // no ping
      expect((await selectRows(t, 'handoffEvents', { handoffId: id, kind: 'nudged' })).map((e) => e.note)).toEqual([`${TOKYO} 2026-12-09`]);

      await sweepAt(t, '2026-12-09T00:00:00Z'); // Kenji's Wednesday
      const wednesday = digestsIn(t, TOKYO).at(-1)!;
      expect(JSON.stringify(wednesday.blocks)).toContain(`:wave: *<@${NYC}> nudged this*`);
      await sweepAt(t, '2026-12-09T14:00:00Z'); // Nora's Wednesday: asked once already, nothing new to say
      expect(digestsIn(t, NYC)).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('a nudge reaches a recipient whose morning digest is off: in their next day’s message, once', async () => {
    const t = await startTestApp({ now: '2026-12-04T10:00:00Z' }); // Fri 19:00 in Tokyo, 05:00 in New York
    try {
      t.fake.addUser({ id: TOKYO, name: 'kenji', tz: 'Asia/Tokyo' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      const id = await createHandoff(t, NYC, `<@${TOKYO}> review the supplier contract`);
      const number = await handoffNumber(t, id);
      // Kenji turned his digest off: he hears only of what waited for his day to start.
      await updateRows(t, 'users', { digestEnabled: false }, { teamId: TEAM, userId: TOKYO });
      await sweepAt(t, '2026-12-07T00:00:00Z'); // Kenji's Monday: the ask that waited for him
      expect(digestsIn(t, TOKYO)).toHaveLength(1);
      await sweepAt(t, '2026-12-08T00:00:00Z'); // Tuesday: nothing new, nothing sent
      await sweepAt(t, '2026-12-08T14:00:00Z'); // Nora's Tuesday: asked about his silence
      expect(digestsIn(t, TOKYO)).toHaveLength(1);
      await t.slack.interaction(t.slack.blockAction({ userId: NYC, actionId: ActionIds.nudge, value: `${id}:${TOKYO}`, blockId: CardBlockIds.unanswered(id, TOKYO) }));
      await t.fake.waitFor('response_url', (c) => String(c.args.text).startsWith(`Nudged: #${number} will be the first thing in <@${TOKYO}>’s digest on Wed 9 Dec`));
      await sweepAt(t, '2026-12-09T00:00:00Z'); // Wednesday: as Nora was told
      expect(digestsIn(t, TOKYO)).toHaveLength(2);
      expect(JSON.stringify(digestsIn(t, TOKYO).at(-1)!.blocks)).toContain(`:wave: *<@${NYC}> nudged this*`);
      await sweepAt(t, '2026-12-10T00:00:00Z'); // Thursday: a nudge is news once
      expect(digestsIn(t, TOKYO)).toHaveLength(2);
      expect(nonDigestDmsIn(t, TOKYO)).toHaveLength(0);
    } finally {
      await t.close();
    }
  });

  it('across Portuguese holidays and a weekend: asked a working day later, nudged once per her working day, each nudge for her next digest on a working day', async () => {
    const LISBON = 'ULISBON';
    const t = await startTestApp({ now: '2026-11-27T19:00:00Z' }); // Fri 19:00 in Lisbon, after work
    try {
      t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      const id = await createHandoff(t, NYC, `<@${LISBON}> check the invoice run`);
      const number = await handoffNumber(t, id);
      // Lia keeps Portugal's public holidays, chosen in her settings: Tue 1 Dec and Tue 8 Dec 2026.
      expect((await saveSettings(t, LISBON, { region: 'PT' })).status).toBe(200);
      const offers = () => digestsIn(t, NYC).filter((m) => textOf(m).includes('No answer from'));
      for (const day of ['2026-11-30', '2026-12-01', '2026-12-02']) {
        await sweepAt(t, `${day}T09:00:00Z`); // Lia's 09:00
        await sweepAt(t, `${day}T14:00:00Z`); // Nora's 09:00
      }
      // Her Monday's shift has ended, Tuesday was a holiday, Wednesday's is still on at Nora's 09:00: one working day.
      const sentDays = async () => (await digestRows(t, LISBON)).filter((r) => r.status === 'sent').map((r) => r.localDate);
      // Every row of hers, with its status and error, so a failure says what became of a missing day.
      const rowsOfLia = (await digestRows(t, LISBON)).map((r) => `${r.localDate} ${r.status}${r.lastError ? ` (${r.lastError})` : ''}`);
      expect(rowsOfLia).toEqual(['2026-11-30 sent', '2026-12-02 sent']);
      // Monday's digest told her there would be none on Tuesday.
      expect(JSON.stringify(digestsIn(t, LISBON)[0]!.blocks)).toContain(':palm_tree: Tue 1 Dec is a public holiday in Portugal: no digest then');
      expect(JSON.stringify(digestsIn(t, LISBON)[1]!.blocks)).not.toContain(':palm_tree:');
      expect(offers()).toHaveLength(0);
      await sweepAt(t, '2026-12-03T09:00:00Z');
      await sweepAt(t, '2026-12-03T14:00:00Z'); // Thursday: Monday and Wednesday have passed
      expect(offers()).toHaveLength(1);
      expect(textOf(offers()[0]!)).toContain(`No answer from <@${LISBON}> in 2 of their working days`);
      const nudge = () =>
        t.slack.interaction(t.slack.blockAction({ userId: NYC, actionId: ActionIds.nudge, value: `${id}:${LISBON}`, blockId: CardBlockIds.unanswered(id, LISBON) }));
      const told = (text: string) => t.fake.waitFor('response_url', (c) => String(c.args.text).startsWith(text));

      // Friday evening in Lisbon: her next digest is Monday's, after the weekend.
      t.clock.set('2026-12-04T18:00:00Z');
      await nudge();
      await told(`Nudged: #${number} will be the first thing in <@${LISBON}>’s digest on Mon 7 Dec`);
      t.clock.set('2026-12-05T12:00:00Z'); // Saturday: the same nudge, not another
      await nudge();
      await told(`Already nudged: #${number} is first in <@${LISBON}>’s digest on Mon 7 Dec`);
      await sweepAt(t, '2026-12-05T09:00:00Z');
      await sweepAt(t, '2026-12-06T09:00:00Z');
      await sweepAt(t, '2026-12-07T09:00:00Z'); // Monday 09:00 in Lisbon
      const monday = digestsIn(t, LISBON).at(-1)!;
      expect((await sentDays()).at(-1)).toBe('2026-12-07');
      expect(JSON.stringify(monday.blocks)).toContain(`:wave: *<@${NYC}> nudged this*`);

      // Monday evening: Tuesday 8 Dec is a holiday, so the next nudge is for Wednesday.
      t.clock.set('2026-12-07T18:00:00Z');
      await nudge();
      await told(`Nudged: #${number} will be the first thing in <@${LISBON}>’s digest on Wed 9 Dec`);
      await sweepAt(t, '2026-12-08T09:00:00Z');
      expect((await sentDays()).at(-1)).toBe('2026-12-07'); // no digest on the holiday
      await sweepAt(t, '2026-12-09T09:00:00Z');
      expect(JSON.stringify(digestsIn(t, LISBON).at(-1)!.blocks)).toContain(`:wave: *<@${NYC}> nudged this*`);
      expect((await selectRows(t, 'handoffEvents', { handoffId: id, kind: 'nudged' })).map((e) => e.note)).toEqual([`${LISBON} 2026-12-07`, `${LISBON} 2026-12-09`]);
      expect(nonDigestDmsIn(t, LISBON)).toHaveLength(0); // never a ping
    } finally {
      await t.close();
    }
  });

  it('a "needed by" less than one of the recipient’s working days away is said once, at the start of the author’s day', async () => {
    const t = await startTestApp({ now: '2026-12-07T13:00:00Z' }); // Mon 08:00 in New York, 22:00 in Tokyo
    try {
      t.fake.addUser({ id: TOKYO, name: 'kenji', tz: 'Asia/Tokyo' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      const id = await createHandoff(t, NYC, `<@${TOKYO}> sign off the release notes`);
      const neededBy = Date.parse('2026-12-09T03:00:00Z'); // Wed 12:00 in Tokyo
      await updateRows(t, 'handoffs', { neededByAt: neededBy }, { id });
      await sweepAt(t, '2026-12-07T14:00:00Z'); // Nora's Monday: Kenji has Tuesday and Wednesday morning, 11 working hours
      expect(digestsIn(t, NYC)).toHaveLength(0);
      await sweepAt(t, '2026-12-08T00:00:00Z'); // Kenji's Tuesday
      await sweepAt(t, '2026-12-08T14:00:00Z'); // Nora's Tuesday: 3 of Kenji's working hours left
      const tuesday = digestsIn(t, NYC);
      expect(tuesday).toHaveLength(1);
      expect(tuesday[0]!.text).toBe('Good morning: 1 needed soon.');
      expect(textOf(tuesday[0]!)).toContain(`*#${await handoffNumber(t, id)} · sign off the release notes* — needed by <!date^${neededBy / 1000}^{date_short_pretty} at {time}|`);
      expect(textOf(tuesday[0]!)).toContain(`less than one working day left for <@${TOKYO}>.`);
      await sweepAt(t, '2026-12-09T14:00:00Z'); // Nora's Wednesday: said once (Kenji's silence is news now)
      const wednesday = digestsIn(t, NYC).at(-1)!;
      expect(wednesday.text).toBe('Good morning: 1 unanswered.');
      expect(textOf(wednesday)).not.toContain('Needed soon');
    } finally {
      await t.close();
    }
  });
});

describe('morning digest: a nudge on two processes at once', () => {
  it('the same Nudge click reaching two processes on one database at once nudges once: one "Nudged", one "Already nudged", one event', async () => {
    const t = await startTestApp({ now: '2026-12-08T14:00:00Z' }); // Tue 09:00 in New York, 23:00 in Tokyo
    const b = await startTestApp({ now: '2026-12-08T14:00:00Z', databaseUrl: t.databaseUrl, fake: t.fake }); // a second process (a rolling deploy)
    try {
      t.fake.addUser({ id: TOKYO, name: 'kenji', tz: 'Asia/Tokyo' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      const id = await createHandoff(t, NYC, `<@${TOKYO}> review the supplier contract`);
      const click = () => ({ userId: NYC, actionId: ActionIds.nudge, value: `${id}:${TOKYO}`, blockId: CardBlockIds.unanswered(id, TOKYO) });
      const answers = await Promise.all([t.slack.interaction(t.slack.blockAction(click())), b.slack.interaction(b.slack.blockAction(click()))]);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      const told = async () =>
        t.fake
          .callsTo('response_url')
          .map((c) => String(c.args.text))
          .filter((x) => /^(Already nudged|Nudged):/.test(x));
      await eventually(async () => expect(await told()).toHaveLength(2));
      expect((await told()).map((x) => x.split(':')[0]).sort()).toEqual(['Already nudged', 'Nudged']);
      expect((await selectRows(t, 'handoffEvents', { handoffId: id, kind: 'nudged' })).map((e) => e.note)).toEqual([`${TOKYO} 2026-12-09`]);
      expect(nonDigestDmsIn(t, TOKYO)).toHaveLength(0);
    } finally {
      await b.close();
      await t.close();
    }
  });
});

describe('morning digest: public holidays', () => {
  it('no digest and no live DM on a Portuguese holiday; what waited carries over to the next workday', async () => {
    const LISBON = 'ULISBON';
    const t = await startTestApp({ now: '2026-11-30T18:00:00Z' }); // Mon 18:00 in Lisbon, after work
    try {
      t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      const first = await createHandoff(t, NYC, `<@${LISBON}> check the invoice run`);
      // Lia keeps Portugal's public holidays (Tue 1 Dec is Restauração da Independência).
      await updateRows(t, 'users', { holidayRegion: 'PT' }, { teamId: TEAM, userId: LISBON });
      t.clock.set('2026-12-01T09:00:00Z'); // Tue 09:00 in Lisbon: a holiday
      await t.tick();
      expect(digestsIn(t, LISBON)).toHaveLength(0);
      // Mid-morning on the holiday she is not "working now": a new ask waits too.
      t.clock.set('2026-12-01T11:00:00Z');
      const second = await createHandoff(t, NYC, `<@${LISBON}> approve the supplier list`);
      await t.tick();
      expect(nonDigestDmsIn(t, LISBON)).toHaveLength(0);
      t.clock.set('2026-12-02T09:00:00Z'); // Wed 09:00 in Lisbon
      await t.tick();
      const digests = digestsIn(t, LISBON);
      expect(digests).toHaveLength(1);
      expect((await digestRows(t, LISBON)).map((r) => [r.localDate, r.status])).toEqual([['2026-12-02', 'sent']]);
      for (const id of [first, second]) expect(JSON.stringify(digests[0]!.blocks)).toContain(CardBlockIds.meta(id));
      await expectPostedInMorning(t, LISBON, 'Europe/Lisbon');
    } finally {
      await t.close();
    }
  });
});

describe('morning digest: away by Slack status', () => {
  it('a vacation status with an end holds digests until the first workday after it; clearing it early brings them back the next morning', async () => {
    const LISBON = 'ULISBON';
    const t = await startTestApp({ now: '2026-12-02T18:00:00Z' }); // Wed 18:00 in Lisbon
    try {
      t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      // She keeps no public holidays (Tue 8 Dec is one in Portugal): the status alone decides here.
      await saveSettings(t, LISBON, { region: 'off' });
      const id = await createHandoff(t, NYC, `<@${LISBON}> check the invoice run`);
      // Lia sets ":palm_tree: Vacationing" until the end of Tuesday 8 Dec in Lisbon.
      const until = Date.parse('2026-12-08T23:59:59Z') / 1000;
      await t.slack.event(t.fake.setStatus(LISBON, { text: 'Vacationing', emoji: ':palm_tree:', expiration: until }));
      await eventually(async () => expect(await userRow(t, LISBON)).toMatchObject({ statusAwayUntil: '2026-12-09', statusAwayKind: 'vacation' }));
      for (const day of ['2026-12-03', '2026-12-04', '2026-12-07']) {
        t.clock.set(`${day}T09:00:00Z`);
        await t.tick();
      }
      expect(digestsIn(t, LISBON)).toHaveLength(0);
      // Back early: she clears the status on Monday evening; Tuesday's digest has what waited.
      t.clock.set('2026-12-07T19:00:00Z');
      await t.slack.event(t.fake.setStatus(LISBON, null));
      await eventually(async () => expect(await userRow(t, LISBON)).toMatchObject({ statusAwayUntil: null, statusAwayKind: null }));
      t.clock.set('2026-12-08T09:00:00Z');
      await t.tick();
      const digests = digestsIn(t, LISBON);
      expect(digests).toHaveLength(1);
      expect(JSON.stringify(digests[0]!.blocks)).toContain(CardBlockIds.meta(id));
      expect((await digestRows(t, LISBON)).map((r) => r.localDate)).toEqual(['2026-12-08']);
    } finally {
      await t.close();
    }
  });

  it('a lunch break or "back from vacation" is not away', async () => {
    const LISBON = 'ULISBON';
    const t = await startTestApp({ now: '2026-12-02T12:00:00Z' });
    try {
      t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
      for (const status of [
        { text: 'Away from keyboard for lunch', emoji: ':palm_tree:', expiration: 0 },
        { text: 'Back from vacation, catching up', emoji: '', expiration: 0 },
      ]) {
        // Away first, so each of these has something to clear.
        await t.slack.event(t.fake.setStatus(LISBON, { text: 'OOO', emoji: '', expiration: 0 }));
        await eventually(async () => expect(await userRow(t, LISBON)).toMatchObject({ statusAwayKind: 'out_of_office' }));
        await t.slack.event(t.fake.setStatus(LISBON, status));
        expect(await t.handoff.inFlight.drain(10_000)).toBe(true); // the event's work after its ack is done
        expect(await userRow(t, LISBON)).toMatchObject({ displayName: 'lia', statusAwayUntil: null, statusAwayKind: null });
      }
    } finally {
      await t.close();
    }
  });
});
