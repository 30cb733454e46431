import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, runMigrations } from '../../../src/db/client';

/** The stat tables SQLite's planner reads, as they are now. */
const statTables = (handle: ReturnType<typeof openDatabase>) =>
  (handle.sqlite.prepare("select name from sqlite_master where name like 'sqlite_stat%' order by name").all() as Array<{ name: string }>).map((r) => r.name);

describe('planner statistics at start-up', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-stat-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('drops the statistics an ANALYZE wrote: the plans are those Handoff is built and tested with', () => {
    const file = path.join(dir, 'h.db');
    const first = openDatabase(file);
    runMigrations(first);
    const insert = first.sqlite.prepare("insert into users (team_id, user_id, created_at, updated_at) values ('T1', ?, 0, 0)");
    for (let i = 0; i < 50; i++) insert.run(`U${i}`);
    first.sqlite.exec('ANALYZE');
    expect(statTables(first)).toEqual(['sqlite_stat1', 'sqlite_stat4']);
    first.close();

    const restarted = openDatabase(file);
    runMigrations(restarted);
    expect(statTables(restarted)).toEqual([]);
    // The data itself is untouched.
    expect((restarted.sqlite.prepare('select count(*) as n from users').get() as { n: number }).n).toBe(50);
    restarted.close();
  });

  it('plans on the same connection as without statistics once they are dropped (a skewed workspace: one author of every handoff)', () => {
    const file = path.join(dir, 'skewed.db');
    const seeded = openDatabase(file);
    runMigrations(seeded);
    const insert = seeded.sqlite.prepare("insert into handoffs (team_id, number, author_id, title, ask, created_at, updated_at) values ('T1', ?, 'U_AUTHOR', 't', 'a', 0, 0)");
    seeded.sqlite.transaction(() => {
      for (let i = 1; i <= 500; i++) insert.run(i);
    })();
    seeded.sqlite.exec('ANALYZE; DROP TABLE sqlite_stat4;');
    seeded.close();
    // "Recently resolved asks of this author", as the list asks it.
    const plan = (handle: ReturnType<typeof openDatabase>) =>
      (
        handle.sqlite
          .prepare(
            "explain query plan select id from handoffs where team_id = 'T1' and author_id = 'U_OTHER' and state in ('done', 'declined') and resolved_at > 0 order by resolved_at desc limit 5",
          )
          .all() as Array<{ detail: string }>
      )
        .map((r) => r.detail)
        .join('; ');

    const restarted = openDatabase(file);
    expect(plan(restarted)).toMatch(/^SCAN handoffs/); // what sqlite_stat1 alone made of it
    runMigrations(restarted);
    expect(plan(restarted)).toMatch(/^SEARCH handoffs USING INDEX/);
    restarted.close();
  });

  it('a second process starting meanwhile drops them while the first keeps working on the same file', () => {
    const file = path.join(dir, 'shared.db');
    const running = openDatabase(file);
    runMigrations(running);
    running.sqlite.exec("insert into users (team_id, user_id, created_at, updated_at) values ('T1', 'U1', 0, 0); ANALYZE;");
    const read = running.sqlite.prepare("select user_id as userId from users where team_id = 'T1'");
    expect(read.all()).toEqual([{ userId: 'U1' }]);

    const starting = openDatabase(file); // a rolling deploy's new process
    runMigrations(starting);
    expect(statTables(starting)).toEqual([]);
    // The running process's prepared statement is planned again by SQLite, not broken.
    expect(read.all()).toEqual([{ userId: 'U1' }]);
    starting.close();
    running.close();
  });

  it('leaves the schema of a database never analysed as it was (a second process sharing it re-prepares nothing)', () => {
    const handle = openDatabase(path.join(dir, 'fresh.db'));
    runMigrations(handle);
    const schemaVersion = () => handle.sqlite.pragma('schema_version', { simple: true });
    const before = schemaVersion();
    runMigrations(handle); // the next start
    expect(schemaVersion()).toBe(before);
    expect(statTables(handle)).toEqual([]);
    handle.close();
  });
});
