import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchFunction } from '@slack/web-api';
import { httpFetch, IDLE_SOCKET_MS } from '../../../src/slack/httpFetch';

describe('httpFetch', () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (req.url === '/limited') {
          res.writeHead(429, { 'Retry-After': '7', 'Content-Type': 'application/json' });
          res.end('{"ok":false,"error":"ratelimited"}');
        } else if (req.url === '/moved') {
          res.writeHead(302, { Location: '/api/chat.postMessage' });
          res.end();
        } else if (req.url === '/slow') {
          setTimeout(() => res.end('late'), 2000).unref();
        } else {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ ok: true, got: body }));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const unused: FetchFunction = () => Promise.reject(new Error('fallback used'));

  it('posts the body and headers and answers a Response the caller reads as usual', async () => {
    const res = await httpFetch(unused)(`${base}/api/chat.postMessage`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Test': 'a' }, body: '{"text":"hé"}' });
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ ok: true, got: '{"text":"hé"}' });
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', url: '/api/chat.postMessage', body: '{"text":"hé"}' });
    expect(last.headers['x-test']).toBe('a');
    expect(last.headers['content-length']).toBe(String(Buffer.byteLength('{"text":"hé"}')));
  });

  it('keeps a 429 and its Retry-After for the caller', async () => {
    const res = await httpFetch(unused)(`${base}/limited`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('refuses a redirect when asked to, and leaves following one to the global fetch', async () => {
    await expect(httpFetch(unused)(`${base}/moved`, { method: 'POST', body: 'x', redirect: 'error' })).rejects.toThrow(TypeError);
    const followed = await httpFetch(globalThis.fetch)(`${base}/moved`, { method: 'POST', body: 'x' });
    expect(followed.status).toBe(200);
  });

  it('gives up when the signal fires', async () => {
    await expect(httpFetch(unused)(`${base}/slow`, { method: 'POST', body: 'x', signal: AbortSignal.timeout(50) })).rejects.toThrow();
  });

  it('reuses a socket while busy, and closes an idle one itself before a server would', async () => {
    // A server that never closes idle sockets: whoever closes this one first is the client.
    const patient = http.createServer((req, res) => req.resume().on('end', () => res.end('{"ok":true}')));
    patient.keepAliveTimeout = 120_000;
    const sockets: Array<{ endedByClientAt?: number }> = [];
    patient.on('connection', (socket) => {
      const s: { endedByClientAt?: number } = {};
      sockets.push(s);
      socket.on('end', () => (s.endedByClientAt = Date.now()));
    });
    await new Promise<void>((r) => patient.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(patient.address() as AddressInfo).port}/api/chat.postMessage`;
      const fetch = httpFetch(unused);
      await (await fetch(url, { method: 'POST', body: 'a=1' })).text();
      await (await fetch(url, { method: 'POST', body: 'a=2' })).text();
      expect(sockets).toHaveLength(1);
      const idleFrom = Date.now();
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => sockets[0]!.endedByClientAt !== undefined && (clearInterval(poll), resolve()), 50);
      });
      // Closed for being idle (not at once, which would mean no keep-alive at all).
      expect(sockets[0]!.endedByClientAt! - idleFrom).toBeGreaterThanOrEqual(IDLE_SOCKET_MS - 100);
    } finally {
      patient.closeAllConnections();
      await new Promise((r) => patient.close(r));
    }
  }, 20_000);

  it('hands what it does not carry (a form upload) to the fallback', async () => {
    const calls: unknown[] = [];
    const fallback: FetchFunction = async (url) => {
      calls.push(url);
      return new Response('{"ok":true}');
    };
    const form = new FormData();
    form.append('file', 'content');
    await httpFetch(fallback)(`${base}/api/files.upload`, { method: 'POST', body: form });
    expect(calls).toEqual([`${base}/api/files.upload`]);
  });
});
