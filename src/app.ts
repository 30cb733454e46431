/**
 * Wires Handoff together: config → database → Bolt app (HTTP or Socket Mode) → services → listeners →
 * scheduler. `createHandoff` is used by `npm start` and, unchanged, by the end-to-end tests.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { LogLevel as WebLogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import type { DestinationStream } from 'pino';
import { secretsOf, type Config } from './config';
import { openDatabase, runMigrations, type DbHandle } from './db/client';
import { storageHealth } from './db/health';
import { hardenedHttpReceiver, healthRoute } from './slack/receiver';
import { SlackIdentity } from './slack/identity';
import { boltLogger, createLogger, type Logger } from './logger';
import { systemClock, type Clock } from './clock';
import { People } from './services/people';
import { HandoffService } from './services/handoffs';
import { HomeService } from './services/home';
import { SettingsService } from './services/settings';
import { DeflectionService } from './services/deflection';
import { OutboxDispatcher } from './scheduler/outbox';
import { SlackDeliveries } from './scheduler/deliveries';
import { DigestBuilder } from './scheduler/digestBuilder';
import { SchedulerTick } from './scheduler/tick';
import { purgeStale } from './db/queries/deflections';
import { anyWorkspacePaused, getWorkspace, setWorkspaceStatus } from './db/queries/workspaces';
import { classifySlackError } from './slack/errors';
import type { ListenerDeps } from './listeners/context';
import { registerHandoffCommand } from './listeners/commands/handoff';
import { registerHandoffActions } from './listeners/actions/handoffActions';
import { registerModalActions } from './listeners/actions/modalActions';
import { registerDeflectionActions } from './listeners/actions/deflectionActions';
import { registerViews } from './listeners/views';
import { registerEvents } from './listeners/events';
import { registerShortcuts } from './listeners/shortcuts/handThisOff';
import { registerUnknownActions } from './listeners/actions/unknownActions';
import { registerPayloadGuard } from './listeners/payloadGuard';
import { registerFailureNet } from './listeners/failureNet';

export interface HandoffOptions {
  clock?: Clock;
  logDestination?: DestinationStream;
  /** Tests drive the scheduler themselves; production runs the cron tick. */
  startScheduler?: boolean;
}

export interface Handoff {
  app: App;
  db: DbHandle;
  deps: ListenerDeps;
  dispatcher: OutboxDispatcher;
  tick: SchedulerTick;
  logger: Logger;
  /** Starts listening; resolves with the bound port in HTTP mode. */
  start(): Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Delivery for a workspace stops on app_uninstalled, tokens_revoked or a revoked-token error, and
 * its data (pending deliveries included) is kept. When Slack accepts the configured token again —
 * checked at start-up, i.e. after a reinstall and restart — the workspace is active again and what
 * waited is delivered.
 */
function resumeIfPaused(db: DbHandle, teamId: string, clock: Clock, logger: Logger): void {
  try {
    const ws = getWorkspace(db.db, teamId);
    if (!ws || ws.status === 'active') return;
    setWorkspaceStatus(db.db, teamId, 'active', clock.now());
    // The next scheduler tick (one runs at start-up) delivers what waited.
    logger.warn({ teamId, was: ws.status }, 'Slack accepts the bot token again: delivery resumed');
  } catch (e) {
    logger.warn({ err: e, teamId }, 'could not resume delivery for the workspace');
  }
}

/**
 * A paused workspace would otherwise wait for a restart: every few minutes, while one is paused, ask
 * Slack whether the token works again (e.g. the app was reinstalled with the same token).
 */
export const PAUSED_RECHECK_MS = 10 * 60_000;

function pausedWorkspaceRecheck(client: WebClient, db: DbHandle, clock: Clock, logger: Logger): () => void {
  let lastCheck = -Infinity;
  return () => {
    const now = clock.now().getTime();
    if (now - lastCheck < PAUSED_RECHECK_MS || !anyWorkspacePaused(db.db)) return;
    lastCheck = now;
    void client.auth
      .test()
      .then((r) => r.team_id && resumeIfPaused(db, r.team_id, clock, logger))
      .catch((e: unknown) => logger.debug({ error: classifySlackError(e).code }, 'token still not accepted; delivery stays paused'));
  };
}

export function createHandoff(config: Config, opts: HandoffOptions = {}): Handoff {
  const clock = opts.clock ?? systemClock;
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config), destination: opts.logDestination });
  const db = openDatabase(config.databasePath);
  runMigrations(db);

  const bolt = boltLogger(logger);
  const clientOptions: WebClientOptions = {
    // The outbox owns retries and rate-limit pauses; the client fails fast and reports.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: config.slackApiTimeoutMs,
    logLevel: WebLogLevel.ERROR,
    logger: bolt,
    ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
  };
  const client = new WebClient(config.slackBotToken, clientOptions);
  const identity = new SlackIdentity(client, logger, (teamId) => resumeIfPaused(db, teamId, clock, logger));
  void identity.resolve();
  const health = healthRoute(() => storageHealth(db, config.databasePath));
  const app = new App({
    authorize: identity.authorize(config.slackBotToken),
    logger: bolt,
    ...(config.mode === 'socket'
      ? {
          socketMode: true,
          appToken: config.slackAppToken,
          // /healthz is served on PORT in Socket Mode too; the socket client honours SLACK_API_URL.
          port: config.port,
          customRoutes: [health],
          installerOptions: { clientOptions: { ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}) } },
        }
      : { receiver: hardenedHttpReceiver({ signingSecret: config.slackSigningSecret ?? '', port: config.port, customRoutes: [health], boltLogger: bolt, logger }) }),
    clientOptions,
  });
  // As with Bolt's `token` option, the shared client (used for requests Bolt cannot attribute to a
  // team) carries the bot token.
  app.client = client;

  const people = new People(db.db, client, clock, logger, config.digestMaxLateMs);
  const digests = new DigestBuilder(db.db, clock);
  const deliveries = new SlackDeliveries(db.db, client, clock, digests);
  const dispatcher = new OutboxDispatcher(db.db, deliveries, clock, logger, {
    concurrency: config.deliveryConcurrency,
    ratePerSecond: config.deliveryRatePerSecond,
    apiTimeoutMs: config.slackApiTimeoutMs,
  });
  const deps: ListenerDeps = {
    db: db.db,
    client,
    clock,
    logger,
    config,
    identity,
    people,
    handoffs: new HandoffService(db.db, people, dispatcher, clock, logger, { perPersonPerMinute: config.handoffsPerPersonPerMinute }),
    home: new HomeService(db.db, client, people, clock, logger),
    settings: new SettingsService(db.db, client, people, clock, logger),
    deflection: new DeflectionService(db.db, client, people, clock, logger, config.deflectionCooldownMs),
  };
  registerPayloadGuard(app, logger);
  registerFailureNet(app, client, logger);
  registerHandoffCommand(app, deps);
  registerHandoffActions(app, deps);
  registerModalActions(app, deps);
  registerDeflectionActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
  registerShortcuts(app, deps);
  registerUnknownActions(app, deps);
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a listener');
  });

  const recheck = pausedWorkspaceRecheck(client, db, clock, logger);
  const tick = new SchedulerTick(db.db, dispatcher, clock, logger, config.digestMaxLateMs, () => {
    purgeStale(db.db, clock.now());
    recheck();
  });
  let stopped = false;

  return {
    app,
    db,
    deps,
    dispatcher,
    tick,
    logger,
    async start() {
      // A workspace paused by a revoked token resumes before the first delivery if the token works again.
      await identity.settled(3000);
      await dispatcher.recoverStuck();
      const started = (config.mode === 'http' ? await app.start(config.port) : await app.start()) as Server | undefined;
      if (opts.startScheduler !== false) tick.start();
      const port = config.mode === 'http' && started?.address ? (started.address() as AddressInfo).port : null;
      logger.info({ mode: config.mode, port }, 'Handoff is running');
      return port;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await tick.stop();
      await app.stop().catch((e: unknown) => logger.warn({ err: e }, 'error while stopping the receiver'));
      // In-flight deliveries finish; unstarted ones stay in the outbox for the next start.
      await dispatcher.stop();
      db.close();
      logger.info('Handoff stopped');
      logger.flush?.();
    },
  };
}
