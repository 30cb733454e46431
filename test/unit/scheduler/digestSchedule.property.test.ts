/**
 * The digest promise as a property, over 60 simulated days of one person whose settings and Slack
 * zone change at random instants (the real code paths: People.replanDigest after a settings save,
 * People.remember for a user_change, the real sweep on a real database, ticking every 30 minutes):
 *  - no digest is ever sent outside the start of that person's working day (start … start + catch-up);
 *  - a local date gets one digest, or two only when travel west made it a new workday ≥ 12 h later;
 *  - every working day whose start passed with the schedule left alone gets exactly one digest;
 *  - what the settings preview showed after each change is what the scheduler then did.
 */
import fc from 'fast-check';
import pino from 'pino';
import type { WebClient } from '@slack/web-api';
import { openDatabase, runMigrations, type DbHandle } from '../../../src/db/client';
import { sqliteStore } from '../../../src/db/sqliteStore';
import { getUser, updateUser } from '../../../src/db/queries/users';
import { People } from '../../../src/services/people';
import { plannedDigestsOf, scheduleOf } from '../../../src/domain/personSchedule';
import { sweepDueDigests } from '../../../src/scheduler/digestSweep';
import { ALL_DAYS, REPEAT_DATE_MIN_GAP_MS, digestSlotOn, isDigestDay, type PlannedDigest, type WorkSchedule } from '../../../src/domain/workSchedule';
import { addDays, localDateOf } from '../../../src/time';
import { ManualClock } from '../../harness/manualClock';

const TEAM = 'T1';
const USER = 'U1';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const TICK = 30 * MIN;
const MAX_LATE = 4 * HOUR;
const DAYS = 60;
const ZONES = [
  'Europe/Lisbon',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Pacific/Auckland',
  'Australia/Lord_Howe',
  'America/St_Johns',
];

type Change = { at: number; kind: 'settings'; startMinute: number; workingDays: number; tzOverride: string | null } | { at: number; kind: 'zone'; tz: string };

interface Sent {
  localDate: string;
  sentAt: number;
  schedule: WorkSchedule;
}

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    at: fc.integer({ min: 0, max: DAYS * DAY - 1 }),
    kind: fc.constant('settings' as const),
    startMinute: fc.oneof(
      fc.integer({ min: 0, max: 95 }).map((q) => q * 15),
      fc.constantFrom(8 * 60, 9 * 60, 9 * 60 + 30),
    ),
    workingDays: fc.oneof(fc.constant(0b0111110), fc.integer({ min: 1, max: ALL_DAYS })),
    tzOverride: fc.option(fc.constantFrom(...ZONES), { nil: null }),
  }),
  fc.record({ at: fc.integer({ min: 0, max: DAYS * DAY - 1 }), kind: fc.constant('zone' as const), tz: fc.constantFrom(...ZONES) }),
);

async function simulate(startMs: number, firstTz: string, changes: Change[]) {
  const db: DbHandle = openDatabase(':memory:');
  runMigrations(db);
  const store = sqliteStore(db);
  const clock = new ManualClock(new Date(startMs));
  // Neither path exercised here calls Slack: remember() takes the profile it is given.
  const people = new People(store, {} as WebClient, clock, pino({ level: 'silent' }), MAX_LATE);
  await people.remember(TEAM, { id: USER, name: 'u', tz: firstTz });
  const sent: Sent[] = [];
  const previews: { at: number; plan: PlannedDigest[] }[] = [];
  // The schedule in effect from each instant on, to judge each day by the rules that applied then.
  const timeline: { from: number; schedule: WorkSchedule }[] = [{ from: startMs, schedule: scheduleOf(getUser(db.db, TEAM, USER)!) }];
  let skipped = 0;
  let seen = 0;
  const pending = [...changes].sort((a, b) => a.at - b.at);
  const collect = () => {
    const rows = db.sqlite.prepare('select id, local_date as localDate, status from outbox where id > ? order by id').all(seen) as {
      id: number;
      localDate: string;
      status: string;
    }[];
    for (const r of rows) {
      seen = r.id;
      if (r.status === 'skipped') skipped++;
      else sent.push({ localDate: r.localDate, sentAt: clock.now().getTime(), schedule: scheduleOf(getUser(db.db, TEAM, USER)!) });
    }
  };
  // Ticks every 30 minutes, as the cron tick would; ticks with nothing due (no digest, no change)
  // are skipped, since a sweep with nothing due does nothing.
  const end = startMs + DAYS * DAY;
  const gridAfter = (x: number) => startMs + (Math.floor((x - startMs) / TICK) + 1) * TICK;
  for (;;) {
    const due = getUser(db.db, TEAM, USER)!.nextDigestAt ?? Infinity;
    const now = clock.now().getTime();
    const tick = due <= now ? gridAfter(now) : gridAfter(due - 1);
    const next = pending[0];
    if (next && startMs + next.at < tick) {
      pending.shift();
      clock.set(new Date(startMs + next.at));
      if (next.kind === 'settings') {
        // What SettingsService.save does after validation.
        updateUser(
          db.db,
          TEAM,
          USER,
          { workdayStartMinute: next.startMinute, workdayEndMinute: (next.startMinute + 8 * 60) % 1440, workingDays: next.workingDays, tzOverride: next.tzOverride },
          clock.now(),
        );
        await people.replanDigest(getUser(db.db, TEAM, USER)!);
      } else {
        await people.remember(TEAM, { id: USER, name: 'u', tz: next.tz });
      }
      const row = getUser(db.db, TEAM, USER)!;
      previews.push({ at: clock.now().getTime(), plan: plannedDigestsOf(row, clock.now(), 3) });
      timeline.push({ from: clock.now().getTime(), schedule: scheduleOf(row) });
      continue;
    }
    if (tick > end) break;
    clock.set(new Date(tick));
    await sweepDueDigests(store, clock.now(), MAX_LATE);
    collect();
  }
  db.close();
  return { sent, previews, skipped, timeline };
}

describe('digest schedule under random settings and zone changes (property, 60 simulated days)', () => {
  it('never off-hours, one per workday, none lost, and the preview is what happens', async () => {
    // How many workdays and preview lines were actually judged: a property that checks nothing passes.
    const checked = { workdays: 0, previews: 0, digests: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z') / DAY, max: Date.parse('2027-12-01T00:00:00Z') / DAY }),
        fc.constantFrom(...ZONES),
        fc.array(change, { maxLength: 12 }),
        async (day, firstTz, changes) => {
          const startMs = day * DAY;
          const { sent, previews, skipped, timeline } = await simulate(startMs, firstTz, changes);
          expect(skipped).toBe(0);

          // Never outside the start of the working day, under the schedule in effect.
          checked.digests += sent.length;
          for (const d of sent) {
            expect(isDigestDay(d.schedule, d.localDate)).toBe(true);
            const slot = digestSlotOn(d.schedule, d.localDate).at.getTime();
            expect(d.sentAt).toBeGreaterThanOrEqual(slot - TICK);
            expect(d.sentAt - slot).toBeLessThanOrEqual(MAX_LATE + TICK);
          }

          // One digest per local date; a second only a new workday later (travel west).
          const byDate = new Map<string, number[]>();
          for (const d of sent) byDate.set(d.localDate, [...(byDate.get(d.localDate) ?? []), d.sentAt]);
          for (const times of byDate.values()) {
            expect(times.length).toBeLessThanOrEqual(2);
            if (times.length === 2) expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(REPEAT_DATE_MIN_GAP_MS - TICK);
          }

          // No working day is lost: a start that passed with the schedule left alone from just before
          // it to the end of its catch-up window, and at least 12 h after the previous digest (so it is
          // a new workday, not the same one reached again by travel), has exactly one digest.
          const end = startMs + DAYS * DAY;
          timeline.forEach((segment, k) => {
            const to = timeline[k + 1]?.from ?? end;
            const s = segment.schedule;
            if ((s.workingDays & ALL_DAYS) === 0) return;
            for (let d = addDays(localDateOf(s.tz, new Date(segment.from)), -1); d <= localDateOf(s.tz, new Date(to)); d = addDays(d, 1)) {
              if (!isDigestDay(s, d)) continue;
              const start = digestSlotOn(s, d).at.getTime();
              if (start < segment.from + TICK || start + MAX_LATE >= to || start + MAX_LATE + TICK > end) continue;
              const previous = sent.filter((x) => x.sentAt < start).at(-1);
              if (previous && start - previous.sentAt < REPEAT_DATE_MIN_GAP_MS) continue;
              const got = sent.filter((x) => x.localDate === d && x.sentAt >= start && x.sentAt <= start + TICK);
              expect(got).toHaveLength(1);
              checked.workdays++;
            }
          });

          // Each preview is what the scheduler then did, for as long as nothing changed again.
          previews.forEach((p, k) => {
            const next = previews[k + 1]?.at ?? Infinity;
            const after = sent.filter((x) => x.sentAt > p.at);
            p.plan.forEach((slot, i) => {
              const due = slot.at.getTime();
              if (due + TICK > next || due + TICK > startMs + DAYS * DAY) return;
              const got = after[i];
              expect(got).toBeDefined();
              expect(got!.localDate).toBe(slot.localDate);
              expect(got!.sentAt).toBeGreaterThanOrEqual(due);
              expect(got!.sentAt - due).toBeLessThan(TICK + 1);
              checked.previews++;
            });
          });
        },
      ),
      { numRuns: Number(process.env.SCHEDULE_RUNS ?? 25), seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261130 },
    );
    if (process.env.SCHEDULE_VERBOSE) console.log(checked);
    expect(checked.digests).toBeGreaterThan(500);
    expect(checked.workdays).toBeGreaterThan(300);
    expect(checked.previews).toBeGreaterThan(50);
  });
});
