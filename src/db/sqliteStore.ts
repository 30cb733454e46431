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
import * as health from './queries/health';
import * as installations from './queries/installations';
import * as outbox from './queries/outbox';
import * as pace from './queries/pace';
import * as threadParticipants from './queries/threadParticipants';
import * as users from './queries/users';
import * as workspaces from './queries/workspaces';
import type { Queries, Store, Tx } from './store';

type Runner = <R>(fn: (db: Db) => R) => Promise<R>;

type QueryFunctions = { [K in keyof Queries]: (db: Db, ...args: Parameters<Queries[K]>) => Awaited<ReturnType<Queries[K]>> };

/** Every query function under its method name: the one place a method meets its function. */
const FUNCTIONS: QueryFunctions = {
  firstSightOfEvent: deflections.firstSightOfEvent,
  isMuted: deflections.isMuted,
  mute: deflections.mute,
  workspaceDeflectionEnabled: deflections.workspaceDeflectionEnabled,
  setWorkspaceDeflection: deflections.setWorkspaceDeflection,
  unmute: deflections.unmute,
  reservePrompt: deflections.reservePrompt,
  setPending: deflections.setPending,
  forgetPending: deflections.forgetPending,
  getDeflection: deflections.getDeflection,
  getDeflectionById: deflections.getDeflectionById,
  setOutcome: deflections.setOutcome,
  purgeStale: deflections.purgeStale,
  digestPerson: digests.digestPerson,
  staleAfterWorkingDays: digests.staleAfterWorkingDays,
  zoneColumns: digests.zoneColumns,
  waitingOn: digests.waitingOn,
  untoldOutcomes: digests.untoldOutcomes,
  openAuthoredCount: digests.openAuthoredCount,
  waitedOnSchedules: digests.waitedOnSchedules,
  unansweredAsks: digests.unansweredAsks,
  neededByAsks: digests.neededByAsks,
  markNeededByWarned: digests.markNeededByWarned,
  dueForDigest: dueDigests.dueForDigest,
  unplanDigest: dueDigests.unplanDigest,
  enqueueDigests: dueDigests.enqueueDigests,
  advanceDigestSchedules: dueDigests.advanceDigestSchedules,
  retryDigestAt: dueDigests.retryDigestAt,
  createHandoff: handoffs.createHandoff,
  countCreatedSince: handoffs.countCreatedSince,
  loadHandoff: handoffs.loadHandoff,
  findRepeatedAsk: handoffs.findRepeatedAsk,
  findHandoffIdByNumber: handoffs.findHandoffIdByNumber,
  findSiblingHandoffIdsByNumber: handoffs.findSiblingHandoffIdsByNumber,
  handoffTeamOf: handoffs.handoffTeamOf,
  applyDecision: handoffs.applyDecision,
  logEvent: handoffs.logEvent,
  listEvents: handoffs.listEvents,
  listWaitingOn: handoffs.listWaitingOn,
  countWaitingOn: handoffs.countWaitingOn,
  listAuthoredOpen: handoffs.listAuthoredOpen,
  listRecentlyResolved: handoffs.listRecentlyResolved,
  markAuthorNotified: handoffs.markAuthorNotified,
  markRecipientNotified: handoffs.markRecipientNotified,
  markStaleOffered: handoffs.markStaleOffered,
  nudgeRecipient: handoffs.nudgeRecipient,
  snoozeForRecipient: handoffs.snoozeForRecipient,
  setChannelPost: handoffs.setChannelPost,
  countOpenAuthored: handoffs.countOpenAuthored,
  healthEvents: health.healthEvents,
  healthDeflections: health.healthDeflections,
  healthPeople: health.healthPeople,
  saveInstallation: installations.saveInstallation,
  getInstallation: installations.getInstallation,
  findInstallation: installations.findInstallation,
  linkWorkspaceToEnterprise: installations.linkWorkspaceToEnterprise,
  teamsOfEnterprise: installations.teamsOfEnterprise,
  claimTokenRefresh: installations.claimTokenRefresh,
  completeTokenRefresh: installations.completeTokenRefresh,
  releaseTokenRefresh: installations.releaseTokenRefresh,
  listInstallations: installations.listInstallations,
  resealInstallation: installations.resealInstallation,
  deleteInstallation: installations.deleteInstallation,
  enqueue: outbox.enqueue,
  claimDue: outbox.claimDue,
  startPosting: outbox.startPosting,
  renewLeases: outbox.renewLeases,
  markSent: outbox.markSent,
  markFoundSent: outbox.markFoundSent,
  markRetry: outbox.markRetry,
  markFinal: outbox.markFinal,
  releaseClaim: outbox.releaseClaim,
  releaseAll: outbox.releaseAll,
  setPosted: outbox.setPosted,
  postedMessageAt: outbox.postedMessageAt,
  replacePosted: outbox.replacePosted,
  setPayload: outbox.setPayload,
  foreignClaims: outbox.foreignClaims,
  takeOver: outbox.takeOver,
  getOutboxRow: outbox.getOutboxRow,
  digestRowsFor: outbox.digestRowsFor,
  outboxBacklog: outbox.outboxBacklog,
  deleteFinishedBefore: outbox.deleteFinishedBefore,
  nextDueAfter: outbox.nextDueAfter,
  getPace: pace.getPace,
  createPace: pace.createPace,
  updatePace: pace.updatePace,
  recordThreadParticipants: threadParticipants.recordThreadParticipants,
  threadParticipantsOf: threadParticipants.threadParticipantsOf,
  deleteThreadParticipantsSeenBefore: threadParticipants.deleteThreadParticipantsSeenBefore,
  getUser: users.getUser,
  getUserForUpdate: users.getUserForUpdate,
  upsertProfile: users.upsertProfile,
  updateUser: users.updateUser,
  findUserIdsByName: users.findUserIdsByName,
  listDisplayNames: users.listDisplayNames,
  awayStatusesToRecheck: users.awayStatusesToRecheck,
  weeklyReportRecipients: users.weeklyReportRecipients,
  setWeeklyReportRecipients: users.setWeeklyReportRecipients,
  weeklyReportPeople: users.weeklyReportPeople,
  ensureWorkspace: workspaces.ensureWorkspace,
  getWorkspace: workspaces.getWorkspace,
  orgsToName: workspaces.orgsToName,
  setWorkspaceNames: workspaces.setWorkspaceNames,
  workspaceNames: workspaces.workspaceNames,
  getWorkspaceForUpdate: workspaces.getWorkspaceForUpdate,
  setWorkspaceStatus: workspaces.setWorkspaceStatus,
  setStaleAfterWorkingDays: workspaces.setStaleAfterWorkingDays,
  workspaceForStatusRead: workspaces.workspaceForStatusRead,
  saveStatusRead: workspaces.saveStatusRead,
  allocateHandoffNumber: workspaces.allocateHandoffNumber,
  anyWorkspacePaused: workspaces.anyWorkspacePaused,
  listWorkspaceIds: workspaces.listWorkspaceIds,
  workspacesPausedBefore: workspaces.workspacesPausedBefore,
  purgeWorkspaceRows: workspaces.purgeWorkspaceRows,
  markWorkspacePurged: workspaces.markWorkspacePurged,
  exportWorkspace: workspaces.exportWorkspace,
};

/**
 * A level's methods live on this prototype, built once: opening a transaction allocates one object,
 * not one closure per method (≈7 µs of CPU per transaction with closures).
 */
class Methods {
  constructor(readonly level: Level) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.level.transaction(fn);
  }
}
for (const [name, f] of Object.entries(FUNCTIONS) as [string, (db: Db, ...args: unknown[]) => unknown][]) {
  Object.defineProperty(Methods.prototype, name, {
    enumerable: true,
    value(this: Methods, ...args: unknown[]) {
      return this.level.run((db) => f(db, ...args));
    },
  });
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
    // FUNCTIONS has every query (its type says so), and the loop above put each on the prototype.
    return new Methods(this) as unknown as Tx;
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
  const store = top.asTx() as Store;
  store.close = async () => {
    await top.close();
    handle.close();
  };
  return store;
}
