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

/**
 * Wraps `sqlite.prepare`, `sqlite.transaction` and `sqlite.exec` of this connection so their
 * outcomes reach `monitor`. Statements keep their identity (`raw()` returns the same object), so
 * drizzle's use of them is unchanged.
 */
export function monitorWrites(sqlite: Database.Database, monitor: WriteMonitor): void {
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    const stmt = prepare(source);
    if (stmt.readonly) {
      // SQLite counts reads and transaction control (BEGIN, COMMIT) as read-only. Their failures
      // are recorded — a COMMIT is where a full disk shows — but their success proves no write.
      for (const method of ['run', 'get', 'all', 'iterate'] as const) {
        const original = (stmt[method] as AnyFn).bind(stmt);
        (stmt as unknown as Record<string, AnyFn>)[method] = (...params: unknown[]) => monitor.watch(() => original(...params));
      }
      return stmt;
    }
    const run = stmt.run.bind(stmt);
    stmt.run = ((...params: unknown[]) =>
      monitor.watch(
        () => run(...(params as [])),
        (r) => r.changes > 0 && monitor.succeeded(),
      )) as typeof stmt.run;
    // INSERT … RETURNING and the like are read through get/all: rows back means rows written.
    for (const method of ['get', 'all'] as const) {
      const original = (stmt[method] as AnyFn).bind(stmt);
      (stmt as unknown as Record<string, AnyFn>)[method] = (...params: unknown[]) =>
        monitor.watch(
          () => original(...params),
          (r) => (Array.isArray(r) ? r.length > 0 : r !== undefined) && monitor.succeeded(),
        );
    }
    return stmt;
  }) as typeof sqlite.prepare;

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
