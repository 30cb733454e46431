/**
 * The PostgreSQL `Store`: node-postgres pool, one named prepared statement per query (each
 * connection prepares it once), READ COMMITTED transactions on one pooled client, with uniqueness
 * races settled by unique keys (ON CONFLICT DO NOTHING) and claims by FOR UPDATE SKIP LOCKED.
 * `tx.transaction` is a savepoint; statements of an outer level wait while one is open.
 */
import { openPostgres, type PgHandle, type PostgresOptions } from '../postgres';
import type { Queries, Store, Tx } from '../store';
import { bound, type Conn, Level } from './conn';
import { deflectionQueries } from './deflections';
import { digestQueries } from './digests';
import { dueDigestQueries } from './dueDigests';
import { handoffQueries } from './handoffs';
import { healthQueries } from './health';
import { installationQueries } from './installations';
import { outboxQueries } from './outbox';
import { paceQueries } from './pace';
import { threadParticipantQueries } from './threadParticipants';
import { userQueries } from './users';
import { workspaceQueries } from './workspaces';

function queries(c: Conn): Queries {
  return {
    ...bound(c, deflectionQueries),
    ...bound(c, digestQueries),
    ...bound(c, dueDigestQueries),
    ...bound(c, handoffQueries),
    ...bound(c, healthQueries),
    ...bound(c, installationQueries),
    ...bound(c, outboxQueries),
    ...bound(c, paceQueries),
    ...bound(c, threadParticipantQueries),
    ...bound(c, userQueries),
    ...bound(c, workspaceQueries),
  };
}

function transactional(level: Level): Tx {
  return { ...queries(level), transaction: (fn) => level.nest((inner) => fn(transactional(inner))) };
}

/** A `Store` over an opened PostgreSQL handle; `close()` ends its pool. */
export function pgStore(handle: PgHandle): Store {
  const top = Level.ofPool(handle.pool);
  return {
    ...transactional(top),
    close: async () => {
      top.close();
      await handle.close();
    },
  };
}

/** Opens PostgreSQL at `url` (applying migrations) as a `Store`. */
export async function openPgStore(url: string, options: PostgresOptions = {}): Promise<Store> {
  return pgStore(await openPostgres(url, options));
}
