/**
 * Where SLACK_BODY_LIMIT (src/slack/receiver.ts) comes from. Slack publishes no overall payload
 * limit, so the largest requests Slack can send Handoff are built here from Handoff's own surfaces
 * at their documented maximums, filled with emoji (the costliest characters), and encoded the way
 * Slack sends them: non-ASCII as \uXXXX escapes ("converted and sent in unicode format", per the
 * view reference), interactions form-encoded as payload=… Every one must fit the limit, or Slack
 * would get a 413 for a legitimate click.
 */
import { stringify } from 'node:querystring';
import type { KnownBlock, View } from '@slack/types';
import { SLACK_BODY_LIMIT, signatureHeaderProblem } from '../../../src/slack/receiver';
import { SlackRequester } from '../../harness/slackRequests';
import { digestMessage } from '../../../src/views/digestMessage';
import { appHomeView } from '../../../src/views/appHome';
import { handoffModal, recipientClocksBlock } from '../../../src/views/handoffModal';
import { planDigest } from '../../../src/domain/digest';
import { DRAFT_LIMITS } from '../../../src/domain/handoffDraft';
import { TEXT_LIMITS } from '../../../src/domain/textLimits';
import { LIMITS } from '../../../src/views/text';
import type { HandoffWithRecipients } from '../../../src/db/queries/handoffs';
import { HandoffModalFields as F } from '../../../src/ids';

const EMOJI = '😀'; // one code point, two UTF-16 units: 12 bytes as \ud83d\ude00
const fill = (n: number) => EMOJI.repeat(n);

/** JSON as Slack writes it: every non-ASCII UTF-16 unit as \uXXXX. */
const slackJson = (value: unknown): string => JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
/** An interaction body as Slack posts it. */
const interactionBody = (payload: object): number => Buffer.byteLength(stringify({ payload: slackJson(payload) }));

const recipients = Array.from({ length: DRAFT_LIMITS.recipients }, (_, i) => `U0PERSON${String(i).padStart(2, '0')}`);

function biggestHandoff(id: number, state: HandoffWithRecipients['state']): HandoffWithRecipients {
  return {
    id,
    teamId: 'T0001',
    number: 100_000 + id,
    authorId: 'U0AUTHOR00',
    title: fill(DRAFT_LIMITS.title),
    context: fill(DRAFT_LIMITS.context),
    ask: fill(DRAFT_LIMITS.ask),
    links: fill(DRAFT_LIMITS.links),
    ifOffline: fill(DRAFT_LIMITS.ifOffline),
    neededByAt: Date.UTC(2026, 11, 1),
    urgent: true,
    state,
    channelId: 'C0CHANNEL',
    channelTs: '1700000000.000100',
    sourcePermalink: `https://example.slack.com/archives/C0CHANNEL/p1700000000000100`,
    resolutionNote: fill(TEXT_LIMITS.note),
    resolvedBy: recipients[0]!,
    resolvedAt: Date.UTC(2026, 10, 25),
    authorNotifiedAt: null,
    neededByWarnedAt: null,
    idempotencyKey: null,
    createdAt: Date.UTC(2026, 10, 20),
    updatedAt: Date.UTC(2026, 10, 25),
    recipients: recipients.map((userId) => ({ handoffId: id, teamId: 'T0001', userId, active: true, notifiedAt: null, snoozedUntilDate: null, addedAt: 0 })),
  } as HandoffWithRecipients;
}

const requester = new SlackRequester({
  baseUrl: 'http://127.0.0.1:1',
  signingSecret: 'x',
  teamId: 'T0001',
  issueTriggerId: () => `${'1'.repeat(10)}.${'2'.repeat(13)}.${'f'.repeat(32)}`,
  responseUrl: () => `https://hooks.slack.com/actions/T0001/${'1'.repeat(13)}/${'a'.repeat(24)}`,
});
const now = new Date(Date.UTC(2026, 10, 25, 12));
const sizes: Array<[string, number]> = [];

function fits(label: string, bytes: number): void {
  sizes.push([label, bytes]);
  expect(bytes).toBeLessThanOrEqual(SLACK_BODY_LIMIT);
}

afterAll(() => {
  console.log(`Largest bodies Slack can send Handoff (limit ${SLACK_BODY_LIMIT} bytes):\n${sizes.map(([l, b]) => `  ${l}: ${b} bytes`).join('\n')}`);
});

describe('SLACK_BODY_LIMIT fits the largest requests Slack can send Handoff', () => {
  it('a click in the fullest digest (the message, with all its blocks, comes back in the payload)', () => {
    const many = (state: HandoffWithRecipients['state'], from: number) => Array.from({ length: 40 }, (_, i) => ({ ...biggestHandoff(from + i, state), snoozedUntilDate: null }));
    const plan = planDigest({
      localDate: '2026-11-25',
      unblocked: many('done', 1),
      waitingOnYou: many('open', 100),
      waitingOnOthersCount: 99,
      nextStarter: { userId: recipients[1]!, inMs: 3_600_000 },
    })!;
    const message = digestMessage(plan, recipients[0]!, 'Wednesday 25 November', now);
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    const payload = requester.blockAction({
      userId: recipients[0]!,
      actionId: 'handoff_ack',
      value: '100',
      channelId: 'D0PERSON00',
      messageTs: '1700000000.000100',
      message: {
        type: 'message',
        ts: '1700000000.000100',
        text: message.text,
        blocks: message.blocks,
        user: 'UBOT',
        bot_id: 'B0001',
        metadata: { event_type: 'handoff_digest', event_payload: { outbox_id: 123456 } },
      },
    });
    fits('block_actions from a full digest', interactionBody(payload));
  });

  it('a click in the fullest App Home (the view, with all its blocks, comes back in the payload)', () => {
    const many = (state: HandoffWithRecipients['state'], from: number, n: number) => Array.from({ length: n }, (_, i) => biggestHandoff(from + i, state));
    const view = appHomeView({
      userId: recipients[0]!,
      now,
      waitingOnYou: many('open', 1, 50),
      waitingOnYouTotal: 500,
      youAreWaitingOn: many('acknowledged', 100, 50),
      youAreWaitingOnTotal: 500,
      recentlyUnblocked: many('done', 200, 10),
      scheduleLine: fill(300),
      whereIs: () => fill(40),
    });
    expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.surfaceBlocks);
    const payload = requester.blockAction({
      userId: recipients[0]!,
      actionId: 'handoff_ack',
      value: '1',
      view: { ...(view as Partial<View>), id: 'V0HOME0000', hash: '1700000000.abcdef', private_metadata: '', callback_id: '' } as never,
    });
    fits('block_actions from a full App Home', interactionBody(payload));
  });

  it('submitting the fullest handoff form (pre-filled view, typed values, private_metadata)', () => {
    const prefill = {
      recipientIds: recipients,
      title: fill(DRAFT_LIMITS.title),
      ask: fill(DRAFT_LIMITS.ask),
      context: fill(DRAFT_LIMITS.context),
      links: fill(DRAFT_LIMITS.links),
    };
    const clocks = recipients.map((userId) => ({ userId, name: fill(TEXT_LIMITS.displayName), summary: fill(60) }));
    const view = handoffModal(prefill, { key: 'k'.repeat(36), permalink: `https://example.slack.com/archives/C0CHANNEL/p1700000000000100`, deflectionId: 123456 }, clocks);
    // Slack echoes the view with the metadata at its 3,000-character maximum, whatever Handoff set.
    const echoed = { ...view, private_metadata: fill(LIMITS.privateMetadata / 2) };
    const typed = (action: string, n: number) => ({ [action]: fill(n) });
    const payload = requester.viewSubmission({
      userId: recipients[0]!,
      callbackId: view.callback_id!,
      privateMetadata: echoed.private_metadata,
      blocks: [...(echoed.blocks as KnownBlock[]), recipientClocksBlock(clocks)],
      values: {
        [F.recipients.block]: { [F.recipients.action]: { type: 'multi_users_select', selected_users: recipients } },
        [F.ask.block]: typed(F.ask.action, DRAFT_LIMITS.ask),
        [F.title.block]: typed(F.title.action, DRAFT_LIMITS.title),
        [F.context.block]: typed(F.context.action, DRAFT_LIMITS.context),
        [F.links.block]: typed(F.links.action, DRAFT_LIMITS.links),
        [F.ifOffline.block]: typed(F.ifOffline.action, DRAFT_LIMITS.ifOffline),
      },
    });
    fits('view_submission of a full handoff form', interactionBody(payload));
  });

  it('a message event at Slack’s 40,000-character maximum, with its rich_text copy', () => {
    const text = fill(40_000);
    const event = {
      token: 'x'.repeat(24),
      team_id: 'T0001',
      api_app_id: 'A0001',
      type: 'event_callback',
      event_id: 'Ev0000000000',
      event_time: 1_700_000_000,
      event: {
        type: 'message',
        channel: 'C0CHANNEL',
        user: recipients[0],
        text,
        ts: '1700000000.000100',
        channel_type: 'channel',
        team: 'T0001',
        client_msg_id: '0'.repeat(36),
        blocks: [{ type: 'rich_text', block_id: 'abc', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] }],
      },
      authorizations: [{ enterprise_id: null, team_id: 'T0001', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    };
    fits('message event, 40,000 emoji twice', Buffer.byteLength(slackJson(event)));
  });
});

describe('signature headers are judged before any body byte is read', () => {
  const now = 1_800_000_000;
  const good = { 'x-slack-signature': `v0=${'a'.repeat(64)}`, 'x-slack-request-timestamp': String(now) };
  it.each([
    ['well-formed and current', good, null],
    ['no signature', { 'x-slack-request-timestamp': String(now) }, /X-Slack-Signature/],
    ['no timestamp', { 'x-slack-signature': good['x-slack-signature'] }, /X-Slack-Request-Timestamp/],
    ['signature of another version', { ...good, 'x-slack-signature': `v1=${'a'.repeat(64)}` }, /X-Slack-Signature/],
    ['short signature', { ...good, 'x-slack-signature': 'v0=deadbeef' }, /X-Slack-Signature/],
    ['timestamp not a number', { ...good, 'x-slack-request-timestamp': '1800000000.5' }, /X-Slack-Request-Timestamp/],
    ['300 s old (the edge, accepted)', { ...good, 'x-slack-request-timestamp': String(now - 300) }, null],
    ['301 s old', { ...good, 'x-slack-request-timestamp': String(now - 301) }, /old/],
    ['300 s ahead (the edge, accepted)', { ...good, 'x-slack-request-timestamp': String(now + 300) }, null],
    ['301 s ahead', { ...good, 'x-slack-request-timestamp': String(now + 301) }, /future/],
    ['ten years ahead', { ...good, 'x-slack-request-timestamp': String(now + 10 * 365 * 86_400) }, /future/],
  ] as const)('%s', (_label, headers, expected) => {
    const problem = signatureHeaderProblem(headers, now);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});
