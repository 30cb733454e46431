/**
 * Preloaded into the app by bench:waves (`node --require`): why the event loop was late. Every 2 ms it
 * reads the main thread's scheduler counters (/proc/self/task/PID/schedstat: time on a CPU, time
 * waiting for one). A gap of 20 ms or more between two reads is a late loop; its on-CPU part is the
 * app's own work (a callback, GC on the main thread), its run-queue part is the machine's (the
 * thread was ready but every core was busy), and the rest is the thread blocked (a sync call, a
 * lock). Appended to $HANDOFF_BENCH_HOLDS, one JSON line per save: [[epoch ms, gap, on CPU, waiting
 * for a core], …]. Appended, never rewritten: rewriting truncates the file, and on a disk mounted with
 * `discard` a truncate waits for the device — in the app's main thread, the stall it is there to see.
 */
const fs = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const out = process.env.HANDOFF_BENCH_HOLDS;
const file = `/proc/self/task/${process.pid}/schedstat`;
// --require runs in every worker thread too (the app's SQLite checkpointer): probe once, from the main one.
if (isMainThread && out && fs.existsSync(file)) {
  // One descriptor, read again from its start each turn: cheaper than opening the file 500 times a second.
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.alloc(128);
  const read = () => buffer.toString('latin1', 0, fs.readSync(fd, buffer, 0, buffer.length, 0)).split(' ').map(Number);
  let holds = [];
  let kept = 0;
  let last = performance.now();
  let counters = read();
  const probe = setInterval(() => {
    const now = performance.now();
    const next = read();
    const gap = now - last;
    if (gap >= 20 && kept < 100_000) holds.push([Date.now(), gap, (next[0] - counters[0]) / 1e6, (next[1] - counters[1]) / 1e6].map((x) => Math.round(x * 10) / 10));
    last = now;
    counters = next;
  }, 2).unref();
  const save = () => {
    if (holds.length === 0) return;
    fs.appendFileSync(out, JSON.stringify(holds) + '\n');
    kept += holds.length;
    holds = [];
  };
  const saving = setInterval(save, 2000).unref();
  process.on('exit', save);
  // SIGUSR2: the bench is done with the waves; stop probing so the per-kind CPU is the app's alone.
  process.on('SIGUSR2', () => {
    clearInterval(probe);
    clearInterval(saving);
    save();
  });
}
