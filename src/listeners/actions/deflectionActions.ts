/** Buttons of the meeting-deflection prompt. Only the person it was shown to may use them. */
import type { BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { randomUUID } from 'node:crypto';
import { ActionIds } from '../../ids';
import { titleFromAsk } from '../../domain/commandText';
import { isUserId } from '../../domain/slackText';
import { handoffModal } from '../../views/handoffModal';
import { agendaModal, mutedConfirmation } from '../../views/deflectionPrompt';
import type { DeflectionRow } from '../../services/deflection';
import { teamIdOf, type ListenerDeps } from '../context';
import { tellClicker } from '../tellClicker';
import { bestEffort } from '../../bestEffort';
import type { ListenerRouter } from '../router';

const NOT_YOURS = 'This suggestion isn’t yours to act on.';

export function registerDeflectionActions(router: ListenerRouter, deps: ListenerDeps): void {
  /**
   * The row behind a click, or null after telling the clicker why not. The button value is only an
   * id: the row must belong to this workspace and to the clicker, whatever the payload says.
   */
  const rowFor = async (body: BlockAction, action: ButtonAction, respond: RespondFn): Promise<DeflectionRow | null> => {
    const row = await deps.deflection.forActor(teamIdOf(body), Number(action.value), body.user.id);
    if (!row) {
      await tellClicker(deps, body, respond, NOT_YOURS);
      return null;
    }
    if (row.outcome === 'converted' || row.outcome === 'failed') {
      await tellClicker(deps, body, respond, 'You already turned this into a handoff.');
      return null;
    }
    return row;
  };

  router.action<BlockAction<ButtonAction>>(ActionIds.deflectWrite, async ({ ack, body, action, client, respond }) => {
    await ack();
    const row = await rowFor(body, action, respond);
    if (!row) return;
    const ask = row.pendingText ?? '';
    const recipientIds = parseIds(row.pendingMentions);
    const prefill = { recipientIds, ask, title: ask ? titleFromAsk(withoutLeadingMentions(ask, await deps.people.knownNames(teamIdOf(body), recipientIds))) : undefined };
    const meta = { key: randomUUID(), deflectionId: row.id };
    // Open first: the trigger expires in 3 s. The permalink and recipient clocks follow in an update.
    const opened = await bestEffort(client.views.open({ trigger_id: body.trigger_id, view: handoffModal(prefill, meta) }), deps.logger, 'handoff form from a prompt');
    if (!opened?.view?.id) return tellClicker(deps, body, respond, 'Slack took too long to open the form — please click again.');
    // The modal holds the text now; the prompt goes away, so nothing needs it in the database.
    await deps.deflection.forgetText(row.id);
    await bestEffort(respond({ delete_original: true }), deps.logger, 'removing the prompt');

    const [link, clocks] = await Promise.all([
      bestEffort(client.chat.getPermalink({ channel: row.channelId, message_ts: row.messageTs }), deps.logger, 'permalink of the proposal'),
      deps.handoffs.recipientClocks(teamIdOf(body), recipientIds, body.user.id),
    ]);
    const permalink = link?.permalink;
    if (!permalink && clocks.length === 0) return;
    await client.views
      .update({
        view_id: opened.view.id,
        hash: opened.view.hash,
        view: handoffModal({ ...prefill, ...(permalink ? { links: permalink } : {}) }, { ...meta, ...(permalink ? { permalink } : {}) }, clocks),
      })
      .catch((e: unknown) => deps.logger.debug({ err: e }, 'deflection modal not updated with permalink'));
  });

  router.action<BlockAction<ButtonAction>>(ActionIds.deflectKeep, async ({ ack, body, action, client, respond }) => {
    await ack();
    const row = await rowFor(body, action, respond);
    if (!row) return;
    await client.views
      .open({ trigger_id: body.trigger_id, view: agendaModal(row.id) })
      .catch(() => tellClicker(deps, body, respond, 'Slack took too long to open the agenda form — please click again.'));
  });

  router.action<BlockAction<ButtonAction>>(ActionIds.deflectNotNow, async ({ ack, body, action, respond }) => {
    await ack();
    const row = await rowFor(body, action, respond);
    if (!row) return;
    await deps.deflection.record(row.id, 'dismissed');
    await bestEffort(respond({ delete_original: true }), deps.logger, 'removing the prompt');
  });

  router.action<BlockAction<ButtonAction>>(ActionIds.deflectMuteChannel, async ({ ack, body, action, respond }) => {
    await ack();
    const row = await rowFor(body, action, respond);
    if (!row) return;
    await deps.deflection.muteChannel(row);
    await bestEffort(respond({ replace_original: true, ...mutedConfirmation(row.id, row.channelId) }), deps.logger, 'mute confirmation');
  });

  router.action<BlockAction<ButtonAction>>(ActionIds.deflectUnmuteChannel, async ({ ack, body, action, respond }) => {
    await ack();
    const row = await deps.deflection.forActor(teamIdOf(body), Number(action.value), body.user.id);
    if (!row) return tellClicker(deps, body, respond, NOT_YOURS);
    await deps.deflection.unmuteChannel(row);
    await bestEffort(
      respond({ replace_original: true, text: `Done — I may suggest a handoff in <#${row.channelId}> again when you propose a call there.` }),
      deps.logger,
      'unmute confirmation',
    );
  });
}

function parseIds(json: string | null): string[] {
  try {
    const v = JSON.parse(json ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter(isUserId) : [];
  } catch {
    return [];
  }
}

/**
 * "@Ana Silva @ben can we hop on a call about X?" → "can we hop on a call about X?" for the title.
 * Display names may contain spaces, so the known names are stripped first, then single @words.
 */
function withoutLeadingMentions(text: string, names: readonly string[]): string {
  let rest = text.trimStart();
  for (let guard = 0; guard < 25 && rest.startsWith('@'); guard++) {
    const known = names.filter((n) => n && rest.slice(1).toLowerCase().startsWith(n.toLowerCase())).sort((a, b) => b.length - a.length)[0];
    rest = (known ? rest.slice(1 + known.length) : rest.replace(/^@[^\s,:]*/u, '')).replace(/^[\s,:]+/u, '');
  }
  return rest || text;
}
