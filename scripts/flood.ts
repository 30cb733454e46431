/**
 * Load process for the unauthenticated-upload flood (issue 10, item 4): opens `--connections`
 * uploads to POST /slack/events on `--port` that announce `--declared` bytes, send `--send` bytes
 * and never finish. Prints one JSON line per change of state (what the uploads see: closed by the
 * server, still open, status lines), and keeps the uploads open until killed.
 *
 *   npx tsx scripts/flood.ts --port 3000 [--connections 1000] [--declared 4194304] [--send 1048576] [--headers none|forged]
 *
 * test/reliability/faults-flood.test.ts runs it as a separate process next to the app, so the
 * /healthz latency it measures is the app's, not the load generator's.
 */
import { flood } from '../test/reliability/support/flood';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const port = Number(arg('port', '3000'));
const headers = arg('headers', 'none');
if (headers !== 'none' && headers !== 'forged') throw new Error('--headers is none or forged');
const uploads = flood({
  port,
  connections: Number(arg('connections', '1000')),
  declaredBytes: Number(arg('declared', String(4 * 1024 * 1024))),
  sendBytes: Number(arg('send', String(1024 * 1024))),
  headers,
});

// Throttled to one line per 20 ms: the reader wants the latest state, not every step.
let last = '';
const report = () => {
  const line = JSON.stringify(uploads.progress());
  if (line !== last) process.stdout.write(`${line}\n`);
  last = line;
};
const timer = setInterval(report, 20);
const stop = () => {
  clearInterval(timer);
  report();
  uploads.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
