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

let worker: Worker | null = null;
let idleTimer: NodeJS.Timeout | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function start(): Worker {
  // From dist/ the worker is plain JavaScript; from src/ (tests, `tsx`) it is TypeScript, loaded through tsx.
  const ts = path.extname(__filename) === '.ts';
  const w = new Worker(path.join(__dirname, `chartThreadWorker${ts ? '.ts' : '.js'}`), ts ? { execArgv: ['--require', require.resolve('tsx/cjs')] } : {});
  w.on('message', (m: ChartReply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if ('png' in m) p.resolve(Buffer.from(m.png.buffer, m.png.byteOffset, m.png.byteLength));
    else p.reject(new Error(`chart not drawn: ${m.error}`));
    settle();
  });
  const fail = (e: Error) => {
    if (worker === w) worker = null;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the chart thread stopped (exit code ${code})`)));
  return w;
}

/** Keeps the process alive only while charts are pending; stops the idle thread after a while. */
function settle(): void {
  if (!worker) return;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  if (pending.size > 0) return void worker.ref();
  worker.unref();
  const idle = worker;
  idleTimer = setTimeout(() => {
    if (worker === idle && pending.size === 0) {
      worker = null;
      void idle.terminate();
    }
  }, IDLE_STOP_MS);
  idleTimer.unref();
}

/** The weekly chart as a PNG (the period's days read in `tz`), drawn in the chart thread. */
export function healthChartPngOffThread(report: HealthReport, title: string, tz: string): Promise<Buffer> {
  worker ??= start();
  const id = nextId++;
  const done = new Promise<Buffer>((resolve, reject) => pending.set(id, { resolve, reject }));
  worker.postMessage({ id, report, title, tz } satisfies ChartRequest);
  settle();
  return done;
}
