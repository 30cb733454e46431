/**
 * Classifies a Web API failure so callers decide once: retry later, give up, or stop the workspace.
 * Shapes are those of @slack/web-api's errors (code + data.error / retryAfter / statusCode).
 */

export type SlackFailure =
  | { kind: 'rate_limited'; code: 'ratelimited'; retryAfterMs: number }
  | { kind: 'transient'; code: string }
  | { kind: 'permanent'; code: string }
  | { kind: 'revoked'; code: string };

// token_expired: a rotating token (distributed mode) that could not be refreshed; a re-install brings it back.
const REVOKED = new Set(['token_revoked', 'token_expired', 'invalid_auth', 'not_authed', 'account_inactive_workspace', 'team_disabled', 'app_uninstalled']);
/** Codes that mean Slack no longer accepts the bot token for this workspace. */
export const isRevokedCode = (code: string | undefined): boolean => code !== undefined && REVOKED.has(code);
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

interface WebApiErrorLike {
  code?: string;
  data?: { error?: string };
  retryAfter?: number;
  statusCode?: number;
  message?: string;
}

export function classifySlackError(e: unknown): SlackFailure {
  const err = (e ?? {}) as WebApiErrorLike;
  switch (err.code) {
    case 'slack_webapi_rate_limited_error':
      return { kind: 'rate_limited', code: 'ratelimited', retryAfterMs: Math.max(1, err.retryAfter ?? 1) * 1000 };
    case 'slack_webapi_platform_error': {
      const code = err.data?.error ?? 'unknown_error';
      if (REVOKED.has(code)) return { kind: 'revoked', code };
      if (TRANSIENT.has(code)) return { kind: 'transient', code };
      return { kind: 'permanent', code };
    }
    case 'slack_webapi_http_error':
      // 5xx and odd proxies are worth another try; a 4xx other than 429 will not get better.
      return (err.statusCode ?? 500) >= 500 || err.statusCode === 408
        ? { kind: 'transient', code: `http_${err.statusCode ?? 'error'}` }
        : { kind: 'permanent', code: `http_${err.statusCode}` };
    default:
      // Network errors, timeouts, anything unexpected: assume it may work next time.
      return { kind: 'transient', code: err.code ?? err.message ?? 'request_failed' };
  }
}

/** Plain words for the person who asked, for the errors people can do something about. */
export function explainSlackError(code: string, target: string): string {
  switch (code) {
    case 'not_in_channel':
      return `I’m not a member of ${target}. Add me with \`/invite @Handoff\` there, then try again.`;
    case 'channel_not_found':
      return `I can’t see ${target} — it may be private or archived. Invite me to it, or pick another channel.`;
    case 'is_archived':
      return `${target} is archived, so I can’t post there.`;
    case 'user_not_found':
      return `${target} isn’t a member of this workspace any more.`;
    case 'account_inactive':
    case 'user_disabled':
      return `${target}’s account is deactivated, so they can’t be notified.`;
    case 'cannot_dm_bot':
      return `${target} is an app, so I can’t send it a message.`;
    case 'ratelimited':
      return `Slack asked me to slow down; I’ll deliver to ${target} shortly.`;
    case 'token_revoked':
    case 'token_expired':
    case 'invalid_auth':
    case 'not_authed':
    case 'account_inactive_workspace':
    case 'team_disabled':
    case 'app_uninstalled':
      return `Slack no longer accepts Handoff’s access to this workspace (was the app uninstalled?), so nothing can reach ${target} for now. It is saved and will be delivered once Handoff is reinstalled.`;
    default:
      return `Slack returned “${code}” for ${target}; I’ll keep the handoff and retry where it makes sense.`;
  }
}

/**
 * For something tried once and not queued (posting a meeting agenda): what went wrong, and never a
 * promise that Handoff will try again by itself.
 */
export function explainOneShotFailure(code: string, target: string): string {
  switch (code) {
    case 'not_in_channel':
    case 'channel_not_found':
    case 'is_archived':
      return `${explainSlackError(code, target)} It was not posted.`;
    case 'msg_too_long':
      return `it is longer than Slack accepts in one message, so it was not posted in ${target}.`;
    case 'ratelimited':
      return `Slack asked me to slow down, so it was not posted in ${target}. I won’t retry on my own — please post it there yourself.`;
    default:
      return isRevokedCode(code)
        ? `Slack no longer accepts Handoff’s access to this workspace (was the app uninstalled?), so it was not posted in ${target}.`
        : `Slack returned “${code}”, so it was not posted in ${target}. I won’t retry on my own — please post it there yourself.`;
  }
}
