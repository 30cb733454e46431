/**
 * Token rotation (issue 15): Slack's 12-hour bot tokens with single-use refresh tokens. A token is
 * refreshed ahead of its expiry, once, however many requests need it at that moment — in one process
 * (20 concurrent requests) and across two processes on one database (replicas, or a rolling deploy).
 * The e2e-postgres project runs this file on PostgreSQL too.
 */
import type { TestApp } from '../harness/testApp';
import type { FakeSlack } from '../harness/fakeSlack';
import { issuedSecrets } from '../harness/install';
import { age, install, openHomesAtOnce, replica, rotationFake, TEAM } from './tokenRotation.support';

const lastToken = (fake: FakeSlack) => (fake.callsTo('oauth.v2.access').at(-1)!.response as { access_token: string }).access_token;

describe('token rotation in one process', () => {
  let fake: FakeSlack;
  let t: TestApp;

  beforeAll(async () => {
    fake = await rotationFake();
    t = await replica(fake, {});
    await install(t);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('stores the expiry Slack gave, on the app’s clock', async () => {
    const stored = await t.handoff.store.getInstallation(TEAM);
    expect(stored?.tokenVersion).toBe(1);
    // Never later than Slack's expiry; earlier by InstallProvider's whole seconds and the time between
    // its exchange and the store (an auth.test), which a loaded machine stretches.
    const expected = t.clock.now().getTime() + 12 * 3600_000;
    expect(stored?.botTokenExpiresAt).toBeGreaterThan(expected - 10_000);
    expect(stored?.botTokenExpiresAt).toBeLessThanOrEqual(expected);
  });

  it('a token due within two hours: 20 concurrent requests go on with it, and it is refreshed exactly once meanwhile', async () => {
    const installed = lastToken(fake);
    age([t], fake, 10.5);
    const calls = await openHomesAtOnce([t], fake);
    await waitForVersion(t, 2);
    expect(fake.oauth.refreshCount).toBe(1);
    // Every call succeeded, with the token that still worked or, once the refresh landed, its successor.
    const refreshed = lastToken(fake);
    for (const c of calls) expect([installed, refreshed]).toContain(c.token);
    expect(calls.every((c) => (c.response as { ok: boolean }).ok)).toBe(true);
    expect(calls.some((c) => c.token === installed)).toBe(true);
    // The refreshed token is used from then on, and is not refreshed again.
    const after = await openHomesAtOnce([t], fake);
    expect(new Set(after.map((c) => c.token))).toEqual(new Set([lastToken(fake)]));
    expect(fake.oauth.refreshCount).toBe(1);
  });

  it('an expired token: 20 concurrent requests wait for one refresh, and every call succeeds with the new token', async () => {
    age([t], fake, 13);
    const expired = lastToken(fake);
    const calls = await openHomesAtOnce([t], fake);
    expect(fake.oauth.refreshCount).toBe(2);
    const fresh = lastToken(fake);
    expect(fresh).not.toBe(expired);
    expect(calls.length).toBeGreaterThanOrEqual(20);
    for (const c of calls) expect({ token: c.token, ok: (c.response as { ok: boolean }).ok }).toEqual({ token: fresh, ok: true });
    expect((await t.handoff.store.getInstallation(TEAM))?.tokenVersion).toBe(3);
  });

  it('never logs a token or a refresh token', () => {
    const logs = t.logs.join('');
    expect(logs).toContain('bot token refreshed');
    for (const secret of issuedSecrets(fake)) expect(logs.includes(secret)).toBe(false);
  });
});

describe('token rotation with two processes on one database (SQLite file, or PostgreSQL in e2e-postgres)', () => {
  let fake: FakeSlack;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    fake = await rotationFake();
    apps.push(await replica(fake, {}));
    apps.push(await replica(fake, { databaseUrl: apps[0]!.databaseUrl }));
    // The fake's Redirect URL is the last replica's: install through that one.
    await install(apps[1]!);
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    await fake?.close();
  });

  it('an expired token, 20 requests spread over both: one refresh in all, every call with the new token', async () => {
    age(apps, fake, 13);
    const calls = await openHomesAtOnce(apps, fake);
    expect(fake.oauth.refreshCount).toBe(1);
    const fresh = lastToken(fake);
    for (const c of calls) expect({ token: c.token, ok: (c.response as { ok: boolean }).ok }).toEqual({ token: fresh, ok: true });
  });
});

/** Waits until the stored tokens reach `version` (a background refresh landed). */
async function waitForVersion(t: TestApp, version: number): Promise<void> {
  for (let i = 0; ; i++) {
    if ((await t.handoff.store.getInstallation(TEAM))?.tokenVersion === version) return;
    if (i > 500) throw new Error(`token version never reached ${version}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
