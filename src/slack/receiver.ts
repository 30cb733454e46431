/**
 * The HTTP edge: Bolt's HTTPReceiver behind checks that cost nothing to pass and little to fail.
 *
 * Bolt reads a whole body (up to 4 MB) before it looks at the signature, so unsigned requests that
 * never finish could fill memory (1,000 of them took a process to 4.1 GB). Here, before a single
 * body byte is read:
 * - a request to /slack/events without well-formed Slack signature headers, or with a timestamp
 *   more than five minutes away from now — in either direction; Bolt only refuses old ones — is
 *   answered 401, and its connection is cut unless what is left of it is small;
 * - a body Slack would never send (see SLACK_BODY_LIMIT) is refused with 413, and all bodies being
 *   read at once share one memory budget (503 beyond it);
 * - the server drops slow and silent senders (headersTimeout, requestTimeout, an idle timeout) and
 *   caps its connections.
 * Bolt then verifies the signature itself, on the buffered body, exactly as before.
 */
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { ListenOptions } from 'node:net';
import { parse as parseForm } from 'node:querystring';
import { AuthorizationError, HTTPReceiver, type CustomRoute, type Logger as BoltLogger, type ReceiverProcessEventErrorHandlerArgs } from '@slack/bolt';
import type { Logger } from '../logger';

/** Where Slack sends commands, interactions and events (Bolt's default endpoint). */
export const EVENTS_PATH = '/slack/events';

/** Slack's replay window: a signed request older (or, here, newer) than this is refused. */
export const MAX_TIMESTAMP_SKEW_SEC = 5 * 60;

/**
 * The largest body Handoff accepts: 1 MiB. Slack publishes no overall payload limit, so the number
 * comes from the documented limits of what Handoff can receive (docs.slack.dev reference pages):
 * - interactions echo Handoff's own surfaces back: a view (≤ 100 blocks, private_metadata ≤ 3,000
 *   characters, plain-text inputs ≤ 3,000) or a message (≤ 50 blocks). Slack sends non-ASCII
 *   "in unicode format" (\uXXXX, 6 bytes per UTF-16 unit) and form-encodes the payload (the
 *   backslash becomes %5C: 8 bytes per unit). test/unit/receiverLimits.test.ts builds Handoff's
 *   largest surfaces out of emoji, every field at its maximum, and checks each fits, encoded that
 *   way: a click in a full App Home is 0.99 MB, in a full digest 0.43 MB, a full form 0.37 MB;
 * - message events carry at most 40,000 characters of text, twice (text and its rich_text block):
 *   0.96 MB JSON-escaped, all emoji. (An edited message — message_changed, which Handoff ignores —
 *   can carry two such copies and be refused.)
 */
export const SLACK_BODY_LIMIT = 1024 * 1024;

/** All bodies being buffered at the same moment share this budget; beyond it: 503, try again. */
export const IN_FLIGHT_BODY_BUDGET = 32 * 1024 * 1024;

/** A refused request may finish sending this much, so a small client still reads its 401 cleanly. */
const REFUSED_BODY_ALLOWANCE = 64 * 1024;

/**
 * Timeouts and caps of the HTTP server. Slack sends a whole request in milliseconds and waits only
 * 3 seconds for the answer, so anything slower is not Slack.
 */
export const SERVER_LIMITS = {
  headersTimeout: 10_000,
  requestTimeout: 15_000,
  keepAliveTimeout: 5_000,
  /** How often Node checks the two timeouts above. */
  connectionsCheckingInterval: 1_000,
  /**
   * A connection that sends nothing at all is not covered by headersTimeout (Node starts that clock
   * at the first byte): without this, 1,024 silent connections would hold every slot for ever.
   */
  idleTimeout: 10_000,
  /** Slack's traffic to one workspace's app is tens of connections; room for health checks. */
  maxConnections: 1_024,
  /**
   * Connections waiting to be accepted. Node's default (511) overflows under a burst, and a dropped
   * SYN costs a health check a one-second retransmit; the kernel caps this at net.core.somaxconn.
   */
  backlog: 4_096,
} as const;

/** Why a request's Slack signature headers cannot be right, judged from the headers alone. */
export function signatureHeaderProblem(headers: IncomingHttpHeaders, nowSec: number): string | null {
  const signature = headers['x-slack-signature'];
  const timestamp = headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || !/^v0=[0-9a-f]{64}$/.test(signature)) return 'missing or malformed X-Slack-Signature';
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return 'missing or malformed X-Slack-Request-Timestamp';
  const skew = Number(timestamp) - nowSec;
  if (skew < -MAX_TIMESTAMP_SKEW_SEC) return 'signature timestamp more than 5 minutes old';
  if (skew > MAX_TIMESTAMP_SKEW_SEC) return 'signature timestamp more than 5 minutes in the future';
  return null;
}

/** Counts refusals and logs the first and then every 100th, so a flood cannot flood the logs. */
function refusalLog(logger: Logger) {
  const counts = new Map<string, number>();
  return (status: number, reason: string) => {
    const n = (counts.get(reason) ?? 0) + 1;
    counts.set(reason, n);
    if (n === 1 || n % 100 === 0) logger.warn({ status, reason, count: n }, `request refused before its body was read: ${reason}`);
  };
}

/**
 * Answers `status` without reading the body. A small remainder is read and dropped so the client
 * gets its answer on a clean connection; anything bigger (or of unknown size) gets
 * `Connection: close`, and Node closes the socket as soon as the answer is out.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  const declared = Number(req.headers['content-length']);
  const small = Number.isFinite(declared) && declared <= REFUSED_BODY_ALLOWANCE;
  req.on('data', () => undefined); // dropped, never kept
  req.on('error', () => undefined);
  res.writeHead(status, small ? {} : { Connection: 'close' });
  res.end();
}

/** Bodies being buffered right now, across all requests. */
class BodyBudget {
  private used = 0;
  constructor(private readonly limit: number) {}
  take(n: number): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    return true;
  }
  give(n: number): void {
    this.used -= n;
  }
}

/**
 * Bolt 5.1's HTTPReceiver reads `body.ssl_check` outside its try/catch, so a body whose JSON is
 * `null` (`payload=null`, or a JSON body `null`) becomes an unhandled rejection and the request is
 * never answered: such bodies are refused with 400 here.
 */
function isNullBody(text: string, contentType: string | undefined): boolean {
  const json = contentType === 'application/x-www-form-urlencoded' ? parseForm(text).payload : text;
  return typeof json === 'string' && json.trim() === 'null';
}

function guard(bolt: HTTPReceiver['requestListener'], logger: Logger): HTTPReceiver['requestListener'] {
  const refused = refusalLog(logger);
  const budget = new BodyBudget(IN_FLIGHT_BODY_BUDGET);
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return bolt(req, res);
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== EVENTS_PATH) {
      refused(404, 'POST to an unknown path');
      return refuse(req, res, 404);
    }
    const problem = signatureHeaderProblem(req.headers, Math.floor(Date.now() / 1000));
    if (problem) {
      refused(401, problem);
      return refuse(req, res, 401);
    }
    if (Number(req.headers['content-length']) > SLACK_BODY_LIMIT) {
      refused(413, 'body larger than Slack sends');
      return refuse(req, res, 413);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      budget.give(size);
    };
    const stop = (status: number, reason: string) => {
      release();
      chunks.length = 0;
      refused(status, reason);
      refuse(req, res, status);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      if (size + chunk.length > SLACK_BODY_LIMIT) return stop(413, 'body larger than Slack sends');
      if (!budget.take(chunk.length)) return stop(503, 'too many bodies in flight');
      size += chunk.length;
      chunks.push(chunk);
    });
    req.on('error', () => {
      release();
      if (!res.headersSent) res.writeHead(400).end();
    });
    req.on('close', release);
    req.on('end', () => {
      if (done) return;
      const rawBody = Buffer.concat(chunks);
      release();
      if (isNullBody(rawBody.toString(), req.headers['content-type'])) {
        logger.warn('malformed request: body is null, answered 400');
        return void res.writeHead(400).end();
      }
      // Bolt takes an already-buffered body as is (its documented `rawBody` contract) and verifies it.
      bolt(Object.assign(req, { rawBody }), res);
    });
  };
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

export interface HardenedReceiverOptions {
  signingSecret: string;
  port: number;
  customRoutes: CustomRoute[];
  boltLogger: BoltLogger;
  logger: Logger;
}

/** Bolt's HTTPReceiver with the checks above in front and the server limits applied on start. */
export function hardenedHttpReceiver(opts: HardenedReceiverOptions): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret: opts.signingSecret,
    port: opts.port,
    endpoints: [EVENTS_PATH],
    customRoutes: opts.customRoutes,
    logger: opts.boltLogger,
    bodyLimit: SLACK_BODY_LIMIT,
    processEventErrorHandler: processEventErrorHandler(opts.logger),
  });
  receiver.requestListener = guard(receiver.requestListener, opts.logger);
  const start = receiver.start.bind(receiver) as (port: number | ListenOptions, options?: ServerOptions) => Promise<Server>;
  receiver.start = (async (port: number | string, options: ServerOptions = {}) => {
    const { maxConnections, backlog, idleTimeout, ...serverOptions } = SERVER_LIMITS;
    const server = await start({ port: Number(port), backlog }, { ...serverOptions, ...options });
    server.maxConnections = maxConnections;
    // With no 'timeout' listener, Node destroys a socket that stayed silent this long.
    server.setTimeout(idleTimeout);
    return server;
  }) as HTTPReceiver['start'];
  return receiver;
}
