/**
 * The distributed-mode rig shared by the e2e files about it (distributed.test.ts,
 * tenantIsolation.test.ts): a fake Slack that knows two workspaces and an Enterprise Grid org with two
 * workspaces, two people in each, and the app started in distributed mode before any install.
 */
import { startTestApp, type TestApp } from '../harness/testApp';
import { FakeSlack } from '../harness/fakeSlack';
import { configureOAuth, distributedEnv, requesterFor } from '../harness/install';
import type { SlackRequester } from '../harness/slackRequests';

export const GRID = 'E0GRID';

export interface Workspace {
  teamId: string;
  name: string;
  org?: string;
  author: { id: string; tz: string };
  recipient: { id: string; tz: string };
}

export const WORKSPACES: Workspace[] = [
  { teamId: 'T0ACME', name: 'Acme', author: { id: 'UACME1', tz: 'Europe/Lisbon' }, recipient: { id: 'UACME2', tz: 'Asia/Tokyo' } },
  { teamId: 'T0BETA', name: 'Beta', author: { id: 'UBETA1', tz: 'America/New_York' }, recipient: { id: 'UBETA2', tz: 'Europe/Berlin' } },
  { teamId: 'T0GRIDA', name: 'Grid A', org: GRID, author: { id: 'WGRIDA1', tz: 'America/Los_Angeles' }, recipient: { id: 'WGRIDA2', tz: 'Asia/Kolkata' } },
  { teamId: 'T0GRIDB', name: 'Grid B', org: GRID, author: { id: 'WGRIDB1', tz: 'Europe/London' }, recipient: { id: 'WGRIDB2', tz: 'Australia/Sydney' } },
];

/** A fake Slack that knows the workspaces, the org and their people, and the app in distributed mode before any install. */
export async function startDistributed(opts: { databaseUrl?: string } = {}): Promise<TestApp> {
  const fake = await FakeSlack.start();
  fake.oauth.addEnterprise({ enterpriseId: GRID, name: 'Grid Org', domain: 'gridorg' });
  for (const ws of WORKSPACES) {
    fake.oauth.addWorkspace({ teamId: ws.teamId, name: ws.name, enterpriseId: ws.org });
    fake.addUser({ id: ws.author.id, tz: ws.author.tz, team_id: ws.teamId });
    fake.addUser({ id: ws.recipient.id, tz: ws.recipient.tz, team_id: ws.teamId });
  }
  const t = await startReplica(fake, opts);
  configureOAuth(fake, t.port);
  return t;
}

/** Another replica of the app in distributed mode, on the same fake Slack (and database, when it is shared). */
export function startReplica(fake: FakeSlack, opts: { databaseUrl?: string } = {}): Promise<TestApp> {
  // Wed 25 Nov 2026, 12:00 UTC.
  return startTestApp({ fake, env: distributedEnv(), now: '2026-11-25T12:00:00Z', ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}) });
}

/** Signed requests from `ws` (an org's workspace: as the org-wide install sees them). */
export function requesterOf(t: TestApp, ws: Workspace): SlackRequester {
  return requesterFor(t, ws.teamId, ws.org ? { enterpriseId: ws.org, orgWide: true } : undefined);
}
