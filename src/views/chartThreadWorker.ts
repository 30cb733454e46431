/**
 * The worker thread of chartThread.ts: draws each chart it is sent (ECharts' SSR, then resvg) and
 * posts the PNG back. Nothing else runs here.
 */
import { parentPort } from 'node:worker_threads';
import { healthChartSvg } from './healthChart';
import { svgToPng } from './rasterise';
import type { ChartReply, ChartRequest } from './chartThread';

const port = parentPort;
if (!port) throw new Error('chartThreadWorker runs as a worker thread (see chartThread.ts)');
port.on('message', (m: ChartRequest) => {
  const reply = (r: ChartReply) => port.postMessage(r);
  Promise.resolve()
    .then(() => svgToPng(healthChartSvg(m.report, m.title, m.tz)))
    .then(
      (png) => reply({ id: m.id, png }),
      (e: unknown) => reply({ id: m.id, error: e instanceof Error ? e.message : String(e) }),
    );
});
