/**
 * Token rotation scenarios (tokenRotation.test.ts, on SQLite and, in e2e-postgres, on PostgreSQL):
 * an installation with Slack's 12-hour tokens and single-use refresh tokens, and many requests at once
 * when its token is due or already expired. The fake Slack refuses a spent refresh token
 * (invalid_refresh_token) and an expired access token (token_expired), so a second refresh or a
 * request made with the old token would show.
 */
import { eventually, startTestApp, type TestApp } from '../harness/testApp';
import { FakeSlack } from '../harness/fakeSlack';
import { configureOAuth, distributedEnv, installThroughBrowser, requesterFor } from '../harness/install';

export const TEAM = 'T0ROT';
export const PEOPLE = Array.from({ length: 20 }, (_, i) => `UROT${String(i + 1).padStart(2, '0')}`);
const HOUR = 3600_000;
/** Slack's rotating tokens live 12 hours. */
export const TOKEN_LIFETIME_SEC = 12 * 3600;

export async function rotationFake(): Promise<FakeSlack> {
  const fake = await FakeSlack.start();
  fake.oauth.addWorkspace({ teamId: TEAM, name: 'Rotation' });
  for (const id of PEOPLE) fake.addUser({ id, tz: 'Europe/Lisbon', team_id: TEAM });
  return fake;
}

/** One Handoff process in distributed mode on `fake` (replicas share a `databaseUrl`). */
export async function replica(fake: FakeSlack, db: { databaseUrl?: string }): Promise<TestApp> {
  const t = await startTestApp({ fake, env: distributedEnv(), now: '2026-11-25T12:00:00Z', ...db });
  configureOAuth(fake, t.port, { tokenExpiresInSec: TOKEN_LIFETIME_SEC });
  return t;
}

export async function install(t: TestApp): Promise<void> {
  const page = await installThroughBrowser(t, { teamId: TEAM });
  if (page.status !== 200) throw new Error(`install failed (${page.status}): ${page.html}`);
}

/** Moves the app clocks and Slack's own clock `hours` ahead: tokens age on both sides. */
export function age(apps: TestApp[], fake: FakeSlack, hours: number): void {
  for (const t of apps) t.clock.advance(hours * HOUR);
  const before = fake.now;
  fake.now = () => before() + hours * HOUR;
}

let batches = 0;

/**
 * Each person opens their App Home at once, spread over `apps` (round robin): each request
 * authorizes, looks the person up (users.info) and publishes their Home (views.publish).
 * Resolves when all 20 Homes are published, with the views.publish calls they made.
 */
export async function openHomesAtOnce(apps: TestApp[], fake: FakeSlack) {
  const since = fake.calls.length;
  const slack = apps.map((t) => requesterFor(t, TEAM));
  const batch = ++batches;
  const results = await Promise.all(
    PEOPLE.map((user, i) =>
      slack[i % slack.length]!.event(
        { type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home', event_ts: '1700000000.000100' },
        { eventId: `EvROT${batch}X${i}` },
      ),
    ),
  );
  for (const r of results) if (r.status !== 200) throw new Error(`app_home_opened answered ${r.status}`);
  await eventually(() => {
    const published = new Set(
      fake.calls
        .slice(since)
        .filter((c) => c.method === 'views.publish' && (c.response as { ok?: boolean }).ok)
        .map((c) => c.args.user_id),
    );
    if (published.size !== PEOPLE.length) throw new Error(`${published.size} of ${PEOPLE.length} Homes published`);
  }, 10_000);
  return fake.calls.slice(since).filter((c) => c.token !== undefined);
}
