/**
 * The SQLite `Store`: each method runs today's synchronous query function and returns a settled
 * promise. One better-sqlite3 connection serves every caller, so a transaction here must keep the
 * others' statements out while its callback awaits:
 * - `transaction(fn)` takes the store's mutex, runs `BEGIN IMMEDIATE` (the write lock up front, so the
 *   busy timeout applies against other processes, see client.ts), awaits `fn(tx)`, then COMMIT, or
 *   ROLLBACK if `fn` (or the commit) threw;
 * - a call on the store while the mutex is held (or waited for) queues behind it; otherwise it runs
 *   at once, with no extra turn of the event loop;
 * - `tx` runs its calls directly; `tx.transaction(fn)` is a SAVEPOINT under `tx`'s own mutex, so a
 *   nested rollback undoes only the nested part, and the outer callback's other calls wait for it.
 * Query functions that open a transaction themselves (drizzle's `db.transaction`, better-sqlite3's
 * `.immediate()`) become savepoints inside ours: better-sqlite3 nests when SQLite is in a transaction.
 */
import type { Db, DbHandle } from './client';
import { Mutex } from './mutex';
import * as deflections from './queries/deflections';
import * as digests from './queries/digests';
import * as dueDigests from './queries/dueDigests';
import * as handoffs from './queries/handoffs';
import * as outbox from './queries/outbox';
import * as users from './queries/users';
import * as workspaces from './queries/workspaces';
import type { Queries, Store, Tx } from './store';

type Runner = <R>(fn: (db: Db) => R) => Promise<R>;

/** Every query function, bound to `run`: the one place a method meets its function. */
function queries(run: Runner): Queries {
  const m =
    <A extends unknown[], R>(f: (db: Db, ...args: A) => R) =>
    (...args: A): Promise<R> =>
      run((db) => f(db, ...args));
  return {
    firstSightOfEvent: m(deflections.firstSightOfEvent),
    isMuted: m(deflections.isMuted),
    mute: m(deflections.mute),
    workspaceDeflectionEnabled: m(deflections.workspaceDeflectionEnabled),
    setWorkspaceDeflection: m(deflections.setWorkspaceDeflection),
    unmute: m(deflections.unmute),
    reservePrompt: m(deflections.reservePrompt),
    setPending: m(deflections.setPending),
    forgetPending: m(deflections.forgetPending),
    getDeflection: m(deflections.getDeflection),
    getDeflectionById: m(deflections.getDeflectionById),
    setOutcome: m(deflections.setOutcome),
    purgeStale: m(deflections.purgeStale),
    digestPerson: m(digests.digestPerson),
    zoneColumns: m(digests.zoneColumns),
    waitingOn: m(digests.waitingOn),
    untoldOutcomes: m(digests.untoldOutcomes),
    openAuthoredCount: m(digests.openAuthoredCount),
    waitedOnSchedules: m(digests.waitedOnSchedules),
    dueForDigest: m(dueDigests.dueForDigest),
    enqueueDigest: m(dueDigests.enqueueDigest),
    advanceDigestSchedule: m(dueDigests.advanceDigestSchedule),
    retryDigestAt: m(dueDigests.retryDigestAt),
    createHandoff: m(handoffs.createHandoff),
    countCreatedSince: m(handoffs.countCreatedSince),
    loadHandoff: m(handoffs.loadHandoff),
    findRepeatedAsk: m(handoffs.findRepeatedAsk),
    findHandoffIdByNumber: m(handoffs.findHandoffIdByNumber),
    applyDecision: m(handoffs.applyDecision),
    logEvent: m(handoffs.logEvent),
    listEvents: m(handoffs.listEvents),
    listWaitingOn: m(handoffs.listWaitingOn),
    countWaitingOn: m(handoffs.countWaitingOn),
    listAuthoredOpen: m(handoffs.listAuthoredOpen),
    listRecentlyResolved: m(handoffs.listRecentlyResolved),
    markAuthorNotified: m(handoffs.markAuthorNotified),
    markRecipientNotified: m(handoffs.markRecipientNotified),
    snoozeForRecipient: m(handoffs.snoozeForRecipient),
    setChannelPost: m(handoffs.setChannelPost),
    countOpenAuthored: m(handoffs.countOpenAuthored),
    enqueue: m(outbox.enqueue),
    claimDue: m(outbox.claimDue),
    startPosting: m(outbox.startPosting),
    renewLeases: m(outbox.renewLeases),
    markSent: m(outbox.markSent),
    markFoundSent: m(outbox.markFoundSent),
    markRetry: m(outbox.markRetry),
    markFinal: m(outbox.markFinal),
    releaseClaim: m(outbox.releaseClaim),
    releaseAll: m(outbox.releaseAll),
    setPayload: m(outbox.setPayload),
    foreignClaims: m(outbox.foreignClaims),
    takeOver: m(outbox.takeOver),
    getOutboxRow: m(outbox.getOutboxRow),
    digestRowsFor: m(outbox.digestRowsFor),
    outboxBacklog: m(outbox.outboxBacklog),
    deleteFinishedBefore: m(outbox.deleteFinishedBefore),
    getUser: m(users.getUser),
    upsertProfile: m(users.upsertProfile),
    updateUser: m(users.updateUser),
    findUserIdsByName: m(users.findUserIdsByName),
    ensureWorkspace: m(workspaces.ensureWorkspace),
    getWorkspace: m(workspaces.getWorkspace),
    setWorkspaceStatus: m(workspaces.setWorkspaceStatus),
    allocateHandoffNumber: m(workspaces.allocateHandoffNumber),
    anyWorkspacePaused: m(workspaces.anyWorkspacePaused),
  };
}

/** A synchronous call as a promise: a throw becomes a rejection, as with an async driver. */
function settled<R>(fn: () => R): Promise<R> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

/** One level of nesting: the store itself (depth 0) or an open transaction or savepoint. */
class Level {
  /** Held while a transaction or savepoint opened from this level is open. */
  private readonly mutex = new Mutex();
  private open = true;

  constructor(
    private readonly handle: DbHandle,
    private readonly depth: number,
  ) {}

  readonly run: Runner = (fn) => {
    if (!this.open) return Promise.reject(new Error(this.depth === 0 ? 'the store is closed' : 'this transaction has already finished'));
    return this.mutex.busy ? this.mutex.run(() => fn(this.handle.db)) : settled(() => fn(this.handle.db));
  };

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (!this.open) return Promise.reject(new Error('this transaction has already finished'));
    return this.mutex.run(async () => {
      const inner = new Level(this.handle, this.depth + 1);
      const sqlite = this.handle.sqlite;
      const savepoint = `store_${this.depth + 1}`;
      sqlite.exec(this.depth === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
      try {
        const result = await fn(inner.asTx());
        sqlite.exec(this.depth === 0 ? 'COMMIT' : `RELEASE ${savepoint}`);
        return result;
      } catch (e) {
        // SQLite may already have rolled back by itself (a full disk): then there is nothing to undo.
        if (sqlite.inTransaction) sqlite.exec(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
        throw e;
      } finally {
        inner.open = false;
      }
    });
  }

  asTx(): Tx {
    return { ...queries(this.run), transaction: (fn) => this.transaction(fn) };
  }

  /** Waits for the open transaction (if any), then refuses further calls. */
  async close(): Promise<void> {
    await this.mutex.run(() => {
      this.open = false;
    });
  }
}

/** A `Store` over an opened (and migrated) SQLite database; `close()` closes it. */
export function sqliteStore(handle: DbHandle): Store {
  const top = new Level(handle, 0);
  return {
    ...top.asTx(),
    close: async () => {
      await top.close();
      handle.close();
    },
  };
}
