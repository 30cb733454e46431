/**
 * The replica test's workspace, written straight into PostgreSQL before any replica starts: the
 * migrations, one workspace, `digests` people whose digest falls due at `slotAt` (one whole minute,
 * in several zones) each with one open handoff waiting on them, and the author of those handoffs.
 * Set-based inserts (generate_series), so 10,000 people take a moment, not minutes.
 */
import { openPostgres } from '../../src/db/postgres';
import { ALL_DAYS } from '../../src/domain/workSchedule';
import { localInstant, localParts } from '../../src/time';

export const TEAM = 'T0001';
export const AUTHOR = 'U0AUTHOR';
/** Whole-hour and half-hour zones: one UTC minute is a whole local minute in each. */
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Asia/Kolkata', 'UTC', 'America/Los_Angeles'];

export const waveUserId = (i: number) => `W${String(i).padStart(7, '0')}`;
export const zoneOf = (i: number) => ZONES[i % ZONES.length]!;

export interface SeededWave {
  /** Each person's id and the local date of the digest due at the slot. */
  expected: Map<string, string>;
  users: Array<{ id: string; tz: string }>;
}

export async function seedWave(url: string, digests: number, slotAt: number, now = Date.now()): Promise<SeededWave> {
  const slots = ZONES.map((tz) => {
    const p = localParts(tz, new Date(slotAt));
    if (localInstant(tz, p.date, p.minuteOfDay).getTime() !== slotAt) throw new Error(`the slot is not a whole local minute in ${tz}`);
    return p;
  });
  const handle = await openPostgres(url, { poolSize: 1 });
  try {
    const q = (sql: string, params: unknown[]) => handle.pool.query(sql, params);
    const t = new Date(now);
    const created = new Date(now - 86_400_000);
    await q(`insert into workspaces (team_id, status, next_handoff_number, created_at) values ($1, 'active', $2, $3)`, [TEAM, digests + 1, created]);
    await q(
      `insert into users (team_id, user_id, display_name, slack_tz, working_days, digest_enabled, profile_fetched_at, created_at, updated_at)
       values ($1, $2, 'author', 'UTC', $3, false, $4, $5, $5)`,
      [TEAM, AUTHOR, ALL_DAYS, t, created],
    );
    // Person i: zone i mod k (1-based arrays), the slot's local minute and date there. They keep no
    // public holidays: the wave runs on the real date, which may be one in some of these zones.
    await q(
      `insert into users (team_id, user_id, display_name, slack_tz, workday_start_minute, workday_end_minute, working_days,
         next_digest_at, next_digest_local_date, profile_fetched_at, created_at, updated_at, holiday_region)
       select $1, 'W' || lpad(i::text, 7, '0'), 'Wave person ' || i, ($3::text[])[i % $4 + 1], ($5::int[])[i % $4 + 1],
         (($5::int[])[i % $4 + 1] + 480) % 1440, $6, $7, ($8::date[])[i % $4 + 1], $9, $10, $10, 'off'
       from generate_series(0, $2 - 1) i`,
      [TEAM, digests, ZONES, ZONES.length, slots.map((s) => s.minuteOfDay), ALL_DAYS, new Date(slotAt), slots.map((s) => s.date), t, created],
    );
    await q(
      `insert into handoffs (team_id, number, author_id, title, ask, state, created_at, updated_at)
       select $1, i, $2, 'Replica wave handoff ' || i, 'Please review item ' || i || ' and reply with the numbers', 'open', $3, $3
       from generate_series(1, $4) i`,
      [TEAM, AUTHOR, created, digests],
    );
    await q(
      `insert into handoff_recipients (handoff_id, team_id, user_id, recipient_team_id, active, notified_at, added_at, handoff_open, handoff_created_at)
       select id, team_id, 'W' || lpad((number - 1)::text, 7, '0'), team_id, true, $1, $1, state in ('open', 'acknowledged'), created_at from handoffs`,
      [created],
    );
    await q('analyze', []);
  } finally {
    await handle.close();
  }
  const expected = new Map<string, string>();
  const users: SeededWave['users'] = [{ id: AUTHOR, tz: 'UTC' }];
  for (let i = 0; i < digests; i++) {
    expected.set(waveUserId(i), slots[i % ZONES.length]!.date);
    users.push({ id: waveUserId(i), tz: zoneOf(i) });
  }
  return { expected, users };
}
