/**
 * Who Handoff is in Slack, from auth.test: the bot's ids (to recognise its own messages), the
 * workspace id, and the workspace URL (to recognise the workspace's own permalinks). One call is
 * shared by every caller and only a success is remembered, so a Slack outage at start-up is not
 * cached for the life of the process. In distributed mode each workspace has its own answer (`scope`
 * names the workspace the running work is for; the shared client calls auth.test with its token).
 */
import type { Authorize } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';
import { classifySlackError } from './errors';
import { withDeadline } from '../deadline';

export interface BotIdentity {
  teamId?: string;
  botId?: string;
  botUserId?: string;
  /** e.g. https://acme.slack.com/ */
  url?: string;
}

export class SlackIdentity {
  private readonly known = new Map<string, BotIdentity>();
  private readonly pending = new Map<string, Promise<BotIdentity | null>>();

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
    /** Called after each successful auth.test with the workspace id (e.g. to resume delivery). */
    private readonly onVerified: (teamId: string) => void = () => undefined,
    /** Which workspace's identity the running work needs; one for all in single-workspace mode. */
    private readonly scope: () => string = () => '',
  ) {}

  /** What auth.test said, or null while it has never answered. */
  current(): BotIdentity | null {
    return this.known.get(this.scope()) ?? null;
  }

  /** The identity, asking auth.test if it is not known yet; null when Slack did not answer. */
  resolve(): Promise<BotIdentity | null> {
    const key = this.scope();
    const known = this.known.get(key);
    if (known) return Promise.resolve(known);
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.client.auth
        .test()
        .then((r) => {
          const identity = { teamId: r.team_id, botId: r.bot_id, botUserId: r.user_id, url: r.url };
          this.known.set(key, identity);
          if (r.team_id) this.onVerified(r.team_id);
          return identity;
        })
        .catch((e: unknown) => {
          this.logger.warn({ error: classifySlackError(e).code }, 'auth.test failed; answering without the bot’s own ids, will retry');
          return null;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  /** Resolves once a running auth.test answered (or failed), for start-up. */
  async settled(ms: number): Promise<void> {
    await withDeadline(this.pending.get(this.scope()) ?? this.resolve(), ms);
  }

  /**
   * Single-workspace authorisation. Bolt's built-in one (the `token` option) calls auth.test once,
   * in the constructor, and caches the promise: if Slack is unreachable at that moment the failure
   * is cached too, and from then on every request is acked empty with no listener run. Here, until
   * auth.test succeeds, requests run with the token alone (the bot's own ids only serve to ignore
   * its own messages) and the next request retries — never holding an ack for more than a second.
   */
  authorize(botToken: string): Authorize<boolean> {
    return async () => {
      const ids = this.current() ?? (await withDeadline(this.resolve(), 1000));
      const known = ids && ids !== 'timeout' ? { botId: ids.botId, botUserId: ids.botUserId } : {};
      return { botToken, ...known };
    };
  }
}
