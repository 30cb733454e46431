import { meteredFetch, methodOf } from '../../../src/slack/meteredFetch';
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
  const answer = (status: number, body: unknown): FetchFunction => async () => new Response(JSON.stringify(body), { status });
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
