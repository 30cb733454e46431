/**
 * Socket Mode: Bolt's SocketModeReceiver, watched. The connection's life (connect, Slack's refresh,
 * drops, reconnects) is logged, its state answers /readyz, and an app-level token that Slack refuses
 * becomes one line naming SLACK_APP_TOKEN and where to get a right one — at start-up that line stops
 * the bot, later it is logged and /readyz says so.
 */
import { SocketModeReceiver, type Logger as SlackLogger } from '@slack/bolt';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { ReadinessReport, SlackReadiness } from './readiness';
import { bestEffort } from '../bestEffort';

const WHERE =
  'create an App-Level Token with the connections:write scope on https://api.slack.com/apps → your app → Basic Information → App-Level Tokens, and set SLACK_APP_TOKEN to it (xapp-…)';

/** The Slack error codes of apps.connections.open that mean "this app-level token will not do". */
export function appTokenProblem(code: string, needed?: string): string | undefined {
  switch (code) {
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'token_expired':
    case 'account_inactive':
      return `SLACK_APP_TOKEN was refused by Slack (${code}): it is not a valid app-level token for this app. Fix: ${WHERE}.`;
    case 'not_allowed_token_type':
      return `SLACK_APP_TOKEN is not an app-level token (${code}): Socket Mode needs the xapp-… token, not the bot or user token. Fix: ${WHERE}.`;
    case 'missing_scope':
      return `SLACK_APP_TOKEN lacks the ${needed ?? 'connections:write'} scope (missing_scope), so it cannot open a Socket Mode connection. Fix: ${WHERE}.`;
    default:
      return undefined;
  }
}

/** Thrown by `start()` when Slack refuses the app-level token: a configuration problem, not a crash. */
export class AppTokenError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

type Fetch = typeof globalThis.fetch;

export interface SocketModeOptions {
  appToken: string;
  slackApiUrl?: string;
  logger: Logger;
  boltLogger: SlackLogger;
  clock: Clock;
}

interface SocketEvents {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

export class SocketMode implements SlackReadiness {
  readonly receiver: SocketModeReceiver;
  private connected = false;
  private everConnected = false;
  private lastConnectedAt: Date | undefined;
  private droppedAt: Date | undefined;
  private reconnects = 0;
  private pendingDisconnectReason: string | undefined;
  private tokenProblem: { code: string; line: string } | undefined;
  private stopping = false;
  private rejectStart: ((e: AppTokenError) => void) | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: SocketModeOptions) {
    this.log = opts.logger.child({ component: 'socket-mode' });
    this.receiver = new SocketModeReceiver({
      appToken: opts.appToken,
      logger: opts.boltLogger,
      // apps.connections.open is watched at the transport, the only place its failures are visible:
      // @slack/socket-mode retries some of them (missing_scope, not_allowed_token_type) forever, silently.
      installerOptions: { clientOptions: { ...(opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {}), fetch: this.watchingFetch() } },
    });
    const client = this.receiver.client as unknown as SocketEvents;
    client.on('connected', () => this.onConnected());
    client.on('close', () => this.onClosed());
    client.on('ws_message', (data: unknown) => this.onMessage(data));
  }

  /**
   * Connects; resolves on Slack's hello. Rejects with an AppTokenError as soon as Slack refuses the
   * app-level token, instead of waiting on retries that cannot succeed.
   */
  async start(): Promise<void> {
    const refused = new Promise<never>((_, reject) => (this.rejectStart = reject));
    try {
      await Promise.race([this.receiver.start(), refused]);
    } catch (e) {
      // Codes the client gives up on (invalid_auth…) reject its start() directly, maybe before the watcher spoke.
      const code = (e as { data?: { error?: unknown } } | null)?.data?.error;
      const line = typeof code === 'string' ? appTokenProblem(code) : undefined;
      throw line && !(e instanceof AppTokenError) ? new AppTokenError(line, String(code)) : e;
    } finally {
      this.rejectStart = undefined;
    }
  }

  /** Closes the socket; bounded, because a peer that never answers the close frame must not hold shutdown. */
  async stop(timeoutMs = 2000): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([bestEffort(this.receiver.client.disconnect(), this.log, 'closing the socket at stop'), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  async check(): Promise<ReadinessReport> {
    const at = this.lastConnectedAt ? { lastConnectedAt: this.lastConnectedAt.toISOString() } : {};
    if (this.connected) return { ready: true, mode: 'socket', ...at };
    const reason = this.tokenProblem?.line ?? (this.everConnected ? 'Socket Mode connection lost; reconnecting' : 'Socket Mode not connected yet');
    return { ready: false, mode: 'socket', reason, ...at };
  }

  private onConnected(): void {
    const now = this.opts.clock.now();
    this.connected = true;
    this.tokenProblem = undefined;
    this.lastConnectedAt = now;
    if (!this.everConnected) {
      this.everConnected = true;
      this.log.info('Slack Socket Mode connected');
    } else {
      this.reconnects += 1;
      const downMs = this.droppedAt ? now.getTime() - this.droppedAt.getTime() : undefined;
      this.log.info({ reconnects: this.reconnects, downMs }, 'Slack Socket Mode reconnected');
    }
  }

  // @slack/socket-mode 3.1 opens the next connection only after the old one closed, so a close always
  // means "no connection now".
  private onClosed(): void {
    const wasConnected = this.connected;
    this.connected = false;
    if (this.stopping || !wasConnected) return;
    this.droppedAt = this.opts.clock.now();
    const reason = this.pendingDisconnectReason;
    this.pendingDisconnectReason = undefined;
    if (reason === 'refresh_requested' || reason === 'warning') {
      this.log.info({ reason }, 'Slack asked Socket Mode to reconnect; reconnecting');
    } else if (reason) {
      this.log.warn({ reason }, 'Slack closed the Socket Mode connection; reconnecting');
    } else {
      this.log.warn('Slack Socket Mode connection lost; reconnecting');
    }
  }

  /** Only Slack's `disconnect` message says why a close is coming; envelopes are left to the client. */
  private onMessage(data: unknown): void {
    const text = typeof data === 'string' ? data : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? Buffer.from(data as ArrayBuffer).toString() : '';
    if (!text.includes('"disconnect"')) return;
    try {
      const message = JSON.parse(text) as { type?: unknown; reason?: unknown };
      if (message.type === 'disconnect') this.pendingDisconnectReason = typeof message.reason === 'string' ? message.reason : 'unknown';
    } catch {
      // not ours to judge: the client logs unreadable messages
    }
  }

  private watchingFetch(): Fetch {
    return async (input, init) => {
      const response = await globalThis.fetch(input, init);
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.endsWith('apps.connections.open')) void this.inspectOpen(response.clone());
      return response;
    };
  }

  private async inspectOpen(response: Response): Promise<void> {
    // A body that is not JSON is no app-token refusal: nothing to report.
    const body = (await response.json().catch(() => undefined)) as { ok?: boolean; error?: string; needed?: string } | undefined;
    if (!body || body.ok !== false || typeof body.error !== 'string') return;
    const line = appTokenProblem(body.error, body.needed);
    if (!line) {
      this.log.warn({ error: body.error }, 'apps.connections.open failed; Socket Mode will retry');
      return;
    }
    // Retries repeat the same refusal every few seconds: say it once per kind, loudly.
    if (this.tokenProblem?.code !== body.error) this.log.error({ error: body.error }, line);
    this.tokenProblem = { code: body.error, line };
    this.rejectStart?.(new AppTokenError(line, body.error));
  }
}
