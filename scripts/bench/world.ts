/**
 * The benches' workspace: who exists, what the database holds before the app starts, and the
 * instant of the wave. Shared by the orchestrator, the fake Slack process and the load generator.
 */
import { openDatabase, runMigrations } from '../../src/db/client';
import { ALL_DAYS } from '../../src/domain/workSchedule';
import { localInstant, localParts } from '../../src/time';

export const TEAM = 'T0001';
export const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-token';
/** Everyone in the wave shares one zone and one start minute. */
export const WAVE_ZONE = 'Europe/Berlin';
export const CHANNEL = 'C0BENCH';

/** People who send the steady traffic (creates, proposals) and receive the creates. */
export const LOAD_PEOPLE = Array.from({ length: 50 }, (_, i) => `U0L${String(i).padStart(4, '0')}`);
/** Has LIST_OPEN open handoffs waiting on them: `/handoff list` renders 200 cards. */
export const LIST_USER = 'U0LIST';
export const LIST_OPEN = 200;
/** Has CLICK_OPEN open handoffs: each Acknowledge click acts on a different one. */
export const CLICK_USER = 'U0CLICK';
export const CLICK_OPEN = 20_000;
/** Author of every seeded handoff. */
export const AUTHOR = 'U0AUTHOR';
export const waveUserId = (i: number) => `W${String(i).padStart(7, '0')}`;
/** Handoff ids: the list user's first, then the click user's, then one per wave person. */
export const clickHandoffId = (i: number) => LIST_OPEN + 1 + (i % CLICK_OPEN);

/** The next whole minute at least `leadMs` after `now` (in every whole-hour zone, a whole local minute too). */
export function nextSlot(now: number, leadMs: number): number {
  return Math.ceil((now + leadMs) / 60_000) * 60_000;
}

/**
 * A fresh database for the app: migrations, the workspace, the people above and `wave` people whose
 * digest is due at `slotAt`, each with one open handoff waiting on them (a digest is never empty).
 * Written before the app starts, so the app sees it as if these people had been there for months.
 */
export function seedDatabase(file: string, wave: number, slotAt: number, now = Date.now()): void {
  const handle = openDatabase(file);
  runMigrations(handle);
  const db = handle.sqlite;
  const slot = localParts(WAVE_ZONE, new Date(slotAt));
  if (localInstant(WAVE_ZONE, slot.date, slot.minuteOfDay).getTime() !== slotAt) throw new Error('the slot is not a whole local minute');
  const later = now + 12 * 3600_000; // the steady-traffic people are not due during the bench
  const laterParts = localParts(WAVE_ZONE, new Date(later));
  // Nobody keeps public holidays: the bench runs on the real date, which may be one in WAVE_ZONE.
  const insertUser = db.prepare(`insert into users (team_id, user_id, display_name, slack_tz, workday_start_minute, workday_end_minute,
      working_days, next_digest_at, next_digest_local_date, profile_fetched_at, created_at, updated_at, holiday_region) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'off')`);
  const insertHandoff = db.prepare(`insert into handoffs (id, team_id, number, author_id, title, ask, state, created_at, updated_at)
      values (?, ?, ?, ?, ?, ?, 'open', ?, ?)`);
  const insertRecipient = db.prepare(
    `insert into handoff_recipients (handoff_id, team_id, user_id, recipient_team_id, active, notified_at, added_at, handoff_created_at) values (?, ?, ?, ?, 1, ?, ?, ?)`,
  );
  const created = now - 86400_000;
  let id = 0;
  const handoffTo = (userId: string) => {
    id += 1;
    insertHandoff.run(id, TEAM, id, AUTHOR, `Bench handoff ${id}`, `Please review item ${id} and reply with the numbers`, created, created);
    insertRecipient.run(id, TEAM, userId, TEAM, created, created, created);
  };
  db.transaction(() => {
    for (const userId of [...LOAD_PEOPLE, LIST_USER, CLICK_USER, AUTHOR]) {
      insertUser.run(
        TEAM,
        userId,
        userId.toLowerCase(),
        WAVE_ZONE,
        laterParts.minuteOfDay,
        (laterParts.minuteOfDay + 480) % 1440,
        ALL_DAYS,
        later,
        laterParts.date,
        now,
        created,
        created,
      );
    }
    for (let i = 0; i < wave; i++) {
      insertUser.run(TEAM, waveUserId(i), `Wave person ${i}`, WAVE_ZONE, slot.minuteOfDay, (slot.minuteOfDay + 480) % 1440, ALL_DAYS, slotAt, slot.date, now, created, created);
    }
    for (let i = 0; i < LIST_OPEN; i++) handoffTo(LIST_USER);
    for (let i = 0; i < CLICK_OPEN; i++) handoffTo(CLICK_USER);
    for (let i = 0; i < wave; i++) handoffTo(waveUserId(i));
    db.prepare(`insert into workspaces (team_id, status, next_handoff_number, created_at) values (?, 'active', ?, ?)`).run(TEAM, id + 1, created);
  })();
  // As an operator's ANALYZE would: the app drops these statistics at start-up (dropPlannerStatistics).
  // An older build run with --app-entry keeps them, so compare builds from before that with care.
  db.exec('analyze');
  handle.close();
}
