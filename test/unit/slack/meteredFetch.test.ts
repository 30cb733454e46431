import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { meteredFetch, methodOf } from '../../../src/slack/meteredFetch';
import { httpFetch } from '../../../src/slack/httpFetch';
import type { FetchFunction } from '@slack/web-api';

describe('methodOf', () => {
  it.each([
    ['https://slack.com/api/chat.postMessage', 'chat.postMessage'],
    ['http://127.0.0.1:4000/api/users.info?x=1', 'users.info'],
    ['https://slack.com/api/admin.users.session.reset', 'admin.users.session.reset'],
    ['https://hooks.slack.com/commands/T1/2/abc', 'other'],
    ['https://slack.com/api/', 'other'],
  ])('%s → %s', (url, method) => expect(methodOf(url)).toBe(method));

  it('reads URL objects too', () => expect(methodOf(new URL('https://slack.com/api/views.open'))).toBe('views.open'));
});

describe('meteredFetch', () => {
  const answer =
    (status: number, body: unknown): FetchFunction =>
    async () =>
      new Response(JSON.stringify(body), { status });
  const run = async (inner: FetchFunction) => {
    const seen: [string, string][] = [];
    const fetch = meteredFetch((m, o) => seen.push([m, o]), inner);
    const res = await fetch('https://slack.com/api/chat.postMessage').catch((e: Error) => e);
    return { seen, res };
  };

  it('ok, a Slack error code, 429, 5xx and a network failure each get their outcome', async () => {
    expect((await run(answer(200, { ok: true }))).seen).toEqual([['chat.postMessage', 'ok']]);
    expect((await run(answer(200, { ok: false, error: 'not_in_channel' }))).seen).toEqual([['chat.postMessage', 'not_in_channel']]);
    expect((await run(answer(429, { ok: false, error: 'ratelimited' }))).seen).toEqual([['chat.postMessage', 'rate_limited']]);
    expect((await run(answer(503, 'down'))).seen).toEqual([['chat.postMessage', 'server_error']]);
    const failed = await run(async () => Promise.reject(new TypeError('fetch failed')));
    expect(failed.seen).toEqual([['chat.postMessage', 'network_error']]);
    expect(failed.res).toBeInstanceOf(TypeError);
  });

  it('an unexpected error string is not used as a label', async () => {
    expect((await run(answer(200, { ok: false, error: 'Weird <value> '.repeat(20) }))).seen).toEqual([['chat.postMessage', 'error']]);
  });

  it('the caller still reads the whole body', async () => {
    const { res } = await run(answer(200, { ok: true, ts: '1.2' }));
    expect(await (res as Response).json()).toEqual({ ok: true, ts: '1.2' });
  });
});

describe('meteredFetch over httpFetch', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(req.url === '/api/chat.postMessage' ? '{"ok":false,"error":"channel_not_found"}' : '{"ok":true,"ts":"1.2"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('reads the outcome from the bytes httpFetch received, without cloning the Response, and the caller still reads it', async () => {
    const clone = jest.spyOn(Response.prototype, 'clone');
    try {
      const seen: [string, string][] = [];
      const fetch = meteredFetch((m, o) => seen.push([m, o]), httpFetch());
      const failed = await fetch(`${base}/api/chat.postMessage`, { method: 'POST', body: '{}' });
      const ok = await fetch(`${base}/api/users.info`, { method: 'POST', body: '{}' });
      expect(seen).toEqual([
        ['chat.postMessage', 'channel_not_found'],
        ['users.info', 'ok'],
      ]);
      expect(clone).not.toHaveBeenCalled();
      expect(await failed.json()).toEqual({ ok: false, error: 'channel_not_found' });
      expect(await ok.json()).toEqual({ ok: true, ts: '1.2' });
    } finally {
      clone.mockRestore();
    }
  });
});
