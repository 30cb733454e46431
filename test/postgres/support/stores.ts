/**
 * The conformance suite's harness (issue 14): `describeStores(title, body)` runs `body`'s tests once
 * per backend, each test on an empty database, through the `Store` contract only. PostgreSQL: one
 * database per test file, emptied (identities restarted, so ids match SQLite's) before each test.
 * SQLite: a new file per test. `another()` opens a second store on the same database, as a second
 * replica (PostgreSQL) or a second process (SQLite) would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, runMigrations } from '../../../src/db/client';
import { openPgStore } from '../../../src/db/pg/store';
import { sqliteStore } from '../../../src/db/sqliteStore';
import type { Store } from '../../../src/db/store';
import { createTestDatabase, postgresRun, type TestDatabase } from './databases';
import { Client } from 'pg';

export type BackendName = 'sqlite' | 'postgres';

export interface StoreContext {
  backend: BackendName;
  /** The test's store (a new one per test). */
  store: Store;
  /** Another store on the same database; closed after the test. */
  another(): Promise<Store>;
  /**
   * A store whose transactions contend with `store`'s as another replica's would: on PostgreSQL
   * another store (another connection pool); on SQLite `store` itself, whose transactions queue
   * in-process (a second SQLite connection would block this thread in its busy wait instead).
   */
  rival(): Promise<Store>;
  /**
   * Resolves once a statement on this test's database waits for a lock another transaction holds
   * (PostgreSQL); at once on SQLite, where a transaction queued behind another is waiting already.
   */
  waitingForLock(): Promise<void>;
}

const TABLES =
  'workspaces, users, handoffs, handoff_recipients, handoff_events, outbox, deflections, deflection_mutes, processed_events, installations, delivery_pace, thread_participants';

interface Backend {
  /** Opens a store on this test's database (the first call of a test starts from empty). */
  open(fresh: boolean): Promise<Store>;
  waitingForLock(): Promise<void>;
  drop(): Promise<void>;
}

function sqliteBackend(): Backend {
  let file = '';
  return {
    async open(fresh) {
      if (fresh) file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-store-')), 'handoff.db');
      const handle = openDatabase(file);
      runMigrations(handle);
      return sqliteStore(handle);
    },
    waitingForLock: async () => undefined,
    async drop() {
      if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  };
}

async function postgresBackend(): Promise<Backend> {
  const database: TestDatabase = await createTestDatabase();
  return {
    async open(fresh) {
      const store = await openPgStore(database.url, { poolSize: 4 });
      if (fresh) {
        const client = new Client({ connectionString: database.url });
        await client.connect();
        try {
          await client.query(`truncate ${TABLES} restart identity cascade`);
        } finally {
          await client.end();
        }
      }
      return store;
    },
    async waitingForLock() {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        // A condition, polled: some backend of this database is blocked on a lock.
        const blocked = async () => (await client.query(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rowCount! > 0;
        while (!(await blocked())) await new Promise((r) => setTimeout(r, 10));
      } finally {
        await client.end();
      }
    },
    drop: () => database.drop(),
  };
}

const BACKENDS: { name: BackendName; skip: boolean; make(): Promise<Backend> }[] = [
  { name: 'sqlite', skip: false, make: async () => sqliteBackend() },
  { name: 'postgres', skip: postgresRun() === null, make: postgresBackend },
];

/**
 * `body` declares tests with `it`; `ctx()` is the running test's stores. `only` limits the run to
 * some backends, for behaviour the others do not have (PostgreSQL's SKIP LOCKED).
 */
export function describeStores(title: string, body: (ctx: () => StoreContext) => void, only?: BackendName[]): void {
  for (const kind of BACKENDS.filter((k) => !only || only.includes(k.name))) {
    (kind.skip ? describe.skip : describe)(`${title} [${kind.name}]`, () => {
      let backend: Backend;
      let current: StoreContext | undefined;
      let opened: Store[] = [];
      beforeAll(async () => {
        backend = await kind.make();
      });
      afterAll(async () => {
        await backend?.drop();
      });
      beforeEach(async () => {
        opened = [];
        const store = await backend.open(true);
        opened.push(store);
        current = {
          backend: kind.name,
          store,
          another: async () => {
            const s = await backend.open(false);
            opened.push(s);
            return s;
          },
          rival: async () => (kind.name === 'sqlite' ? store : current!.another()),
          waitingForLock: () => backend.waitingForLock(),
        };
      });
      afterEach(async () => {
        for (const s of opened.reverse()) await s.close();
        current = undefined;
      });
      body(() => {
        if (!current) throw new Error('no store outside a test');
        return current;
      });
    });
  }
}

/** Both backends side by side, for tests that compare their answers (PostgreSQL must be in this run). */
export async function withBothStores<T>(fn: (sqlite: Store, postgres: Store) => Promise<T>): Promise<T> {
  const lite = sqliteBackend();
  const pg = await postgresBackend();
  const a = await lite.open(true);
  const b = await pg.open(true);
  try {
    return await fn(a, b);
  } finally {
    await a.close();
    await b.close();
    await lite.drop();
    await pg.drop();
  }
}
