/**
 * Moves SQLite's WAL checkpoints off the event loop. In WAL mode with `synchronous = NORMAL` a commit
 * never waits on the disk; a checkpoint does: it copies the log into the database file and fsyncs
 * both. SQLite runs one automatically inside whichever commit crosses 1,000 log pages — on the main
 * thread, between two requests: 5–10 ms on a quiet disk, and as long as the disk makes it (tens of
 * milliseconds seen) under a 09:00 wave's writes.
 *
 * So the running app turns the automatic checkpoint off on its own connection and a worker thread
 * with a connection of its own runs PASSIVE checkpoints (never blocking a reader or a writer) every
 * `intervalMs`. If the worker cannot start or dies, the connection's automatic checkpoint comes back
 * at once, so the log can never grow without bound.
 *
 * One fsync is left in a commit: the first commit after a complete checkpoint starts the log again
 * from its beginning and SQLite syncs the log's new header before going on — on the main thread.
 * Checkpointing every 20 ms under a wave's writes made that about 2,500 fsyncs in a 10,000-person
 * wave, each as long as the disk makes it. So while commits keep coming the worker also holds a read
 * transaction on a second connection, begun at the log's current end just before each checkpoint:
 * SQLite starts the log again only when no reader uses it, so commits append instead, and the log
 * starts again once per `restartFrames` (the worker lets go then, and whenever the app is idle).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from '../logger';
import { withDeadline } from '../deadline';

/** SQLite's own default, restored when the worker is gone. */
const AUTO_CHECKPOINT_PAGES = 1000;

export interface CheckpointResult {
  /** Frames in the log, and how many of them are now in the database file (SQLite's own figures). */
  logFrames: number;
  checkpointedFrames: number;
  busy: boolean;
  /** When that checkpoint began (epoch ms): frames written after it are not among them. */
  startedAt: number;
}

export interface WalCheckpointer {
  /** Checkpoints the worker ran so far, and its latest result. */
  stats(): { runs: number; last: CheckpointResult | null; running: boolean };
  stop(): Promise<void>;
}

// Plain CommonJS run by the worker (`eval`), so it loads the same way from src/ under ts-jest and
// from dist/. The driver's path comes from the parent, which already resolved it.
//
// The log starts again from its beginning only when a commit begins with every frame already copied
// and no reader using the log. After a checkpoint that found new frames the next one comes soon
// (retryMs). Once the worker lets go (the log passed restartFrames), the small checkpoints that follow
// end between two commits and the next commit starts the log again. A log past maxLogFrames (a stream
// that never pauses) gets a RESTART checkpoint, which holds new commits for its duration so that the
// next one starts the log again: what SQLite's own checkpoint would have cost, once per that many frames.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
// The reader that keeps the log from starting again (see the top of this file).
const holder = new Database(workerData.file, { fileMustExist: true, readonly: true });
const holderRead = holder.prepare('select count(*) from sqlite_master');
// Whether to hold (commits are coming and the log is short); the read itself begins only when new
// frames are in the log: begun with every frame copied, a reader does not use the log and holds nothing.
let wanted = false;
const letGo = () => {
  if (holder.inTransaction) holder.exec('COMMIT');
};
const hold = () => {
  letGo();
  holder.exec('BEGIN');
  try {
    holderRead.get();
  } catch (e) {
    holder.exec('ROLLBACK');
    throw e;
  }
};
let timer;
let seen = '';
let lastWrite = 0;
let lastVersion = 0;
const run = () => {
  let next = workerData.intervalMs;
  try {
    const startedAt = Date.now();
    // Commits came since the last round: (again) at the log's current end, so this checkpoint can
    // copy every frame written until now and the reader still uses the log.
    const version = db.pragma('data_version', { simple: true });
    if (wanted && version !== lastVersion) hold();
    lastVersion = version;
    let [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r.log > workerData.maxLogFrames) {
      letGo(); // a RESTART checkpoint waits for every reader, this one included
      [r] = db.pragma('wal_checkpoint(RESTART)');
    }
    // Soon again only if something was written since the last one: an idle app's log stays as it is,
    // and costs one checkpoint a second.
    const figures = r.log + '/' + r.checkpointed;
    const writing = figures !== seen && r.log > 0;
    if (writing) {
      next = workerData.retryMs;
      lastWrite = startedAt;
    }
    seen = figures;
    // Hold while commits come and the log is short; let go when it is long (the next commit after a
    // complete checkpoint starts it again) and once nothing was written for an interval (an idle
    // app: a lone commit's fsync is cheap, and the log does not stay long for nothing).
    wanted = startedAt - lastWrite < workerData.intervalMs && r.log < workerData.restartFrames;
    if (!wanted) letGo();
    parentPort.postMessage({ logFrames: r.log, checkpointedFrames: r.checkpointed, busy: r.busy === 1, startedAt });
  } catch (e) {
    try {
      letGo();
    } catch {}
    parentPort.postMessage({ error: String((e && e.message) || e) });
  }
  timer = setTimeout(run, next);
};
timer = setTimeout(run, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  try {
    letGo();
  } finally {
    holder.close();
    db.close();
    parentPort.close();
  }
});
`;

export interface CheckpointerOptions {
  /** Between two checkpoints when the last one found nothing to copy. */
  intervalMs?: number;
  /** Between two checkpoints when the log changed since the one before (commits are coming in). */
  retryMs?: number;
  /** Past this many frames in the log (4 KiB each), a checkpoint that holds commits back briefly. */
  maxLogFrames?: number;
  /** While commits keep coming, the log starts again once it has this many frames (4 KiB each), not after each checkpoint. */
  restartFrames?: number;
  /** The module the worker opens the file with (tests name a broken one to see the fallback). */
  driver?: string;
}

export function startWalCheckpointer(sqlite: Database.Database, logger: Logger, opts: CheckpointerOptions = {}): WalCheckpointer {
  let runs = 0;
  let last: CheckpointResult | null = null;
  let running = false;
  const checkpointInline = () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  const inline = (why: string, err?: unknown) => {
    if (!running) return;
    running = false;
    checkpointInline();
    logger.warn({ err }, `background WAL checkpoints stopped (${why}): SQLite checkpoints on the main thread again`);
  };
  if (sqlite.memory || String(sqlite.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') {
    return { stats: () => ({ runs, last, running }), stop: async () => {} };
  }
  sqlite.pragma('wal_autocheckpoint = 0');
  running = true;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: opts.driver ?? require.resolve('better-sqlite3'),
      file: path.resolve(sqlite.name),
      intervalMs: opts.intervalMs ?? 1000,
      retryMs: opts.retryMs ?? 20,
      maxLogFrames: opts.maxLogFrames ?? 16_384,
      restartFrames: opts.restartFrames ?? 4096,
    },
  });
  // Never what keeps the process alive: the app's server and timers decide that.
  worker.unref();
  let failing = false;
  worker.on('message', (m: CheckpointResult | { error: string }) => {
    if ('error' in m) {
      // Once per spell (a full disk fails every second until it is freed), and once when it ends.
      if (!failing) logger.warn({ error: m.error }, 'background WAL checkpoint failed; retrying every second');
      failing = true;
      return;
    }
    if (failing) logger.info('background WAL checkpoints work again');
    failing = false;
    runs += 1;
    last = m;
  });
  worker.on('error', (e) => inline('the worker failed', e));
  worker.on('exit', (code) => inline(`the worker exited with code ${code}`));
  return {
    stats: () => ({ runs, last, running }),
    async stop() {
      if (!running) return;
      running = false; // a deliberate stop: no warning, and the closing connection checkpoints anyway
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      // Referenced while it winds down: with the server closed, an unreferenced worker and timer would
      // let the process end right here, before the shutdown that awaits this has finished.
      worker.ref();
      worker.postMessage('stop');
      // The worker closes its connection and ends; terminate() only if it does not.
      if ((await withDeadline(exited, 2000)) === 'timeout') await worker.terminate();
      checkpointInline();
    },
  };
}
