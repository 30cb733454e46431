/**
 * The data-access contract (issue 14, docs/design/postgres.md): every query function of
 * `db/queries/*.ts` as an async method with the same name, arguments and row types, minus the
 * database handle. It is derived from those functions rather than copied, so a query added or
 * changed there changes the contract, and both stores stop compiling until they follow.
 *
 * The contract is split by concern (one part per query module) so that a store implementing only
 * some of them says so in its type (see `StoreOf`), instead of carrying methods that do not work.
 *
 * Call methods on the store (`store.getUser(…)`); do not detach them (`const { getUser } = store`):
 * the SQLite store keeps them on a prototype so that opening a transaction allocates one object.
 */
import type { Db } from './client';
import type * as deflections from './queries/deflections';
import type * as digests from './queries/digests';
import type * as dueDigests from './queries/dueDigests';
import type * as handoffs from './queries/handoffs';
import type * as health from './queries/health';
import type * as installations from './queries/installations';
import type * as outbox from './queries/outbox';
import type * as pace from './queries/pace';
import type * as threadParticipants from './queries/threadParticipants';
import type * as users from './queries/users';
import type * as workspaces from './queries/workspaces';

/** `fn(db, ...args): R` as a store method: `(...args) => Promise<R>`. */
type Method<F> = F extends (db: Db, ...args: infer A) => infer R ? (...args: A) => Promise<R> : never;

/** The query functions of a module (those whose first parameter is the database), as methods. */
type Methods<M> = { [K in keyof M as M[K] extends (db: Db, ...args: never[]) => unknown ? K : never]: Method<M[K]> };

export type DeflectionQueries = Methods<typeof deflections>;
export type DigestQueries = Methods<typeof digests>;
export type DueDigestQueries = Methods<typeof dueDigests>;
export type HandoffQueries = Methods<typeof handoffs>;
export type HealthQueries = Methods<typeof health>;
export type InstallationQueries = Methods<typeof installations>;
export type OutboxQueries = Methods<typeof outbox>;
export type PaceQueries = Methods<typeof pace>;
export type ThreadParticipantQueries = Methods<typeof threadParticipants>;
export type UserQueries = Methods<typeof users>;
export type WorkspaceQueries = Methods<typeof workspaces>;

export type Queries = DeflectionQueries &
  DigestQueries &
  DueDigestQueries &
  HandoffQueries &
  HealthQueries &
  InstallationQueries &
  OutboxQueries &
  PaceQueries &
  ThreadParticipantQueries &
  UserQueries &
  WorkspaceQueries;

/**
 * Queries `Q` plus transactions. Inside `fn` await only `tx` calls (never Slack): the transaction
 * holds its connection (PostgreSQL) or the store's one writer (SQLite) until `fn` settles. `tx` must
 * not be used after `fn` settled (its calls then reject). `tx.transaction` nests as a savepoint.
 */
export type TransactionalOf<Q> = Q & {
  transaction<T>(fn: (tx: TransactionalOf<Q>) => Promise<T>): Promise<T>;
};

/** A store serving queries `Q`; `close()` waits for nothing and ends its connections. */
export type StoreOf<Q> = TransactionalOf<Q> & { close(): Promise<void> };

export type Store = StoreOf<Queries>;
export type Tx = TransactionalOf<Queries>;
