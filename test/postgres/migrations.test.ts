/** migrations/postgres applies to an empty PostgreSQL, once, even with several replicas starting at once. */
import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Client } from 'pg';
import { openPostgres, PG_MIGRATIONS_DIR, type PgHandle } from '../../src/db/postgres';
import { outbox, users } from '../../src/db/pgSchema';
import { schemaShape } from '../unit/db/schemaShape';
import * as pgSchema from '../../src/db/pgSchema';
import { createTestDatabase, describeOnPostgres, type TestDatabase } from './support/databases';
import { migrationsBefore } from '../harness/migrationsBefore';

const journalLength = () => (JSON.parse(fs.readFileSync(path.join(PG_MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

async function query<T extends object>(url: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describeOnPostgres()('PostgreSQL migrations', () => {
  let database: TestDatabase;
  const handles: PgHandle[] = [];
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    for (const h of handles.splice(0)) await h.close();
    await database.drop();
  });

  it('create every table of the schema, with its indexes, on an empty database', async () => {
    expect(await query(database.url, "select table_name from information_schema.tables where table_schema = 'public'")).toEqual([]);
    handles.push(await openPostgres(database.url));
    const tables = await query<{ table_name: string }>(database.url, "select table_name from information_schema.tables where table_schema = 'public' order by 1");
    expect(tables.map((t) => t.table_name)).toEqual([...schemaShape(pgSchema).keys()].sort());
    const indexes = await query<{ indexname: string }>(database.url, "select indexname from pg_indexes where schemaname = 'public'");
    const declared = [...schemaShape(pgSchema).values()].flatMap((t) => Object.keys(t.indexes));
    expect(indexes.map((i) => i.indexname)).toEqual(expect.arrayContaining(declared));
    const applied = await query<{ n: string }>(database.url, 'select count(*) as n from drizzle.__drizzle_migrations');
    expect(Number(applied[0]?.n)).toBe(journalLength());
  });

  it('fill the recipient rows’ copies of their handoff’s state and age (0009) and their workspace (0017) on a database an older release left', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await migrate(drizzle(client), { migrationsFolder: migrationsBefore(PG_MIGRATIONS_DIR, '0009_waiting_index') });
      const states = ['open', 'acknowledged', 'done', 'declined', 'cancelled'];
      for (const [i, state] of states.entries()) {
        await client.query(`insert into handoffs (id, team_id, number, author_id, title, ask, state, created_at, updated_at) values ($1, 'T1', $1, 'A', 't', 'a', $2, $3, $3)`, [
          i + 1,
          state,
          new Date(1000 + i).toISOString(),
        ]);
        await client.query(`insert into handoff_recipients (handoff_id, team_id, user_id, added_at) values ($1, 'T1', 'U1', now()), ($1, 'T1', 'U2', now())`, [i + 1]);
      }
      handles.push(await openPostgres(database.url));
      const rows = await client.query<{ handoff_id: number; user_id: string; recipient_team_id: string; handoff_open: boolean; created: string }>(
        `select handoff_id, user_id, recipient_team_id, handoff_open, (extract(epoch from handoff_created_at) * 1000)::int::text as created from handoff_recipients order by handoff_id, user_id`,
      );
      expect(rows.rows).toEqual(
        states.flatMap((state, i) =>
          ['U1', 'U2'].map((user) => ({
            handoff_id: i + 1,
            user_id: user,
            recipient_team_id: 'T1',
            handoff_open: state === 'open' || state === 'acknowledged',
            created: String(1000 + i),
          })),
        ),
      );
    } finally {
      await client.end();
    }
  });

  it('apply nothing the second time', async () => {
    handles.push(await openPostgres(database.url));
    handles.push(await openPostgres(database.url));
    const applied = await query<{ n: string }>(database.url, 'select count(*) as n from drizzle.__drizzle_migrations');
    expect(Number(applied[0]?.n)).toBe(journalLength());
  });

  it('are applied once when three replicas start at the same time on an empty database', async () => {
    handles.push(...(await Promise.all([1, 2, 3].map(() => openPostgres(database.url, { poolSize: 2 })))));
    const applied = await query<{ n: string }>(database.url, 'select count(*) as n from drizzle.__drizzle_migrations');
    expect(Number(applied[0]?.n)).toBe(journalLength());
  });

  it('store instants as timestamptz, local dates as date and JSON as jsonb, read back as the app wrote them', async () => {
    const h = await openPostgres(database.url);
    handles.push(h);
    const at = Date.UTC(2026, 10, 30, 9, 0, 0, 123);
    await h.db.insert(users).values({ teamId: 'T1', userId: 'U1', awayUntil: '2026-12-24', nextDigestAt: at, createdAt: at, updatedAt: at });
    await h.db.insert(outbox).values({ teamId: 'T1', kind: 'dm', dedupeKey: 'k', payload: '{"reason":"new","n":[1,2]}', nextAttemptAt: at, createdAt: at, updatedAt: at });
    const [u] = await h.db.select().from(users).where(eq(users.userId, 'U1'));
    expect(u).toMatchObject({ awayUntil: '2026-12-24', nextDigestAt: at, isBot: false, workingDays: 0b0111110 });
    const [o] = await h.db.select().from(outbox);
    expect(JSON.parse(o!.payload)).toEqual({ reason: 'new', n: [1, 2] });
    // In SQL they are real timestamps and JSON: PostgreSQL can compare and index into them.
    const [raw] = (await h.db.execute<{ iso: string }>(sql`select to_char(next_digest_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') as iso from users`)).rows;
    expect(raw?.iso).toBe('2026-11-30T09:00:00.123');
    const [json] = (await h.db.execute<{ reason: string }>(sql`select payload->>'reason' as reason from outbox`)).rows;
    expect(json?.reason).toBe('new');
    // Whatever the session's time zone, the instant read back is the one written.
    const kolkata = new URL(database.url);
    kolkata.searchParams.set('options', '-c TimeZone=Asia/Kolkata');
    const other = await openPostgres(kolkata.toString());
    handles.push(other);
    const [shown] = (await other.db.execute<{ t: string }>(sql`select next_digest_at::text as t from users`)).rows;
    expect(shown?.t).toBe('2026-11-30 14:30:00.123+05:30');
    expect((await other.db.select().from(users))[0]?.nextDigestAt).toBe(at);
  });
});
