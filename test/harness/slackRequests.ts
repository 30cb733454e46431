/**
 * Sends the app requests the way Slack does: signed slash commands, interaction payloads and
 * Events API callbacks, with payload shapes taken from the Slack reference
 * (docs.slack.dev/interactivity/implementing-slash-commands, reference/interaction-payloads/*,
 * apis/events-api). Signing follows docs.slack.dev/authentication/verifying-requests-from-slack.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { stringify } from 'node:querystring';
import type { AnyBlock, View } from '@slack/types';

/** `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` keyed with the signing secret. */
export function signRequest(signingSecret: string, rawBody: string, timestampSec: number): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
}

export interface SlackRequesterOptions {
  /** Where the app listens, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  signingSecret: string;
  teamId: string;
  /** An Enterprise Grid workspace's org. */
  enterpriseId?: string;
  /** The app is installed org-wide (payloads then say `is_enterprise_install`, events name no team in `authorizations`). */
  enterpriseInstall?: boolean;
  path?: string;
  teamDomain?: string;
  apiAppId?: string;
  botUserId?: string;
  botId?: string;
  /** Legacy verification token put in payloads; Bolt ignores it when a signing secret is set. */
  verificationToken?: string;
  /** Where trigger_ids come from; wire to FakeSlack.issueTriggerId so views.open accepts them. */
  issueTriggerId?: (userId: string) => string;
  /** Where response_urls come from; wire to FakeSlack.responseUrl so respond() is recorded. */
  responseUrl?: () => string;
}

export interface SlackResponse {
  status: number;
  text: string;
  /** Parsed body when it is JSON. */
  json?: unknown;
  headers: Record<string, string>;
  /** Round-trip time in milliseconds, e.g. to check the 3-second ack budget. */
  ms: number;
}

/** Per-request overrides, for tests of the app's signature checks. */
export interface SendOptions {
  /** Request timestamp in seconds (signed with it unless `signature` is given). Default: now. */
  timestamp?: number;
  /** Sent verbatim instead of the computed signature. */
  signature?: string;
  headers?: Record<string, string>;
}

export interface CommandParams {
  command?: string;
  text: string;
  userId: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  triggerId?: string;
  responseUrl?: string;
}

export interface BlockActionParams {
  userId: string;
  actionId: string;
  value?: string;
  blockId?: string;
  /** Element type; default 'button'. */
  actionType?: string;
  triggerId?: string;
  /** Set for actions inside a modal or Home tab. */
  view?: Partial<View> & { id?: string };
  container?: Record<string, unknown>;
  channelId?: string;
  messageTs?: string;
  /** The message the action's button sits in; default: a bot message at `messageTs`. */
  message?: Record<string, unknown>;
}

/** view.state.values; a plain string is shorthand for a plain_text_input value. */
export type ViewStateValues = Record<string, Record<string, string | Record<string, unknown>>>;

export interface ViewSubmissionParams {
  userId: string;
  callbackId: string;
  privateMetadata?: string;
  values: ViewStateValues;
  viewId?: string;
  triggerId?: string;
  blocks?: AnyBlock[];
  externalId?: string;
  hash?: string;
}

export interface MessageShortcutParams {
  userId: string;
  callbackId: string;
  channelId: string;
  message: { ts: string; text?: string; user?: string; [key: string]: unknown };
  triggerId?: string;
  channelName?: string;
}

export interface EventOptions extends SendOptions {
  eventId?: string;
  retryNum?: number;
  retryReason?: string;
  eventTime?: number;
}

export class SlackRequester {
  private readonly opts: Required<Omit<SlackRequesterOptions, 'issueTriggerId' | 'responseUrl' | 'enterpriseId'>> &
    Pick<SlackRequesterOptions, 'issueTriggerId' | 'responseUrl' | 'enterpriseId'>;
  private eventCounter = 0;

  constructor(options: SlackRequesterOptions) {
    this.opts = {
      path: '/slack/events',
      teamDomain: 'example',
      apiAppId: 'A0001',
      botUserId: 'UBOT',
      botId: 'B0001',
      verificationToken: 'legacy-verification-token',
      enterpriseInstall: false,
      ...options,
    };
  }

  // ---------------------------------------------------------------- slash commands

  /** A slash command, form-encoded with Slack's fields in Slack's order. */
  command(params: CommandParams, send: SendOptions = {}): Promise<SlackResponse> {
    return this.send(stringify(this.commandPayload(params)), 'application/x-www-form-urlencoded', send);
  }

  /** A slash command's fields as an object: the form body over HTTP, the envelope payload in Socket Mode. */
  commandPayload(params: CommandParams): Record<string, string> {
    const { teamId, teamDomain, apiAppId, verificationToken } = this.opts;
    return {
      token: verificationToken,
      team_id: teamId,
      team_domain: teamDomain,
      channel_id: params.channelId ?? 'C0GENERAL',
      channel_name: params.channelName ?? 'general',
      user_id: params.userId,
      user_name: params.userName ?? params.userId.toLowerCase(),
      command: params.command ?? '/handoff',
      text: params.text,
      api_app_id: apiAppId,
      ...(this.opts.enterpriseId ? { enterprise_id: this.opts.enterpriseId } : {}),
      is_enterprise_install: String(this.opts.enterpriseInstall),
      response_url: params.responseUrl ?? this.newResponseUrl(),
      trigger_id: params.triggerId ?? this.newTriggerId(params.userId),
    };
  }

  // ---------------------------------------------------------------- interactivity

  /** Any interaction payload, sent as Slack does: `payload=<json>` form-encoded. */
  interaction(payload: object, send: SendOptions = {}): Promise<SlackResponse> {
    return this.send(stringify({ payload: JSON.stringify(payload) }), 'application/x-www-form-urlencoded', send);
  }

  /** A block_actions payload for a click in a message (default) or in a view (`view` given). */
  blockAction(params: BlockActionParams): Record<string, unknown> {
    const action = {
      type: params.actionType ?? 'button',
      action_id: params.actionId,
      block_id: params.blockId ?? 'block',
      ...(params.actionType === undefined || params.actionType === 'button' ? { text: { type: 'plain_text', text: 'Button', emoji: true } } : {}),
      ...(params.value !== undefined ? { value: params.value } : {}),
      action_ts: nowTs(),
    };
    const base = {
      type: 'block_actions',
      user: this.user(params.userId),
      api_app_id: this.opts.apiAppId,
      token: this.opts.verificationToken,
      trigger_id: params.triggerId ?? this.newTriggerId(params.userId),
      team: this.team(),
      ...this.enterprise(),
      actions: [action],
    };
    if (params.view) return { ...base, ...this.viewContainer(params) };
    return { ...base, ...this.messageContainer(params) };
  }

  /** A view_submission payload for a modal the user submits. */
  viewSubmission(params: ViewSubmissionParams): Record<string, unknown> {
    const viewId = params.viewId ?? 'V00000001';
    return {
      type: 'view_submission',
      team: this.team(),
      user: this.user(params.userId),
      api_app_id: this.opts.apiAppId,
      token: this.opts.verificationToken,
      trigger_id: params.triggerId ?? this.newTriggerId(params.userId),
      view: {
        id: viewId,
        team_id: this.opts.teamId,
        type: 'modal',
        blocks: params.blocks ?? [],
        private_metadata: params.privateMetadata ?? '',
        callback_id: params.callbackId,
        state: { values: expandValues(params.values) },
        hash: params.hash ?? `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
        title: { type: 'plain_text', text: 'Handoff', emoji: true },
        clear_on_close: false,
        notify_on_close: false,
        close: { type: 'plain_text', text: 'Cancel', emoji: true },
        submit: { type: 'plain_text', text: 'Submit', emoji: true },
        previous_view_id: null,
        root_view_id: viewId,
        app_id: this.opts.apiAppId,
        external_id: params.externalId ?? '',
        app_installed_team_id: this.opts.teamId,
        bot_id: this.opts.botId,
      },
      response_urls: [],
      ...this.enterprise(),
    };
  }

  /** A message shortcut (type `message_action`) on `message` in `channelId`. */
  messageShortcut(params: MessageShortcutParams): Record<string, unknown> {
    return {
      type: 'message_action',
      token: this.opts.verificationToken,
      action_ts: nowTs(),
      team: this.team(),
      user: this.user(params.userId),
      channel: { id: params.channelId, name: params.channelName ?? 'general' },
      ...this.enterprise(),
      callback_id: params.callbackId,
      trigger_id: params.triggerId ?? this.newTriggerId(params.userId),
      response_url: this.newResponseUrl(),
      message_ts: params.message.ts,
      message: { type: 'message', ...params.message },
    };
  }

  // ---------------------------------------------------------------- Events API

  /** An `event_callback` envelope around `event`, with Slack's retry headers when asked. */
  event(event: object, options: EventOptions = {}): Promise<SlackResponse> {
    const { eventId, retryNum, retryReason, eventTime, ...send } = options;
    const body = JSON.stringify(this.eventCallback(event, { eventId, eventTime }));
    const retryHeaders: Record<string, string> = {};
    if (retryNum !== undefined) retryHeaders['X-Slack-Retry-Num'] = String(retryNum);
    if (retryReason !== undefined) retryHeaders['X-Slack-Retry-Reason'] = retryReason;
    return this.send(body, 'application/json', { ...send, headers: { ...retryHeaders, ...send.headers } });
  }

  /** The `event_callback` body around `event`: the HTTP body, or the payload of a Socket Mode events_api envelope. */
  eventCallback(event: object, options: Pick<EventOptions, 'eventId' | 'eventTime'> = {}): Record<string, unknown> {
    const { teamId, apiAppId, botUserId, verificationToken, enterpriseId, enterpriseInstall } = this.opts;
    return {
      token: verificationToken,
      team_id: teamId,
      ...(enterpriseId ? { enterprise_id: enterpriseId } : {}),
      api_app_id: apiAppId,
      event,
      type: 'event_callback',
      event_id: options.eventId ?? `Ev${String(++this.eventCounter).padStart(8, '0')}${randomBytes(2).toString('hex').toUpperCase()}`,
      event_time: options.eventTime ?? Math.floor(Date.now() / 1000),
      // An org-wide install is authorized for the org, not for one of its workspaces.
      authorizations: [
        { enterprise_id: enterpriseId ?? null, team_id: enterpriseInstall ? null : teamId, user_id: botUserId, is_bot: true, is_enterprise_install: enterpriseInstall },
      ],
      is_ext_shared_channel: false,
    };
  }

  /** The handshake Slack sends when the Request URL is saved. */
  urlVerification(challenge: string, send: SendOptions = {}): Promise<SlackResponse> {
    const body = JSON.stringify({ token: this.opts.verificationToken, challenge, type: 'url_verification' });
    return this.send(body, 'application/json', send);
  }

  /** Any body; for bad-signature and stale-timestamp tests. */
  raw(body: string, options: SendOptions & { contentType: string }): Promise<SlackResponse> {
    const { contentType, ...send } = options;
    return this.send(body, contentType, send);
  }

  // ---------------------------------------------------------------- plumbing

  private async send(body: string, contentType: string, options: SendOptions): Promise<SlackResponse> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers = {
      'Content-Type': contentType,
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': options.signature ?? signRequest(this.opts.signingSecret, body, timestamp),
      ...options.headers,
    };
    const started = performance.now();
    const res = await fetch(new URL(this.opts.path, this.opts.baseUrl), { method: 'POST', headers, body });
    const text = await res.text();
    const ms = performance.now() - started;
    return { status: res.status, text, json: tryJson(text), headers: Object.fromEntries(res.headers.entries()), ms };
  }

  private newTriggerId(userId: string): string {
    if (this.opts.issueTriggerId) return this.opts.issueTriggerId(userId);
    return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`;
  }

  private newResponseUrl(): string {
    if (this.opts.responseUrl) return this.opts.responseUrl();
    return `https://hooks.slack.com/commands/${this.opts.teamId}/${Date.now()}/${randomBytes(12).toString('hex')}`;
  }

  private user(userId: string): Record<string, unknown> {
    const name = userId.toLowerCase();
    return { id: userId, username: name, name, team_id: this.opts.teamId };
  }

  private team(): Record<string, unknown> {
    return { id: this.opts.teamId, domain: this.opts.teamDomain, ...(this.opts.enterpriseId ? { enterprise_id: this.opts.enterpriseId } : {}) };
  }

  /** The org fields of an interaction payload. */
  private enterprise(): Record<string, unknown> {
    const { enterpriseId, enterpriseInstall } = this.opts;
    return { enterprise: enterpriseId ? { id: enterpriseId, name: enterpriseId } : null, is_enterprise_install: enterpriseInstall };
  }

  private viewContainer(params: BlockActionParams): Record<string, unknown> {
    const view = { id: 'V00000001', type: 'modal', team_id: this.opts.teamId, state: { values: {} }, ...params.view };
    return {
      container: params.container ?? { type: 'view', view_id: view.id },
      view,
      state: view.state,
    };
  }

  private messageContainer(params: BlockActionParams): Record<string, unknown> {
    const channelId = params.channelId ?? 'C0GENERAL';
    const messageTs = params.messageTs ?? '1700000000.000100';
    return {
      container: params.container ?? { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
      channel: { id: channelId, name: 'general' },
      message: params.message ?? { type: 'message', user: this.opts.botUserId, ts: messageTs, text: '', bot_id: this.opts.botId },
      state: { values: {} },
      response_url: this.newResponseUrl(),
    };
  }
}

/** Expands string shorthand into plain_text_input state values. */
function expandValues(values: ViewStateValues): Record<string, Record<string, Record<string, unknown>>> {
  return Object.fromEntries(
    Object.entries(values).map(([blockId, actions]) => [
      blockId,
      Object.fromEntries(Object.entries(actions).map(([actionId, v]) => [actionId, typeof v === 'string' ? { type: 'plain_text_input', value: v } : v])),
    ]),
  );
}

function nowTs(): string {
  const ms = Date.now();
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}

function tryJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
