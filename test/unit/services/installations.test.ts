/**
 * The installation service (distributed mode, issue 15) against the fake Slack's OAuth: what it stores,
 * how a refresh Slack refuses or a re-install racing a refresh are handled, how the shared client
 * picks and retries tokens, and key rotation. Two service instances over one store stand for two
 * processes (each has its own cache and its own refresh leases).
 */
import { WebClient } from '@slack/web-api';
import type { Installation } from '@slack/bolt';
import { openDatabase, runMigrations } from '../../../src/db/client';
import { sqliteStore } from '../../../src/db/sqliteStore';
import type { Store } from '../../../src/db/store';
import { Installations, resealAll } from '../../../src/services/installations';
import { SecretBox } from '../../../src/secrets';
import { classifySlackError } from '../../../src/slack/errors';
import { inTenant, TenantClient } from '../../../src/slack/tenant';
import { createLogger } from '../../../src/logger';
import { FakeSlack } from '../../harness/fakeSlack';
import type { FakeInstallTarget } from '../../harness/fakeOAuth';
import { ManualClock } from '../../harness/manualClock';

const KEY_A = 'a1'.repeat(32);
const KEY_B = 'b2'.repeat(32);
const CLIENT = { clientId: '1111111111.2222222222', clientSecret: '0123456789abcdef0123456789abcdef' };
const HOUR = 3600_000;

interface World {
  fake: FakeSlack;
  store: Store;
  clock: ManualClock;
  logs: string[];
  resumed: string[][];
  service(box?: SecretBox): Installations;
  /** An install as Bolt's InstallProvider hands it over, after a real code exchange with the fake. */
  exchange(target: FakeInstallTarget): Promise<Installation>;
  close(): Promise<void>;
}

async function world(opts: { tokenExpiresInSec?: number } = {}): Promise<World> {
  const fake = await FakeSlack.start();
  fake.oauth.app = { ...CLIENT, redirectUri: 'https://handoff.example.com/slack/oauth_redirect', tokenExpiresInSec: opts.tokenExpiresInSec };
  fake.oauth.addEnterprise({ enterpriseId: 'E1', name: 'Org' });
  fake.oauth.addWorkspace({ teamId: 'T1', name: 'One' });
  fake.oauth.addWorkspace({ teamId: 'T2', name: 'Two', enterpriseId: 'E1' });
  const handle = openDatabase(':memory:');
  runMigrations(handle);
  const store = sqliteStore(handle);
  const clock = new ManualClock('2026-11-25T12:00:00Z');
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', secrets: [], destination: { write: (line: string) => logs.push(line) } });
  const resumed: string[][] = [];
  const oauth = new WebClient(undefined, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  return {
    fake,
    store,
    clock,
    logs,
    resumed,
    service: (box = new SecretBox(KEY_A)) =>
      new Installations(store, clock, logger, {
        ...CLIENT,
        box,
        oauth,
        apiTimeoutMs: 1000,
        onTokenWorks: async (teamIds) => {
          resumed.push(teamIds);
        },
      }),
    async exchange(target) {
      fake.oauth.approveNextInstall(target);
      const back = fake.oauth.authorize(new URL(`${fake.url}../oauth/v2/authorize?client_id=${CLIENT.clientId}&scope=chat:write,users:read&state=s`));
      const code = new URL(back.location!).searchParams.get('code')!;
      const r = await oauth.oauth.v2.access({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, code });
      const orgWide = r.is_enterprise_install === true;
      return {
        team: r.team ? { id: r.team.id!, name: r.team.name } : undefined,
        enterprise: r.enterprise ? { id: r.enterprise.id!, name: r.enterprise.name } : undefined,
        user: { id: r.authed_user!.id!, token: undefined, scopes: undefined },
        bot: {
          token: r.access_token!,
          refreshToken: r.refresh_token,
          // As InstallProvider computes it: wall-clock seconds.
          expiresAt: r.expires_in ? Math.floor(Date.now() / 1000) + r.expires_in : undefined,
          scopes: r.scope!.split(','),
          id: `B-${r.bot_user_id}`,
          userId: r.bot_user_id!,
        },
        isEnterpriseInstall: orgWide,
        appId: r.app_id,
        authVersion: 'v2',
      } as Installation;
    },
    async close() {
      await store.close();
      await fake.close();
    },
  };
}

describe('Installations', () => {
  let w: World;
  afterEach(async () => w?.close());

  it('stores tokens sealed, gives them back to Bolt as stored, and tells which workspaces may resume', async () => {
    w = await world({ tokenExpiresInSec: 12 * 3600 });
    const service = w.service();
    const installation = await w.exchange({ teamId: 'T1', userId: 'U1' });
    await service.storeInstallation(installation);
    const row = (await w.store.getInstallation('T1'))!;
    expect(row.botToken).toMatch(/^hk1\./);
    expect(JSON.stringify(row)).not.toContain(installation.bot!.token);
    expect(JSON.stringify(row)).not.toContain(installation.bot!.refreshToken!);
    expect(row.botTokenExpiresAt! - w.clock.now().getTime()).toBeGreaterThan(12 * HOUR - 10_000);
    const fetched = await service.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(fetched).toMatchObject({
      team: { id: 'T1', name: 'One' },
      bot: { token: installation.bot!.token, refreshToken: installation.bot!.refreshToken, userId: 'UBOTT1' },
      isEnterpriseInstall: false,
    });
    expect(Math.abs(fetched.bot!.expiresAt! - installation.bot!.expiresAt!)).toBeLessThanOrEqual(1);
    expect(w.resumed).toEqual([['T1']]);
    await expect(service.fetchInstallation({ teamId: 'T9', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/no installation for T9/);
  });

  it('authorizes a workspace of an org with the org-wide install, and records the workspace as the org’s', async () => {
    w = await world();
    const service = w.service();
    const org = await w.exchange({ enterpriseId: 'E1', orgWide: true });
    await service.storeInstallation(org);
    const result = await service.authorize({ teamId: 'T2', enterpriseId: 'E1', isEnterpriseInstall: true });
    expect(result).toEqual({ botToken: org.bot!.token, botId: org.bot!.id, botUserId: org.bot!.userId, teamId: 'T2', enterpriseId: 'E1' });
    expect(await w.store.teamsOfEnterprise('E1')).toEqual(['T2']);
    // An outbox row carries the team only: the recorded link finds the org's install.
    expect((await w.service().grantFor({ teamId: 'T2' })).token).toBe(org.bot!.token);
    await expect(service.authorize({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/not installed in T1/);
  });

  it('a refresh Slack refuses: the token is used while it works; once expired, calls fail as token_expired until a re-install', async () => {
    w = await world({ tokenExpiresInSec: 12 * 3600 });
    const service = w.service();
    const first = await w.exchange({ teamId: 'T1' });
    await service.storeInstallation(first);
    w.fake.oauth.app = { ...w.fake.oauth.app!, clientSecret: 'f'.repeat(32) };
    w.clock.advance(10.5 * HOUR);
    expect((await service.grantFor({ teamId: 'T1' })).token).toBe(first.bot!.token);
    await waitUntil(() => w.logs.some((l) => l.includes('Slack refused to refresh the bot token')));
    expect(w.logs.join('')).toContain('"error":"bad_client_secret"');
    expect((await w.store.getInstallation('T1'))?.refreshClaimedBy).toBeNull();
    w.clock.advance(2 * HOUR);
    const refused = await service.grantFor({ teamId: 'T1' }).catch((e: unknown) => e);
    expect(classifySlackError(refused)).toEqual({ kind: 'revoked', code: 'token_expired' });
    w.fake.oauth.app = { ...w.fake.oauth.app!, ...CLIENT };
    const again = await w.exchange({ teamId: 'T1' });
    await service.storeInstallation(again);
    expect((await service.grantFor({ teamId: 'T1' })).token).toBe(again.bot!.token);
    expect(w.resumed).toEqual([['T1'], ['T1']]);
  });

  it('a re-install landing while a refresh is in flight wins; the refresh’s tokens are not stored over it', async () => {
    w = await world({ tokenExpiresInSec: 12 * 3600 });
    const service = w.service();
    await service.storeInstallation(await w.exchange({ teamId: 'T1' }));
    const reinstall = await w.exchange({ teamId: 'T1' });
    w.clock.advance(13 * HOUR);
    w.fake.delay('oauth.v2.access', 200);
    const grant = service.grantFor({ teamId: 'T1' });
    await waitUntil(() => w.fake.inFlight('oauth.v2.access') === 1);
    await w.service().storeInstallation(reinstall);
    expect((await grant).token).toBe(reinstall.bot!.token);
    const stored = (await w.store.getInstallation('T1'))!;
    expect(stored.tokenVersion).toBe(2);
    expect(new SecretBox(KEY_A).open(stored.botToken, 'installations.bot_token:T1')).toBe(reinstall.bot!.token);
    expect(w.fake.oauth.refreshCount).toBe(1);
    expect(w.logs.join('')).toContain('the installation changed meanwhile');
  });

  it('rotate-key: reseals every installation under the new key; an unknown key is reported, nothing else changes', async () => {
    w = await world({ tokenExpiresInSec: 12 * 3600 });
    const old = w.service(new SecretBox(KEY_A));
    const one = await w.exchange({ teamId: 'T1' });
    await old.storeInstallation(one);
    await old.storeInstallation(await w.exchange({ enterpriseId: 'E1', orgWide: true }));
    const rotating = new SecretBox(KEY_B, [KEY_A]);
    expect(await resealAll(w.store, rotating)).toEqual({ installations: 2, resealed: 2, unreadable: [], stale: [] });
    expect(await resealAll(w.store, rotating)).toEqual({ installations: 2, resealed: 0, unreadable: [], stale: [] });
    for (const row of await w.store.listInstallations()) expect(rotating.isCurrent(row.botToken) && rotating.isCurrent(row.botRefreshToken!)).toBe(true);
    // Only the new key is needed from now on.
    expect((await w.service(new SecretBox(KEY_B)).grantFor({ teamId: 'T1' })).token).toBe(one.bot!.token);
    const elsewhere = new SecretBox('c3'.repeat(32));
    expect(await resealAll(w.store, elsewhere)).toEqual({ installations: 2, resealed: 0, unreadable: ['E1', 'T1'], stale: [] });
  });
});

describe('TenantClient', () => {
  let w: World;
  afterEach(async () => w?.close());

  it('refuses a call made outside any workspace as not_authed, without calling Slack', async () => {
    w = await world();
    const client = new TenantClient(w.service(), { slackApiUrl: w.fake.url, retryConfig: { retries: 0 } });
    const e = await client.auth.test().catch((err: unknown) => err);
    expect(classifySlackError(e)).toEqual({ kind: 'revoked', code: 'not_authed' });
    expect(w.fake.callsTo('auth.test')).toHaveLength(0);
  });

  it('calls with the workspace’s token; an org-wide token names the workspace (team_id)', async () => {
    w = await world();
    const service = w.service();
    const one = await w.exchange({ teamId: 'T1' });
    const org = await w.exchange({ enterpriseId: 'E1', orgWide: true });
    await service.storeInstallation(one);
    await service.storeInstallation(org);
    const client = new TenantClient(service, { slackApiUrl: w.fake.url, retryConfig: { retries: 0 } });
    expect(await inTenant({ teamId: 'T1' }, () => client.auth.test())).toMatchObject({ team_id: 'T1', user_id: 'UBOTT1' });
    expect(await inTenant({ teamId: 'T2', enterpriseId: 'E1' }, () => client.auth.test())).toMatchObject({ team_id: 'T2', enterprise_id: 'E1', is_enterprise_install: true });
    expect(w.fake.callsTo('auth.test').map((c) => [c.token, c.team, c.args.team_id])).toEqual([
      [one.bot!.token, 'T1', undefined],
      [org.bot!.token, 'T2', 'T2'],
    ]);
  });

  it('a token Slack refuses is tried again once with the one stored since (re-installed by another process)', async () => {
    w = await world();
    const here = w.service();
    const first = await w.exchange({ teamId: 'T1' });
    await here.storeInstallation(first);
    const client = new TenantClient(here, { slackApiUrl: w.fake.url, retryConfig: { retries: 0 } });
    await inTenant({ teamId: 'T1' }, () => client.auth.test());
    const second = await w.exchange({ teamId: 'T1' });
    await w.service().storeInstallation(second);
    w.fake.oauth.revoke(first.bot!.token);
    expect(await inTenant({ teamId: 'T1' }, () => client.auth.test())).toMatchObject({ ok: true, team_id: 'T1' });
    expect(w.fake.callsTo('auth.test').map((c) => [c.token, (c.response as { error?: string }).error])).toEqual([
      [first.bot!.token, undefined],
      [first.bot!.token, 'token_revoked'],
      [second.bot!.token, undefined],
    ]);
    // With nothing newer stored, a refusal is Slack's answer.
    w.fake.oauth.revoke(second.bot!.token);
    const e = await inTenant({ teamId: 'T1' }, () => client.auth.test()).catch((err: unknown) => err);
    expect(classifySlackError(e)).toEqual({ kind: 'revoked', code: 'token_revoked' });
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 500) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 10));
  }
}
