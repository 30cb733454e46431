/**
 * /healthz is about the process and its database; /readyz about Slack. In HTTP mode "Slack is
 * reachable" means a recent auth.test with the bot token succeeded; a stale answer is refreshed on
 * demand (the injected clock decides what is stale). A busy PORT is one clear error in both modes.
 */
import net from 'node:net';
import { AUTH_PROBE_FRESH_MS, AUTH_PROBE_TIMEOUT_MS } from '../../src/slack/readiness';
import { PortInUseError } from '../../src/health';
import { FakeSlack } from '../harness/fakeSlack';
import { startTestApp, TEAM, TEST_BOT_TOKEN, type TestApp } from '../harness/testApp';

let t: TestApp;
afterEach(async () => t?.close());

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${t.port}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('HTTP mode /readyz', () => {
  beforeEach(async () => {
    t = await startTestApp();
  });

  it('is 200 while auth.test succeeds, and asks Slack at most once per freshness window', async () => {
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', slack: { ready: true, mode: 'http' } });
    const calls = t.fake.callsTo('auth.test').length;
    for (let i = 0; i < 5; i++) expect((await get('/readyz')).status).toBe(200);
    expect(t.fake.callsTo('auth.test')).toHaveLength(calls);
  });

  it('goes 503 naming SLACK_BOT_TOKEN once Slack stops answering, while /healthz stays 200; recovers', async () => {
    expect((await get('/readyz')).status).toBe(200);
    t.fake.failNext('auth.test', { status: 503, times: 1 });
    t.clock.advance(AUTH_PROBE_FRESH_MS);
    const down = await get('/readyz');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'not_ready', slack: { ready: false, reason: expect.stringContaining('SLACK_BOT_TOKEN') } });
    expect((down.body.slack as { reason: string }).reason).toContain('http_503');
    expect((await get('/healthz')).status).toBe(200);
    // Still within the window after the failure: the failure stands, without asking again.
    expect((await get('/readyz')).status).toBe(503);
    t.clock.advance(AUTH_PROBE_FRESH_MS);
    expect((await get('/readyz')).status).toBe(200);
  });

  it('a revoked bot token is not ready', async () => {
    t.fake.revokeToken();
    t.clock.advance(AUTH_PROBE_FRESH_MS);
    const down = await get('/readyz');
    expect(down.status).toBe(503);
    expect((down.body.slack as { reason: string }).reason).toContain('token_revoked');
  });

  it('a Slack that hangs is not ready, and /readyz still answers within its own bound', async () => {
    t.fake.delay('auth.test', 10 * AUTH_PROBE_TIMEOUT_MS);
    t.clock.advance(AUTH_PROBE_FRESH_MS);
    const down = await get('/readyz');
    expect(down.status).toBe(503);
    expect((down.body.slack as { reason: string }).reason).toContain(`no answer within ${AUTH_PROBE_TIMEOUT_MS} ms`);
    t.fake.delay('auth.test', 0);
  });
});

describe('a busy PORT', () => {
  let blocker: net.Server;
  let port: number;
  beforeEach(async () => {
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    port = (blocker.address() as net.AddressInfo).port;
  });
  afterEach(async () => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it.each([
    ['HTTP mode', false],
    ['Socket Mode', true],
  ])('%s: start fails with PortInUseError naming PORT', async (_mode, socketMode) => {
    const fake = await FakeSlack.start({ botToken: TEST_BOT_TOKEN, teamId: TEAM });
    try {
      const error = await startTestApp({ socketMode, fake, env: { PORT: String(port) } }).then(
        () => new Error('expected start to fail'),
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(PortInUseError);
      expect(error.message).toBe(`PORT ${port} is already in use (another Handoff, or another program, is listening on it): stop that process or set PORT to a free port.`);
      // Socket Mode checks PORT before it connects to Slack.
      expect(fake.socketMode.connectionsOpened).toBe(0);
    } finally {
      await fake.close();
    }
  });
});
