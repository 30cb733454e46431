/** Lifecycle buttons on every surface. Permission is decided by the domain, never by which buttons showed. */
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { randomUUID } from 'node:crypto';
import { ActionIds, CardBlockIds } from '../../ids';
import { activeRecipientIds, loadHandoff, type HandoffWithRecipients } from '../../db/queries/handoffs';
import { decide } from '../../domain/handoffLifecycle';
import { handoffCard, handoffFallbackText } from '../../views/handoffCard';
import { noteModal, reassignModal, type NoteAction } from '../../views/actionModals';
import { handoffModal } from '../../views/handoffModal';
import type { ListenerDeps } from '../context';
import { teamIdOf } from '../context';
import { tellClicker } from './respondPrivately';
import { whereIsFrom } from '../../services/people';

type Args = { body: BlockAction; action: ButtonAction };

function handoffIdOf(action: ButtonAction): number | null {
  const n = Number(action.value);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** Where the click happened, so the message can be refreshed in place after the change. */
export interface ClickOrigin {
  channelId?: string;
  messageTs?: string;
  fromHome?: boolean;
}

function originOf(body: BlockAction): ClickOrigin {
  if (body.container?.type === 'message') return { channelId: body.container.channel_id, messageTs: body.container.message_ts };
  return { fromHome: body.view?.type === 'home' };
}

export function registerHandoffActions(app: App, deps: ListenerDeps): void {
  const simple = async ({ body, action }: Args, kind: 'acknowledge', respond: RespondFn) => {
    const teamId = teamIdOf(body);
    const id = handoffIdOf(action);
    if (!id) return tellClicker(body, respond, deps.client, 'That button is broken — please use `/handoff list`.');
    const out = await deps.handoffs.act(teamId, body.user.id, id, { kind }, null);
    await afterChange(deps, body, out.ok ? out.handoff : null, out.message, respond);
  };

  app.action<BlockAction<ButtonAction>>(ActionIds.acknowledge, async ({ ack, body, action, respond }) => {
    await ack();
    await simple({ body, action }, 'acknowledge', respond);
  });

  app.action<BlockAction<ButtonAction>>(ActionIds.snooze, async ({ ack, body, action, respond }) => {
    await ack();
    const id = handoffIdOf(action);
    const out = id ? await deps.handoffs.snooze(teamIdOf(body), body.user.id, id) : { ok: false as const, message: 'That button is broken.' };
    await tellClicker(body, respond, deps.client, out.message);
  });

  for (const [actionId, kind] of [
    [ActionIds.complete, 'complete'],
    [ActionIds.decline, 'decline'],
    [ActionIds.cancel, 'cancel'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond, client }) => {
      await ack();
      const h = loadFor(deps, body, action);
      const refusal = h ? refusalFor(h, body.user.id, kind) : 'I can’t find that handoff.';
      if (refusal || !h) return tellClicker(body, respond, client, refusal ?? 'I can’t find that handoff.');
      await openOrExplain(client, body, respond, noteModal({ handoffId: h.id, action: kind as NoteAction, ...originOf(body) }, `#${h.number} · ${h.title}`));
    });
  }

  app.action<BlockAction<ButtonAction>>(ActionIds.reassign, async ({ ack, body, action, respond, client }) => {
    await ack();
    const h = loadFor(deps, body, action);
    const refusal = h ? refusalFor(h, body.user.id, 'reassign') : 'I can’t find that handoff.';
    if (refusal || !h) return tellClicker(body, respond, client, refusal ?? 'I can’t find that handoff.');
    await openOrExplain(client, body, respond, reassignModal({ handoffId: h.id, ...originOf(body) }, `#${h.number} · ${h.title}`));
  });

  // A declined ask, written again as a new handoff: the form pre-filled, the people left for the author to pick.
  app.action<BlockAction<ButtonAction>>(ActionIds.rewrite, async ({ ack, body, action, respond, client }) => {
    await ack();
    const h = loadFor(deps, body, action);
    if (!h || h.authorId !== body.user.id) return tellClicker(body, respond, client, 'Only the person who wrote this handoff can rewrite it.');
    await openOrExplain(client, body, respond, handoffModal({ title: h.title, ask: h.ask, context: h.context, links: h.links }, { key: randomUUID() }));
  });

  app.action<BlockAction<ButtonAction>>(ActionIds.newHandoff, async ({ ack, body, client, respond }) => {
    await ack();
    await openOrExplain(client, body, respond, handoffModal({}, { key: randomUUID() }));
  });

  app.action<BlockAction<ButtonAction>>(ActionIds.openSettings, async ({ ack, body, respond, client }) => {
    await ack();
    // If the form cannot open (expired trigger, Slack slow), the clicker is told rather than left waiting.
    await deps.settings.open(teamIdOf(body), body.user.id, body.trigger_id, (text) => tellClicker(body, respond, client, text));
  });
}

function loadFor(deps: ListenerDeps, body: BlockAction, action: ButtonAction): HandoffWithRecipients | undefined {
  const id = handoffIdOf(action);
  return id ? loadHandoff(deps.db, teamIdOf(body), id) : undefined;
}

/** Checked before opening a modal, so a non-participant is refused at once, politely. */
function refusalFor(h: HandoffWithRecipients, userId: string, kind: 'complete' | 'decline' | 'cancel' | 'reassign'): string | null {
  const action =
    kind === 'reassign' ? { kind, to: '__probe__' } : kind === 'complete' ? { kind, note: '' } : kind === 'decline' ? { kind, reason: '' } : { kind };
  const d = decide({ state: h.state, authorId: h.authorId, activeRecipients: activeRecipientIds(h) }, userId, action);
  return d.ok ? null : d.message;
}

async function openOrExplain(
  client: ListenerDeps['client'],
  body: BlockAction,
  respond: Parameters<typeof tellClicker>[1],
  view: Parameters<ListenerDeps['client']['views']['open']>[0]['view'],
): Promise<void> {
  try {
    await client.views.open({ trigger_id: body.trigger_id, view });
  } catch {
    await tellClicker(body, respond, client, 'Slack took too long to open the form — please click again.');
  }
}

/**
 * After a change: refresh the clicked message in place (replacing only this handoff's buttons, so a
 * digest with several handoffs stays intact), refresh App Home, and tell the clicker privately.
 * Where the click happened (`container`, or the ids a modal carried in private_metadata) is only a
 * hint: `refreshMessage` checks it against Slack before touching anything.
 */
export async function afterChange(
  deps: ListenerDeps,
  body: { user: { id: string; team_id?: string }; team?: { id?: string } | null } & Partial<Pick<BlockAction, 'container' | 'view' | 'response_url'>>,
  h: HandoffWithRecipients | null,
  message: string,
  respond: Parameters<typeof tellClicker>[1] | null,
  origin?: ClickOrigin,
): Promise<void> {
  const where = origin ?? (body.container ? originOf(body as BlockAction) : {});
  if (h && typeof where.channelId === 'string' && typeof where.messageTs === 'string' && where.messageTs !== h.channelTs) {
    await refreshMessage(deps, where.channelId, where.messageTs, h, body.user.id);
  }
  if (h && (where.fromHome || body.view?.type === 'home')) await deps.home.publish(teamIdOf(body), body.user.id);
  if (respond && body.response_url) await respond({ response_type: 'ephemeral', replace_original: false, text: message });
  else await deps.client.chat.postEphemeral({ channel: where.channelId ?? body.user.id, user: body.user.id, text: message }).catch(() =>
    deps.client.chat.postMessage({ channel: body.user.id, text: message }).catch(() => undefined),
  );
}

/**
 * Rebuilds a card in a message from trusted sources only: the handoff from the database, the rest
 * of the message from Slack's own copy (never from the payload, whose `message.blocks` a forged
 * request controls). Cards are refreshed in place only in the clicker's own DM with Handoff
 * (channel posts are updated by the outbox), and only in a message Handoff itself posted there.
 */
async function refreshMessage(deps: ListenerDeps, channel: string, ts: string, h: HandoffWithRecipients, viewerId: string): Promise<void> {
  try {
    if (!channel.startsWith('D')) return;
    const me = await deps.identity.resolve();
    if (!me?.botId && !me?.botUserId) return;
    const dm = await deps.client.conversations.open({ users: viewerId });
    if (dm.channel?.id !== channel) {
      deps.logger.warn({ teamId: h.teamId, handoffId: h.id }, 'click names a conversation that is not the clicker’s DM with Handoff: message not refreshed');
      return;
    }
    const hist = await deps.client.conversations.history({ channel, latest: ts, oldest: ts, inclusive: true, limit: 1 });
    const original = hist.messages?.find((m) => m.ts === ts);
    const ours = original && ((me.botId && original.bot_id === me.botId) || (me.botUserId && original.user === me.botUserId));
    if (!original || !ours || !Array.isArray(original.blocks)) return;
    // Swap this handoff's status line and buttons; everything else in the message (a digest's other
    // cards, the lead line) stays as Slack has it.
    const fresh = handoffCard(h, { viewerId, surface: 'dm', now: deps.clock.now(), detail: 'short', whereIs: whereIsFrom(deps.db, h.teamId, null) });
    const byId = new Map(fresh.flatMap((b) => ('block_id' in b && b.block_id ? [[b.block_id, b] as const] : [])));
    const mine = new Set([CardBlockIds.meta(h.id), CardBlockIds.actions(h.id)]);
    const blocks = original.blocks as KnownBlock[];
    if (!blocks.some((b) => 'block_id' in b && b.block_id && mine.has(b.block_id))) return; // not this handoff's message
    const next = blocks.flatMap((b) => {
      const id = 'block_id' in b ? b.block_id : undefined;
      if (!id || !mine.has(id)) return [b];
      const replacement = byId.get(id);
      return replacement ? [replacement] : [];
    });
    // The notification text stays what it was ("Good morning: …" for a digest), not a status line.
    await deps.client.chat.update({ channel, ts, blocks: next, text: original.text ?? handoffFallbackText(h, 'Handoff') });
  } catch (e) {
    deps.logger.debug({ err: e }, 'could not refresh message in place');
  }
}
