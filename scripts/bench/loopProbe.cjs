/**
 * Preloaded into the app by bench:waves (`node --require`): why the event loop was late. Every 2 ms it
 * reads the main thread's scheduler counters (/proc/self/task/PID/schedstat: time on a CPU, time
 * waiting for one). A gap of 20 ms or more between two reads is a late loop; its on-CPU part is the
 * app's own work (a callback, GC on the main thread), its run-queue part is the machine's (the
 * thread was ready but every core was busy), and the rest is the thread blocked (a sync call, a
 * lock). Written to $HANDOFF_BENCH_HOLDS as JSON: [[epoch ms, gap, on CPU, waiting for a core], …].
 */
const fs = require('node:fs');

const out = process.env.HANDOFF_BENCH_HOLDS;
const file = `/proc/self/task/${process.pid}/schedstat`;
if (out && fs.existsSync(file)) {
  const read = () => fs.readFileSync(file, 'utf8').split(' ').map(Number);
  const holds = [];
  let last = performance.now();
  let counters = read();
  setInterval(() => {
    const now = performance.now();
    const next = read();
    const gap = now - last;
    if (gap >= 20 && holds.length < 100_000) holds.push([Date.now(), gap, (next[0] - counters[0]) / 1e6, (next[1] - counters[1]) / 1e6].map((x) => Math.round(x * 10) / 10));
    last = now;
    counters = next;
  }, 2).unref();
  const save = () => fs.writeFileSync(out, JSON.stringify(holds));
  setInterval(save, 2000).unref();
  process.on('exit', save);
}
