/**
 * Tenant isolation (issue 15): nothing from one workspace is ever visible to, or changeable by,
 * another. Workspace A holds a handoff (posted in its channel), a meeting-deflection prompt, a modal
 * and an App Home. Then, for every listener the app registers, workspace B sends a correctly signed
 * request whose payload carries A's ids — A's handoff id in a button value or in private_metadata,
 * A's deflection id, A's channel and message, A's people, A's view ids — and the test checks:
 * - A's data in the database is exactly as it was (every row A owns, its installation);
 * - no Slack call was made for A (with A's token, or an org-wide token naming A), none Slack
 *   accepted touched A's channels, DMs, people or views, and A's messages and views in Slack are
 *   as they were;
 * - nothing A wrote (its canary text) reached B, whatever surface B was answered on;
 * - the request was answered 200 with no error logged, and B's person was told where the surface
 *   allows it (not found, not yours), never with a stack trace.
 * The listeners are read from the code (registerListeners, and the /handoff subcommands from the
 * parser's type): a listener without a case here fails the first test. Two pairs: two workspaces
 * with their own installs, and two workspaces of one Enterprise Grid org served by one org-wide
 * token (where Slack itself would not stop a call into the other workspace).
 */
import type { App } from '@slack/bolt';
import { randomUUID } from 'node:crypto';
import { eventually, type TestApp } from '../harness/testApp';
import type { RecordedCall } from '../harness/fakeSlack';
import { installThroughBrowser, requesterFor } from '../harness/install';
import type { SlackRequester, SlackResponse } from '../harness/slackRequests';
import { settingsValues } from './coreLoop.support';
import { GRID, requesterOf, startDistributed, WORKSPACES, type Workspace } from './distributed.support';
import { ActionIds, AdminSettingsFields, AgendaModalFields, CallbackIds, COMMAND, HandoffModalFields as F, ReassignModalFields, ResolveModalFields } from '../../src/ids';
import { parseCommandText, type ParsedCommand } from '../../src/domain/commandText';
import { registerListeners } from '../../src/listeners';
import { ListenerRouter } from '../../src/listeners/router';
import type { ListenerDeps } from '../../src/listeners/context';

// ------------------------------------------------------------------ the listeners, from the code

/** Every listener registerListeners() adds, as "kind:id" (Bolt's own and the router's). */
function registeredListeners(): string[] {
  const seen: string[] = [];
  const spies = [
    jest.spyOn(ListenerRouter.prototype, 'action').mockImplementation((id: string) => void seen.push(`action:${id}`)),
    jest.spyOn(ListenerRouter.prototype, 'otherAction').mockImplementation(() => void seen.push('action:*')),
    jest.spyOn(ListenerRouter.prototype, 'view').mockImplementation((id: string) => void seen.push(`view:${id}`)),
    jest.spyOn(ListenerRouter.prototype, 'event').mockImplementation((type: string) => void seen.push(`event:${type}`)),
  ];
  const app = {
    use: () => undefined,
    error: () => undefined,
    // The router's three dispatchers (block_actions, view_submission, every event) are counted above, id by id.
    action: () => undefined,
    view: () => undefined,
    event: () => undefined,
    command: (name: string) => void seen.push(`command:${name}`),
    shortcut: (id: string) => void seen.push(`shortcut:${id}`),
    options: (id: string) => void seen.push(`options:${id}`),
    message: () => void seen.push('message'),
  };
  try {
    registerListeners(app as unknown as App, {} as ListenerDeps);
  } finally {
    for (const s of spies) s.mockRestore();
  }
  return seen;
}

/** One text per /handoff subcommand: the Record makes a new kind a type error until it has a case. */
const SUBCOMMANDS: Record<ParsedCommand['kind'], (a: Fixture) => string> = {
  modal: () => '',
  help: () => 'help',
  list: () => 'list',
  settings: () => 'settings',
  deflection: () => 'deflection off',
  done: (a) => `done ${a.handoffNumber} finished by someone else`,
  done_usage: () => 'done',
  create: (a) => `<@${a.ws.recipient.id}> please send me the numbers`,
  needs_recipient: () => 'please send me the numbers and the plan',
  needs_ask: (a) => `<@${a.ws.recipient.id}>`,
  broadcast_mention: () => '<!channel> please send the numbers',
  unknown: () => 'frobnicate',
};

// ------------------------------------------------------------------ workspace A's data

/** Text only A's data holds: it must never reach B. */
const CANARY = 'ACMECANARY';

interface Fixture {
  ws: Workspace;
  channelId: string;
  handoffId: number;
  handoffNumber: number;
  /** A's card in its channel. */
  cardTs: string;
  deflectionId: number;
  /** The proposal the prompt was about. */
  proposalTs: string;
  modalViewId: string;
  modalViewHash: string;
  homeViewId: string;
  permalink: string;
}

interface Pair {
  name: string;
  a: Workspace;
  b: Workspace;
  /** How B's uninstall events are sent: one workspace leaving (an org's workspace: not the org). */
  bLeaving: (t: TestApp) => SlackRequester;
}

const [ACME, BETA, GRIDA, GRIDB] = WORKSPACES as [Workspace, Workspace, Workspace, Workspace];
const PAIRS: Pair[] = [
  { name: 'two workspaces, each with its own install', a: ACME, b: BETA, bLeaving: (t) => requesterOf(t, BETA) },
  {
    name: 'two workspaces of one org, one org-wide install',
    a: GRIDA,
    b: GRIDB,
    bLeaving: (t) => requesterFor(t, GRIDB.teamId, { enterpriseId: GRID, orgWide: false }),
  },
];

/** Seeds A through its own requests, as its people would: a handoff posted in a channel, a prompt, a modal, App Home. */
async function seed(t: TestApp, ws: Workspace): Promise<Fixture> {
  const slack = requesterOf(t, ws);
  const channelId = `C${ws.teamId.slice(1)}ENG`;
  t.fake.addChannel({ id: channelId, name: `${ws.name.toLowerCase().replace(/\s/g, '-')}-eng`, members: [ws.author.id, ws.recipient.id], team_id: ws.teamId });

  const submitted = await slack.interaction(
    slack.viewSubmission({
      userId: ws.author.id,
      callbackId: CallbackIds.handoffModal,
      privateMetadata: JSON.stringify({ key: randomUUID() }),
      values: modalValues({ recipients: [ws.recipient.id], ask: `Please check the ${CANARY} rota of ${ws.name}`, title: `${CANARY} ${ws.name} rota`, channel: channelId }),
    }),
  );
  expect(submitted.status).toBe(200);
  await eventually(async () => expect((await t.handoff.store.exportWorkspace(ws.teamId)).handoffs).toHaveLength(1));
  const handoff = (await t.handoff.store.exportWorkspace(ws.teamId)).handoffs[0] as { id: number; number: number };
  await eventually(() => expect(t.fake.messagesIn(channelId).filter((m) => m.bot_id)).toHaveLength(1));
  const cardTs = t.fake.messagesIn(channelId).find((m) => m.bot_id)!.ts;

  const proposal = t.fake.addMessage(channelId, { user: ws.author.id, text: `<@${ws.recipient.id}> can we hop on a call about the ${CANARY} numbers?` });
  const prompts = t.fake.ephemerals.length;
  await slack.event({
    type: 'message',
    channel: channelId,
    user: ws.author.id,
    text: proposal.text,
    ts: proposal.ts,
    event_ts: proposal.ts,
    channel_type: 'channel',
    team: ws.teamId,
  });
  await eventually(() => expect(t.fake.ephemerals.length).toBeGreaterThan(prompts));
  const prompt = t.fake.ephemerals.at(-1)!;
  const buttons = (prompt.blocks ?? []).find((b) => b.type === 'actions') as { elements: { value: string }[] };
  const deflectionId = Number(buttons.elements[0]!.value);

  await slack.command({ userId: ws.author.id, text: '' });
  const opened = await t.fake.waitFor('views.open', (c) => c.team === ws.teamId && (c.response as { ok: boolean }).ok);
  const modal = (opened.response as { view: { id: string; hash: string } }).view;

  await slack.event({ type: 'app_home_opened', user: ws.author.id, channel: `D${ws.author.id.slice(1)}`, tab: 'home', event_ts: '1.0' });
  await eventually(() => expect(t.fake.homeViewFor(ws.author.id)).toBeDefined());
  await t.handoff.inFlight.drain(10_000);
  await t.handoff.dispatcher.idle();

  const domain = t.fake.oauth.workspace(ws.teamId)!.domain;
  return {
    ws,
    channelId,
    handoffId: handoff.id,
    handoffNumber: handoff.number,
    cardTs,
    deflectionId,
    proposalTs: proposal.ts,
    modalViewId: modal.id,
    modalViewHash: modal.hash,
    homeViewId: t.fake.homeViewFor(ws.author.id)!.view.id,
    permalink: `https://${domain}.slack.com/archives/${channelId}/p${proposal.ts.replace('.', '')}`,
  };
}

function modalValues(v: { recipients: string[]; ask: string; title?: string; channel?: string }) {
  return {
    [F.recipients.block]: { [F.recipients.action]: { type: 'multi_users_select', selected_users: v.recipients } },
    [F.ask.block]: { [F.ask.action]: v.ask },
    [F.title.block]: { [F.title.action]: v.title ?? '' },
    [F.context.block]: { [F.context.action]: '' },
    [F.links.block]: { [F.links.action]: '' },
    [F.ifOffline.block]: { [F.ifOffline.action]: '' },
    [F.neededBy.block]: { [F.neededBy.action]: { type: 'datetimepicker', selected_date_time: null } },
    [F.channel.block]: { [F.channel.action]: { type: 'conversations_select', selected_conversation: v.channel ?? null } },
    [F.urgent.block]: { [F.urgent.action]: { type: 'checkboxes', selected_options: [] } },
  };
}

// ------------------------------------------------------------------ what A has, and what B was told

/** Everything A owns in the database, and its installation (tokens as sealed), as stored. */
async function databaseOf(t: TestApp, ws: Workspace): Promise<unknown> {
  const store = t.handoff.store;
  return JSON.parse(JSON.stringify({ rows: await store.exportWorkspace(ws.teamId), installation: await store.getInstallation(ws.org ?? ws.teamId) })) as unknown;
}

const dmOf = (userId: string) => `D${userId.slice(1)}`;
const peopleOf = (ws: Workspace) => [ws.author.id, ws.recipient.id];

/** A's side of Slack: its channel's (and its people's DMs') messages, ephemerals, its views and Homes. */
function slackOf(t: TestApp, a: Fixture, dms: boolean): unknown {
  const fake = t.fake;
  const conversations = [a.channelId, ...(dms ? peopleOf(a.ws).map(dmOf) : [])];
  const copy = (x: unknown): unknown => JSON.parse(JSON.stringify(x ?? null));
  return copy({
    messages: conversations.map((c) => fake.messagesIn(c)),
    ephemerals: fake.ephemerals.filter((e) => conversations.includes(e.channel) || (dms && peopleOf(a.ws).includes(e.user))),
    views: [a.modalViewId, a.homeViewId].map((id) => fake.getView(id)),
    homes: peopleOf(a.ws).map((u) => fake.homeViewFor(u)),
  });
}

/** Whether a call names one of A's conversations or views (and people, unless they are an org's, shared with B). */
function touchesA(call: RecordedCall, a: Fixture, botUserId: string, people: boolean): boolean {
  const ids = new Set([a.channelId, a.modalViewId, a.homeViewId, ...(people ? [...peopleOf(a.ws), ...peopleOf(a.ws).map(dmOf), botUserId] : [])]);
  const named = [call.args.channel, call.args.user, call.args.user_id, call.args.view_id, ...String(call.args.users ?? '').split(',')];
  return named.some((v) => typeof v === 'string' && ids.has(v));
}

/** All B's person was told during a case: the ack, response_url posts, DMs, ephemerals and modals. */
function toldToB(res: SlackResponse, calls: RecordedCall[], b: Workspace): string {
  const toB = new Set([...peopleOf(b), ...peopleOf(b).map(dmOf)]);
  const said = calls.filter(
    (c) =>
      c.method === 'response_url' ||
      (['chat.postMessage', 'chat.postEphemeral'].includes(c.method) && (toB.has(String(c.args.channel)) || toB.has(String(c.args.user)))) ||
      c.method.startsWith('views.'),
  );
  return [res.text, ...said.map((c) => JSON.stringify(c.args))].join('\n');
}

// ------------------------------------------------------------------ the cases

interface Ctx {
  t: TestApp;
  a: Fixture;
  b: Workspace;
  /** Signed requests from B. */
  slack: SlackRequester;
  pair: Pair;
}

interface Case {
  /** The listener ("kind:id") this case sends to. */
  listener: string;
  name: string;
  send(ctx: Ctx): Promise<SlackResponse>;
  /** What B's person is told (where the surface allows telling them anything). */
  told?: RegExp;
  /**
   * What they are told instead when A and B are one org's workspaces served by one org-wide install:
   * then A's people are B's colleagues, and handing off to them from B is allowed (a handoff of B's).
   */
  toldInOrg?: RegExp;
  /**
   * The request names one of A's people as the person acting. In an org their id is the org's: they
   * may be in B too, and telling them (a DM) or looking them up is not reaching into A.
   */
  asPersonOfA?: boolean;
}

const NOT_FOUND = /can’t find (that )?handoff|can’t find handoff #/;
const NOT_YOURS = /isn’t yours to act on/;

/** A click by B's author on a card: A's handoff id as the value, in A's channel, on A's message. */
const clickOnA = (actionId: string, told: RegExp): Case => ({
  listener: `action:${actionId}`,
  name: `${actionId}: A's handoff id, on A's card in A's channel`,
  told,
  send: ({ slack, a, b }) => slack.interaction(slack.blockAction({ userId: b.author.id, actionId, value: String(a.handoffId), channelId: a.channelId, messageTs: a.cardTs })),
});

/** A click by B's author on a deflection prompt: A's deflection id. */
const promptOfA = (actionId: string): Case => ({
  listener: `action:${actionId}`,
  name: `${actionId}: A's deflection id, in A's channel`,
  told: NOT_YOURS,
  send: ({ slack, a, b }) =>
    slack.interaction(
      slack.blockAction({
        userId: b.author.id,
        actionId,
        value: String(a.deflectionId),
        channelId: a.channelId,
        messageTs: a.proposalTs,
        container: { type: 'message', message_ts: a.proposalTs, channel_id: a.channelId, is_ephemeral: true },
      }),
    ),
});

const CASES: Case[] = [
  ...(Object.keys(SUBCOMMANDS) as ParsedCommand['kind'][]).map(
    (kind): Case => ({
      listener: `command:${COMMAND}`,
      name: `/handoff ${kind}, typed in A's channel${['list', 'settings', 'deflection', 'done'].includes(kind) ? ' as A’s author' : ''}`,
      told: ({ done: NOT_FOUND, create: /not found in this workspace|Nothing was created/ } as Record<string, RegExp>)[kind],
      toldInOrg: ({ create: /Handoff #\d+ created:\* please send me the numbers/ } as Record<string, RegExp>)[kind],
      asPersonOfA: ['list', 'settings', 'deflection'].includes(kind),
      send: ({ slack, a, b }) => {
        const text = SUBCOMMANDS[kind](a);
        expect(parseCommandText(text).kind).toBe(kind);
        // Where the person is the payload's only id, it is A's (Slack would never send that from B).
        const userId = ['list', 'settings', 'deflection'].includes(kind) ? a.ws.author.id : b.author.id;
        return slack.command({ userId, text, channelId: a.channelId });
      },
    }),
  ),
  clickOnA(ActionIds.acknowledge, NOT_FOUND),
  clickOnA(ActionIds.complete, NOT_FOUND),
  clickOnA(ActionIds.decline, NOT_FOUND),
  clickOnA(ActionIds.cancel, NOT_FOUND),
  clickOnA(ActionIds.reassign, NOT_FOUND),
  clickOnA(ActionIds.snooze, /can’t find that handoff/),
  clickOnA(ActionIds.rewrite, /Only the person who wrote this handoff/),
  {
    listener: `action:${ActionIds.nudge}`,
    name: `${ActionIds.nudge}: A's handoff id and A's recipient, from B's author`,
    told: /can’t find that handoff/,
    send: ({ slack, a, b }) =>
      slack.interaction(
        slack.blockAction({ userId: b.author.id, actionId: ActionIds.nudge, value: `${a.handoffId}:${a.ws.recipient.id}`, channelId: a.channelId, messageTs: a.cardTs }),
      ),
  },
  {
    listener: `action:${ActionIds.acknowledge}`,
    // No response_url from App Home: the answer would be a DM to the clicker, who is A's (not B's) person.
    name: `${ActionIds.acknowledge}: as A's recipient (A's user id), from A's App Home view`,
    asPersonOfA: true,
    send: ({ slack, a }) =>
      slack.interaction(slack.blockAction({ userId: a.ws.recipient.id, actionId: ActionIds.acknowledge, value: String(a.handoffId), view: { id: a.homeViewId, type: 'home' } })),
  },
  {
    listener: `action:${ActionIds.newHandoff}`,
    name: `${ActionIds.newHandoff}: from A's App Home view`,
    send: ({ slack, a, b }) =>
      slack.interaction(slack.blockAction({ userId: b.author.id, actionId: ActionIds.newHandoff, value: 'home', view: { id: a.homeViewId, type: 'home' } })),
  },
  {
    listener: `action:${ActionIds.openSettings}`,
    name: `${ActionIds.openSettings}: as A's author, from A's App Home view`,
    asPersonOfA: true,
    send: ({ slack, a }) =>
      slack.interaction(slack.blockAction({ userId: a.ws.author.id, actionId: ActionIds.openSettings, value: 'home', view: { id: a.homeViewId, type: 'home' } })),
  },
  {
    listener: `action:${ActionIds.openAdminSettings}`,
    name: `${ActionIds.openAdminSettings}: from A's App Home view, by B's person who is no admin`,
    told: /Only workspace admins and owners/,
    send: ({ slack, a, b }) =>
      slack.interaction(slack.blockAction({ userId: b.author.id, actionId: ActionIds.openAdminSettings, value: 'home', view: { id: a.homeViewId, type: 'home' } })),
  },
  {
    listener: `action:${ActionIds.recipientsSelect}`,
    name: `${ActionIds.recipientsSelect}: A's people picked in A's open modal (its view id and hash)`,
    send: ({ slack, a, b }) => {
      const payload = slack.blockAction({
        userId: b.author.id,
        actionId: ActionIds.recipientsSelect,
        actionType: 'multi_users_select',
        view: {
          id: a.modalViewId,
          hash: a.modalViewHash,
          type: 'modal',
          callback_id: CallbackIds.handoffModal,
          title: { type: 'plain_text', text: 'New handoff' },
          blocks: [{ type: 'context', block_id: F.recipientTimes.block, elements: [{ type: 'mrkdwn', text: ' ' }] }],
          private_metadata: JSON.stringify({ key: 'k' }),
        } as never,
      });
      (payload.actions as Record<string, unknown>[])[0]!.selected_users = peopleOf(a.ws);
      return slack.interaction(payload);
    },
  },
  promptOfA(ActionIds.deflectWrite),
  promptOfA(ActionIds.deflectKeep),
  promptOfA(ActionIds.deflectNotNow),
  promptOfA(ActionIds.deflectMuteChannel),
  promptOfA(ActionIds.deflectUnmuteChannel),
  {
    listener: 'action:*',
    name: 'a button no listener owns (an older message): A’s handoff id, on A’s card',
    told: /older message/,
    send: ({ slack, a, b }) =>
      slack.interaction(slack.blockAction({ userId: b.author.id, actionId: 'handoff_legacy_button', value: String(a.handoffId), channelId: a.channelId, messageTs: a.cardTs })),
  },
  {
    listener: `view:${CallbackIds.handoffModal}`,
    name: `${CallbackIds.handoffModal}: A's people, A's channel, A's deflection id and permalink, in A's view id`,
    told: /can’t find <@\w+> in this workspace|<@\w+> isn’t a member of this workspace/,
    // A's people are colleagues: B's handoff to them is made, and never posted in A's channel.
    toldInOrg: /Not posted in <#C0GRIDAENG>: I can’t see <#C0GRIDAENG>/,
    send: ({ slack, a, b }) =>
      slack.interaction(
        slack.viewSubmission({
          userId: b.author.id,
          callbackId: CallbackIds.handoffModal,
          viewId: a.modalViewId,
          privateMetadata: JSON.stringify({ key: randomUUID(), deflectionId: a.deflectionId, permalink: a.permalink }),
          values: modalValues({ recipients: peopleOf(a.ws), ask: 'give me what you have', channel: a.channelId }),
        }),
      ),
  },
  {
    listener: `view:${CallbackIds.handoffModal}`,
    name: `${CallbackIds.handoffModal}: B's own people, but posted to A's channel, converting A's prompt, with A's permalink`,
    send: ({ slack, a, b }) =>
      slack.interaction(
        slack.viewSubmission({
          userId: b.author.id,
          callbackId: CallbackIds.handoffModal,
          privateMetadata: JSON.stringify({ key: randomUUID(), deflectionId: a.deflectionId, permalink: a.permalink }),
          values: modalValues({ recipients: [b.recipient.id], ask: 'the numbers, please', channel: a.channelId }),
        }),
      ),
  },
  {
    listener: `view:${CallbackIds.handoffModal}`,
    name: `${CallbackIds.handoffModal}: without a key, in A's view id (the idempotency key falls back to the view id)`,
    send: ({ slack, a, b }) =>
      slack.interaction(
        slack.viewSubmission({
          userId: b.author.id,
          callbackId: CallbackIds.handoffModal,
          viewId: a.modalViewId,
          values: modalValues({ recipients: [b.recipient.id], ask: 'my own ask' }),
        }),
      ),
  },
  ...(['complete', 'decline', 'cancel'] as const).map(
    (action): Case => ({
      listener: `view:${CallbackIds.resolveModal}`,
      name: `${CallbackIds.resolveModal} (${action}): A's handoff id and A's card in private_metadata`,
      told: NOT_FOUND,
      send: ({ slack, a, b }) =>
        slack.interaction(
          slack.viewSubmission({
            userId: b.author.id,
            callbackId: CallbackIds.resolveModal,
            privateMetadata: JSON.stringify({ handoffId: a.handoffId, action, channelId: a.channelId, messageTs: a.cardTs }),
            values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: 'not yours' } },
          }),
        ),
    }),
  ),
  {
    listener: `view:${CallbackIds.reassignModal}`,
    name: `${CallbackIds.reassignModal}: A's handoff id, passed to B's own person`,
    told: NOT_FOUND,
    send: ({ slack, a, b }) =>
      slack.interaction(
        slack.viewSubmission({
          userId: b.author.id,
          callbackId: CallbackIds.reassignModal,
          privateMetadata: JSON.stringify({ handoffId: a.handoffId, channelId: a.channelId, messageTs: a.cardTs }),
          values: {
            [ReassignModalFields.to.block]: { [ReassignModalFields.to.action]: { type: 'users_select', selected_user: b.recipient.id } },
            [ReassignModalFields.note.block]: { [ReassignModalFields.note.action]: '' },
          },
        }),
      ),
  },
  {
    listener: `view:${CallbackIds.settingsModal}`,
    name: `${CallbackIds.settingsModal}: submitted as A's author`,
    asPersonOfA: true,
    told: /couldn’t load your Slack profile/,
    send: ({ slack, a }) =>
      slack.interaction(
        slack.viewSubmission({ userId: a.ws.author.id, callbackId: CallbackIds.settingsModal, values: settingsValues({ tz: 'Pacific/Auckland', start: '05:00', end: '11:00' }) }),
      ),
  },
  {
    listener: `view:${CallbackIds.adminSettingsModal}`,
    name: `${CallbackIds.adminSettingsModal}: A's people chosen for the weekly report, by B's person who is no admin`,
    told: /Only workspace admins and owners/,
    send: ({ slack, a, b }) =>
      slack.interaction(
        slack.viewSubmission({
          userId: b.author.id,
          callbackId: CallbackIds.adminSettingsModal,
          values: {
            [AdminSettingsFields.reportRecipients.block]: {
              [AdminSettingsFields.reportRecipients.action]: { type: 'multi_users_select', selected_users: [a.ws.author.id, a.ws.recipient.id] },
            },
            [AdminSettingsFields.staleAfter.block]: { [AdminSettingsFields.staleAfter.action]: { type: 'static_select', selected_option: { value: '9' } } },
          },
        }),
      ),
  },
  {
    listener: `view:${CallbackIds.agendaModal}`,
    name: `${CallbackIds.agendaModal}: A's deflection id`,
    told: NOT_YOURS,
    send: ({ slack, a, b }) =>
      slack.interaction(
        slack.viewSubmission({
          userId: b.author.id,
          callbackId: CallbackIds.agendaModal,
          privateMetadata: JSON.stringify({ deflectionId: a.deflectionId }),
          values: { [AgendaModalFields.agenda.block]: { [AgendaModalFields.agenda.action]: '1. take over the thread' } },
        }),
      ),
  },
  {
    listener: `shortcut:${CallbackIds.handThisOffShortcut}`,
    name: `${CallbackIds.handThisOffShortcut}: on A's proposal in A's channel`,
    send: ({ slack, a, b }) =>
      slack.interaction(
        slack.messageShortcut({
          userId: b.author.id,
          callbackId: CallbackIds.handThisOffShortcut,
          channelId: a.channelId,
          message: { ts: a.proposalTs, user: a.ws.author.id, text: `<@${a.ws.recipient.id}> can we hop on a call?` },
        }),
      ),
  },
  {
    listener: 'event:app_home_opened',
    name: 'app_home_opened: by A’s author, in A’s DM',
    asPersonOfA: true,
    send: ({ slack, a }) => slack.event({ type: 'app_home_opened', user: a.ws.author.id, channel: dmOf(a.ws.author.id), tab: 'home', event_ts: '1.0' }),
  },
  {
    listener: 'event:user_change',
    name: 'user_change: A’s author’s profile (moved to Auckland)',
    asPersonOfA: true,
    send: ({ slack, a }) => slack.event({ type: 'user_change', user: { id: a.ws.author.id, name: 'changed', tz: 'Pacific/Auckland', team_id: a.ws.teamId } }),
  },
  {
    listener: 'event:message',
    name: 'message: A’s author proposing a call in A’s channel',
    asPersonOfA: true,
    send: ({ slack, a }) => {
      const text = `<@${a.ws.recipient.id}> can we hop on a call about the ${CANARY} again?`;
      return slack.event({ type: 'message', channel: a.channelId, user: a.ws.author.id, text, ts: '1700000999.000100', event_ts: '1700000999.000100', channel_type: 'channel' });
    },
  },
  {
    listener: 'event:message',
    name: 'message: B’s author proposing a call to A’s people in A’s channel, in A’s proposal’s thread',
    send: ({ slack, a, b }) => {
      const text = `<@${a.ws.recipient.id}> <@${a.ws.author.id}> can we hop on a call about this?`;
      return slack.event({
        type: 'message',
        channel: a.channelId,
        user: b.author.id,
        text,
        ts: '1700000999.000200',
        event_ts: '1700000999.000200',
        thread_ts: a.proposalTs,
        channel_type: 'channel',
      });
    },
  },
  // Only an org's own events (through its org-wide install) add or take away its workspaces.
  {
    listener: 'event:team_access_revoked',
    name: 'team_access_revoked: naming A’s workspace, from B as a workspace naming no org',
    send: ({ t, a, b }) => requesterFor(t, b.teamId).event({ type: 'team_access_revoked', team_ids: [a.ws.teamId] }),
  },
  {
    listener: 'event:team_access_granted',
    name: 'team_access_granted: naming A’s workspace, from B as a workspace naming no org',
    send: ({ t, a, b }) => requesterFor(t, b.teamId).event({ type: 'team_access_granted', team_ids: [a.ws.teamId] }),
  },
  // Last: they stop B's own delivery (B's own business), never A's.
  {
    listener: 'event:tokens_revoked',
    name: 'tokens_revoked: naming A’s bot user (an org’s: the bot both share, revoked for B alone)',
    send: ({ t, a, pair }) => pair.bLeaving(t).event({ type: 'tokens_revoked', tokens: { bot: [botUserOf(t, a.ws)] } }),
  },
  {
    listener: 'event:app_uninstalled',
    name: 'app_uninstalled: B (one workspace) leaving',
    send: ({ t, pair }) => pair.bLeaving(t).event({ type: 'app_uninstalled' }),
  },
];

/** The bot user of the installation serving `ws` (the fake names it after the team or org). */
function botUserOf(t: TestApp, ws: Workspace): string {
  const install = t.fake.callsTo('oauth.v2.access').find((c) => {
    const r = c.response as { team?: { id: string } | null; enterprise?: { id: string } | null; is_enterprise_install?: boolean };
    return ws.org ? r.is_enterprise_install && r.enterprise?.id === ws.org : r.team?.id === ws.teamId;
  });
  return (install!.response as { bot_user_id: string }).bot_user_id;
}

// ------------------------------------------------------------------ the tests

describe('tenant isolation: every listener refuses a crafted payload carrying another workspace’s ids', () => {
  it('has a case for every listener the app registers, and none for a listener that is gone', () => {
    const registered = new Set(registeredListeners());
    // Every id the app defines for a click, a form or a shortcut is registered (ids.ts is the list of them).
    const defined = [
      ...Object.values(ActionIds).map((id) => `action:${id}`),
      ...Object.values(CallbackIds).map((id) => (id === CallbackIds.handThisOffShortcut ? `shortcut:${id}` : `view:${id}`)),
      `command:${COMMAND}`,
    ];
    for (const id of defined) expect(registered).toContain(id);
    expect([...new Set(CASES.map((c) => c.listener))].sort()).toEqual([...registered].sort());
    // Each /handoff subcommand has a case (SUBCOMMANDS' type makes a new one a compile error; this, a test failure).
    expect(CASES.filter((c) => c.listener === `command:${COMMAND}`)).toHaveLength(Object.keys(SUBCOMMANDS).length);
  });

  describe.each(PAIRS)('$name', (pair) => {
    let t: TestApp;
    let ctx: Ctx;

    beforeAll(async () => {
      t = await startDistributed();
      for (const ws of [pair.a, pair.b]) {
        if (ws.org) await installThroughBrowser(t, { enterpriseId: ws.org, orgWide: true });
        else await installThroughBrowser(t, { teamId: ws.teamId });
      }
      const a = await seed(t, pair.a);
      // B has its own channel, so a handoff of B's may be posted somewhere of its own.
      t.fake.addChannel({ id: `C${pair.b.teamId.slice(1)}ENG`, name: 'b-eng', members: peopleOf(pair.b), team_id: pair.b.teamId });
      ctx = { t, a, b: pair.b, slack: requesterOf(t, pair.b), pair };
    });
    afterAll(async () => {
      const fake = t?.fake;
      await t?.close();
      await fake?.close();
    });

    it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const { a, b } = ctx;
      // Two workspaces of one org share its people (W… ids): only a request acting as someone else is cross-tenant for them.
      const peopleShared = a.ws.org !== undefined && a.ws.org === b.org;
      const acrossPeople = !(peopleShared && c.asPersonOfA);
      const database = await databaseOf(t, a.ws);
      const slack = slackOf(t, a, acrossPeople);
      const calls = t.fake.calls.length;
      const logs = t.logs.length;
      const aBot = botUserOf(t, a.ws);

      const res = await c.send(ctx);
      expect(res.status).toBe(200);
      // The listener and anything it queued have finished.
      expect(await t.handoff.inFlight.drain(10_000)).toBe(true);
      await t.handoff.dispatcher.idle();
      const made = t.fake.calls.slice(calls);

      expect(await databaseOf(t, a.ws)).toEqual(database);
      expect(slackOf(t, a, acrossPeople)).toEqual(slack);
      // No call for A: with its token, or an org-wide token naming it.
      expect(made.filter((call) => call.team === a.ws.teamId).map((call) => call.method)).toEqual([]);
      // Whatever named A's conversations, views or (not an org's) people was refused by Slack (B's token cannot reach them), or never made.
      const accepted = made.filter((call) => touchesA(call, a, aBot, !peopleShared) && (call.response as { ok?: boolean } | undefined)?.ok === true);
      expect(accepted.map((call) => [call.method, call.args])).toEqual([]);
      const told = toldToB(res, made, b);
      expect(told).not.toContain(CANARY);
      const expected = peopleShared && c.toldInOrg ? c.toldInOrg : c.told;
      if (expected) expect(told).toMatch(expected);
      expect(told).not.toMatch(/\bat .+\.(ts|js):\d+|Error:/);
      // Refused, not crashed.
      const errors = t.logs.slice(logs).filter((l) => l.includes('"level":50'));
      expect(errors).toEqual([]);
    });

    it('A still works afterwards: its recipient acknowledges its handoff, and A is still active', async () => {
      const slack = requesterOf(t, pair.a);
      const res = await slack.interaction(
        slack.blockAction({ userId: pair.a.recipient.id, actionId: ActionIds.acknowledge, value: String(ctx.a.handoffId), channelId: ctx.a.channelId, messageTs: ctx.a.cardTs }),
      );
      expect(res.status).toBe(200);
      await eventually(async () => expect((await t.handoff.store.loadHandoff(pair.a.teamId, ctx.a.handoffId))?.state).toBe('acknowledged'));
      expect((await t.handoff.store.getWorkspace(pair.a.teamId))?.status ?? 'active').toBe('active');
    });
  });
});
