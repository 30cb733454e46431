/**
 * "Can Handoff reach Slack right now?", for GET /readyz. /healthz answers for the process and its
 * database; a bot that is alive but cut off from Slack is healthy and not ready.
 */
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock';
import { classifySlackError } from './errors';

export interface ReadinessReport {
  ready: boolean;
  mode: 'socket' | 'http';
  /** Why not ready, in words an operator can act on. */
  reason?: string;
  /** ISO time of the last moment Slack was known reachable. */
  lastConnectedAt?: string;
}

export interface SlackReadiness {
  check(): Promise<ReadinessReport>;
}

/** An auth.test older than this is asked again before /readyz answers. */
export const AUTH_PROBE_FRESH_MS = 60_000;
/** /readyz answers within this even if auth.test hangs (a hanging Slack is not a reachable one). */
export const AUTH_PROBE_TIMEOUT_MS = 2_000;

/**
 * HTTP mode has no standing connection: Slack is reachable when the last auth.test with the bot token
 * succeeded recently. A stale result is refreshed on demand (one call in flight at a time), so a probe
 * every few seconds costs at most one auth.test a minute.
 */
export class AuthTestReadiness implements SlackReadiness {
  private lastOkAt: Date | undefined;
  private lastCheckedAt: Date | undefined;
  private lastError: string | undefined;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly client: WebClient,
    private readonly clock: Clock,
    /**
     * What is asked, and how /readyz names it. Distributed mode has no one bot token: it asks api.test
     * (Slack answers it without one), so "ready" means Slack's Web API answers.
     */
    private readonly probeCall: { call: (client: WebClient) => Promise<unknown>; method: string; credential: string } = {
      call: (client) => client.auth.test(),
      method: 'auth.test',
      credential: ' with SLACK_BOT_TOKEN',
    },
  ) {}

  async check(): Promise<ReadinessReport> {
    const now = this.clock.now().getTime();
    if (this.lastCheckedAt === undefined || now - this.lastCheckedAt.getTime() >= AUTH_PROBE_FRESH_MS) {
      await this.probe();
    }
    const fresh = this.lastOkAt !== undefined && now - this.lastOkAt.getTime() < AUTH_PROBE_FRESH_MS && this.lastError === undefined;
    return {
      ready: fresh,
      mode: 'http',
      ...(fresh ? {} : { reason: `Slack Web API not reachable${this.probeCall.credential} (${this.probeCall.method}: ${this.lastError ?? 'no answer yet'})` }),
      ...(this.lastOkAt ? { lastConnectedAt: this.lastOkAt.toISOString() } : {}),
    };
  }

  private probe(): Promise<void> {
    this.inFlight ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), AUTH_PROBE_TIMEOUT_MS)));
      try {
        const outcome = await Promise.race([this.probeCall.call(this.client).then(() => 'ok' as const), timeout]);
        this.lastError = outcome === 'ok' ? undefined : `no answer within ${AUTH_PROBE_TIMEOUT_MS} ms`;
        if (outcome === 'ok') this.lastOkAt = this.clock.now();
      } catch (e) {
        this.lastError = classifySlackError(e).code;
      } finally {
        clearTimeout(timer);
        this.lastCheckedAt = this.clock.now();
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }
}
