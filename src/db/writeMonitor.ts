/**
 * Remembers how the last database write went, for /healthz. A read succeeding says little about a
 * full disk or a damaged page: only writes do. Every statement that changes the database, every
 * transaction (its COMMIT is where a full disk shows in WAL mode) and every `exec` is watched on
 * the one connection the app uses:
 * - a storage error (full disk, I/O error, damaged page, read-only file), met by any statement,
 *   marks writes as failing;
 * - a statement that changed rows marks them as working again.
 * A damaged page or an I/O error is also remembered apart: it does not heal by itself.
 * Constraint violations and other logic errors say nothing about storage and are not recorded.
 */
import type Database from 'better-sqlite3';

export interface WriteOutcome {
  ok: boolean;
  /** Epoch milliseconds of the write. */
  at: number;
  /** SQLite's code and message when it failed, e.g. "SQLITE_FULL: database or disk is full". */
  error?: string;
}

/** SQLite result codes (and their extended forms) that mean storage, not the statement, failed. */
const STORAGE_CODES = /^SQLITE_(FULL|IOERR|CORRUPT|NOTADB|READONLY|CANTOPEN|PROTOCOL)/;
/** Codes that mean the file itself is damaged or unreadable, whatever the statement was. */
const DAMAGE_CODES = /^SQLITE_(IOERR|CORRUPT|NOTADB)/;

const codeOf = (e: unknown): string => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

export function isStorageError(e: unknown): boolean {
  return STORAGE_CODES.test(codeOf(e));
}

export class WriteMonitor {
  private last: WriteOutcome | null = null;
  private damage: WriteOutcome | null = null;
  private lastError: unknown = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** The last write that said something about storage, or null before the first one. */
  lastWrite(): WriteOutcome | null {
    return this.last;
  }

  /** The last time a statement found the file damaged or unreadable, or null. */
  damaged(): WriteOutcome | null {
    return this.damage;
  }

  succeeded(): void {
    this.last = { ok: true, at: this.now() };
  }

  /** The error of the last storage failure itself (SQLite's, with its code), or null. */
  lastFailure(): unknown {
    return this.lastError;
  }

  /**
   * Records a storage failure. Whatever the statement, storage failed: the next write would too.
   * Damage to the file (a malformed page, an I/O error) is also kept apart, as it does not heal.
   */
  failed(e: unknown): void {
    this.lastError = e;
    const outcome = { ok: false, at: this.now(), error: `${codeOf(e) || 'error'}: ${(e as { message?: string }).message ?? String(e)}` };
    this.last = outcome;
    if (DAMAGE_CODES.test(codeOf(e))) this.damage = outcome;
  }

  /** Runs `fn`, recording a storage failure (and rethrowing it). */
  watch<T>(fn: () => T, onResult?: (result: T) => void): T {
    let result: T;
    try {
      result = fn();
    } catch (e) {
      if (isStorageError(e)) this.failed(e);
      throw e;
    }
    onResult?.(result);
    return result;
  }
}

type AnyFn = (...args: unknown[]) => unknown;
type StatementMethod = 'run' | 'get' | 'all' | 'iterate';

/** Did this call write rows? (`INSERT … RETURNING` and the like are read through get/all.) */
function wroteRows(method: StatementMethod, result: unknown): boolean {
  if (method === 'run') return (result as Database.RunResult).changes > 0;
  if (method === 'get') return result !== undefined;
  if (method === 'all') return Array.isArray(result) && result.length > 0;
  return false;
}

/**
 * Connection → its monitor, kept on better-sqlite3's Statement prototype under a process-wide
 * symbol, so that the prototype is patched once however many times this module is loaded (jest
 * loads it per test file) and connections nobody monitors pass straight through.
 */
const MONITORS = Symbol.for('handoff.db.writeMonitors');

function monitorsOf(sqlite: Database.Database): WeakMap<Database.Database, WriteMonitor> {
  const proto = Object.getPrototypeOf(sqlite.prepare('select 1')) as Record<string | symbol, unknown>;
  const existing = proto[MONITORS] as WeakMap<Database.Database, WriteMonitor> | undefined;
  if (existing) return existing;
  const monitors = new WeakMap<Database.Database, WriteMonitor>();
  proto[MONITORS] = monitors;
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const original = proto[method] as AnyFn;
    // Patched on the prototype, not per statement: the request path prepares statements often, and
    // wrapping each one cost more than the query (a CPU profile put it at 6 % of a request).
    proto[method] = function (this: Database.Statement, ...params: unknown[]): unknown {
      const monitor = monitors.get(this.database);
      if (!monitor) return original.apply(this, params);
      let result: unknown;
      try {
        result = original.apply(this, params);
      } catch (e) {
        if (isStorageError(e)) monitor.failed(e);
        throw e;
      }
      // SQLite counts reads and transaction control (BEGIN, COMMIT) as read-only: their success
      // proves no write (their failures are recorded above — a COMMIT is where a full disk shows).
      if (!this.readonly && wroteRows(method, result)) monitor.succeeded();
      return result;
    };
  }
  return monitors;
}

/**
 * Watches this connection's statements, transactions and `exec` so their outcomes reach `monitor`.
 * Statements keep their identity, so drizzle's use of them is unchanged.
 */
export function monitorWrites(sqlite: Database.Database, monitor: WriteMonitor): void {
  monitorsOf(sqlite).set(sqlite, monitor);

  const transaction = sqlite.transaction.bind(sqlite);
  sqlite.transaction = ((fn: AnyFn) => {
    const tx = transaction(fn) as unknown as AnyFn & Record<'deferred' | 'immediate' | 'exclusive', AnyFn>;
    // The COMMIT runs inside these calls: a transaction that returns has been written.
    const wrap = (variant: AnyFn): AnyFn => (...args: unknown[]) => monitor.watch(() => variant(...args), () => undefined);
    const wrapped = wrap(tx) as AnyFn & Record<'deferred' | 'immediate' | 'exclusive', AnyFn>;
    for (const behavior of ['deferred', 'immediate', 'exclusive'] as const) wrapped[behavior] = wrap(tx[behavior]);
    return wrapped;
  }) as typeof sqlite.transaction;

  const exec = sqlite.exec.bind(sqlite);
  sqlite.exec = ((source: string) => monitor.watch(() => exec(source))) as typeof sqlite.exec;
}
