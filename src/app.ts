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
import { WorkspaceService } from './services/workspaces';
import { CardRefresher } from './services/cardRefresh';
import { OutboxDispatcher } from './scheduler/outbox';
import { SlackDeliveries } from './scheduler/deliveries';
import { DigestBuilder } from './scheduler/digestBuilder';
import { SchedulerTick } from './scheduler/tick';
import { purgeStale } from './db/queries/deflections';
import type { ListenerDeps } from './listeners/context';
import { registerListeners } from './listeners';

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
  const workspaces = new WorkspaceService(db.db, client, clock, logger);
  const identity = new SlackIdentity(client, logger, (teamId) => workspaces.resumeIfPaused(teamId));
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
    cards: new CardRefresher(db.db, client, identity, clock, logger),
    workspaces,
  };
  registerListeners(app, deps);

  const tick = new SchedulerTick(db.db, dispatcher, clock, logger, config.digestMaxLateMs, () => {
    purgeStale(db.db, clock.now());
    workspaces.recheckPaused();
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
