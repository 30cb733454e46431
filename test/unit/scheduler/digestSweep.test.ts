/**
 * The digest sweep against a real (in-memory) SQLite: for any zone, start time, working days and any
 * pattern of scheduler ticks (including downtime), every digest is sendable at the person's start time
 * or at most DIGEST_MAX_LATE after it — never at 3 a.m., never before the start (a row planned up to
 * PLAN_AHEAD_MS ahead is not due until then) — at most once per local date, and a digest day is never
 * silently lost: it is either enqueued or recorded as skipped.
 */
import fc from 'fast-check';
import { countLoopTurns } from '../../harness/loopTurns';
import { openDatabase, runMigrations, type DbHandle } from '../../../src/db/client';
import { sqliteStore } from '../../../src/db/sqliteStore';
import { PLAN_AHEAD_MS, SLICE_SIZE, sendableAt, sweepDueDigests } from '../../../src/scheduler/digestSweep';
import { digestSlotOn, firstDigestSlotAfterInstant, isDigestDay, type WorkSchedule } from '../../../src/domain/workSchedule';
import { scheduleOf } from '../../../src/domain/personSchedule';
import { addDays } from '../../../src/time';

const HOUR = 3600_000;
const MAX_LATE = 4 * HOUR;
// DST both ways, half- and quarter-hour offsets, a 30-minute DST shift, the date line.
const ZONES = ['Europe/Lisbon', 'America/New_York', 'Asia/Tokyo', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham', 'Pacific/Kiritimati', 'UTC'];

function freshDb(): DbHandle {
  const h = openDatabase(':memory:');
  runMigrations(h);
  h.sqlite.prepare(`insert into workspaces (team_id, created_at) values ('T1', 0)`).run();
  return h;
}

function addPerson(h: DbHandle, userId: string, s: WorkSchedule, from: Date, holidayRegion: string | null = null): void {
  const slot = firstDigestSlotAfterInstant(s, from);
  h.sqlite
    .prepare(`insert into users (team_id, user_id, slack_tz, workday_start_minute, workday_end_minute, working_days, holiday_region, next_digest_at, next_digest_local_date, created_at, updated_at)
      values ('T1', ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)`)
    .run(userId, s.tz, s.startMinute, s.endMinute, s.workingDays, holidayRegion, slot.at.getTime(), slot.localDate);
}

interface Row {
  local_date: string;
  status: string;
  created_at: number;
  next_attempt_at: number;
  payload: string;
}

const rowsOf = (h: DbHandle, userId: string) =>
  h.sqlite.prepare(`select local_date, status, created_at, next_attempt_at, payload from outbox where user_id = ? order by local_date`).all(userId) as Row[];

describe('sweepDueDigests', () => {
  it('property: on time or ≤ 4 h late at the person’s start, once per date, never silently lost', async () => {
    const schedule = fc.record({
      tz: fc.constantFrom(...ZONES),
      startMinute: fc.integer({ min: 4 * 60, max: 21 * 60 }),
      workingDays: fc.integer({ min: 1, max: 127 }),
      // Public holidays: none chosen, "No public holidays", or a region's (days without a digest).
      holidayRegion: fc.constantFrom(null, 'off', 'PT', 'US', 'JP', 'NZ'),
    });
    // Mostly regular ticks, sometimes an outage of up to 30 hours.
    const gap = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 45 * 60_000 }) }, { weight: 1, arbitrary: fc.integer({ min: HOUR, max: 30 * HOUR }) });
    await fc.assert(
      fc.asyncProperty(
        schedule,
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-20T00:00:00Z') }),
        fc.array(gap, { minLength: 20, maxLength: 120 }),
        async (sched, startAt, gaps) => {
          const { holidayRegion, ...hours } = sched;
          const endMinute = (sched.startMinute + 8 * 60) % 1440;
          // The person as the row says (holidays included), the way the scheduler reads them.
          const s: WorkSchedule = scheduleOf({
            ...hours,
            slackTz: hours.tz,
            tzOverride: null,
            workdayStartMinute: hours.startMinute,
            workdayEndMinute: endMinute,
            awayUntil: null,
            statusAwayUntil: null,
            holidayRegion,
          });
          const h = freshDb();
          try {
            const start = new Date(startAt);
            addPerson(h, 'U1', s, start, holidayRegion);
            const ticks: number[] = [];
            let t = startAt;
            for (const g of gaps) {
              t += g;
              ticks.push(t);
              await sweepDueDigests(sqliteStore(h), new Date(t), MAX_LATE);
            }
            const rows = rowsOf(h, 'U1');
            // Once per local date (also guaranteed by the unique dedupe key).
            expect(new Set(rows.map((r) => r.local_date)).size).toBe(rows.length);
            for (const r of rows) {
              const slot = digestSlotOn(s, r.local_date).at.getTime();
              expect(isDigestDay(s, r.local_date)).toBe(true);
              // The earliest it can go: enqueued, and due.
              const lateBy = Math.max(r.created_at, r.next_attempt_at) - slot;
              expect(lateBy).toBeGreaterThanOrEqual(0);
              expect(r.created_at).toBeGreaterThanOrEqual(slot - PLAN_AHEAD_MS);
              if (r.status === 'pending') {
                // Sent at the start time of that very date, or at most 4 hours after it.
                expect(lateBy).toBeLessThanOrEqual(MAX_LATE);
                // Planned ahead of its slot: it keeps what to restore if a settings change undoes it.
                const payload = JSON.parse(r.payload) as Record<string, unknown>;
                expect(Object.keys(payload).sort()).toEqual(r.created_at < slot ? ['before', 'sendBy', 'slotAt'] : ['sendBy', 'slotAt']);
                expect(payload).toMatchObject({ slotAt: slot, sendBy: slot + MAX_LATE });
              } else {
                expect(r.status).toBe('skipped');
                // Skipped only when the scheduler really was away past the window.
                expect(lateBy).toBeGreaterThan(MAX_LATE);
              }
            }
            // Every digest day whose slot passed while ticks ran, or came within a tick's planning
            // horizon, has a row: enqueued or skipped.
            const last = ticks[ticks.length - 1]! + PLAN_AHEAD_MS;
            const first = firstDigestSlotAfterInstant(s, start);
            const expected: string[] = [];
            for (let d = first.localDate; digestSlotOn(s, d).at.getTime() <= last; d = addDays(d, 1)) {
              if (isDigestDay(s, d)) expected.push(d);
            }
            expect(rows.map((r) => r.local_date)).toEqual(expected);
          } finally {
            h.close();
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('two people of one zone and hours but different holidays each get their own next digest, whoever the slice reads first', async () => {
    // Lisbon, Monday 30 Nov 2026 09:00; Tuesday 1 Dec is a public holiday in Portugal.
    const lisbon: WorkSchedule = { tz: 'Europe/Lisbon', startMinute: 9 * 60, endMinute: 17 * 60, workingDays: 0b0111110, awayUntil: null };
    const monday = new Date('2026-11-30T08:59:30Z');
    for (const [first, second] of [
      ['A', 'B'],
      ['B', 'A'],
    ] as const) {
      const h = freshDb();
      try {
        // A keeps her zone's holidays (none chosen); B chose "No public holidays". Same slot.
        const regions: Record<string, string | null> = { A: null, B: 'off' };
        for (const id of [first, second]) addPerson(h, id, lisbon, new Date('2026-11-30T00:00:00Z'), regions[id]);
        await sweepDueDigests(sqliteStore(h), monday, MAX_LATE);
        const next = (id: string) => (h.sqlite.prepare(`select next_digest_local_date d from users where user_id = ?`).get(id) as { d: string }).d;
        expect([rowsOf(h, 'A').map((r) => r.local_date), rowsOf(h, 'B').map((r) => r.local_date)]).toEqual([['2026-11-30'], ['2026-11-30']]);
        expect({ A: next('A'), B: next('B') }).toEqual({ A: '2026-12-02', B: '2026-12-01' });
      } finally {
        h.close();
      }
    }
  });

  it('a restart that re-runs the sweep enqueues nothing twice', async () => {
    const h = freshDb();
    const s: WorkSchedule = { tz: 'Asia/Tokyo', startMinute: 540, endMinute: 1020, workingDays: 0b0111110, awayUntil: null };
    addPerson(h, 'U1', s, new Date('2026-11-25T19:00:00Z'));
    const at = new Date('2026-11-26T00:00:00Z');
    expect(await sweepDueDigests(sqliteStore(h), at, MAX_LATE)).toMatchObject({ due: 1, enqueued: 1, skipped: 0 });
    // The person's schedule was advanced in the same transaction; re-planning the same date is ignored too.
    expect(await sweepDueDigests(sqliteStore(h), at, MAX_LATE)).toMatchObject({ due: 0, enqueued: 0 });
    h.sqlite.prepare(`update users set next_digest_at = ?, next_digest_local_date = '2026-11-26'`).run(at.getTime());
    expect(await sweepDueDigests(sqliteStore(h), at, MAX_LATE)).toMatchObject({ due: 1, enqueued: 0 });
    expect(rowsOf(h, 'U1')).toHaveLength(1);
    h.close();
  });

  it('one broken schedule does not stop everyone else’s digest', async () => {
    const h = freshDb();
    const s: WorkSchedule = { tz: 'UTC', startMinute: 540, endMinute: 1020, workingDays: 0b1111111, awayUntil: null };
    const from = new Date('2026-11-25T08:00:00Z');
    addPerson(h, 'UOK', s, from);
    addPerson(h, 'UBAD', s, from);
    h.sqlite.prepare(`update users set working_days = 0 where user_id = 'UBAD'`).run(); // no working day at all
    const now = new Date('2026-11-25T09:00:00Z');
    const result = await sweepDueDigests(sqliteStore(h), now, MAX_LATE);
    expect(result).toMatchObject({ due: 2, enqueued: 1 });
    expect(result.errors).toEqual([{ teamId: 'T1', userId: 'UBAD', error: expect.stringMatching(/no working days/) }]);
    expect(rowsOf(h, 'UOK')).toHaveLength(1);
    // Parked for a day rather than retried (and failing) on every tick.
    const bad = h.sqlite.prepare(`select next_digest_at as t from users where user_id = 'UBAD'`).get() as { t: number };
    expect(bad.t).toBe(now.getTime() + 24 * HOUR);
    h.close();
  });

  it('uninstalled workspaces keep their schedule frozen; catch-up applies when they come back', async () => {
    const h = freshDb();
    const s: WorkSchedule = { tz: 'UTC', startMinute: 540, endMinute: 1020, workingDays: 0b1111111, awayUntil: null };
    addPerson(h, 'U1', s, new Date('2026-11-25T08:00:00Z'));
    h.sqlite.prepare(`update workspaces set status = 'uninstalled'`).run();
    expect((await sweepDueDigests(sqliteStore(h), new Date('2026-11-27T10:00:00Z'), MAX_LATE)).due).toBe(0);
    h.sqlite.prepare(`update workspaces set status = 'active'`).run();
    expect(await sweepDueDigests(sqliteStore(h), new Date('2026-11-27T10:00:00Z'), MAX_LATE)).toMatchObject({ due: 1, enqueued: 1, skipped: 2 });
    expect(rowsOf(h, 'U1').map((r) => [r.local_date, r.status])).toEqual([
      ['2026-11-25', 'skipped'],
      ['2026-11-26', 'skipped'],
      ['2026-11-27', 'pending'],
    ]);
    h.close();
  });

  it('a 10,000-person wave is swept in slices that let the event loop run between them', async () => {
    const h = freshDb();
    const insert = h.sqlite.prepare(`insert into users (team_id, user_id, slack_tz, working_days, next_digest_at, next_digest_local_date, created_at, updated_at)
      values ('T1', ?, 'Asia/Tokyo', 62, ?, '2026-11-26', 0, 0)`);
    const at = Date.parse('2026-11-26T00:00:00Z');
    h.sqlite.transaction(() => {
      for (let i = 0; i < 10_000; i++) insert.run(`U${i}`, at);
    })();
    // A ticker on the event loop: it only runs when the sweep gives the loop back.
    const loop = countLoopTurns();
    const slices: number[] = [];
    const sweep = sweepDueDigests(sqliteStore(h), new Date(at + 60_000), MAX_LATE, { onSlice: (s) => slices.push(s.enqueued) });
    expect(await sweep).toMatchObject({ due: 10_000, enqueued: 10_000 });
    const turns = loop.stop();
    expect(slices).toHaveLength(10_000 / SLICE_SIZE);
    expect(Math.max(...slices)).toBeLessThanOrEqual(SLICE_SIZE);
    // The loop ran between (nearly) every two slices.
    expect(turns).toBeGreaterThanOrEqual(slices.length - 1);
    // Each committed slice is durable on its own: everyone was enqueued once and advanced.
    expect(h.sqlite.prepare(`select count(*) as n from outbox`).get()).toEqual({ n: 10_000 });
    expect(h.sqlite.prepare(`select count(*) as n from users where next_digest_at <= ?`).get(at + 60_000)).toEqual({ n: 0 });
    h.close();
  });

  it('a sweep told to stop ends after its current slice; the rest stay due for the next one', async () => {
    const h = freshDb();
    const insert = h.sqlite.prepare(`insert into users (team_id, user_id, slack_tz, working_days, next_digest_at, next_digest_local_date, created_at, updated_at)
      values ('T1', ?, 'Asia/Tokyo', 62, ?, '2026-11-26', 0, 0)`);
    const at = Date.parse('2026-11-26T00:00:00Z');
    for (let i = 0; i < 1000; i++) insert.run(`U${i}`, at);
    let stop = false;
    const first = await sweepDueDigests(sqliteStore(h), new Date(at + 60_000), MAX_LATE, { onSlice: () => (stop = true), stopping: () => stop });
    expect(first).toMatchObject({ due: SLICE_SIZE, enqueued: SLICE_SIZE });
    expect(await sweepDueDigests(sqliteStore(h), new Date(at + 60_000), MAX_LATE)).toMatchObject({ due: 1000 - SLICE_SIZE, enqueued: 1000 - SLICE_SIZE });
    h.close();
  });

  it('a wave goes out in a fair, stable order: not by user id or sign-up, new every day, the same on a re-sweep', async () => {
    const at = Date.parse('2026-11-26T00:00:00Z'); // 09:00 in Tokyo, Thursday
    const wave = async () => {
      const h = freshDb();
      const insert = h.sqlite.prepare(`insert into users (team_id, user_id, slack_tz, working_days, next_digest_at, next_digest_local_date, created_at, updated_at)
        values ('T1', ?, 'Asia/Tokyo', 127, ?, '2026-11-26', 0, 0)`);
      for (let i = 0; i < 300; i++) insert.run(`U${String(i).padStart(4, '0')}`, at);
      await sweepDueDigests(sqliteStore(h), new Date(at + 60_000), MAX_LATE);
      await sweepDueDigests(sqliteStore(h), new Date(at + 24 * HOUR + 60_000), MAX_LATE);
      // The order the outbox claims them in (claimDue: next_attempt_at, then id).
      const order = (date: string) =>
        h.sqlite.prepare(`select user_id as u, next_attempt_at as t from outbox where local_date = ? order by next_attempt_at, id`).all(date) as { u: string; t: number }[];
      const days = [order('2026-11-26'), order('2026-11-27')];
      h.close();
      return days;
    };
    const [thursday, friday] = await wave();
    const signUp = [...thursday!.map((r) => r.u)].sort();
    expect(thursday!.map((r) => r.u)).not.toEqual(signUp); // user ids were inserted in order too
    expect(friday!.map((r) => r.u)).not.toEqual(thursday!.map((r) => r.u));
    // Everyone is due at once (nobody waits for their turn's offset), within the sweep's second.
    for (const r of thursday!) expect(at + 60_000 - r.t).toBeGreaterThanOrEqual(0);
    for (const r of thursday!) expect(at + 60_000 - r.t).toBeLessThan(1000);
    // The first tenth on Thursday is not the first tenth on Friday.
    const firstTenth = (rows: { u: string }[]) => new Set(rows.slice(0, 30).map((r) => r.u));
    const both = [...firstTenth(thursday!)].filter((u) => firstTenth(friday!).has(u));
    expect(both.length).toBeLessThan(15);
    // Stable: the same people and dates give the same order.
    const [again] = await wave();
    expect(again!.map((r) => r.u)).toEqual(thursday!.map((r) => r.u));
  });

  it('plans a wave up to a minute before its slot; nothing is due before the slot, everyone within its first second, in a fair order', async () => {
    const h = freshDb();
    const insert = h.sqlite.prepare(`insert into users (team_id, user_id, slack_tz, working_days, next_digest_at, next_digest_local_date, created_at, updated_at)
      values ('T1', ?, 'Asia/Tokyo', 127, ?, '2026-11-26', 0, 0)`);
    const at = Date.parse('2026-11-26T00:00:00Z'); // 09:00 in Tokyo
    for (let i = 0; i < 300; i++) insert.run(`U${String(i).padStart(4, '0')}`, at);
    // Beyond the horizon: nothing yet.
    expect(await sweepDueDigests(sqliteStore(h), new Date(at - PLAN_AHEAD_MS - 1), MAX_LATE)).toMatchObject({ due: 0, enqueued: 0 });
    const planned = await sweepDueDigests(sqliteStore(h), new Date(at - PLAN_AHEAD_MS), MAX_LATE);
    expect(planned).toMatchObject({ due: 300, enqueued: 300, skipped: 0 });
    const rows = h.sqlite.prepare(`select user_id as u, next_attempt_at as t, payload from outbox where status = 'pending' order by next_attempt_at, id`).all() as {
      u: string;
      t: number;
      payload: string;
    }[];
    expect(rows).toHaveLength(300);
    for (const r of rows) {
      expect(r.t).toBeGreaterThanOrEqual(at);
      expect(r.t).toBeLessThan(at + 1000);
      // Never served before: that is what a settings change before the slot puts back.
      expect(JSON.parse(r.payload)).toEqual({ slotAt: at, sendBy: at + MAX_LATE, before: { last: null, lastAt: null } });
    }
    expect(rows.map((r) => r.u)).not.toEqual(rows.map((r) => r.u).sort());
    // Each person moved on to Friday, with Thursday marked as served at its slot instant.
    const u = h.sqlite.prepare(`select next_digest_local_date as next, last_digest_local_date as last, last_digest_at as lastAt from users where user_id = 'U0007'`).get();
    expect(u).toEqual({ next: '2026-11-27', last: '2026-11-26', lastAt: at });
    // The sweep at the slot finds nobody left and changes nothing.
    expect(await sweepDueDigests(sqliteStore(h), new Date(at), MAX_LATE)).toMatchObject({ due: 0, enqueued: 0 });
    h.close();
  });

  it('sendableAt: in turn just after a slot still to come, in turn among those due now otherwise', () => {
    const slot = Date.parse('2026-11-26T00:00:00Z');
    expect(sendableAt(slot, slot - 30_000, 250)).toBe(slot + 250);
    expect(sendableAt(slot, slot, 250)).toBe(slot - 250);
    expect(sendableAt(slot, slot + 60_000, 250)).toBe(slot + 60_000 - 250);
  });
});
