/**
 * Operator endpoints on PORT, the same in both modes:
 * - GET /healthz: the process and its database (200 while the bot can do its own work);
 * - GET /readyz: 200 only while Slack is reachable (Socket Mode: the socket is connected; HTTP mode:
 *   a recent auth.test succeeded);
 * - GET /metrics: Prometheus text (src/metrics.ts), behind a bearer token when METRICS_TOKEN is set.
 * HTTP mode mounts them on Bolt's receiver; Socket Mode has no HTTP receiver, so they get a small
 * server of their own here, whose listen errors are ours to report.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomRoute } from '@slack/bolt';
import { timingSafeEqual } from 'node:crypto';
import type { SlackReadiness } from './slack/readiness';
import type { Metrics } from './metrics';

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** GET /healthz: 200 while `report()` is ok (the process and its storage), 503 with the report otherwise. */
export function healthRoute(report: () => { ok: boolean } | Promise<{ ok: boolean }>): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      Promise.resolve()
        .then(report)
        .then(
          (health) => json(res, health.ok ? 200 : 503, { status: health.ok ? 'ok' : 'degraded', ...health }),
          (e: unknown) => json(res, 503, { status: 'degraded', ok: false, error: e instanceof Error ? e.message : String(e) }),
        );
    },
  };
}

export function readyRoute(readiness: SlackReadiness): CustomRoute {
  return {
    path: '/readyz',
    method: ['GET'],
    handler: (_req, res) => {
      readiness.check().then(
        (report) => json(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not_ready', slack: report }),
        (e: unknown) => json(res, 503, { status: 'not_ready', slack: { ready: false, reason: String(e) } }),
      );
    },
  };
}

export function metricsRoute(metrics: Pick<Metrics, 'text' | 'contentType'>, token: string | undefined): CustomRoute {
  return {
    path: '/metrics',
    method: ['GET'],
    handler: (req, res) => {
      if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
        res.writeHead(401, { 'WWW-Authenticate': 'Bearer' });
        return void res.end();
      }
      metrics.text().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
          res.end(text);
        },
        (e: unknown) => json(res, 500, { error: String(e) }),
      );
    },
  };
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** PORT is taken: one line an operator can act on, instead of a stack trace. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`PORT ${port} is already in use (another Handoff, or another program, is listening on it): stop that process or set PORT to a free port.`);
  }
}

/** Turns a listen failure into PortInUseError when it is one. */
export function explainListenError(e: unknown, port: number): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'EADDRINUSE' ? new PortInUseError(port) : e;
}

export interface OperatorServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `routes` (GET only) on `port`; rejects with PortInUseError when the port is taken. */
export async function listenOperatorServer(port: number, routes: CustomRoute[]): Promise<OperatorServer> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes.find((r) => r.path === path);
    const methods = route ? (Array.isArray(route.method) ? route.method : [route.method]) : [];
    if (!route || !methods.includes(req.method ?? '')) return json(res, 404, { error: 'not_found' });
    void route.handler(Object.assign(req, { params: {} }), res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(explainListenError(e, port)));
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
