/**
 * Distributed mode (issue 15): which workspace a piece of work is for, and the shared WebClient that
 * calls Slack with that workspace's bot token.
 *
 * Services and deliveries call Slack through one shared client. In single-workspace mode it carries the
 * one bot token. In distributed mode it is a `TenantClient`: the workspace is carried alongside the
 * work (AsyncLocalStorage, set once per request by a Bolt middleware and once per outbox row by the
 * dispatcher's handlers), and each call asks `TenantTokens` for that workspace's token — so no service
 * passes a team id to its Slack calls, and a call made outside any workspace fails loudly (not_authed)
 * instead of going out with another workspace's token.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ErrorCode, WebClient, type WebAPICallResult, type WebClientOptions } from '@slack/web-api';
import { classifySlackError } from './errors';

export interface Tenant {
  teamId: string;
  /** The Enterprise Grid org, when the request named one. */
  enterpriseId?: string | null;
}

const scope = new AsyncLocalStorage<Tenant>();

/** Runs `fn` (and everything it starts) on behalf of `tenant`. */
export function inTenant<T>(tenant: Tenant, fn: () => T): T {
  return scope.run(tenant, fn);
}

/** The workspace the running work is for, if any. */
export function currentTenant(): Tenant | undefined {
  return scope.getStore();
}

/** A bot token for one workspace. */
export interface TenantGrant {
  token: string;
  /** An org-wide token: calls name the workspace they are about (`team_id`), as Bolt's clients do. */
  orgWide: boolean;
}

export interface TenantTokens {
  grantFor(tenant: Tenant): Promise<TenantGrant>;
  /** Slack refused `grant`: whether a newer token is stored now (a re-install, another replica's refresh). */
  refused(tenant: Tenant, grant: TenantGrant): Promise<boolean>;
}

/**
 * An error shaped as Slack's own `{ ok: false, error: code }`, so callers classify it as they would
 * Slack's answer (not_authed, token_expired: the workspace pauses, its deliveries wait for a re-install).
 */
export function slackRefusal(code: string, message: string): Error {
  return Object.assign(new Error(message), { code: ErrorCode.PlatformError, data: { ok: false, error: code } });
}

export class TenantClient extends WebClient {
  constructor(
    private readonly tokens: TenantTokens,
    options: WebClientOptions,
  ) {
    super(undefined, options);
  }

  override async apiCall(method: string, options: Record<string, unknown> = {}): Promise<WebAPICallResult> {
    // A call that brings its own token (none of ours do) is not ours to route.
    if (options.token !== undefined) return super.apiCall(method, options);
    const tenant = currentTenant();
    if (!tenant) throw slackRefusal('not_authed', `Slack call ${method} made outside any workspace: there is no bot token to use`);
    const grant = await this.tokens.grantFor(tenant);
    try {
      return await super.apiCall(method, withGrant(options, tenant, grant));
    } catch (e) {
      if (classifySlackError(e).kind !== 'revoked' || !(await this.tokens.refused(tenant, grant))) throw e;
      return super.apiCall(method, withGrant(options, tenant, await this.tokens.grantFor(tenant)));
    }
  }
}

function withGrant(options: Record<string, unknown>, tenant: Tenant, grant: TenantGrant): Record<string, unknown> {
  return grant.orgWide && options.team_id === undefined ? { ...options, token: grant.token, team_id: tenant.teamId } : { ...options, token: grant.token };
}
