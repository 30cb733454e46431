/**
 * SQLite's checkpoints (the fsyncs) run in a worker thread, not inside a commit on the event loop:
 * the app's connection never checkpoints while the worker runs, the worker keeps the log from growing,
 * and if the worker cannot run, the connection checkpoints for itself again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createLogger } from '../../../src/logger';
import { startWalCheckpointer, type WalCheckpointer } from '../../../src/db/walCheckpointer';
import { eventually } from '../../harness/testApp';

let dir: string;
let sqlite: Database.Database;
let checkpointer: WalCheckpointer | undefined;
let logged: string[];
const logger = () => createLogger({ level: 'warn', secrets: [], destination: { write: (line: string) => void logged.push(line) } });

beforeEach(() => {
  logged = [];
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-wal-'));
  sqlite = new Database(path.join(dir, 'handoff.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec('create table t (id integer primary key, v text)');
});
afterEach(async () => {
  await checkpointer?.stop();
  checkpointer = undefined;
  sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const walBytes = () => fs.statSync(`${sqlite.name}-wal`).size;
/** The log's checkpoint sequence (its header, bytes 12–15): SQLite adds one each time the log starts again from its beginning. */
function logRestarts(): number {
  const fd = fs.openSync(`${sqlite.name}-wal`, 'r');
  try {
    const header = Buffer.alloc(4);
    fs.readSync(fd, header, 0, 4, 12);
    return header.readUInt32BE(0);
  } finally {
    fs.closeSync(fd);
  }
}
const autoCheckpoint = () => sqlite.pragma('wal_autocheckpoint', { simple: true });
/** About 2,500 pages of log: more than SQLite's automatic checkpoint (1,000) would let it hold. */
function writeBatch(): void {
  const insert = sqlite.prepare('insert into t (v) values (?)');
  for (let i = 0; i < 2500; i++) insert.run('x'.repeat(3000));
}

describe('background WAL checkpoints', () => {
  it('the connection stops checkpointing while the worker keeps the log from growing', async () => {
    checkpointer = startWalCheckpointer(sqlite, logger(), { intervalMs: 20 });
    expect(autoCheckpoint()).toBe(0);
    const sizes: number[] = [];
    const restarts: number[] = [];
    for (let round = 0; round < 4; round++) {
      restarts.push(round === 0 ? -1 : logRestarts());
      writeBatch();
      // The commits themselves left every frame in the log: nothing was checkpointed inline.
      sizes.push(walBytes());
      // The batch began the log again from its beginning (whenever a commit found it all checkpointed)
      // instead of appending after the last one: the log does not grow from batch to batch.
      if (round > 0) expect(logRestarts()).toBeGreaterThan(restarts[round]!);
      const written = Date.now();
      // A checkpoint begun after the last commit copied every frame.
      let copiedAt = 0;
      await eventually(() => {
        const { last } = checkpointer!.stats();
        expect(last!.startedAt).toBeGreaterThan(written);
        expect(last!.logFrames).toBeGreaterThan(0);
        expect(last!.checkpointedFrames).toBe(last!.logFrames);
        copiedAt = last!.startedAt;
      });
      // Then a round an interval later with nothing written: the worker has let go of its read (a pause
      // between bursts), so the next batch's first commit can start the log again. On a busy machine the
      // next batch could otherwise begin while the worker still held the log.
      await eventually(() => expect(checkpointer!.stats().last!.startedAt).toBeGreaterThanOrEqual(copiedAt + 20));
    }
    expect(sqlite.prepare('select count(*) as n from t').get()).toEqual({ n: 10_000 });
    // Fully checkpointed, the log starts again: four batches never take the room of four. (How much
    // of one batch the log holds at its end is up to the machine's scheduling: a checkpoint running
    // just as a commit starts delays the restart to a later commit.)
    expect(Math.max(...sizes)).toBeLessThan(sizes[0]! * 2.5);
    expect(logged).toEqual([]);
  });

  it('commits that never pause still see the log start again once it passes its cap', async () => {
    checkpointer = startWalCheckpointer(sqlite, logger(), { intervalMs: 5, retryMs: 5, maxLogFrames: 500 });
    await eventually(() => expect(checkpointer!.stats().runs).toBeGreaterThan(0));
    const insert = sqlite.prepare('insert into t (v) values (?)');
    // Commits without a gap longer than one turn of the event loop, until the log is seen starting
    // again (fewer frames than the checkpoint before saw), or 25,000 of them (about 40,000 frames).
    let restartedAfter: number | null = null;
    let previous = 0;
    for (let i = 0; i < 1000 && restartedAfter === null; i++) {
      for (let j = 0; j < 25; j++) insert.run('x'.repeat(3000));
      const frames = checkpointer.stats().last?.logFrames ?? 0;
      if (frames < previous) restartedAfter = i;
      previous = frames;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(restartedAfter).not.toBeNull();
  });

  it('while commits keep coming the log starts again once per restartFrames, not after every checkpoint', async () => {
    // Each start costs the commit that makes it an fsync of the log's header, on the main thread.
    checkpointer = startWalCheckpointer(sqlite, logger(), { intervalMs: 20, retryMs: 2, restartFrames: 200 });
    const insert = sqlite.prepare('insert into t (v) values (?)');
    insert.run('first');
    const before = logRestarts();
    // Small commits with pauses long enough for checkpoints to end between two of them.
    const commits = 600;
    for (let i = 0; i < commits; i++) {
      insert.run('x'.repeat(300));
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
    const restarts = logRestarts() - before;
    // A commit writes one or two pages: at most 1,200 frames, so at most 6 starts at 200 frames each,
    // plus the first. (Not holding, the log started again about 190 times here: after every
    // checkpoint that ended between two commits.)
    expect(restarts).toBeGreaterThan(0);
    expect(restarts).toBeLessThanOrEqual(Math.ceil((2 * commits) / 200) + 2);
    // And the log stays about that long: held, it never grows much past restartFrames.
    expect(walBytes()).toBeLessThan(4 * 4096 * 200);
    expect(logged).toEqual([]);
  });

  it('an idle app costs one checkpoint per interval, not one per retry', async () => {
    checkpointer = startWalCheckpointer(sqlite, logger(), { intervalMs: 300, retryMs: 5 });
    writeBatch();
    const written = Date.now();
    await eventually(() => {
      const { last } = checkpointer!.stats();
      expect(last!.startedAt).toBeGreaterThan(written);
      expect(last!.checkpointedFrames).toBe(last!.logFrames);
    });
    const before = checkpointer.stats().runs;
    await new Promise((resolve) => setTimeout(resolve, 900));
    // At most one quick retry (its figures were new), then one a 300 ms interval: about 4, never ~180.
    expect(checkpointer.stats().runs - before).toBeLessThanOrEqual(6);
  });

  it('without the worker the log would have held every batch (what the test above rules out)', () => {
    sqlite.pragma('wal_autocheckpoint = 0');
    writeBatch();
    const one = walBytes();
    writeBatch();
    writeBatch();
    expect(walBytes()).toBeGreaterThan(one * 2.5);
  });

  it('a worker that cannot run hands checkpoints back to the connection, and says so', async () => {
    checkpointer = startWalCheckpointer(sqlite, logger(), { intervalMs: 20, driver: path.join(dir, 'no-such-driver.js') });
    await eventually(() => expect(checkpointer!.stats().running).toBe(false));
    expect(autoCheckpoint()).toBe(1000);
    expect(logged.join('')).toContain('SQLite checkpoints on the main thread again');
  });

  it('a spell of failing checkpoints is logged once when it starts and once when it ends', async () => {
    // A driver whose first five checkpoints fail, as on a full disk.
    const driver = path.join(dir, 'failing-driver.js');
    fs.writeFileSync(
      driver,
      `const Real = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      let failures = 0;
      module.exports = class extends Real {
        pragma(sql, options) {
          if (sql.startsWith('wal_checkpoint') && ++failures <= 5) throw new Error('disk I/O error');
          return super.pragma(sql, options);
        }
      };`,
    );
    const info = createLogger({ level: 'info', secrets: [], destination: { write: (line: string) => void logged.push(line) } });
    checkpointer = startWalCheckpointer(sqlite, info, { intervalMs: 10, driver });
    await eventually(() => expect(checkpointer!.stats().runs).toBeGreaterThan(0));
    const lines = logged.map((l) => JSON.parse(l) as { msg: string; error?: string });
    expect(lines.map((l) => l.msg)).toEqual(['background WAL checkpoint failed; retrying every second', 'background WAL checkpoints work again']);
    expect(lines[0]!.error).toContain('disk I/O error');
    expect(checkpointer.stats().running).toBe(true);
  });

  it('stop() ends the worker and gives checkpoints back to the connection, quietly', async () => {
    checkpointer = startWalCheckpointer(sqlite, logger(), { intervalMs: 20 });
    await eventually(() => expect(checkpointer!.stats().runs).toBeGreaterThan(0));
    await checkpointer.stop();
    expect(checkpointer.stats().running).toBe(false);
    expect(autoCheckpoint()).toBe(1000);
    expect(logged).toEqual([]);
  });

  it('an in-memory database has no log: nothing is started', () => {
    const memory = new Database(':memory:');
    try {
      const c = startWalCheckpointer(memory, logger());
      expect(c.stats().running).toBe(false);
      expect(memory.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      memory.close();
    }
  });
});
