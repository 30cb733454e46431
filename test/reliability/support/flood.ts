/**
 * Unauthenticated upload flood against a running app (issue 10, item 4): many concurrent
 * POST /slack/events uploads that never finish, on raw sockets, while the app's memory is sampled
 * (from /proc) and /healthz is probed. Used by test/reliability/faults-flood.test.ts and by
 * scripts/flood.ts to measure any build from the command line.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';

export interface FloodOptions {
  port: number;
  /** Concurrent uploads. */
  connections: number;
  /** Content-Length each upload announces (it never sends all of it). */
  declaredBytes: number;
  /** Bytes each upload sends before it goes quiet (and stays open). */
  sendBytes: number;
  /**
   * 'none': no Slack headers at all. 'forged': well-formed signature headers with a current
   * timestamp and a signature made with the wrong secret — what anyone can produce.
   */
  headers: 'none' | 'forged';
}

export interface FloodResult {
  connections: number;
  /** Uploads the server closed (it may answer first; the client may only see the reset). */
  closedByServer: number;
  /** Uploads that have sent all they will send and are still open. */
  stillOpen: number;
  /** Status lines the server answered with, e.g. { 401: 1000 }. */
  statuses: Record<string, number>;
  bytesSent: number;
}

export interface Flood {
  /** Where the flood stands now. */
  progress(): FloodResult;
  /**
   * Resolves once at least `n` uploads were closed by the server and every other one has sent all
   * it will send; rejects with the progress so far if that has not happened after `timeoutMs`.
   */
  closed(n: number, timeoutMs?: number): Promise<FloodResult>;
  /** Closes every upload socket. */
  stop(): void;
}

const CHUNK = Buffer.alloc(64 * 1024, 'a');

function head(o: FloodOptions): string {
  const lines = ['POST /slack/events HTTP/1.1', `Host: 127.0.0.1:${o.port}`, 'Content-Type: application/json', `Content-Length: ${o.declaredBytes}`];
  if (o.headers === 'forged') {
    const ts = Math.floor(Date.now() / 1000);
    lines.push(`X-Slack-Request-Timestamp: ${ts}`, `X-Slack-Signature: v0=${createHmac('sha256', 'not-the-secret').update(`v0:${ts}:`).digest('hex')}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export function flood(o: FloodOptions): Flood {
  const sockets: net.Socket[] = [];
  const statuses: Record<string, number> = {};
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  let closedByServer = 0;
  let sentAll = 0;
  let bytesSent = 0;
  let stopped = false;
  const progress = (): FloodResult => ({ connections: o.connections, closedByServer, stillOpen: sentAll, statuses: { ...statuses }, bytesSent });

  for (let i = 0; i < o.connections; i++) {
    const socket = net.connect(o.port, '127.0.0.1');
    sockets.push(socket);
    let sent = 0;
    let closed = false;
    let finished = false;
    const onClose = () => {
      if (closed || stopped) return;
      closed = true;
      if (finished) sentAll -= 1;
      closedByServer += 1;
      changes.emit('change');
    };
    socket.on('data', (d: Buffer) => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(d.toString('latin1'))?.[1];
      if (status) statuses[status] = (statuses[status] ?? 0) + 1;
    });
    socket.on('error', onClose);
    socket.on('close', onClose);
    socket.on('connect', () => {
      socket.write(head(o));
      const pump = () => {
        while (!closed && sent < o.sendBytes) {
          const n = Math.min(CHUNK.length, o.sendBytes - sent);
          sent += n;
          bytesSent += n;
          if (!socket.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void socket.once('drain', pump);
        }
        // Everything sent; the upload now stays open, never finishing its announced length.
        if (!closed && !finished) {
          finished = true;
          sentAll += 1;
          changes.emit('change');
        }
      };
      pump();
    });
  }
  return {
    progress,
    closed(n, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (closedByServer >= n && closedByServer + sentAll === o.connections) {
            cleanup();
            resolve(progress());
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`flood: ${n} uploads were not closed within ${timeoutMs} ms: ${JSON.stringify(progress())}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          changes.off('change', check);
        };
        changes.on('change', check);
        check();
      });
    },
    stop() {
      stopped = true;
      for (const s of sockets) s.destroy();
    },
  };
}

/** Resident set size of a process in bytes (Linux /proc; `ps` elsewhere). */
export function rssOf(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux, or the process is gone: fall through
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}

/** Samples `rssOf(pid)` until stopped; `peak` is the highest value seen. */
export function sampleRss(pid: number, everyMs = 25): { peak: () => number; stop: () => void } {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch {
      // process gone; the caller will notice
    }
  }, everyMs);
  return { peak: () => peak, stop: () => clearInterval(timer) };
}

export interface Probe {
  status: number | 'error';
  ms: number;
}

/** Probes GET /healthz back to back until stopped; each probe may take up to `timeoutMs`. */
export function probeHealth(port: number, timeoutMs = 10_000): { probes: Probe[]; stop: () => Promise<void> } {
  const probes: Probe[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const status = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(timeoutMs) }).then(
        async (r) => {
          await r.arrayBuffer();
          return r.status;
        },
        () => 'error' as const,
      );
      probes.push({ status, ms: performance.now() - started });
    }
  })();
  return {
    probes,
    async stop() {
      running = false;
      await loop;
    },
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Runs the flood in its own process (scripts/flood.ts), so the app's /healthz latency is not mixed
 * up with the work of opening a thousand sockets in the test's own event loop.
 */
export function spawnFlood(o: FloodOptions, root: string): Flood & { exited: Promise<void> } {
  const args = [
    '--import',
    'tsx',
    path.join(root, 'scripts', 'flood.ts'),
    '--port',
    String(o.port),
    '--connections',
    String(o.connections),
    '--declared',
    String(o.declaredBytes),
    '--send',
    String(o.sendBytes),
    '--headers',
    o.headers,
  ];
  const proc = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  let latest: FloodResult = { connections: o.connections, closedByServer: 0, stillOpen: 0, statuses: {}, bytesSent: 0 };
  let errors = '';
  let buffered = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) latest = JSON.parse(line) as FloodResult;
    changes.emit('change');
  });
  proc.stderr!.on('data', (d: Buffer) => (errors += String(d)));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    exited,
    progress: () => latest,
    closed(n, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (latest.closedByServer >= n && latest.closedByServer + latest.stillOpen === o.connections) {
            cleanup();
            resolve(latest);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`flood: ${n} uploads were not closed within ${timeoutMs} ms: ${JSON.stringify(latest)} ${errors.slice(-500)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          changes.off('change', check);
        };
        changes.on('change', check);
        void exited.then(() => {
          if (errors) reject(new Error(`the flood process exited: ${errors.slice(-1000)}`));
        });
        check();
      });
    },
    stop() {
      proc.kill('SIGTERM');
    },
  };
}
