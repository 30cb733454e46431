/**
 * Fairness between workspaces (issue 15): one workspace's big 09:00 wave next to another's small one.
 *
 *   npm run bench:fairness -- [--big 10000] [--small 10] [--workspace-rate 50] [--drain] [--timeout 280]
 *     [--app-env KEY=VALUE]…
 *
 * In one process: a fake Slack that knows two workspaces and refuses chat.postMessage beyond
 * `--workspace-rate`/s per workspace (429 + Retry-After, as Slack's limits are per workspace), and
 * the real app in distributed mode with its default delivery settings (16 senders, a pace starting at
 * 10/s and discovered up to 100/s per workspace), both workspaces installed through the OAuth routes.
 * Everyone is due at 09:00 Tokyo with one open handoff (a digest is never empty); the wave is planned
 * ahead by the app's own sweep, then the clock reaches the slot and sending starts. Prints when the
 * small workspace's last digest went out after the slot (target ≤ 5 s), and how far the big wave was
 * by then; with `--drain`, also when the big one finished. The database is SQLite, or PostgreSQL with
 * HANDOFF_TEST_DB=postgres.
 */
import { benchArgs, describeEnv } from './bench/args';
import { FakeSlack } from '../test/harness/fakeSlack';
import { configureOAuth, distributedEnv, installThroughBrowser } from '../test/harness/install';
import { startTestApp, type TestApp } from '../test/harness/testApp';
import { insertRows } from '../test/harness/testDb';
import { dropPostgresDatabases, TEST_BACKEND } from '../test/harness/testBackend';
import { RUN_ENV } from '../test/postgres/support/databases';
import { MetadataEventTypes } from '../src/ids';

const { num, flag, appEnv } = benchArgs(process.argv.slice(2));
const BIG_PEOPLE = num('big', 10_000);
const SMALL_PEOPLE = num('small', 10);
const WORKSPACE_RATE = num('workspace-rate', 50);
const TIMEOUT_S = num('timeout', 280);
const DRAIN = flag('drain');

const BIG = 'T0BIG';
const SMALL = 'T0SMALL';
// 09:00 in Tokyo.
const SLOT = Date.parse('2026-11-26T00:00:00Z');
const DATE = '2026-11-26';

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** People of `teamId`, due at the slot, each with one open handoff waiting on them. */
async function seed(t: TestApp, teamId: string, people: number, firstHandoffId: number): Promise<void> {
  const ids = Array.from({ length: people }, (_, i) => `U${teamId.slice(2)}${i}`);
  for (const userId of ids) t.fake.addUser({ id: userId, tz: 'Asia/Tokyo', team_id: teamId });
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await insertRows(
      t,
      'users',
      chunk.map((userId) => ({
        teamId,
        userId,
        slackTz: 'Asia/Tokyo',
        workingDays: 62,
        nextDigestAt: SLOT,
        nextDigestLocalDate: DATE,
        profileFetchedAt: SLOT,
        createdAt: 0,
        updatedAt: 0,
      })),
    );
    const handoffs = chunk.map((userId, j) => ({ id: firstHandoffId + i + j, userId }));
    await insertRows(
      t,
      'handoffs',
      handoffs.map((h) => ({
        id: h.id,
        teamId,
        number: h.id,
        authorId: 'UAUTHOR',
        title: `Item ${h.id}`,
        ask: `Please review item ${h.id}`,
        state: 'open' as const,
        createdAt: 0,
        updatedAt: 0,
      })),
    );
    await insertRows(
      t,
      'handoffRecipients',
      handoffs.map((h) => ({ handoffId: h.id, teamId, userId: h.userId, recipientTeamId: teamId, addedAt: 0, handoffCreatedAt: 0 })),
    );
  }
}

async function main(): Promise<void> {
  // On PostgreSQL the harness makes a throwaway database per app, named after a run that jest's global
  // setup names; outside jest, this bench names its own and drops what it made when done.
  if (TEST_BACKEND === 'postgres' && process.env[RUN_ENV] === undefined) process.env[RUN_ENV] = `handoff_bench_${Date.now().toString(36)}_${process.pid}`;
  const fake = await FakeSlack.start();
  for (const teamId of [BIG, SMALL]) fake.oauth.addWorkspace({ teamId, name: teamId });
  fake.setWorkspaceRateLimitPerSecond('chat.postMessage', WORKSPACE_RATE);
  // The app's delivery settings as shipped (the test harness's own are full speed).
  const env = distributedEnv({ DELIVERY_RATE_PER_SECOND: '100', DELIVERY_START_RATE_PER_SECOND: '10', LOG_LEVEL: 'warn', ...appEnv });
  const t = await startTestApp({ fake, env, now: new Date(SLOT - 30_000).toISOString() });
  try {
    configureOAuth(fake, t.port);
    await installThroughBrowser(t, { teamId: BIG });
    await installThroughBrowser(t, { teamId: SMALL });
    await seed(t, BIG, BIG_PEOPLE, 1);
    await seed(t, SMALL, SMALL_PEOPLE, BIG_PEOPLE + 1);
    log(
      `bench:fairness — ${BIG_PEOPLE} + ${SMALL_PEOPLE} people due at 09:00, fake Slack ${WORKSPACE_RATE}/s chat.postMessage per workspace, ${t.handoff.database.kind}, app ${describeEnv(appEnv)}`,
    );

    // 30 s before the slot: the sweep plans the wave (rows due at the slot, each in its turn).
    const planned = Date.now();
    const swept = await t.handoff.tick.runOnce();
    log(`planned ${swept.enqueued} digests in ${((Date.now() - planned) / 1000).toFixed(1)} s`);
    t.clock.set(new Date(SLOT + 1000).toISOString());
    const start = Date.now();
    // From the slot on, the app's clock runs with the wall clock (a row retried after a 429 comes due).
    const running = setInterval(() => t.clock.set(new Date(SLOT + 1000 + Date.now() - start).toISOString()), 20);
    t.handoff.dispatcher.kick();

    const digests = (teamId: string) =>
      fake.calls.filter(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.team === teamId &&
          (c.response as { ok?: boolean }).ok &&
          (c.args.metadata as { event_type?: string } | undefined)?.event_type === MetadataEventTypes.digest,
      );
    const seconds = (at: number) => ((at - start) / 1000).toFixed(2);
    const deadline = start + TIMEOUT_S * 1000;
    let smallDone: number | null = null;
    for (;;) {
      const small = digests(SMALL);
      if (smallDone === null && small.length >= SMALL_PEOPLE) {
        smallDone = Math.max(...small.map((c) => c.at));
        log(
          `small workspace: ${small.length} digests, the last ${seconds(smallDone)} s after the slot; big workspace: ${digests(BIG).filter((c) => c.at <= smallDone!).length} of ${BIG_PEOPLE} by then`,
        );
        if (!DRAIN) break;
      }
      const big = digests(BIG);
      if (big.length >= BIG_PEOPLE && smallDone !== null) {
        log(`big workspace: ${big.length} digests, the last ${seconds(Math.max(...big.map((c) => c.at)))} s after the slot`);
        break;
      }
      if (Date.now() > deadline) {
        log(`stopped after ${TIMEOUT_S} s: small ${small.length} of ${SMALL_PEOPLE}, big ${big.length} of ${BIG_PEOPLE}`);
        process.exitCode = 1;
        break;
      }
      await sleep(100);
    }
    clearInterval(running);
    const limited = fake.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 429);
    log(`429s: ${limited.filter((c) => c.team === BIG).length} big, ${limited.filter((c) => c.team === SMALL).length} small`);
  } finally {
    await t.close();
    await fake.close();
    if (TEST_BACKEND === 'postgres') await dropPostgresDatabases();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
