/**
 * Distributed mode end to end (issue 15): the real app, installed the way people install it — its own
 * GET /slack/install page, Slack's authorize page (the fake's), its own GET /slack/oauth_redirect — into
 * two workspaces and one Enterprise Grid org (org-wide, serving two of its workspaces). Each workspace's
 * people get their own digests, posted with their own installation's token; tokens are never stored,
 * logged or reported in clear. The e2e-postgres project runs this file on PostgreSQL too.
 */
import fs from 'node:fs';
import { Client } from 'pg';
import { startTestApp, eventually, type TestApp } from '../harness/testApp';
import type { FakeSlack, FakeMessage, RecordedCall } from '../harness/fakeSlack';
import { addToSlackHref, CLIENT_ID, configureOAuth, distributedEnv, installThroughBrowser, issuedSecrets, requesterFor } from '../harness/install';
import type { SlackRequester } from '../harness/slackRequests';
import { selectRows } from '../harness/testDb';
import { BOT_SCOPES, MetadataEventTypes } from '../../src/ids';
import { GRID, requesterOf, startDistributed, WORKSPACES, type Workspace } from './distributed.support';

/**
 * The database as stored, not as the app reads it: on SQLite the bytes of its files, on PostgreSQL
 * every table's rows; and the installations table's raw rows.
 */
async function rawDatabase(t: TestApp): Promise<{ everything: string; installations: Record<string, unknown>[] }> {
  if (t.handoff.database.kind === 'sqlite') {
    const files = [t.dbFile, `${t.dbFile}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1'));
    return { everything: files.join(''), installations: t.handoff.db.sqlite.prepare('select * from installations').all() as Record<string, unknown>[] };
  }
  const client = new Client({ connectionString: t.databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public'`);
    const dumps = await Promise.all(tables.rows.map(async ({ name }) => JSON.stringify((await client.query(`select * from "${name}"`)).rows)));
    return { everything: dumps.join(''), installations: (await client.query('select * from installations')).rows };
  } finally {
    await client.end();
  }
}

const digestsIn = (t: TestApp, userId: string): FakeMessage[] => t.fake.messagesIn(userId).filter((m) => m.metadata?.event_type === MetadataEventTypes.digest);

/** The bot token Slack issued to the installation serving `ws` (its own, or its org's). */
function tokenOf(fake: FakeSlack, ws: Workspace): string {
  const install = fake.callsTo('oauth.v2.access').find((c) => {
    const r = c.response as { team?: { id: string } | null; enterprise?: { id: string } | null; is_enterprise_install?: boolean };
    return ws.org ? r.is_enterprise_install && r.enterprise?.id === ws.org : r.team?.id === ws.teamId;
  });
  const token = (install?.response as { access_token?: string } | undefined)?.access_token;
  if (!token) throw new Error(`no install for ${ws.teamId}`);
  return token;
}

/** The person a Slack call is about, when it names one. */
function personOf(call: RecordedCall): string | undefined {
  const id = [call.args.user, call.args.channel, call.args.users, call.args.user_id].find((v) => typeof v === 'string' && /^[UW][A-Z0-9]+$/.test(v));
  return id as string | undefined;
}

describe('distributed mode: two workspaces and one Enterprise Grid org', () => {
  let fake: FakeSlack;
  let t: TestApp;
  const slack = new Map<string, SlackRequester>();

  beforeAll(async () => {
    t = await startDistributed();
    fake = t.fake;
    for (const ws of WORKSPACES) slack.set(ws.teamId, requesterOf(t, ws));
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('GET /slack/install is an Add to Slack page: Slack’s authorize page with the client id, the scopes and a state that is also a cookie', async () => {
    const res = await fetch(`http://127.0.0.1:${t.port}/slack/install`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('Add Handoff to your Slack workspace');
    const href = new URL(addToSlackHref({ status: res.status, html, headers: res.headers }));
    // SLACK_API_URL points at the fake: its authorize page sits beside its Web API.
    expect(href.origin + href.pathname).toBe(new URL('/oauth/v2/authorize', fake.url).href);
    expect(href.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(href.searchParams.get('scope')!.split(',')).toEqual([...BOT_SCOPES]);
    const state = href.searchParams.get('state');
    expect(state).toBeTruthy();
    expect(res.headers.getSetCookie().join(';')).toContain(`slack-app-oauth-state=${state}`);
  });

  it('installs two workspaces and an org through the routes; each page says where Handoff now is and what to do next', async () => {
    const acme = await installThroughBrowser(t, { teamId: 'T0ACME', userId: 'UACME1' });
    expect(acme.status).toBe(200);
    expect(acme.html).toContain('Handoff is installed in Acme');
    expect(acme.html).toContain('/handoff help');
    const beta = await installThroughBrowser(t, { teamId: 'T0BETA' });
    expect(beta.html).toContain('Handoff is installed in Beta');
    const org = await installThroughBrowser(t, { enterpriseId: GRID, orgWide: true });
    expect(org.status).toBe(200);
    expect(org.html).toContain('Handoff is installed for Grid Org');
    expect(org.html).toContain('https://gridorg.enterprise.slack.com/manage/organization/apps/profile/A0001/workspaces/add');

    const store = t.handoff.store;
    expect(await store.getInstallation('T0ACME')).toMatchObject({
      teamId: 'T0ACME',
      isEnterpriseInstall: false,
      botUserId: 'UBOTT0ACME',
      installerUserId: 'UACME1',
      tokenVersion: 1,
    });
    expect(await store.getInstallation('T0BETA')).toMatchObject({ teamId: 'T0BETA', isEnterpriseInstall: false });
    expect(await store.getInstallation(GRID)).toMatchObject({
      teamId: null,
      enterpriseId: GRID,
      isEnterpriseInstall: true,
      enterpriseUrl: 'https://gridorg.enterprise.slack.com/',
    });
    // oauth.v2.access and the auth.test that follows it went to SLACK_API_URL (the fake).
    expect(fake.callsTo('oauth.v2.access')).toHaveLength(3);
  });

  it('stores no token in clear: the raw database holds none of the tokens Slack issued, the table only sealed values', async () => {
    const secrets = issuedSecrets(fake);
    expect(secrets).toHaveLength(3);
    const raw = await rawDatabase(t);
    expect(raw.everything.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(raw.everything.includes(secret)).toBe(false);
    expect(raw.installations).toHaveLength(3);
    for (const row of raw.installations) {
      expect(String(row.bot_token)).toMatch(/^hk1\.[0-9a-f]{16}\./);
      expect(JSON.stringify(row)).not.toMatch(/xox[a-z]-/);
    }
  });

  it('each workspace’s people get their own digests, every call made with their own installation’s token', async () => {
    for (const ws of WORKSPACES) {
      const res = await slack.get(ws.teamId)!.command({ userId: ws.author.id, text: `<@${ws.recipient.id}> please check the ${ws.name} rota` });
      expect(res.status).toBe(200);
      await t.fake.waitFor('response_url', (c) => String(c.args.text).includes(`check the ${ws.name} rota`));
    }
    // A day of ticks, every 30 minutes: each recipient's 09:00 comes round once.
    for (let step = 0; step < 48; step++) {
      t.clock.advance(30 * 60_000);
      await t.tick();
    }
    for (const ws of WORKSPACES) {
      const digests = digestsIn(t, ws.recipient.id);
      expect(digests).toHaveLength(1);
      expect(`${digests[0]!.text}${JSON.stringify(digests[0]!.blocks)}`).toContain(`check the ${ws.name} rota`);
      const posted = fake.callsTo('chat.postMessage').filter((c) => (c.response as { ts?: string }).ts === digests[0]!.ts);
      expect(posted).toHaveLength(1);
      expect(posted[0]).toMatchObject({ token: tokenOf(fake, ws), team: ws.teamId });
    }
    // No call at all went out with another workspace's token: every person a call names is of the
    // workspace its token (or, org-wide, the workspace it named) serves.
    const withTokens = fake.calls.filter((c) => c.token !== undefined && personOf(c) !== undefined);
    // Per workspace at least: both people's profiles (users.info) and the digest.
    expect(withTokens.length).toBeGreaterThanOrEqual(WORKSPACES.length * 3);
    for (const call of withTokens) {
      const person = fake.getUser(personOf(call)!)!;
      expect({ method: call.method, team: call.team }).toEqual({ method: call.method, team: person.team_id });
      const ws = WORKSPACES.find((w) => w.teamId === person.team_id)!;
      expect(call.token).toBe(tokenOf(fake, ws));
    }
    // Both workspaces of the org were recorded as the org's.
    expect(await t.handoff.store.teamsOfEnterprise(GRID)).toEqual(['T0GRIDA', 'T0GRIDB']);
  });

  it('a workspace that never installed Handoff gets no listener run and no Slack call', async () => {
    fake.oauth.addWorkspace({ teamId: 'T0NONE' });
    fake.addUser({ id: 'UNONE1', team_id: 'T0NONE' });
    const before = fake.calls.length;
    const res = await requesterFor(t, 'T0NONE').command({ userId: 'UNONE1', text: 'list' });
    expect(res.status).toBe(200);
    await eventually(() => expect(t.logs.join('')).toMatch(/Handoff is not installed in T0NONE/));
    expect(fake.calls.slice(before).filter((c) => c.method !== 'response_url' || String(c.args.response_url).includes('T0NONE'))).toEqual([]);
  });

  it('/healthz and the logs never show a token', async () => {
    const health = await fetch(`http://127.0.0.1:${t.port}/healthz`);
    expect(health.status).toBe(200);
    const text = await health.text();
    const logs = t.logs.join('');
    expect(logs).toContain('Handoff installed');
    for (const secret of issuedSecrets(fake)) {
      expect(text.includes(secret)).toBe(false);
      expect(logs.includes(secret)).toBe(false);
    }
  });
});

describe('distributed mode: uninstall and revoked tokens', () => {
  let t: TestApp;
  const acme = WORKSPACES[0]!;
  const beta = WORKSPACES[1]!;
  const gridA = WORKSPACES[2]!;

  beforeEach(async () => {
    t = await startDistributed();
    await installThroughBrowser(t, { teamId: acme.teamId });
    await installThroughBrowser(t, { teamId: beta.teamId });
    await installThroughBrowser(t, { enterpriseId: GRID, orgWide: true });
  });
  afterEach(async () => {
    const fake = t?.fake;
    await t?.close();
    await fake?.close();
  });

  const requester = (ws: Workspace) => requesterOf(t, ws);
  const installationIds = async () => (await rawDatabase(t)).installations.map((r) => String(r.installation_id)).sort();
  const statusOf = async (teamId: string) => (await t.handoff.store.getWorkspace(teamId))?.status ?? 'active';

  it('app_uninstalled deletes that workspace’s tokens at once and stops its delivery; the others keep theirs and keep working', async () => {
    for (const ws of [acme, beta]) {
      await requester(ws).command({ userId: ws.author.id, text: `<@${ws.recipient.id}> please check the ${ws.name} rota` });
      await t.fake.waitFor('response_url', (c) => String(c.args.text).includes(`check the ${ws.name} rota`));
    }
    const res = await requester(acme).event({ type: 'app_uninstalled' });
    expect(res.status).toBe(200);
    await eventually(async () => expect(await installationIds()).toEqual([GRID, beta.teamId].sort()));
    expect(await statusOf(acme.teamId)).toBe('uninstalled');
    expect(await statusOf(beta.teamId)).toBe('active');
    // A day of ticks: Beta's recipient gets a digest, Acme's nobody (and no call is made with no token).
    for (let step = 0; step < 48; step++) {
      t.clock.advance(30 * 60_000);
      await t.tick();
    }
    expect(digestsIn(t, beta.recipient.id)).toHaveLength(1);
    expect(digestsIn(t, acme.recipient.id)).toHaveLength(0);
    // The handoff stays in the database: a reinstall gets it delivered.
    expect(await t.handoff.store.getInstallation(acme.teamId)).toBeUndefined();
    await installThroughBrowser(t, { teamId: acme.teamId });
    await eventually(async () => expect(await statusOf(acme.teamId)).toBe('active'));
    for (let step = 0; step < 48 && digestsIn(t, acme.recipient.id).length === 0; step++) {
      t.clock.advance(30 * 60_000);
      await t.tick();
    }
    expect(digestsIn(t, acme.recipient.id)).toHaveLength(1);
    expect(t.logs.join('')).toContain('installation deleted with its tokens');
  });

  it('a workspace uninstalled for DATA_RETENTION_DAYS (30) has its data deleted by the tick; a reinstall within them keeps it', async () => {
    for (const ws of [acme, beta]) {
      await requester(ws).command({ userId: ws.author.id, text: `<@${ws.recipient.id}> please check the ${ws.name} rota` });
      await t.fake.waitFor('response_url', (c) => String(c.args.text).includes(`check the ${ws.name} rota`));
    }
    await requester(acme).event({ type: 'app_uninstalled' });
    await requester(beta).event({ type: 'app_uninstalled' });
    await eventually(async () => expect(await statusOf(beta.teamId)).toBe('uninstalled'));
    // Beta comes back on day 29; Acme does not.
    t.clock.advance(29 * 86_400_000);
    await t.tick();
    await installThroughBrowser(t, { teamId: beta.teamId });
    await eventually(async () => expect(await statusOf(beta.teamId)).toBe('active'));
    t.clock.advance(2 * 86_400_000);
    await t.tick();
    await eventually(() => expect(t.logs.join('')).toContain('deleted the data of workspaces uninstalled past their retention'));
    // Its row stays as a tombstone: still uninstalled, its settings gone, marked purged.
    expect(await t.handoff.store.getWorkspace(acme.teamId)).toMatchObject({ status: 'uninstalled', purgedAt: t.clock.now().getTime(), staleAfterWorkingDays: 2 });
    expect(await t.handoff.store.getUser(acme.teamId, acme.author.id)).toBeUndefined();
    expect(await t.handoff.store.getUser(beta.teamId, beta.author.id)).toBeDefined();
    expect(await selectRows(t, 'handoffs', { teamId: beta.teamId })).toHaveLength(1);
    expect(await selectRows(t, 'handoffs', { teamId: acme.teamId })).toHaveLength(0);
    expect(await selectRows(t, 'handoffRecipients', { teamId: acme.teamId })).toHaveLength(0);
    expect(await selectRows(t, 'outbox', { teamId: acme.teamId })).toHaveLength(0);
  });

  it('the same app_uninstalled twice at once (Slack’s retry landing beside it): deleted once, both answered, no error', async () => {
    const [first, second] = await Promise.all([requester(acme).event({ type: 'app_uninstalled' }), requester(acme).event({ type: 'app_uninstalled' })]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await eventually(async () => expect(await installationIds()).toEqual([GRID, beta.teamId].sort()));
    await eventually(() => expect(t.logs.filter((l) => l.includes('installation deleted with its tokens'))).toHaveLength(1));
    expect(await statusOf(acme.teamId)).toBe('uninstalled');
    expect(t.logs.filter((l) => l.includes('"level":50'))).toEqual([]);
  });

  it('tokens_revoked deletes the installation only when it names its bot', async () => {
    await requester(beta).event({ type: 'tokens_revoked', tokens: { oauth: ['UBETA1'], bot: ['UBOTSOMEONEELSE'] } });
    await eventually(async () => expect(await statusOf(beta.teamId)).toBe('tokens_revoked'));
    expect(await installationIds()).toContain(beta.teamId);
    await requester(beta).event({ type: 'tokens_revoked', tokens: { bot: ['UBOTT0BETA'] } });
    await eventually(async () => expect(await installationIds()).not.toContain(beta.teamId));
    expect(await installationIds()).toEqual([GRID, acme.teamId].sort());
  });

  it('an org-wide install: one workspace leaving keeps the org’s token; the org uninstalling deletes it and stops all its workspaces', async () => {
    // Both workspaces of the org are known to Handoff once they have sent something.
    for (const ws of WORKSPACES.filter((w) => w.org)) {
      await requester(ws).command({ userId: ws.author.id, text: 'list' });
    }
    await eventually(async () => expect(await t.handoff.store.teamsOfEnterprise(GRID)).toEqual(['T0GRIDA', 'T0GRIDB']));
    await requesterFor(t, gridA.teamId, { enterpriseId: GRID, orgWide: false }).event({ type: 'app_uninstalled' });
    await eventually(async () => expect(await statusOf(gridA.teamId)).toBe('uninstalled'));
    expect(await installationIds()).toContain(GRID);
    expect(await statusOf('T0GRIDB')).toBe('active');
    await requester(gridA).event({ type: 'app_uninstalled' });
    await eventually(async () => expect(await installationIds()).toEqual([acme.teamId, beta.teamId].sort()));
    expect(await statusOf('T0GRIDB')).toBe('uninstalled');
  });
});

describe('distributed mode: install pages when an install does not complete', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: distributedEnv() });
    configureOAuth(t.fake, t.port);
  });
  afterAll(async () => t?.close());

  it('cancelled in Slack: nothing installed, and a way to start again', async () => {
    const page = await installThroughBrowser(t, { deny: true });
    expect(page.status).toBe(200);
    expect(page.html).toContain('The installation was cancelled in Slack');
    expect(page.html).toContain('href="/slack/install"');
    expect(await t.handoff.store.listInstallations()).toEqual([]);
  });

  it('finished in another browser (no state cookie): the link has expired, start again', async () => {
    const page = await installThroughBrowser(t, { teamId: 'T0001' }, { dropCookie: true });
    expect(page.status).toBe(400);
    expect(page.html).toContain('This install link has expired');
    expect(t.fake.callsTo('oauth.v2.access')).toHaveLength(0);
  });

  it('a replayed callback is refused before Slack is asked; an exchange Slack refuses says so, with its error and what to check', async () => {
    const first = await installThroughBrowser(t, { teamId: 'T0001' });
    expect(first.status).toBe(200);
    const redirect = t.fake.callsTo('oauth.authorize').at(-1)!.response as string;
    const replay = await fetch(redirect, { redirect: 'manual' });
    const html = await replay.text();
    // The cookie was cleared by the first callback: a replay is refused before Slack is asked.
    expect(replay.status).toBe(400);
    expect(html).toContain('This install link has expired');
    t.fake.oauth.app = { ...t.fake.oauth.app!, clientSecret: 'f'.repeat(32) };
    const refused = await installThroughBrowser(t, { teamId: 'T0001' });
    expect(refused.status).toBe(502);
    expect(refused.html).toContain('Slack refused to complete the installation');
    expect(refused.html).toContain('<code>bad_client_secret</code>');
    expect(refused.html).toContain('SLACK_CLIENT_SECRET');
  });

  it('the redirect without a code: nothing installed', async () => {
    const res = await fetch(`http://127.0.0.1:${t.port}/slack/oauth_redirect`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Slack sent you back without an authorization');
  });
});

describe('distributed mode in Socket Mode', () => {
  it('serves the install routes on PORT too, and installs through them', async () => {
    const t = await startTestApp({ env: distributedEnv(), socketMode: true });
    try {
      configureOAuth(t.fake, t.port);
      const page = await installThroughBrowser(t, { teamId: 'T0001' });
      expect(page.status).toBe(200);
      expect(page.html).toContain('Handoff is installed in Handoff Test');
      expect((await t.handoff.store.getInstallation('T0001'))?.botUserId).toBe('UBOTT0001');
    } finally {
      await t.close();
    }
  });
});
