/**
 * The weekly health chart, drawn off the event loop. ECharts' server-side rendering is synchronous
 * (20–25 ms a chart, 55 ms the first), and weekly reports are drawn when they are delivered, which
 * on a Monday is inside the morning wave; loaded in the main thread, ECharts also kept 10 MB on its
 * heap that every full garbage collection marked again. So a worker thread draws them: started on
 * the first chart, it keeps the process alive only while a chart is being drawn, and stops after a
 * minute without one.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HealthReport } from '../domain/asyncHealth';

export interface ChartRequest {
  id: number;
  report: HealthReport;
  title: string;
  tz: string;
}
export type ChartReply = { id: number; png: Uint8Array } | { id: number; error: string };

const IDLE_STOP_MS = 60_000;

interface Pending {
  resolve: (png: Buffer) => void;
  reject: (e: Error) => void;
}

/** A worker and the charts sent to it: a thread that stops fails its own charts, never its successor's. */
interface ChartThread {
  worker: Worker;
  pending: Map<number, Pending>;
}

let current: ChartThread | null = null;
let idleTimer: NodeJS.Timeout | null = null;
let nextId = 1;

function start(): ChartThread {
  // From dist/ the worker is plain JavaScript; from src/ (tests, `tsx`) it is TypeScript, loaded through tsx.
  const ts = path.extname(__filename) === '.ts';
  const worker = new Worker(path.join(__dirname, `chartThreadWorker${ts ? '.ts' : '.js'}`), ts ? { execArgv: ['--require', require.resolve('tsx/cjs')] } : {});
  const thread: ChartThread = { worker, pending: new Map() };
  worker.on('message', (m: ChartReply) => {
    const p = thread.pending.get(m.id);
    if (!p) return;
    thread.pending.delete(m.id);
    if ('png' in m) p.resolve(Buffer.from(m.png.buffer, m.png.byteOffset, m.png.byteLength));
    else p.reject(new Error(`chart not drawn: ${m.error}`));
    settle(thread);
  });
  const fail = (e: Error) => {
    if (current === thread) current = null;
    for (const p of thread.pending.values()) p.reject(e);
    thread.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the chart thread stopped (exit code ${code})`)));
  return thread;
}

/** Keeps the process alive only while charts are pending; stops the idle thread after a while. */
function settle(thread: ChartThread): void {
  if (thread !== current) return;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  if (thread.pending.size > 0) return void thread.worker.ref();
  thread.worker.unref();
  idleTimer = setTimeout(() => {
    if (current === thread && thread.pending.size === 0) {
      // Forgotten first: a chart asked for while it stops goes to a new thread.
      current = null;
      void thread.worker.terminate();
    }
  }, IDLE_STOP_MS);
  idleTimer.unref();
}

/** The weekly chart as a PNG (the period's days read in `tz`), drawn in the chart thread. */
export function healthChartPngOffThread(report: HealthReport, title: string, tz: string): Promise<Buffer> {
  const thread = (current ??= start());
  const id = nextId++;
  const done = new Promise<Buffer>((resolve, reject) => thread.pending.set(id, { resolve, reject }));
  thread.worker.postMessage({ id, report, title, tz } satisfies ChartRequest);
  settle(thread);
  return done;
}
