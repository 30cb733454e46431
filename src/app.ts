/**
 * Wires Handoff together: config → database → Bolt app (HTTP or Socket Mode) → services → listeners →
 * scheduler. `createHandoff` is used by `npm start` and, unchanged, by the end-to-end tests.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import type { AddressInfo } from 'node:net';
import { App, AuthorizationError, HTTPReceiver, defaultBodyLimit, type Authorize, type CustomRoute, type ReceiverProcessEventErrorHandlerArgs } from '@slack/bolt';
import { LogLevel as WebLogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import type { DestinationStream } from 'pino';
import { secretsOf, type Config } from './config';
import { openDatabase, runMigrations, type DbHandle } from './db/client';
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
import { AuthTestReadiness, type SlackReadiness } from './slack/readiness';
import { SocketMode } from './slack/socketMode';
import { explainListenError, healthRoute, listenOperatorServer, readyRoute, type OperatorServer } from './health';
import { withDeadline } from './listeners/context';
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
  /** Whether Slack is reachable now (what GET /readyz answers). */
  readiness: SlackReadiness;
  /** Starts listening; resolves with the bound PORT (Slack traffic in HTTP mode, /healthz and /readyz in both). */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Bolt answers 500 when it cannot even read a payload (e.g. an interaction without `user`), before
 * any listener runs. That is a malformed request, not a server fault: answer 400 and say so.
 */
function processEventErrorHandler(logger: Logger) {
  return async ({ error, response }: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> => {
    if (response.headersSent) return false;
    if (error instanceof AuthorizationError) {
      response.writeHead(401);
    } else {
      logger.warn({ error: error.message }, 'malformed request: answered 400');
      response.writeHead(400);
    }
    response.end();
    return true;
  };
}

/**
 * Bolt 5.1's HTTPReceiver reads `body.ssl_check` outside its try/catch, so a body whose JSON is
 * `null` (`payload=null`, or a JSON body `null`) becomes an unhandled rejection and the request is
 * never answered. Such bodies are read here first and refused with 400; every other body is handed
 * to Bolt already buffered (its documented `rawBody` contract), so Bolt's own checks run unchanged.
 */
function refuseNullBodies(receiver: HTTPReceiver, logger: Logger): void {
  const bolt = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return bolt(req, res);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= defaultBodyLimit) chunks.push(chunk);
    });
    req.on('error', () => {
      if (!res.headersSent) res.writeHead(400).end();
    });
    req.on('end', () => {
      if (size > defaultBodyLimit) return void res.writeHead(413).end();
      const rawBody = Buffer.concat(chunks);
      if (isNullBody(rawBody.toString(), req.headers['content-type'])) {
        logger.warn('malformed request: body is null, answered 400');
        return void res.writeHead(400).end();
      }
      bolt(Object.assign(req, { rawBody }), res);
    });
  };
}

function httpReceiver(config: Config, routes: CustomRoute[], bolt: ReturnType<typeof boltLogger>, logger: Logger): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret: config.slackSigningSecret ?? '',
    port: config.port,
    customRoutes: routes,
    logger: bolt,
    processEventErrorHandler: processEventErrorHandler(logger),
  });
  refuseNullBodies(receiver, logger);
  return receiver;
}

/**
 * Single-workspace authorisation. Bolt's built-in one (the `token` option) calls auth.test once, in
 * the constructor, and caches the promise: if Slack is unreachable at that moment the failure is
 * cached too, and from then on every request is acked empty with no listener run — the app is dead
 * until restarted. Here only a success is cached. Until auth.test succeeds, requests run with the
 * token alone (the bot's own ids only serve to ignore its own messages) and the next request retries.
 */
function botAuthorize(
  client: WebClient,
  botToken: string,
  logger: Logger,
  onVerified: (teamId: string) => void,
): { authorize: Authorize<boolean>; settled: () => Promise<void> } {
  let ids: { botId?: string; botUserId?: string } | null = null;
  let pending: Promise<void> | null = null;
  const lookup = () =>
    (pending ??= client.auth
      .test()
      .then((r) => {
        ids = { botId: r.bot_id, botUserId: r.user_id };
        if (r.team_id) onVerified(r.team_id);
      })
      .catch((e: unknown) => logger.warn({ error: classifySlackError(e).code }, 'auth.test failed; answering without the bot’s own ids, will retry'))
      .finally(() => {
        pending = null;
      }));
  void lookup();
  return {
    authorize: async () => {
      // Never hold an ack hostage to a slow auth.test: wait a moment, then answer anyway.
      if (!ids) await withDeadline(lookup(), 1000);
      return { botToken, ...(ids ?? {}) };
    },
    /** Resolves once the first auth.test answered (or failed). */
    settled: async () => {
      await pending;
    },
  };
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

function isNullBody(text: string, contentType: string | undefined): boolean {
  const json = contentType === 'application/x-www-form-urlencoded' ? parseForm(text).payload : text;
  return typeof json === 'string' && json.trim() === 'null';
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
  const auth = botAuthorize(client, config.slackBotToken, logger, (teamId) => resumeIfPaused(db, teamId, clock, logger));
  // Socket Mode: the socket client honours SLACK_API_URL; /healthz and /readyz get their own server on PORT.
  const socket =
    config.mode === 'socket' && config.slackAppToken
      ? new SocketMode({ appToken: config.slackAppToken, slackApiUrl: config.slackApiUrl, logger, boltLogger: bolt, clock })
      : undefined;
  const readiness: SlackReadiness = socket ?? new AuthTestReadiness(client, clock);
  const routes = [healthRoute(db), readyRoute(readiness)];
  const app = new App({
    authorize: auth.authorize,
    logger: bolt,
    ...(socket ? { socketMode: true, receiver: socket.receiver } : { receiver: httpReceiver(config, routes, bolt, logger) }),
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
  registerPayloadGuard(app, logger);
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
  let operatorServer: OperatorServer | undefined;

  return {
    app,
    db,
    deps,
    dispatcher,
    tick,
    logger,
    readiness,
    async start() {
      // A workspace paused by a revoked token resumes before the first delivery if the token works again.
      await withDeadline(auth.settled(), 3000);
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
      // In-flight deliveries finish; unstarted ones stay in the outbox for the next start.
      await dispatcher.stop();
      db.close();
      logger.info('Handoff stopped');
      // Bounded: a stdout nobody reads any more must not hold the exit.
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}
