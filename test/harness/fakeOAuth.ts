/**
 * The fake Slack's OAuth side (distributed mode, issue 15): workspaces and Enterprise Grid orgs that
 * install the app through the real flow, the tokens they get, and who each token is.
 *
 * - `GET /oauth/v2/authorize` (beside the Web API URL, where Handoff sends the browser): the person
 *   approves — into the workspace or org a test queued with `approveNextInstall`, else the fake's own
 *   workspace — and is redirected to the app's redirect URL with a single-use code and the state.
 * - `oauth.v2.access`: a code for a bot token (workspace or org-wide install), or, with token rotation
 *   on, a refresh token for a new token pair. Codes and refresh tokens are single-use
 *   (`invalid_code`, `invalid_refresh_token` when spent again); rotating tokens expire (`token_expired`,
 *   by the fake's `now()`).
 * - Each token is one installation's: auth.test answers with its workspace (or org) and bot, and what
 *   it may reach is that workspace's people (an org-wide token: every workspace of the org).
 * Error names as in Slack's oauth.v2.access reference.
 */
import { randomBytes } from 'node:crypto';

type Json = Record<string, unknown>;

export interface FakeOAuthApp {
  clientId: string;
  clientSecret: string;
  /** The Redirect URL configured in the app's settings. */
  redirectUri: string;
  /** Token rotation on: bot tokens expire after this many seconds and come with a refresh token. */
  tokenExpiresInSec?: number;
}

export interface FakeWorkspace {
  teamId: string;
  name: string;
  domain: string;
  enterpriseId: string | null;
}

export interface FakeEnterprise {
  enterpriseId: string;
  name: string;
  domain: string;
}

/** Where the next "Allow" in the browser installs the app, or that the person cancels. */
export type FakeInstallTarget = { teamId: string; userId?: string } | { enterpriseId: string; orgWide: true; userId?: string } | { deny: true };

/** Who a bot token belongs to. */
export interface TokenOwner {
  teamId: string | null;
  enterpriseId: string | null;
  orgWide: boolean;
  botUserId: string;
  botId: string;
  /** The fake's `now()` in ms at which the token stops working; null: never. */
  expiresAt: number | null;
  /** The single-workspace token the fake was started with (no tenant checks, as before). */
  primary: boolean;
  /** Revoked (`revoke`): every call with it answers token_revoked. */
  revoked?: boolean;
}

interface Grant {
  target: Exclude<FakeInstallTarget, { deny: true }>;
  redirectUri: string;
  scope: string;
  used: boolean;
}

interface RefreshToken {
  owner: TokenOwner;
  scope: string;
  used: boolean;
}

const rand = () => randomBytes(12).toString('hex');

export class FakeOAuth {
  app: FakeOAuthApp | undefined;
  private readonly workspaces = new Map<string, FakeWorkspace>();
  private readonly enterprises = new Map<string, FakeEnterprise>();
  private readonly grants = new Map<string, Grant>();
  private readonly tokens = new Map<string, TokenOwner>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly queue: FakeInstallTarget[] = [];
  private counter = 0;

  constructor(
    private readonly primary: { token: string; workspace: FakeWorkspace; botUserId: string; botId: string; appId: string },
    private readonly now: () => number,
    /** Each installation gets a bot user in its workspace (or org). */
    private readonly addBotUser: (user: { id: string; teamId: string }) => void,
  ) {
    this.workspaces.set(primary.workspace.teamId, primary.workspace);
    this.tokens.set(primary.token, {
      teamId: primary.workspace.teamId,
      enterpriseId: null,
      orgWide: false,
      botUserId: primary.botUserId,
      botId: primary.botId,
      expiresAt: null,
      primary: true,
    });
  }

  addWorkspace(input: { teamId: string; name?: string; domain?: string; enterpriseId?: string }): FakeWorkspace {
    const ws = { teamId: input.teamId, name: input.name ?? input.teamId, domain: input.domain ?? input.teamId.toLowerCase(), enterpriseId: input.enterpriseId ?? null };
    this.workspaces.set(ws.teamId, ws);
    return ws;
  }

  addEnterprise(input: { enterpriseId: string; name?: string; domain?: string }): FakeEnterprise {
    const org = { enterpriseId: input.enterpriseId, name: input.name ?? input.enterpriseId, domain: input.domain ?? input.enterpriseId.toLowerCase() };
    this.enterprises.set(org.enterpriseId, org);
    return org;
  }

  workspace(teamId: string): FakeWorkspace | undefined {
    return this.workspaces.get(teamId);
  }

  approveNextInstall(target: FakeInstallTarget): void {
    this.queue.push(target);
  }

  owner(token: string): TokenOwner | undefined {
    return this.tokens.get(token);
  }

  /** One token stops working (token_revoked), as when an admin revokes it; others are untouched. */
  revoke(token: string): void {
    const owner = this.tokens.get(token);
    if (owner) owner.revoked = true;
  }

  /** Whether a token's installation may reach a person of workspace `teamId`. */
  reaches(owner: TokenOwner, teamId: string): boolean {
    if (owner.primary) return true;
    if (owner.orgWide) return this.workspaces.get(teamId)?.enterpriseId === owner.enterpriseId;
    return owner.teamId === teamId;
  }

  /** auth.test for `owner`; an org-wide token names the workspace it was asked about (`team_id`). */
  authTest(owner: TokenOwner, teamIdArg: string | undefined): Json {
    const org = owner.enterpriseId ? this.enterprises.get(owner.enterpriseId) : undefined;
    const teamId = owner.orgWide ? (teamIdArg && this.reaches(owner, teamIdArg) ? teamIdArg : '') : owner.teamId!;
    const ws = teamId ? this.workspaces.get(teamId) : undefined;
    return {
      url: ws ? `https://${ws.domain}.slack.com/` : `https://${org?.domain ?? 'org'}.enterprise.slack.com/`,
      team: ws?.name ?? org?.name ?? '',
      user: 'handoff',
      team_id: teamId,
      user_id: owner.botUserId,
      bot_id: owner.botId,
      app_id: this.primary.appId,
      ...(owner.enterpriseId ? { enterprise_id: owner.enterpriseId } : {}),
      is_enterprise_install: owner.orgWide,
    };
  }

  /**
   * auth.teams.list for `owner`: the workspaces an org-wide token's org approved (here, every workspace
   * of the org), a workspace token's own; by id, `limit` a page (1–1000, default 100), the cursor an offset.
   */
  authTeamsList(owner: TokenOwner, limitArg: number | undefined, cursor: string | undefined): Json {
    const limit = limitArg ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return { ok: false, error: 'invalid_limit' };
    const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
    if (!Number.isInteger(start) || start < 0) return { ok: false, error: 'invalid_cursor' };
    const all = [...this.workspaces.values()]
      .filter((w) => (owner.orgWide ? w.enterpriseId === owner.enterpriseId : w.teamId === owner.teamId))
      .sort((a, b) => (a.teamId < b.teamId ? -1 : 1));
    const next = start + limit < all.length ? Buffer.from(String(start + limit)).toString('base64url') : '';
    return { teams: all.slice(start, start + limit).map((w) => ({ id: w.teamId, name: w.name })), response_metadata: { next_cursor: next } };
  }

  /** GET /oauth/v2/authorize: a redirect back to the app (or an error page for a misconfigured one). */
  authorize(url: URL): { status: number; location?: string; body?: string } {
    const app = this.app;
    const params = url.searchParams;
    if (!app || params.get('client_id') !== app.clientId) return { status: 400, body: 'invalid client_id' };
    const redirectUri = params.get('redirect_uri') ?? app.redirectUri;
    if (redirectUri !== app.redirectUri) return { status: 400, body: 'bad redirect_uri' };
    const state = params.get('state');
    const back = new URL(redirectUri);
    if (state !== null) back.searchParams.set('state', state);
    const target = this.queue.shift() ?? { teamId: this.primary.workspace.teamId };
    if ('deny' in target) {
      back.searchParams.set('error', 'access_denied');
      return { status: 302, location: back.href };
    }
    const code = `code-${++this.counter}-${rand()}`;
    this.grants.set(code, { target, redirectUri, scope: params.get('scope') ?? '', used: false });
    back.searchParams.set('code', code);
    return { status: 302, location: back.href };
  }

  /** oauth.v2.access: a code or a refresh token for tokens; `{ ok: false, error }` as Slack answers. */
  access(args: Json): Json {
    const app = this.app;
    if (!app || args.client_id !== app.clientId) return { ok: false, error: 'invalid_client_id' };
    if (args.client_secret !== app.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const grantType = typeof args.grant_type === 'string' ? args.grant_type : 'authorization_code';
    if (grantType === 'refresh_token') return this.refresh(String(args.refresh_token ?? ''));
    if (grantType !== 'authorization_code') return { ok: false, error: 'invalid_grant_type' };
    const grant = this.grants.get(String(args.code ?? ''));
    if (!grant || grant.used) return { ok: false, error: 'invalid_code' };
    if (args.redirect_uri !== undefined && args.redirect_uri !== grant.redirectUri) return { ok: false, error: 'bad_redirect_uri' };
    grant.used = true;
    return this.install(grant);
  }

  /** How many token refreshes Slack accepted. */
  refreshCount = 0;

  private install(grant: Grant): Json {
    const orgWide = 'orgWide' in grant.target;
    const ws = 'teamId' in grant.target ? this.workspaces.get(grant.target.teamId) : undefined;
    const enterpriseId = 'enterpriseId' in grant.target ? grant.target.enterpriseId : (ws?.enterpriseId ?? null);
    const org = enterpriseId ? this.enterprises.get(enterpriseId) : undefined;
    const key = orgWide ? enterpriseId! : ws?.teamId;
    if (!key || (orgWide && !org) || (!orgWide && !ws)) return { ok: false, error: 'invalid_team' };
    // Grid user ids start with W; one bot user per installation.
    const owner: TokenOwner = {
      teamId: orgWide ? null : key,
      enterpriseId,
      orgWide,
      botUserId: `${orgWide ? 'W' : 'U'}BOT${key}`,
      botId: `B${key}`,
      expiresAt: null,
      primary: false,
    };
    this.addBotUser({ id: owner.botUserId, teamId: orgWide ? key : ws!.teamId });
    return {
      ok: true,
      app_id: this.primary.appId,
      authed_user: { id: grant.target.userId ?? 'UINSTALLER' },
      scope: grant.scope,
      token_type: 'bot',
      bot_user_id: owner.botUserId,
      team: orgWide ? null : { id: ws!.teamId, name: ws!.name },
      enterprise: org ? { id: org.enterpriseId, name: org.name } : null,
      is_enterprise_install: orgWide,
      ...this.issue(owner, grant.scope),
    };
  }

  private refresh(refreshToken: string): Json {
    const record = this.refreshTokens.get(refreshToken);
    if (!record || record.used) return { ok: false, error: 'invalid_refresh_token' };
    record.used = true;
    this.refreshCount += 1;
    const owner = { ...record.owner };
    const ws = owner.teamId ? this.workspaces.get(owner.teamId) : undefined;
    const org = owner.enterpriseId ? this.enterprises.get(owner.enterpriseId) : undefined;
    return {
      ok: true,
      app_id: this.primary.appId,
      scope: record.scope,
      token_type: 'bot',
      bot_user_id: owner.botUserId,
      team: ws ? { id: ws.teamId, name: ws.name } : null,
      enterprise: org ? { id: org.enterpriseId, name: org.name } : null,
      is_enterprise_install: owner.orgWide,
      ...this.issue(owner, record.scope),
    };
  }

  /** A new bot token for `owner` (and, with rotation on, its refresh token and lifetime). */
  private issue(owner: TokenOwner, scope: string): Json {
    const n = ++this.counter;
    const expiresIn = this.app?.tokenExpiresInSec;
    const token = expiresIn ? `xoxe.xoxb-1-${n}-${rand()}` : `xoxb-${n}-${rand()}`;
    this.tokens.set(token, { ...owner, expiresAt: expiresIn ? this.now() + expiresIn * 1000 : null });
    if (!expiresIn) return { access_token: token };
    const refreshToken = `xoxe-1-${n}-${rand()}`;
    this.refreshTokens.set(refreshToken, { owner, scope, used: false });
    return { access_token: token, refresh_token: refreshToken, expires_in: expiresIn };
  }
}
