/** updateWhere: what drizzle's update(table).set(…).where(eq…) wrote, from a statement prepared once. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, runMigrations, type DbHandle } from '../../../src/db/client';
import { updateWhere } from '../../../src/db/prepared';
import { users } from '../../../src/db/schema';

let handle: DbHandle;
let dir: string;
const row = () => handle.sqlite.prepare(`select user_id, display_name, digest_enabled, tz_override, away_until, updated_at from users order by user_id`).all();

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-update-where-'));
  handle = openDatabase(path.join(dir, 'handoff.db'));
  runMigrations(handle);
  const insert = handle.sqlite.prepare(
    `insert into users (team_id, user_id, display_name, tz_override, away_until, created_at, updated_at) values ('T1', ?, ?, 'Europe/Lisbon', '2026-12-01', 1, 1)`,
  );
  insert.run('U1', 'Ana');
  insert.run('U2', 'Raj');
});
afterEach(() => {
  handle.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('updateWhere', () => {
  it('sets the given columns (booleans as 0/1, null as null, undefined left alone) on the matching row only', () => {
    const result = updateWhere(handle.db, users, { digestEnabled: false, tzOverride: null, awayUntil: undefined, updatedAt: 5 }, { teamId: 'T1', userId: 'U1' });
    expect(result.changes).toBe(1);
    expect(row()).toEqual([
      { user_id: 'U1', display_name: 'Ana', digest_enabled: 0, tz_override: null, away_until: '2026-12-01', updated_at: 5 },
      { user_id: 'U2', display_name: 'Raj', digest_enabled: 1, tz_override: 'Europe/Lisbon', away_until: '2026-12-01', updated_at: 1 },
    ]);
    expect(updateWhere(handle.db, users, { digestEnabled: true }, { teamId: 'T1', userId: 'U1' }).changes).toBe(1);
    expect(updateWhere(handle.db, users, { digestEnabled: true }, { teamId: 'T2', userId: 'U1' }).changes).toBe(0);
    expect((row()[0] as { digest_enabled: number }).digest_enabled).toBe(1);
  });

  it('refuses nothing to set, no where clause, and a key that is not a column', () => {
    expect(() => updateWhere(handle.db, users, { awayUntil: undefined }, { teamId: 'T1' })).toThrow(/No values to set/);
    expect(() => updateWhere(handle.db, users, { awayUntil: null }, {})).toThrow(/where clause/);
    expect(() => updateWhere(handle.db, users, { nope: 1 } as never, { teamId: 'T1' })).toThrow(/nope is not a column of users/);
  });
});
