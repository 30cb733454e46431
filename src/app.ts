/**
 * Wires Handoff together: config → database → Bolt app (HTTP or Socket Mode) → services → listeners →
 * scheduler. `createHandoff` is used by `npm start` and, unchanged, by the end-to-end tests.
 */
import { bestEffort } from './bestEffort';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { LogLevel as WebLogLevel, type WebClientOptions } from '@slack/web-api';
import type { DestinationStream } from 'pino';
import { secretsOf, type Config } from './config';
import type { DbHandle } from './db/client';
import { openConfiguredDatabase, openSqlite, type OpenedDatabase } from './db/open';
import type { Store } from './db/store';
import { startWalCheckpointer, type WalCheckpointer } from './db/walCheckpointer';
import { hardenedHttpReceiver } from './slack/receiver';
import { AuthTestReadiness, type SlackReadiness } from './slack/readiness';
import { SocketMode } from './slack/socketMode';
import { explainListenError, healthRoute, listenOperatorServer, metricsRoute, readyRoute, type OperatorServer } from './health';
import { Metrics, metricReason } from './metrics';
import { meteredFetch } from './slack/meteredFetch';
import { httpFetch } from './slack/httpFetch';
import { budgetedFetch, HistoryBudget } from './slack/historyBudget';
import { currentTenant } from './slack/tenant';
import { timeAcks } from './slack/ackTimer';
import { SlackIdentity } from './slack/identity';
import { boltLogger, createLogger, type Logger } from './logger';
import { systemClock, type Clock } from './clock';
import { People } from './services/people';
import { HandoffService } from './services/handoffs';
import { HomeService } from './services/home';
import { SettingsService } from './services/settings';
import { DeflectionService } from './services/deflection';
import { WorkspaceService } from './services/workspaces';
import { CardRefresher } from './services/cardRefresh';
import { ThreadParticipants } from './services/threadParticipants';
import { OutboxDispatcher } from './delivery/outbox';
import { SlackDeliveries } from './delivery/deliveries';
import { DigestBuilder } from './delivery/digestBuilder';
import { SchedulerTick } from './scheduler/tick';
import { pruneOutbox } from './delivery/retention';
import { purgeLapsedWorkspaces } from './services/workspaceRetention';
import type { ListenerDeps } from './listeners/context';
import { registerListeners } from './listeners';
import { StatusReads } from './services/statusReads';
import { WorkspaceNames } from './services/workspaceNames';
import { WeeklyReports } from './services/weeklyReports';
import { AdminSettingsService } from './services/adminSettings';
import { InFlightListeners } from './listeners/inFlight';
import { LoopDelayMonitor } from './loopDelay';
import { slackTenancy } from './tenancy';
import { prepareHolidays } from './time';

/** Outbox rows one claim takes on PostgreSQL: half the default DELIVERY_CONCURRENCY. */
const POSTGRES_CLAIM_BATCH = 8;

/** How long stopping waits for listeners still at work after their ack (a Slack call may take its full timeout). */
const LISTENER_DRAIN_MS = 15_000;

export interface HandoffOptions {
  clock?: Clock;
  logDestination?: DestinationStream;
  /** Tests drive the scheduler themselves; production runs the cron tick. */
  startScheduler?: boolean;
  /** Already opened (`openHandoff` opens PostgreSQL, which cannot be opened synchronously). */
  database?: OpenedDatabase;
}

export interface Handoff {
  app: App;
  /** The opened backend (SQLite or PostgreSQL) with its raw handle. Everything else uses `store`. */
  database: OpenedDatabase;
  /** The raw SQLite handle, for tests that need raw SQL; throws on PostgreSQL. */
  readonly db: DbHandle;
  store: Store;
  deps: ListenerDeps;
  dispatcher: OutboxDispatcher;
  tick: SchedulerTick;
  /** Listeners still at work after their ack (stop waits for them; tests wait for a request's end). */
  inFlight: InFlightListeners;
  logger: Logger;
  /** Event-loop delay per window (logged; read by a metrics endpoint). */
  loopDelay: LoopDelayMonitor;
  /** Whether Slack is reachable now (GET /readyz). */
  readiness: SlackReadiness;
  metrics: Metrics;
  /** Starts listening; resolves with the bound port (PORT in both modes). */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** Opens the configured database (SQLite or PostgreSQL) and wires Handoff over it: what `npm start` runs. */
export async function openHandoff(config: Config, opts: HandoffOptions = {}): Promise<Handoff> {
  return createHandoff(config, { ...opts, database: opts.database ?? (await openConfiguredDatabase(config.database)) });
}

/** Wires Handoff over `opts.database`, or over the configured SQLite file (opened synchronously). */
export function createHandoff(config: Config, opts: HandoffOptions = {}): Handoff {
  const clock = opts.clock ?? systemClock;
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config), destination: opts.logDestination });
  const database = opts.database ?? openConfiguredSqlite(config);
  const store = database.store;

  const bolt = boltLogger(logger);
  const metrics = new Metrics(
    () => store.outboxBacklog(clock.now()),
    () => clock.now().getTime(),
  );
  // conversations.history/replies per workspace, within Slack's limit for the way Handoff is installed.
  const history = new HistoryBudget(config.historyReadsPerMinute, () => clock.now().getTime());
  const clientOptions: WebClientOptions = {
    fetch: budgetedFetch(
      history,
      () => currentTenant()?.teamId ?? '',
      meteredFetch((method, outcome) => metrics.slackCalls.inc({ method, outcome }), httpFetch()),
      (method) => metrics.slackCalls.inc({ method, outcome: 'held_by_budget' }),
    ),
    // The outbox owns retries and rate-limit pauses; the client fails fast and reports.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: config.slackApiTimeoutMs,
    logLevel: WebLogLevel.ERROR,
    logger: bolt,
    ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
  };
  // One workspace's bot token, or (distributed mode) each workspace's own: see tenancy.ts.
  const tenancy = slackTenancy(config, {
    store,
    clock,
    logger,
    boltLogger: bolt,
    clientOptions,
    onTokenWorks: async (teamIds) => {
      for (const teamId of teamIds) await workspaces.resumeIfPaused(teamId);
    },
  });
  const singleWorkspace = config.tenancy.kind === 'single';
  const client = tenancy.client;
  const workspaces = new WorkspaceService(store, client, clock, logger, (from) => tenancy.forgetTokens(from));
  const identity = new SlackIdentity(client, logger, (teamId) => workspaces.resumeIfPaused(teamId), tenancy.identityScope);
  if (singleWorkspace) void identity.resolve();
  // Socket Mode: the socket client honours SLACK_API_URL; /healthz and /readyz get their own server on PORT.
  const socket =
    config.mode === 'socket' && config.slackAppToken
      ? new SocketMode({ appToken: config.slackAppToken, slackApiUrl: config.slackApiUrl, logger, boltLogger: bolt, clock })
      : undefined;
  const readiness: SlackReadiness = socket ?? new AuthTestReadiness(client, clock, tenancy.readinessProbe);
  const routes = [healthRoute(() => database.health()), readyRoute(readiness), metricsRoute(metrics, config.metricsToken), ...tenancy.routes];
  const app = new App({
    authorize: tenancy.authorize(identity),
    // No conversation state kept in this process (Bolt's default is an in-memory store): what another
    // replica must know lives in the database. It also spares every request in a conversation a store
    // lookup that builds and throws away an Error.
    convoStore: false,
    logger: bolt,
    ...(socket
      ? { socketMode: true, receiver: socket.receiver }
      : { receiver: hardenedHttpReceiver({ signingSecret: config.slackSigningSecret ?? '', port: config.port, customRoutes: routes, boltLogger: bolt, logger }) }),
    clientOptions,
  });
  // As with Bolt's `token` option, the shared client (used for requests Bolt cannot attribute to a
  // team) carries the bot token.
  app.client = client;
  timeAcks(app, (kind, seconds) => metrics.ackSeconds.observe({ kind }, seconds));

  const people = new People(store, client, clock, logger, config.digestMaxLateMs);
  const threads = new ThreadParticipants(store, clock, logger);
  const digests = new DigestBuilder(store, clock);
  const weeklyReports = new WeeklyReports(store, clock, logger);
  const statusReads = new StatusReads(store, client, people, clock, logger);
  const workspaceNames = new WorkspaceNames(store, client, clock, logger);
  const deliveries = new SlackDeliveries(store, client, clock, digests, history.readPlan, weeklyReports);
  const dispatcher = new OutboxDispatcher(store, tenancy.deliveries(deliveries), clock, logger, {
    concurrency: config.deliveryConcurrency,
    ratePerSecond: config.deliveryRatePerSecond,
    startRatePerSecond: config.deliveryStartRatePerSecond,
    apiTimeoutMs: config.slackApiTimeoutMs,
    observe: (row, outcome, reason) => metrics.deliveries.inc({ kind: row.kind, outcome, reason: metricReason(reason) }),
    // On PostgreSQL each claim and each read before a row's pace is a round trip: claims in batches,
    // and senders no longer wait for each other's reads (see OutboxDispatcher.claimTurn).
    claimBatch: database.kind === 'postgres' ? POSTGRES_CLAIM_BATCH : 1,
  });
  const deps: ListenerDeps = {
    client,
    clock,
    logger,
    config,
    identity,
    people,
    handoffs: new HandoffService(store, people, dispatcher, clock, logger, { perPersonPerMinute: config.handoffsPerPersonPerMinute }),
    home: new HomeService(store, client, people, clock, logger),
    settings: new SettingsService(store, client, people, clock, logger),
    deflection: new DeflectionService(store, client, people, clock, logger, config.deflectionCooldownMs, threads, {
      observe: (outcome) => metrics.deflections.inc({ outcome }),
      // Slack's one read a minute (distributed mode) is kept for crash recovery, not spent on a pre-fill.
      readUnknownThreads: !history.restricted,
    }),
    threads,
    cards: new CardRefresher(store, client, identity, clock, logger),
    workspaces,
    admin: new AdminSettingsService(store, client, people, clock, logger),
  };
  const inFlight = new InFlightListeners();
  inFlight.register(app);
  tenancy.register(app);
  registerListeners(app, deps);

  const tick = new SchedulerTick(
    store,
    dispatcher,
    clock,
    logger,
    config.digestMaxLateMs,
    async (stopping) => {
      // Slack statuses that say away, read again before those people's digests are planned (a few a tick).
      await bestEffort(people.recheckAwayStatuses({ stopping }), logger, 'away statuses before digests');
      // Everyone's Slack status, a workspace a day, a few pages a tick: an away status whose user_change was lost.
      await bestEffort(statusReads.readDue({ stopping }), logger, 'Slack statuses read in full');
      // The weekly async-health DMs whose recipient's week starts now (a handful of people a workspace).
      await bestEffort(weeklyReports.plan(stopping), logger, 'weekly reports');
      await store.purgeStale(clock.now());
      // Distributed mode: a paused workspace resumes when it is re-installed (or its token refreshed).
      if (singleWorkspace) await workspaces.recheckPaused();
      // Distributed mode: the names of an org's workspaces, for cards read in a sibling workspace.
      else await bestEffort(workspaceNames.readDue({ stopping }), logger, 'workspace names');
      const pruned = await pruneOutbox(store, clock.now(), config.outboxRetentionMs, { stopping });
      await threads.prune(clock.now(), { stopping });
      if (pruned > 0) logger.info({ rows: pruned, retentionDays: config.outboxRetentionMs / 86_400_000 }, 'deleted finished outbox rows past their retention');
      const lapsed = await purgeLapsedWorkspaces(store, clock.now(), config.dataRetentionMs, { stopping });
      if (lapsed.rows > 0 || lapsed.purged.length > 0) {
        logger.warn(
          { rows: lapsed.rows, purged: lapsed.purged, retentionDays: config.dataRetentionMs / 86_400_000 },
          'deleted the data of workspaces uninstalled past their retention',
        );
      }
    },
    (seconds, swept) => {
      metrics.tickSeconds.observe(seconds);
      metrics.sweptDigests.inc({ outcome: 'enqueued' }, swept.enqueued);
      metrics.sweptDigests.inc({ outcome: 'skipped' }, swept.skipped);
      metrics.sweptDigests.inc({ outcome: 'error' }, swept.errors.length);
    },
  );
  const loopDelay = new LoopDelayMonitor(logger);
  metrics.watchLoopDelay(() => loopDelay.sinceLastRead());
  let stopped = false;
  let operatorServer: OperatorServer | undefined;
  let checkpointer: WalCheckpointer | undefined;

  return {
    app,
    database,
    get db(): DbHandle {
      if (database.kind !== 'sqlite') throw new Error('Handoff.db is the raw SQLite handle; this Handoff runs on PostgreSQL');
      return database.handle;
    },
    store,
    deps,
    dispatcher,
    tick,
    inFlight,
    logger,
    loopDelay,
    readiness,
    metrics,
    async start() {
      loopDelay.start();
      // Before anyone is answered: the first schedule read would build it mid-request (≈100 ms).
      prepareHolidays();
      // A workspace paused by a revoked token resumes before the first delivery if the token works again.
      if (singleWorkspace) await identity.settled(3000);
      await dispatcher.recoverStuck();
      let port: number;
      if (socket) {
        // PORT first: a busy port fails fast, and /readyz answers (503) while the socket connects.
        operatorServer = await listenOperatorServer(config.port, routes);
        port = operatorServer.port;
        try {
          await socket.start();
        } catch (e) {
          await socket.stop();
          await operatorServer.close();
          operatorServer = undefined;
          throw e;
        }
      } else {
        const started = (await app.start(config.port).catch((e: unknown) => Promise.reject(explainListenError(e, config.port)))) as Server;
        port = (started.address() as AddressInfo).port;
      }
      // SQLite's fsyncs go to a worker thread from here on, not into a request's commit.
      if (database.kind === 'sqlite') {
        const wal = startWalCheckpointer(database.handle.sqlite, logger);
        metrics.watchCheckpoints(() => wal.stats());
        checkpointer = wal;
      }
      if (opts.startScheduler !== false) tick.start();
      logger.info({ mode: config.mode, port }, 'Handoff is running');
      return port;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await tick.stop();
      if (socket) {
        await socket.stop();
        await operatorServer?.close();
      } else {
        await app.stop().catch((e: unknown) => logger.warn({ err: e }, 'error while stopping the receiver'));
      }
      // No new requests arrive now; acknowledged ones finish their work before the database closes.
      if (!(await inFlight.drain(LISTENER_DRAIN_MS))) logger.warn({ running: inFlight.count }, 'stopping with listeners still at work');
      // In-flight deliveries finish; unstarted ones stay in the outbox for the next start.
      await dispatcher.stop();
      await checkpointer?.stop();
      // Waits for a transaction still open, then closes the database.
      await store.close();
      loopDelay.closeWindow();
      loopDelay.stop();
      logger.info('Handoff stopped');
      // Bounded: a stdout nobody reads any more must not hold the exit.
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}

function openConfiguredSqlite(config: Config): OpenedDatabase {
  if (config.database.kind !== 'sqlite') throw new Error('PostgreSQL opens asynchronously: start Handoff with openHandoff(config)');
  return openSqlite(config.database.path);
}
