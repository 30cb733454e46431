/**
 * A fake Slack Web API on 127.0.0.1 for end-to-end tests.
 *
 * The real Bolt app (and any WebClient) points `slackApiUrl` at `fake.url`. The fake keeps a
 * small workspace (users, channels, DMs, messages, views), answers with Slack's response shapes
 * and error names, enforces Block Kit limits, records every call, and can inject faults
 * (429s, 5xx, platform errors, latency, revoked tokens).
 *
 * Error names were checked against the Slack method reference (docs.slack.dev/reference/methods)
 * and the slack-api-ref method specs. Deliberate choices:
 * - views.* reject bad views with `invalid_arguments` (+ response_metadata.messages) like real
 *   Slack does; chat.* use `invalid_blocks`.
 * - A reused trigger is `exchanged_trigger_id`, an old one `expired_trigger_id`, an unknown
 *   one `invalid_trigger_id`.
 * - `cannot_dm_bot` is not in the published error lists but is what Slack returns for a bot user.
 *
 * Distributed mode (issue 15): `fake.oauth` (fakeOAuth.ts) installs the app into more workspaces and
 * Enterprise Grid orgs through /oauth/v2/authorize and oauth.v2.access, with token rotation. Every
 * call is answered as the installation its token belongs to (auth.test, the bot that posts, the people,
 * channels, DMs and views it may reach), and recorded with that token and workspace. Channels and the
 * views opened in a workspace are that workspace's (an org-wide token reaches those of the workspace
 * its call names); people are their org's; another workspace's are not found. The token the fake
 * was started with is the single-workspace one and behaves as before.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { randomBytes } from 'node:crypto';
import type { AnyBlock, MessageMetadata } from '@slack/types';
import { validateSurface } from './blockKit';
import { FakeSocketMode } from './fakeSocketMode';
import { FakeOAuth, type TokenOwner } from './fakeOAuth';
import { busiestWindow, KeyedSlidingWindow, retryAfterSeconds, SlidingWindow } from './slidingWindow';

type Json = Record<string, unknown>;
type Args = Record<string, unknown>;

export interface FakeSlackOptions {
  botToken?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  teamDomain?: string;
  /** App-level token (`xapp-…`) that apps.connections.open accepts. */
  appToken?: string;
  /** The app-level token's scopes; Socket Mode needs `connections:write`. */
  appTokenScopes?: string[];
}

export interface FakeUserInput {
  id: string;
  name?: string;
  real_name?: string;
  tz?: string;
  /** Seconds east of UTC; computed from `tz` at the fake's `now()` when omitted. */
  tz_offset?: number;
  is_bot?: boolean;
  deleted?: boolean;
  is_admin?: boolean;
  team_id?: string;
  /** Other workspaces of the same Enterprise Grid org the person is also a member of. */
  also_in?: string[];
  status?: FakeStatus;
}

/** A Slack status: text, emoji, and when Slack clears it (epoch seconds, 0 = never). */
export interface FakeStatus {
  text: string;
  emoji: string;
  expiration: number;
}

export interface FakeUser {
  id: string;
  name: string;
  real_name: string;
  tz: string;
  tz_offset?: number;
  is_bot: boolean;
  deleted: boolean;
  is_admin: boolean;
  team_id: string;
  also_in: string[];
  status?: FakeStatus;
}

export interface FakeChannelInput {
  id: string;
  name: string;
  is_private?: boolean;
  /** Human members. The bot's membership is `botIsMember` (default true). */
  members: string[];
  botIsMember?: boolean;
  /** The workspace the channel is in (default: the fake's own); other installations' tokens cannot see it. */
  team_id?: string;
}

export interface FakeChannel {
  id: string;
  name: string;
  is_private: boolean;
  members: string[];
  botIsMember: boolean;
  created: number;
  team_id: string;
}

export interface FakeMessage {
  type: 'message';
  channel: string;
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  team?: string;
  blocks?: AnyBlock[];
  attachments?: unknown[];
  metadata?: MessageMetadata;
  thread_ts?: string;
  parent_user_id?: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  edited?: { user: string; ts: string };
  /** Files shared with the message (files.completeUploadExternal with a channel_id). */
  files?: Array<{ id: string; name: string; title: string; size: number; permalink: string }>;
}

/**
 * A file uploaded through files.getUploadURLExternal → its upload URL → files.completeUploadExternal,
 * with the bytes that reached the upload URL (a test checks what was sent, e.g. a PNG's signature).
 */
export interface FakeFile {
  id: string;
  filename: string;
  /** The length announced in files.getUploadURLExternal. */
  length: number;
  title?: string;
  altText?: string;
  /** What was POSTed to the upload URL (the file part of a multipart body, or the raw body); null until then. */
  bytes: Buffer | null;
  team: string;
  /** Shared into this conversation on completion; null while not completed or completed without a channel. */
  channel: string | null;
  completed: boolean;
  initialComment?: string;
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  message_ts: string;
  text: string;
  blocks?: AnyBlock[];
  thread_ts?: string;
}

/** A view as Slack returns it, plus the user it belongs to. */
export interface FakeView {
  user: string;
  view: Json & { id: string; type: string; hash: string; external_id: string };
}

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** Wall-clock ms when the request arrived. */
  at: number;
  status: number;
  response: unknown;
  /** The token the call was made with. */
  token?: string;
  /** The workspace it was made for: its token's (an org-wide token's: the `team_id` it named). */
  team?: string;
  /**
   * The tag of a client whose base URL is `…/via/<tag>/api/` instead of `…/api/`: several processes
   * sharing one fake (replicas) each get their own base URL, so their calls can be told apart.
   */
  via?: string;
}

/** The message metadata a call sent (chat.postMessage/update), whether @slack/web-api sent it as JSON text or an object. */
export function metadataOf(call: RecordedCall): { event_type?: string; event_payload?: Record<string, unknown> } | undefined {
  let metadata = call.args.metadata;
  if (typeof metadata === 'string') {
    try {
      metadata = JSON.parse(metadata);
    } catch {
      return undefined;
    }
  }
  return metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined;
}

interface FaultRule {
  method?: string;
  remaining: number;
}
interface RateLimitRule extends FaultRule {
  retryAfterSec: number;
  /** Only calls posting to this conversation (a channel id, a DM id or the user id a DM goes to). */
  channel?: string;
}
interface FailRule extends FaultRule {
  status?: number;
  error?: string;
}
interface PendingDelay {
  timer: NodeJS.Timeout;
  done: () => void;
}
interface Trigger {
  userId: string;
  issuedAt: number;
  used: boolean;
}

/** Thrown by method handlers; becomes `{ ok: false, error, ...extra }`. */
class ApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Json = {},
  ) {
    super(error);
  }
}

const TRIGGER_TTL_MS = 3000; // Slack: "trigger_id expires in 3 seconds"
const MAX_TEXT = 40000; // chat.postMessage: text beyond 40,000 characters is refused here
const JSON_FIELDS = ['blocks', 'view', 'metadata', 'attachments']; // sent as JSON strings by @slack/web-api
const FIRST_TS_SEC = 1700000000;
const MAX_VIEW_STACK = 3; // views.push: push_limit_reached beyond 3 views
/** Methods Slack answers without a token (oauth.v2.access authenticates with the client id and secret). */
const NO_TOKEN_METHODS = new Set(['api.test', 'oauth.v2.access']);

export class FakeSlack {
  readonly botToken: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly appId: string;
  readonly teamDomain: string;
  readonly appToken: string;
  /** The app-level token's scopes; a test may drop `connections:write` to see the app refuse to start. */
  appTokenScopes: string[];
  /** Socket Mode: connections, envelopes and acks. */
  readonly socketMode: FakeSocketMode;
  /** Installs through OAuth, and who each token is (distributed mode). */
  readonly oauth: FakeOAuth;
  /** Clock for trigger expiry; override to simulate a stale trigger. */
  now: () => number = () => Date.now();

  readonly calls: RecordedCall[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  /** Every file upload begun, by file id. */
  readonly files = new Map<string, FakeFile>();

  private readonly server: Server;
  private readonly events = new EventEmitter();
  private readonly users = new Map<string, FakeUser>();
  private readonly channels = new Map<string, FakeChannel>();
  private readonly dms = new Map<string, string>(); // dm id -> user id
  private readonly messages = new Map<string, FakeMessage[]>(); // channel id -> messages, oldest first
  private readonly views = new Map<string, FakeView>();
  private readonly viewStacks = new Map<string, string[]>(); // user id -> modal stack
  private readonly homeViews = new Map<string, string>(); // user id -> view id
  private readonly triggers = new Map<string, Trigger>();
  private readonly pendingDelays = new Set<PendingDelay>();
  private readonly inFlightByMethod = new Map<string, number>();
  private tsCounter = 0;
  private idCounter = 0;
  private revoked = false;
  /** Whom the call being answered is from (set around each handler). */
  private caller!: { owner: TokenOwner; teamId: string };
  private rateLimits: RateLimitRule[] = [];
  private failures: FailRule[] = [];
  private delays = new Map<string, number | (() => number)>();
  private perSecond = new Map<string, SlidingWindow>();
  private perChannel = new Map<string, { retryAfterSec: number; windows: KeyedSlidingWindow }>();
  private perWorkspace = new Map<string, KeyedSlidingWindow>();

  private readonly handlers: Record<string, (args: Args) => Json> = {
    'api.test': (args) => ({ args }),
    'auth.test': (args) => this.oauth.authTest(this.caller.owner, optStr(args, 'team_id')),
    'auth.teams.list': (args) => this.oauth.authTeamsList(this.caller.owner, args.limit === undefined ? undefined : Number(args.limit), optStr(args, 'cursor')),
    'users.info': (args) => this.usersInfo(args),
    'users.list': (args) => this.usersList(args),
    'conversations.open': (args) => this.conversationsOpen(args),
    'conversations.info': (args) => ({ channel: this.conversationJson(this.requireConversation(args.channel)) }),
    'conversations.members': (args) => this.conversationsMembers(args),
    'conversations.history': (args) => this.conversationsHistory(args),
    'conversations.replies': (args) => this.conversationsReplies(args),
    'chat.postMessage': (args) => this.chatPostMessage(args),
    'chat.postEphemeral': (args) => this.chatPostEphemeral(args),
    'chat.update': (args) => this.chatUpdate(args),
    'chat.delete': (args) => this.chatDelete(args),
    'chat.getPermalink': (args) => this.chatGetPermalink(args),
    'views.open': (args) => this.viewsOpen(args),
    'views.push': (args) => this.viewsPush(args),
    'views.update': (args) => this.viewsUpdate(args),
    'views.publish': (args) => this.viewsPublish(args),
    'files.getUploadURLExternal': (args) => this.filesGetUploadURLExternal(args),
    'files.completeUploadExternal': (args) => this.filesCompleteUploadExternal(args),
    'apps.connections.open': () => this.appsConnectionsOpen(),
    'oauth.v2.access': (args) => this.oauthV2Access(args),
  };

  private constructor(opts: FakeSlackOptions) {
    this.botToken = opts.botToken ?? 'xoxb-test-token';
    this.teamId = opts.teamId ?? 'T0001';
    this.botUserId = opts.botUserId ?? 'UBOT';
    this.botId = opts.botId ?? 'B0001';
    this.appId = opts.appId ?? 'A0001';
    this.teamDomain = opts.teamDomain ?? 'example';
    this.appToken = opts.appToken ?? 'xapp-1-A0001-1-fakeapptoken';
    this.appTokenScopes = [...(opts.appTokenScopes ?? ['connections:write'])];
    this.server = createServer((req, res) => void this.handle(req, res));
    this.socketMode = new FakeSocketMode(this.server, () => this.port, this.appId);
    this.oauth = new FakeOAuth(
      {
        token: this.botToken,
        workspace: { teamId: this.teamId, name: 'Handoff Test', domain: this.teamDomain, enterpriseId: null },
        botUserId: this.botUserId,
        botId: this.botId,
        appId: this.appId,
      },
      () => this.now(),
      (bot) => this.addUser({ id: bot.id, name: 'handoff', real_name: 'Handoff', is_bot: true, team_id: bot.teamId }),
    );
    this.caller = { owner: this.oauth.owner(this.botToken)!, teamId: this.teamId };
    this.addBotUser();
  }

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(opts);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Base URL for WebClient's `slackApiUrl`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async close(): Promise<void> {
    for (const pending of [...this.pendingDelays]) pending.done(); // let delayed handlers finish now
    this.socketMode.close();
    this.server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---------------------------------------------------------------- workspace state

  addUser(input: FakeUserInput): FakeUser {
    const name = input.name ?? input.id.toLowerCase();
    const user: FakeUser = {
      id: input.id,
      name,
      real_name: input.real_name ?? name,
      tz: input.tz ?? 'America/Los_Angeles',
      tz_offset: input.tz_offset,
      is_bot: input.is_bot ?? false,
      deleted: input.deleted ?? false,
      is_admin: input.is_admin ?? false,
      team_id: input.team_id ?? this.teamId,
      also_in: input.also_in ?? [],
      ...(input.status ? { status: input.status } : {}),
    };
    this.users.set(user.id, user);
    return user;
  }

  /**
   * Sets a person's Slack status and returns the `user_change` event Slack would send for it (a test
   * may deliver it, or not: an event lost while Handoff was down).
   */
  setStatus(id: string, status: FakeStatus | null): { type: 'user_change'; user: Json } {
    const user = this.users.get(id);
    if (!user) throw new Error(`no fake user ${id}`);
    if (status) user.status = status;
    else delete user.status;
    return { type: 'user_change', user: this.userJson(user) };
  }

  getUser(id: string): FakeUser | undefined {
    return this.users.get(id);
  }

  addChannel(input: FakeChannelInput): FakeChannel {
    const channel: FakeChannel = {
      id: input.id,
      name: input.name,
      is_private: input.is_private ?? false,
      members: [...input.members],
      botIsMember: input.botIsMember ?? true,
      created: FIRST_TS_SEC - 86400,
      team_id: input.team_id ?? this.teamId,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** The live channel record, so a test can change membership mid-test. */
  getChannel(id: string): FakeChannel | undefined {
    return this.channels.get(id);
  }

  /** The bot's DM with a user: `D` + the user id without its first letter, the same every run. */
  dmChannelFor(userId: string): string {
    const dmId = `D${userId.slice(1)}`;
    this.dms.set(dmId, userId);
    return dmId;
  }

  /** Seeds a message from someone other than the bot (e.g. the message a shortcut acts on). */
  addMessage(channel: string, msg: { user: string; text: string; ts?: string; thread_ts?: string; blocks?: AnyBlock[]; bot_id?: string }): FakeMessage {
    const channelId = this.isUserId(channel) ? this.dmChannelFor(channel) : channel;
    return this.storeMessage({ type: 'message', channel: channelId, team: this.teamId, ...msg, ts: msg.ts ?? this.nextTs() });
  }

  /** Drops every message of a channel, as if none had ever reached it (a post lost in a crash). */
  forgetMessagesIn(channelId: string): void {
    this.messages.delete(channelId);
  }

  /** Messages in a channel (or the bot's DM with a user), oldest first, thread replies included. */
  messagesIn(channelOrUserId: string): FakeMessage[] {
    const channelId = this.isUserId(channelOrUserId) ? this.dmChannelFor(channelOrUserId) : channelOrUserId;
    return [...(this.messages.get(channelId) ?? [])];
  }

  getView(viewId: string): FakeView | undefined {
    return this.views.get(viewId);
  }

  homeViewFor(userId: string): FakeView | undefined {
    const id = this.homeViews.get(userId);
    return id === undefined ? undefined : this.views.get(id);
  }

  /** A trigger_id as Slack would put in an interaction payload; valid once, for 3 seconds of `now()`. */
  issueTriggerId(userId = 'U0000'): string {
    const id = `${FIRST_TS_SEC + ++this.idCounter}.${this.teamId.length}${this.idCounter}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { userId, issuedAt: this.now(), used: false });
    return id;
  }

  /** A response_url served by this fake; POSTs to it are recorded as method 'response_url'. */
  responseUrl(): string {
    return `http://127.0.0.1:${this.port}/response/${this.teamId}/${++this.idCounter}/${randomBytes(8).toString('hex')}`;
  }

  // ---------------------------------------------------------------- recording

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * The most calls to `method` that arrived within any one second (a sliding window), from every
   * caller together — what a workspace-wide limit counts. Refused calls count: they arrived too.
   */
  busiestSecond(method: string): number {
    return busiestWindow(this.callsTo(method).map((c) => c.at)).count;
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  /** Requests to `method` (or to any method) that arrived and have not been answered yet. */
  inFlight(method?: string): number {
    if (method !== undefined) return this.inFlightByMethod.get(method) ?? 0;
    return [...this.inFlightByMethod.values()].reduce((a, b) => a + b, 0);
  }

  /** Resolves with the first call to `method` matching `predicate`, past or future. */
  waitFor(method: string, predicate: (call: RecordedCall) => boolean = () => true, timeoutMs = 3000): Promise<RecordedCall> {
    const matches = (call: RecordedCall): boolean => {
      try {
        return call.method === method && predicate(call);
      } catch {
        return false; // a predicate poking at a differently-shaped call is just "not this one"
      }
    };
    const seen = this.calls.find(matches);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const onCall = (call: RecordedCall): void => {
        if (!matches(call)) return;
        cleanup();
        resolve(call);
      };
      const timer = setTimeout(() => {
        cleanup();
        const summary = this.callsTo(method).map((c) => JSON.stringify(c.args).slice(0, 200));
        reject(new Error(`waitFor('${method}') timed out after ${timeoutMs}ms; calls to it: ${summary.length ? summary.join('\n') : 'none'}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('call', onCall);
      };
      this.events.on('call', onCall);
    });
  }

  // ---------------------------------------------------------------- fault injection

  /**
   * The next `times` (default 1) calls (to `method`, or any) get HTTP 429 with Retry-After. With
   * `channel`, only calls whose `channel` argument is that conversation (a user id and their DM id
   * are the same conversation) — a limit scoped to one conversation, as chat.postMessage has.
   */
  rateLimit(opts: { method?: string; retryAfterSec: number; times?: number; channel?: string }): void {
    this.rateLimits.push({ method: opts.method, retryAfterSec: opts.retryAfterSec, remaining: opts.times ?? 1, channel: opts.channel });
  }

  /** The next `times` (default 1) calls to `method` fail: HTTP `status` if given, else 200 with `error`. */
  failNext(method: string, opts: { status?: number; error?: string; times?: number } = {}): void {
    this.failures.push({ method, status: opts.status, error: opts.error, remaining: opts.times ?? 1 });
  }

  /**
   * Every call to `method` ('*' for all) waits `ms` before answering; 0 clears it. A function is asked
   * for each call (e.g. a seeded random latency between 1 and 3 seconds).
   */
  delay(method: string, ms: number | (() => number)): void {
    if (typeof ms === 'function' || ms > 0) this.delays.set(method, ms);
    else this.delays.delete(method);
  }

  /** Sliding one-second window: more than `n` calls to `method` in any second get 429, Retry-After 1. */
  setRateLimitPerSecond(method: string, n: number): void {
    this.perSecond.set(method, new SlidingWindow(n));
  }

  /**
   * Slack's per-conversation limit of chat.postMessage ("one message per second per channel", short
   * bursts allowed — docs.slack.dev/apis/web-api/rate-limits): more than `n` calls to `method` for one
   * conversation in any second get 429 with Retry-After `retryAfterSec` (default 1); other
   * conversations are not affected.
   */
  setChannelRateLimitPerSecond(method: string, n: number, retryAfterSec = 1): void {
    this.perChannel.set(method, { retryAfterSec, windows: new KeyedSlidingWindow(n) });
  }

  /**
   * Slack's limits are per workspace: more than `n` calls to `method` for one workspace (the one its
   * token, or an org-wide token's `team_id`, is for) in any second get 429; other workspaces are not
   * affected. For one workspace's wave beside another's (distributed mode).
   */
  setWorkspaceRateLimitPerSecond(method: string, n: number): void {
    this.perWorkspace.set(method, new KeyedSlidingWindow(n));
  }

  /** Every later call answers `token_revoked`, as after an app uninstall. */
  revokeToken(): void {
    this.revoked = true;
  }

  /** Removes injected faults and the revocation; keeps workspace state and recorded calls. */
  clearFaults(): void {
    this.revoked = false;
    this.rateLimits = [];
    this.failures = [];
    this.delays.clear();
    this.perSecond.clear();
    this.perChannel.clear();
    this.perWorkspace.clear();
  }

  /** Back to just-started: no faults, calls, users (but the bot), channels, messages, views or triggers. */
  reset(): void {
    this.clearFaults();
    this.clearCalls();
    this.ephemerals.length = 0;
    for (const map of [this.users, this.channels, this.dms, this.messages, this.views, this.viewStacks, this.homeViews, this.triggers]) {
      map.clear();
    }
    this.now = () => Date.now();
    this.addBotUser();
  }

  // ---------------------------------------------------------------- HTTP plumbing

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.handleRequest(req, res);
    } catch (err) {
      // A harness bug must show up as a failing call, not as an unhandled rejection that kills jest.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake slack error: ${String(err)}`);
    }
  }

  private async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    if (url.pathname.startsWith('/upload/v1/')) return this.handleUpload(url, req, at, res);
    const rawBody = await readBody(req);
    if (url.pathname.startsWith('/response/')) return this.handleResponseUrl(url, rawBody, at, res);
    if (url.pathname === '/oauth/v2/authorize') return this.handleAuthorize(url, at, res);
    const api = /^\/(?:via\/([^/]+)\/)?api\/(.*)$/.exec(url.pathname);
    const method = api?.[2] ?? '';
    const via = api?.[1] ? { via: api[1] } : {};
    let args: Args;
    try {
      args = { ...queryArgs(url), ...parseBody(rawBody, req.headers['content-type']) };
    } catch {
      return this.reply(res, { method, args: {}, at, status: 200, response: { ok: false, error: 'invalid_form_data' }, ...via });
    }
    const token = bearer(req.headers.authorization) ?? (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;
    this.inFlightByMethod.set(method, (this.inFlightByMethod.get(method) ?? 0) + 1);
    try {
      await this.applyDelay(method);
      const [status, response, headers] = this.respond(method, args, token);
      this.reply(res, { method, args, at, status, response, ...this.attribution(token, args), ...via }, headers);
    } finally {
      this.inFlightByMethod.set(method, (this.inFlightByMethod.get(method) ?? 1) - 1);
    }
  }

  /** Faults first, then auth, then the method itself. */
  private respond(method: string, args: Args, token: string | undefined): [number, Json, Record<string, string>?] {
    const limited = this.takeRateLimit(method, args, this.attribution(token, args).team);
    if (limited !== undefined) {
      return [429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limited) }];
    }
    const failure = take(this.failures, method);
    if (failure?.status !== undefined) return [failure.status, { ok: false, error: failure.error ?? 'internal_error' }];
    if (failure) return [200, { ok: false, error: failure.error ?? 'internal_error' }];
    const handler = Object.hasOwn(this.handlers, method) ? this.handlers[method] : undefined;
    if (!handler) return [200, { ok: false, error: 'unknown_method', req_method: method }];
    if (NO_TOKEN_METHODS.has(method)) return this.answer(handler, args);
    if (token === undefined) return [200, { ok: false, error: 'not_authed' }];
    // apps.connections.open takes the app-level token only; every other method here a bot token.
    const owner = method === 'apps.connections.open' ? undefined : this.oauth.owner(token);
    if (method === 'apps.connections.open' ? token !== this.appToken : !owner) {
      const wrongKind = method === 'apps.connections.open' ? token.startsWith('xox') : token.startsWith('xapp-');
      return [200, { ok: false, error: wrongKind ? 'not_allowed_token_type' : 'invalid_auth' }];
    }
    if (this.revoked || owner?.revoked) return [200, { ok: false, error: 'token_revoked' }];
    if (owner?.expiresAt != null && this.now() >= owner.expiresAt) return [200, { ok: false, error: 'token_expired' }];
    const primary = this.caller;
    if (owner) this.caller = { owner, teamId: (owner.orgWide ? optStr(args, 'team_id') : owner.teamId) ?? '' };
    try {
      return this.answer(handler, args);
    } finally {
      this.caller = primary;
    }
  }

  private answer(handler: (args: Args) => Json, args: Args): [number, Json] {
    try {
      return [200, { ok: true, ...handler(args) }];
    } catch (err) {
      if (err instanceof ApiError) return [200, { ok: false, error: err.error, ...err.extra }];
      return [500, { ok: false, error: 'fatal_error', detail: String(err) }];
    }
  }

  /** The token of a call and the workspace it was for, as recorded. */
  private attribution(token: string | undefined, args: Args): Pick<RecordedCall, 'token' | 'team'> {
    const owner = token === undefined ? undefined : this.oauth.owner(token);
    if (!owner) return token === undefined ? {} : { token };
    const team = owner.orgWide ? optStr(args, 'team_id') : (owner.teamId ?? undefined);
    return { token, ...(team ? { team } : {}) };
  }

  /** The browser's visit to Slack's authorize page: straight back to the app, approved (or cancelled). */
  private handleAuthorize(url: URL, at: number, res: ServerResponse): void {
    const answer = this.oauth.authorize(url);
    const call: RecordedCall = {
      method: 'oauth.authorize',
      args: Object.fromEntries(url.searchParams.entries()),
      at,
      status: answer.status,
      response: answer.location ?? answer.body,
    };
    this.calls.push(call);
    this.events.emit('call', call);
    res.writeHead(answer.status, answer.location ? { location: answer.location } : { 'content-type': 'text/plain' });
    res.end(answer.body ?? '');
  }

  private oauthV2Access(args: Args): Json {
    const { ok, error, ...rest } = this.oauth.access(args);
    if (ok !== true) throw new ApiError(String(error));
    return rest;
  }

  /** Returns the Retry-After seconds if this call is rate limited. */
  private takeRateLimit(method: string, args: Args, team: string | undefined): number | undefined {
    const conversation = this.conversationKey(args.channel);
    const rule = take(this.rateLimits, method, (r) => r.channel === undefined || this.conversationKey(r.channel) === conversation);
    if (rule) return rule.retryAfterSec;
    const now = Date.now(); // wall clock, not `now()`: benchmarks measure real throughput
    const perChannel = this.perChannel.get(method);
    if (perChannel && conversation !== undefined && perChannel.windows.take(conversation, now) > 0) return perChannel.retryAfterSec;
    const perWorkspace = this.perWorkspace.get(method);
    const workspaceWait = perWorkspace && team !== undefined ? perWorkspace.take(team, now) : 0;
    if (workspaceWait > 0) return retryAfterSeconds(workspaceWait);
    const wait = this.perSecond.get(method)?.take(now) ?? 0;
    return wait > 0 ? retryAfterSeconds(wait) : undefined;
  }

  /** One key per conversation: a user id ("DM them") and the DM's id name the same one. */
  private conversationKey(channel: unknown): string | undefined {
    if (typeof channel !== 'string' || channel === '') return undefined;
    return this.isUserId(channel) ? `D${channel.slice(1)}` : channel;
  }

  private async applyDelay(method: string): Promise<void> {
    const delay = this.delays.get(method) ?? this.delays.get('*');
    if (delay === undefined) return;
    const ms = typeof delay === 'function' ? delay() : delay;
    await new Promise<void>((resolve) => {
      const pending: PendingDelay = {
        timer: setTimeout(() => pending.done(), ms),
        done: () => {
          clearTimeout(pending.timer);
          this.pendingDelays.delete(pending);
          resolve();
        },
      };
      this.pendingDelays.add(pending);
    });
  }

  private handleResponseUrl(url: URL, rawBody: string, at: number, res: ServerResponse): void {
    const body = parseJsonObject(rawBody) ?? { raw: rawBody };
    // Slack applies the message limits to response_url posts too.
    const problems = Array.isArray(body.blocks) ? validateSurface('message', body) : [];
    const response = problems.length ? { ok: false, error: 'invalid_blocks', response_metadata: { messages: problems } } : { ok: true };
    this.reply(res, { method: 'response_url', args: { ...body, response_url: url.href }, at, status: problems.length ? 400 : 200, response });
  }

  private reply(res: ServerResponse, call: RecordedCall, headers: Record<string, string> = {}): void {
    this.calls.push(call);
    this.events.emit('call', call);
    if (res.destroyed) return;
    res.writeHead(call.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(call.response));
  }

  // ---------------------------------------------------------------- files

  /** Slack's first step: a file id and a URL to send the bytes to (here, this fake). */
  private filesGetUploadURLExternal(args: Args): Json {
    const filename = need(args, 'filename', 'invalid_arguments');
    const length = Number(args.length);
    if (!Number.isInteger(length) || length <= 0) throw new ApiError('invalid_arguments');
    const id = `F${String(++this.idCounter).padStart(8, '0')}`;
    this.files.set(id, {
      id,
      filename,
      length,
      ...(optStr(args, 'alt_txt') || optStr(args, 'alt_text') ? { altText: optStr(args, 'alt_txt') ?? optStr(args, 'alt_text') } : {}),
      bytes: null,
      team: this.caller.teamId || this.teamId,
      channel: null,
      completed: false,
    });
    return { upload_url: `http://127.0.0.1:${this.port}/upload/v1/${id}`, file_id: id };
  }

  /** The bytes, POSTed to the upload URL (no token: the URL itself is the credential), raw or multipart. */
  private async handleUpload(url: URL, req: IncomingMessage, at: number, res: ServerResponse): Promise<void> {
    const raw = await readRawBody(req);
    const id = url.pathname.slice('/upload/v1/'.length);
    const file = this.files.get(id);
    const type = req.headers['content-type'] ?? '';
    let bytes = raw;
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
      const part = [...form.values()].find((v) => typeof v !== 'string');
      bytes = part && typeof part !== 'string' ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    }
    const ok = file !== undefined && !file.completed;
    if (file && ok) file.bytes = bytes;
    const call: RecordedCall = {
      method: 'files.upload',
      args: { file_id: id, bytes: bytes.length },
      at,
      status: ok ? 200 : 404,
      response: ok ? `OK - ${bytes.length}` : 'not found',
    };
    this.calls.push(call);
    this.events.emit('call', call);
    res.writeHead(call.status, { 'content-type': 'text/plain' });
    res.end(String(call.response));
  }

  /** Slack's last step: the uploaded files are finished and, with a channel_id, shared there as one message. */
  private filesCompleteUploadExternal(args: Args): Json {
    const list = typeof args.files === 'string' ? (JSON.parse(args.files) as unknown) : args.files;
    if (!Array.isArray(list) || list.length === 0) throw new ApiError('invalid_arguments');
    const files = list.map((f: { id?: unknown; title?: unknown }) => {
      const file = typeof f.id === 'string' ? this.files.get(f.id) : undefined;
      if (!file || file.completed || !file.bytes) throw new ApiError('file_not_found');
      return { file, title: typeof f.title === 'string' ? f.title : file.filename };
    });
    const channelArg = optStr(args, 'channel_id');
    const channel = channelArg === undefined ? null : this.requireMemberConversation(channelArg);
    const domain = this.oauth.workspace(this.caller.teamId)?.domain ?? this.teamDomain;
    const shared = files.map(({ file, title }) => {
      file.completed = true;
      file.title = title;
      file.channel = channel;
      const comment = optStr(args, 'initial_comment');
      if (comment !== undefined) file.initialComment = comment;
      return {
        id: file.id,
        name: file.filename,
        title,
        size: file.bytes!.length,
        permalink: `https://${domain}.slack.com/files/${this.caller.owner.botUserId}/${file.id}/${file.filename}`,
      };
    });
    if (channel) {
      this.storeMessage({
        type: 'message',
        channel,
        ts: this.nextTs(),
        text: optStr(args, 'initial_comment') ?? '',
        user: this.caller.owner.botUserId,
        bot_id: this.caller.owner.botId,
        app_id: this.appId,
        team: this.caller.teamId || this.teamId,
        files: shared,
      });
    }
    return { files: shared };
  }

  // ---------------------------------------------------------------- users & conversations

  private addBotUser(): void {
    this.addUser({ id: this.botUserId, name: 'handoff', real_name: 'Handoff', is_bot: true });
  }

  private isUserId(id: string): boolean {
    return /^[UW][A-Z0-9]+$/.test(id);
  }

  /** Socket Mode: a WebSocket URL served by this fake, if the app-level token may open connections. */
  private appsConnectionsOpen(): Json {
    if (!this.appTokenScopes.includes('connections:write')) {
      throw new ApiError('missing_scope', { needed: 'connections:write', provided: this.appTokenScopes.join(',') });
    }
    return { url: this.socketMode.openConnectionUrl() };
  }

  /**
   * users.list: the people of the caller's workspace (an org-wide token names it with team_id, as
   * Slack requires), `limit` a page (Slack's default is everyone, its advice at most 200), paged with
   * an opaque cursor; a cursor it never gave is `invalid_cursor`.
   */
  private usersList(args: Args): Json {
    const teamId = this.caller.teamId;
    if (!teamId || !this.oauth.reaches(this.caller.owner, teamId)) throw new ApiError('missing_argument');
    const people = [...this.users.values()].filter((u) => u.team_id === teamId);
    const cursor = optStr(args, 'cursor');
    let from = 0;
    if (cursor) {
      const m = /^from:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString());
      if (!m) throw new ApiError('invalid_cursor');
      from = Number(m[1]);
    }
    const limit = Number(args.limit) > 0 ? Number(args.limit) : people.length;
    const next = from + limit < people.length ? Buffer.from(`from:${from + limit}`).toString('base64') : '';
    return { members: people.slice(from, from + limit).map((u) => this.userJson(u)), response_metadata: { next_cursor: next } };
  }

  private usersInfo(args: Args): Json {
    const user = this.users.get(need(args, 'user', 'user_not_found'));
    if (!user || !this.oauth.reaches(this.caller.owner, user.team_id)) throw new ApiError('user_not_found');
    return { user: this.userJson(user) };
  }

  private userJson(user: FakeUser): Json {
    const at = new Date(this.now());
    // A person of an Enterprise Grid workspace: Slack lists the org's workspaces they are in.
    const org = this.oauth.workspace(user.team_id)?.enterpriseId;
    return {
      ...(org ? { enterprise_user: { id: user.id, enterprise_id: org, is_admin: false, is_owner: false, teams: [user.team_id, ...user.also_in] } } : {}),
      id: user.id,
      team_id: user.team_id,
      name: user.name,
      deleted: user.deleted,
      real_name: user.real_name,
      tz: user.tz,
      tz_label: tzLabel(user.tz, at),
      tz_offset: user.tz_offset ?? tzOffsetSec(user.tz, at),
      is_bot: user.is_bot,
      is_app_user: false,
      is_admin: user.is_admin,
      is_owner: false,
      updated: FIRST_TS_SEC,
      profile: {
        real_name: user.real_name,
        real_name_normalized: user.real_name,
        display_name: user.name,
        display_name_normalized: user.name,
        team: user.team_id,
        status_text: user.status?.text ?? '',
        status_emoji: user.status?.emoji ?? '',
        status_expiration: user.status?.expiration ?? 0,
        ...(user.id === this.botUserId ? { bot_id: this.botId } : {}),
      },
    };
  }

  /** The user a DM id belongs to, recognising deterministic DM ids for known users. */
  private dmUser(dmId: string): string | undefined {
    const known = this.dms.get(dmId);
    if (known) return known;
    const user = [...this.users.keys()].find((id) => `D${id.slice(1)}` === dmId && id !== this.botUserId);
    if (user) this.dms.set(dmId, user);
    return user;
  }

  /** A user the bot may DM; each refusal in the error vocabulary of the calling method. */
  private dmTarget(userId: string, errors: { unknown: string; deleted: string }): string {
    const user = this.users.get(userId);
    if (!user || !this.oauth.reaches(this.caller.owner, user.team_id)) throw new ApiError(errors.unknown);
    if (user.is_bot) throw new ApiError('cannot_dm_bot');
    if (user.deleted) throw new ApiError(errors.deleted);
    return this.dmChannelFor(userId);
  }

  private conversationsOpen(args: Args): Json {
    const channel = optStr(args, 'channel');
    if (channel !== undefined) {
      if (!this.dmUser(channel)) throw new ApiError('channel_not_found');
      return { channel: { id: channel } };
    }
    const users = need(args, 'users', 'users_list_not_supplied')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    if (users.length !== 1) throw new ApiError('method_not_supported_for_channel_type'); // 1:1 DMs only in the fake
    const alreadyOpen = [...this.dms.values()].includes(users[0] as string);
    const id = this.dmTarget(users[0] as string, { unknown: 'user_not_found', deleted: 'user_disabled' });
    const full = flag(args.return_im);
    return {
      ...(alreadyOpen ? { no_op: true, already_open: true } : {}),
      channel: full ? this.conversationJson({ dmId: id }) : { id },
    };
  }

  /** Finds a channel or DM; private channels the bot is not in look nonexistent, as in Slack. */
  private requireConversation(idArg: unknown): FakeChannel | { dmId: string } {
    const id = typeof idArg === 'string' ? idArg : '';
    if (id.startsWith('D')) {
      // Another workspace's DMs do not exist for this installation, as in Slack.
      if (!this.reachesUser(this.dmUser(id))) throw new ApiError('channel_not_found');
      return { dmId: id };
    }
    const channel = this.channels.get(id) ?? [...this.channels.values()].find((c) => c.name === id.replace(/^#/, ''));
    if (!channel || (channel.is_private && !channel.botIsMember) || !this.inCallerWorkspace(channel.team_id)) throw new ApiError('channel_not_found');
    return channel;
  }

  /**
   * Whether a workspace's own things (its channels, the views opened in it) are the caller's: its
   * installation's workspace, or for an org-wide token the workspace the call names (`team_id`).
   * People are the org's, reachable from any of its workspaces (`reachesUser`).
   */
  private inCallerWorkspace(teamId: string): boolean {
    const owner = this.caller.owner;
    return owner.primary || (owner.orgWide ? this.caller.teamId === teamId : owner.teamId === teamId);
  }

  /** Whether the calling installation may reach this person (their workspace is one it serves). */
  private reachesUser(userId: string | undefined): boolean {
    const user = userId === undefined ? undefined : this.users.get(userId);
    return user !== undefined && this.oauth.reaches(this.caller.owner, user.team_id);
  }

  /** A conversation the bot reads or writes: it must be a member. */
  private requireMemberConversation(idArg: unknown): string {
    const conv = this.requireConversation(idArg);
    if ('dmId' in conv) return conv.dmId;
    if (!conv.botIsMember) throw new ApiError('not_in_channel');
    return conv.id;
  }

  private conversationJson(conv: FakeChannel | { dmId: string }): Json {
    if ('dmId' in conv) {
      return { id: conv.dmId, created: FIRST_TS_SEC - 86400, is_im: true, is_org_shared: false, user: this.dmUser(conv.dmId), is_open: true, priority: 0 };
    }
    return {
      id: conv.id,
      name: conv.name,
      name_normalized: conv.name,
      is_channel: !conv.is_private,
      is_group: conv.is_private,
      is_im: false,
      is_mpim: false,
      is_private: conv.is_private,
      is_archived: false,
      is_general: conv.name === 'general',
      is_member: conv.botIsMember,
      created: conv.created,
      num_members: conv.members.length + (conv.botIsMember ? 1 : 0),
    };
  }

  private conversationsMembers(args: Args): Json {
    const conv = this.requireConversation(args.channel);
    const members = 'dmId' in conv ? [this.botUserId, this.dmUser(conv.dmId)] : [...conv.members, ...(conv.botIsMember ? [this.botUserId] : [])];
    return { members, response_metadata: { next_cursor: '' } };
  }

  // ---------------------------------------------------------------- messages

  private nextTs(): string {
    const micros = ++this.tsCounter * 100;
    return `${FIRST_TS_SEC + Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  private storeMessage(msg: FakeMessage): FakeMessage {
    const list = this.messages.get(msg.channel) ?? [];
    this.messages.set(msg.channel, list);
    list.push(msg);
    list.sort((a, b) => compareTs(a.ts, b.ts));
    if (msg.thread_ts && msg.thread_ts !== msg.ts) this.noteReply(list, msg);
    return msg;
  }

  private noteReply(list: FakeMessage[], reply: FakeMessage): void {
    const parent = list.find((m) => m.ts === reply.thread_ts);
    if (!parent) return;
    parent.thread_ts = parent.ts;
    parent.reply_count = (parent.reply_count ?? 0) + 1;
    parent.reply_users = [...new Set([...(parent.reply_users ?? []), reply.user ?? ''])];
    parent.latest_reply = reply.ts;
    reply.parent_user_id = parent.user;
  }

  private findMessage(channel: string, ts: unknown): FakeMessage {
    const message = (this.messages.get(channel) ?? []).find((m) => m.ts === ts);
    if (!message) throw new ApiError('message_not_found');
    return message;
  }

  /** Where chat.postMessage lands: a channel the bot is in, a DM, or a user id meaning "DM them". */
  private postTarget(channelArg: unknown): string {
    const id = typeof channelArg === 'string' ? channelArg : '';
    if (!id) throw new ApiError('channel_not_found');
    if (this.isUserId(id)) return this.dmTarget(id, { unknown: 'channel_not_found', deleted: 'account_inactive' });
    return this.requireMemberConversation(id);
  }

  /** The content checks chat.postMessage and chat.update share. */
  private checkContent(args: Args, requireContent: boolean): void {
    const text = optStr(args, 'text');
    const hasBlocks = Array.isArray(args.blocks) && args.blocks.length > 0;
    if (requireContent && !text && !hasBlocks && !Array.isArray(args.attachments)) throw new ApiError('no_text');
    if (text !== undefined && text.length > MAX_TEXT) throw new ApiError('msg_too_long');
    if (args.blocks === undefined) return;
    if (!Array.isArray(args.blocks)) throw new ApiError('invalid_blocks_format');
    const messages = validateSurface('message', { blocks: args.blocks });
    if (messages.length) throw new ApiError('invalid_blocks', { response_metadata: { messages } });
  }

  private chatPostMessage(args: Args): Json {
    const channel = this.postTarget(args.channel);
    this.checkContent(args, true);
    const message = this.storeMessage({
      type: 'message',
      channel,
      ts: this.nextTs(),
      text: optStr(args, 'text') ?? '',
      user: this.caller.owner.botUserId,
      bot_id: this.caller.owner.botId,
      app_id: this.appId,
      team: this.caller.teamId || this.teamId,
      ...contentFields(args),
      ...(optStr(args, 'thread_ts') ? { thread_ts: optStr(args, 'thread_ts') } : {}),
    });
    return { channel, ts: message.ts, message: messageJson(message, true) };
  }

  private chatPostEphemeral(args: Args): Json {
    const user = need(args, 'user', 'user_not_in_channel');
    const conv = this.requireConversation(args.channel);
    if ('dmId' in conv) {
      if (this.dmUser(conv.dmId) !== user) throw new ApiError('user_not_in_channel');
    } else {
      if (!conv.botIsMember) throw new ApiError('not_in_channel');
      if (!conv.members.includes(user)) throw new ApiError('user_not_in_channel');
    }
    this.checkContent(args, true);
    const channel = 'dmId' in conv ? conv.dmId : conv.id;
    const message_ts = this.nextTs();
    this.ephemerals.push({ channel, user, message_ts, text: optStr(args, 'text') ?? '', ...contentFields(args), thread_ts: optStr(args, 'thread_ts') });
    return { message_ts };
  }

  private chatUpdate(args: Args): Json {
    const channel = this.requireMemberConversation(args.channel);
    const message = this.findMessage(channel, need(args, 'ts', 'message_not_found'));
    if (message.bot_id !== this.caller.owner.botId) throw new ApiError('cant_update_message');
    this.checkContent(args, false);
    Object.assign(message, contentFields(args), optStr(args, 'text') !== undefined ? { text: optStr(args, 'text') } : {});
    message.edited = { user: this.caller.owner.botUserId, ts: this.nextTs() };
    return { channel, ts: message.ts, text: message.text, message: messageJson(message, true) };
  }

  private chatDelete(args: Args): Json {
    const channel = this.requireMemberConversation(args.channel);
    const message = this.findMessage(channel, need(args, 'ts', 'message_not_found'));
    if (message.bot_id !== this.caller.owner.botId) throw new ApiError('cant_delete_message');
    const list = this.messages.get(channel) ?? [];
    list.splice(list.indexOf(message), 1);
    return { channel, ts: message.ts };
  }

  private chatGetPermalink(args: Args): Json {
    const conv = this.requireConversation(args.channel);
    const channel = 'dmId' in conv ? conv.dmId : conv.id;
    const message = this.findMessage(channel, need(args, 'message_ts', 'message_not_found'));
    // The link is into the calling installation's workspace (its own domain).
    const domain = this.oauth.workspace(this.caller.teamId)?.domain ?? this.teamDomain;
    const base = `https://${domain}.slack.com/archives/${channel}/p${message.ts.replace('.', '')}`;
    const inThread = message.thread_ts && message.thread_ts !== message.ts;
    return { channel, permalink: inThread ? `${base}?thread_ts=${message.thread_ts}&cid=${channel}` : base };
  }

  private conversationsHistory(args: Args): Json {
    const channel = this.requireMemberConversation(args.channel);
    const inclusive = flag(args.inclusive);
    const oldest = optStr(args, 'oldest') ?? '0';
    const latest = optStr(args, 'latest');
    const inRange = (m: FakeMessage): boolean => {
      const lo = compareTs(m.ts, oldest);
      const hi = latest === undefined ? -1 : compareTs(m.ts, latest);
      return inclusive ? lo >= 0 && hi <= 0 : lo > 0 && hi < 0;
    };
    const topLevel = (this.messages.get(channel) ?? []).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
    const newestFirst = topLevel.filter(inRange).reverse();
    return this.page(newestFirst, args, flag(args.include_all_metadata));
  }

  private conversationsReplies(args: Args): Json {
    const channel = this.requireMemberConversation(args.channel);
    const ts = need(args, 'ts', 'thread_not_found');
    const all = this.messages.get(channel) ?? [];
    const parent = all.find((m) => m.ts === ts);
    if (!parent) throw new ApiError('thread_not_found');
    const thread = [parent, ...all.filter((m) => m.thread_ts === ts && m.ts !== ts)];
    return this.page(thread, args, flag(args.include_all_metadata));
  }

  /** Cursor pagination over an already-ordered list; the cursor is an opaque offset. */
  private page(list: FakeMessage[], args: Args, withMetadata: boolean): Json {
    const limit = Math.min(Number(args.limit ?? 100) || 100, 999);
    const cursor = optStr(args, 'cursor');
    const start = cursor ? Number(Buffer.from(cursor, 'base64').toString().replace('offset:', '')) || 0 : 0;
    const slice = list.slice(start, start + limit);
    const hasMore = start + limit < list.length;
    return {
      messages: slice.map((m) => messageJson(m, withMetadata)),
      has_more: hasMore,
      pin_count: 0,
      response_metadata: { next_cursor: hasMore ? Buffer.from(`offset:${start + limit}`).toString('base64') : '' },
    };
  }

  // ---------------------------------------------------------------- views

  private consumeTrigger(triggerId: string | undefined): Trigger {
    if (!triggerId) throw new ApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } });
    const trigger = this.triggers.get(triggerId);
    if (!trigger) throw new ApiError('invalid_trigger_id');
    if (trigger.used) throw new ApiError('exchanged_trigger_id');
    if (this.now() - trigger.issuedAt > TRIGGER_TTL_MS) throw new ApiError('expired_trigger_id');
    trigger.used = true;
    return trigger;
  }

  /** The `view` argument, checked as a `kind` surface; bad views are `invalid_arguments` in Slack. */
  private requireView(args: Args, kind: 'modal' | 'home'): Json {
    const view = args.view;
    if (typeof view !== 'object' || view === null || Array.isArray(view)) {
      throw new ApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
    }
    const messages = validateSurface(kind, view);
    if (messages.length) throw new ApiError('invalid_arguments', { response_metadata: { messages } });
    return view as Json;
  }

  private checkExternalId(view: Json, exceptViewId?: string): void {
    const externalId = view.external_id;
    if (typeof externalId !== 'string' || externalId === '') return;
    const clash = [...this.views.values()].find((v) => v.view.external_id === externalId && v.view.id !== exceptViewId);
    if (clash) throw new ApiError('duplicate_external_id');
  }

  private newHash(): string {
    return `${Math.floor(this.now() / 1000)}.${randomBytes(4).toString('hex')}`;
  }

  private storeView(user: string, input: Json, links: { id?: string; root?: string; previous?: string | null }): FakeView {
    const id = links.id ?? `V${String(++this.idCounter).padStart(8, '0')}`;
    const view = {
      private_metadata: '',
      callback_id: '',
      clear_on_close: false,
      notify_on_close: false,
      ...input,
      id,
      team_id: this.caller.teamId || this.teamId,
      external_id: typeof input.external_id === 'string' ? input.external_id : '',
      type: String(input.type),
      state: { values: {} },
      hash: this.newHash(),
      root_view_id: links.root ?? id,
      previous_view_id: links.previous ?? null,
      app_id: this.appId,
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
    };
    const record = { user, view };
    this.views.set(id, record);
    return record;
  }

  private viewsOpen(args: Args): Json {
    const input = this.requireView(args, 'modal');
    this.checkExternalId(input);
    const trigger = this.consumeTrigger(optStr(args, 'trigger_id'));
    const record = this.storeView(trigger.userId, input, {});
    this.viewStacks.set(trigger.userId, [record.view.id]);
    return { view: record.view };
  }

  private viewsPush(args: Args): Json {
    const input = this.requireView(args, 'modal');
    this.checkExternalId(input);
    const trigger = this.consumeTrigger(optStr(args, 'trigger_id'));
    const stack = this.viewStacks.get(trigger.userId) ?? []; // lenient: pushing with no open modal opens one
    if (stack.length >= MAX_VIEW_STACK) throw new ApiError('push_limit_reached');
    const record = this.storeView(trigger.userId, input, { root: stack[0], previous: stack[stack.length - 1] ?? null });
    this.viewStacks.set(trigger.userId, [...stack, record.view.id]);
    return { view: record.view };
  }

  private viewsUpdate(args: Args): Json {
    const viewId = optStr(args, 'view_id');
    const externalId = optStr(args, 'external_id');
    if (!viewId && !externalId) {
      throw new ApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] either view_id or external_id is required'] } });
    }
    const existing = viewId ? this.views.get(viewId) : [...this.views.values()].find((v) => v.view.external_id === externalId);
    // A view opened in another workspace is not found for this installation.
    if (!existing || !this.inCallerWorkspace(String(existing.view.team_id))) throw new ApiError('not_found');
    const hash = optStr(args, 'hash');
    if (hash !== undefined && hash !== existing.view.hash) throw new ApiError('hash_conflict');
    const input = this.requireView(args, existing.view.type === 'home' ? 'home' : 'modal');
    this.checkExternalId(input, existing.view.id);
    const { root_view_id, previous_view_id } = existing.view;
    const record = this.storeView(
      existing.user,
      { external_id: existing.view.external_id, ...input },
      {
        id: existing.view.id,
        root: String(root_view_id),
        previous: (previous_view_id as string | null) ?? null,
      },
    );
    return { view: record.view };
  }

  private viewsPublish(args: Args): Json {
    const userId = need(args, 'user_id', 'invalid_arguments');
    const user = this.users.get(userId);
    if (!user || user.deleted || !this.oauth.reaches(this.caller.owner, user.team_id)) throw new ApiError('user_not_found');
    const input = this.requireView(args, 'home');
    const existingId = this.homeViews.get(userId);
    const existing = existingId ? this.views.get(existingId) : undefined;
    const hash = optStr(args, 'hash');
    if (hash !== undefined && existing && hash !== existing.view.hash) throw new ApiError('hash_conflict');
    this.checkExternalId(input, existingId);
    const record = this.storeView(userId, input, { id: existingId });
    this.homeViews.set(userId, record.view.id);
    return { view: record.view };
  }
}

// ------------------------------------------------------------------ helpers

function readRawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1];
}

function queryArgs(url: URL): Args {
  return Object.fromEntries(url.searchParams.entries());
}

/** Form or JSON body; nested values that @slack/web-api JSON-encodes are decoded back. */
function parseBody(raw: string, contentType: string | undefined): Args {
  if (!raw) return {};
  const args: Args = (contentType ?? '').includes('application/json') ? (JSON.parse(raw) as Args) : { ...parseQuery(raw) };
  for (const key of JSON_FIELDS) {
    const value = args[key];
    if (typeof value === 'string' && value !== '') args[key] = JSON.parse(value);
  }
  return args;
}

function parseJsonObject(raw: string): Args | undefined {
  try {
    const value: unknown = raw ? JSON.parse(raw) : {};
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Args) : undefined;
  } catch {
    return undefined;
  }
}

/** Pops one use of the first rule that applies to `method` (and passes `also`, if given). */
function take<T extends FaultRule>(rules: T[], method: string, also: (rule: T) => boolean = () => true): T | undefined {
  const rule = rules.find((r) => (r.method === undefined || r.method === method) && also(r));
  if (!rule) return undefined;
  rule.remaining -= 1;
  if (rule.remaining <= 0) rules.splice(rules.indexOf(rule), 1);
  return rule;
}

function optStr(args: Args, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** A required string argument; `error` is the name Slack uses when it is missing. */
function need(args: Args, key: string, error: string): string {
  const value = optStr(args, key);
  if (value === undefined || value === '') throw new ApiError(error);
  return value;
}

function flag(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** blocks / attachments / metadata as given, omitting the absent ones. */
function contentFields(args: Args): Pick<FakeMessage, 'blocks' | 'attachments' | 'metadata'> {
  const out: Pick<FakeMessage, 'blocks' | 'attachments' | 'metadata'> = {};
  if (Array.isArray(args.blocks)) out.blocks = args.blocks as AnyBlock[];
  if (Array.isArray(args.attachments)) out.attachments = args.attachments;
  if (typeof args.metadata === 'object' && args.metadata !== null) out.metadata = args.metadata as MessageMetadata;
  return out;
}

/** The message as the Web API returns it: no `channel`, metadata only when asked for. */
function messageJson(message: FakeMessage, withMetadata: boolean): Json {
  const { channel: _channel, metadata, ...rest } = message;
  return withMetadata && metadata ? { ...rest, metadata } : { ...rest };
}

/** Orders Slack timestamps ("1700000000.000100", "0", "1700000000") without float rounding. */
function compareTs(a: string, b: string): number {
  const key = (ts: string): string => {
    const [sec = '0', frac = ''] = ts.split('.');
    return `${sec.padStart(12, '0')}.${frac.padEnd(6, '0')}`;
  };
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function tzPart(tz: string, at: Date, style: 'long' | 'longOffset'): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style }).formatToParts(at);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** e.g. "Pacific Standard Time", as Slack's tz_label. */
function tzLabel(tz: string, at: Date): string {
  return tzPart(tz, at, 'long');
}

/** Seconds east of UTC at `at`, e.g. -28800 for Los Angeles in winter. */
function tzOffsetSec(tz: string, at: Date): number {
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(tzPart(tz, at, 'longOffset'));
  if (!match) return 0; // plain "GMT"
  const sign = match[1] === '-' ? -1 : 1;
  return sign * (Number(match[2]) * 3600 + Number(match[3]) * 60);
}
