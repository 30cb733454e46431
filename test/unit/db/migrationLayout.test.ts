/**
 * The SQLite migrations moved from migrations/ to migrations/sqlite/. Drizzle's migrator records each
 * applied migration as (sha256 of its SQL, the journal's `when`) in __drizzle_migrations and, on start,
 * applies only those whose `when` is later than the newest recorded one: the folder is not recorded. So
 * a database migrated from the old layout must open with the new one without re-applying anything,
 * as long as the shipped migrations keep their SQL and their `when`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { MIGRATIONS_DIR, openDatabase, runMigrations } from '../../../src/db/client';

/** What databases migrated before the move recorded (from the journal and files at migrations/ then). */
const SHIPPED = [
  { tag: '0000_init', when: 1795846875804, sha256: '6cb72adabdfff638109f9e664d82a52c0ce20cb315b61457be8342be7e749147' },
  { tag: '0001_nostalgic_crystal', when: 1796042954261, sha256: '6b5d8c253e5f1d9e0cf30192f38feb257762542b8812f7841774d10df8da9f58' },
  { tag: '0002_recipient_order', when: 1796046326233, sha256: 'ad361a993fd247a690950595f20aa89ad4f7411fc47adfe9cf2251aa5c02a493' },
];

interface Journal {
  entries: Array<{ tag: string; when: number }>;
}
const journal = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'meta', '_journal.json'), 'utf8')) as Journal;
const recorded = (db: Database.Database) =>
  db.prepare('select id, hash, created_at from __drizzle_migrations order by id').all() as Array<{ id: number; hash: string; created_at: number }>;

/** A copy of the shipped migrations laid out as before the move: migrations/*.sql, migrations/meta/. */
function oldLayout(): string {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-old-layout-')), 'migrations');
  fs.mkdirSync(path.join(root, 'meta'), { recursive: true });
  for (const m of SHIPPED) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${m.tag}.sql`), path.join(root, `${m.tag}.sql`));
  const entries = journal(MIGRATIONS_DIR).entries.filter((e) => SHIPPED.some((m) => m.tag === e.tag));
  fs.writeFileSync(path.join(root, 'meta', '_journal.json'), JSON.stringify({ ...journal(MIGRATIONS_DIR), entries }));
  return root;
}

describe('SQLite migrations under migrations/sqlite', () => {
  it('is where the app looks', () => {
    expect(path.relative(path.resolve(__dirname, '../../..'), MIGRATIONS_DIR)).toBe(path.join('migrations', 'sqlite'));
  });

  it('keep the shipped migrations byte for byte, with the same journal time', () => {
    const entries = journal(MIGRATIONS_DIR).entries;
    for (const [i, m] of SHIPPED.entries()) {
      expect(entries[i]).toMatchObject({ tag: m.tag, when: m.when });
      expect(
        crypto
          .createHash('sha256')
          .update(fs.readFileSync(path.join(MIGRATIONS_DIR, `${m.tag}.sql`)))
          .digest('hex'),
      ).toBe(m.sha256);
    }
  });

  it('open a database migrated from the old layout without re-applying anything', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-layout-')), 'handoff.db');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: oldLayout() });
    old.prepare("insert into workspaces (team_id, created_at) values ('T1', 1)").run();
    const before = recorded(old);
    old.close();
    expect(before.map((r) => [r.hash, Number(r.created_at)])).toEqual(SHIPPED.map((m) => [m.sha256, m.when]));

    const handle = openDatabase(file);
    runMigrations(handle); // would fail on "table already exists" if it re-ran 0000_init
    const after = recorded(handle.sqlite);
    const newer = journal(MIGRATIONS_DIR).entries.length - SHIPPED.length; // migrations added since the move
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + newer);
    expect(handle.sqlite.prepare('select team_id from workspaces').all()).toEqual([{ team_id: 'T1' }]);
    handle.close();
  });
});
