/**
 * Wires Handoff together: config → database → Bolt app (HTTP or Socket Mode) → services → listeners →
 * scheduler. `createHandoff` is used by `npm start` and, unchanged, by the end-to-end tests.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type CustomRoute } from '@slack/bolt';
import { LogLevel as WebLogLevel } from '@slack/web-api';
import type { DestinationStream } from 'pino';
import { secretsOf, type Config } from './config';
import { databaseHealth, openDatabase, runMigrations, type DbHandle } from './db/client';
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
import type { ListenerDeps } from './listeners/context';
import { registerHandoffCommand } from './listeners/commands/handoff';
import { registerHandoffActions } from './listeners/actions/handoffActions';
import { registerModalActions } from './listeners/actions/modalActions';
import { registerDeflectionActions } from './listeners/actions/deflectionActions';
import { registerViews } from './listeners/views';
import { registerEvents } from './listeners/events';
import { registerShortcuts } from './listeners/shortcuts/handThisOff';

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

function healthRoute(db: DbHandle): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      const database = databaseHealth(db);
      res.writeHead(database.ok ? 200 : 503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: database.ok ? 'ok' : 'degraded', database }));
    },
  };
}

export function createHandoff(config: Config, opts: HandoffOptions = {}): Handoff {
  const clock = opts.clock ?? systemClock;
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config), destination: opts.logDestination });
  const db = openDatabase(config.databasePath);
  runMigrations(db);

  const app = new App({
    token: config.slackBotToken,
    logger: boltLogger(logger),
    customRoutes: [healthRoute(db)],
    ...(config.mode === 'socket'
      ? { socketMode: true, appToken: config.slackAppToken }
      : { signingSecret: config.slackSigningSecret, port: config.port }),
    clientOptions: {
      // The outbox owns retries and rate-limit pauses; the client fails fast and reports.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
      logLevel: WebLogLevel.ERROR,
      ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
    },
  });
  const client = app.client;

  const people = new People(db.db, client, clock, logger);
  const digests = new DigestBuilder(db.db, clock);
  const deliveries = new SlackDeliveries(db.db, client, clock, digests);
  const dispatcher = new OutboxDispatcher(db.db, deliveries, clock, logger, {
    concurrency: config.deliveryConcurrency,
    ratePerSecond: config.deliveryRatePerSecond,
  });
  const deps: ListenerDeps = {
    db: db.db,
    client,
    clock,
    logger,
    config,
    people,
    handoffs: new HandoffService(db.db, people, dispatcher, clock, logger),
    home: new HomeService(db.db, client, people, clock, logger),
    settings: new SettingsService(db.db, client, people, clock, logger),
    deflection: new DeflectionService(db.db, client, people, clock, logger, config.deflectionCooldownMs),
  };
  registerHandoffCommand(app, deps);
  registerHandoffActions(app, deps);
  registerModalActions(app, deps);
  registerDeflectionActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
  registerShortcuts(app, deps);
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled error in a listener');
  });

  const tick = new SchedulerTick(db.db, dispatcher, clock, logger, config.digestMaxLateMs, () => purgeStale(db.db, clock.now()));
  let stopped = false;

  return {
    app,
    db,
    deps,
    dispatcher,
    tick,
    logger,
    async start() {
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
