/** Buttons of the meeting-deflection prompt. Only the person it was shown to may use them. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { randomUUID } from 'node:crypto';
import { ActionIds } from '../../ids';
import { titleFromAsk } from '../../domain/commandText';
import { handoffModal } from '../../views/handoffModal';
import { agendaModal } from '../../views/deflectionPrompt';
import { teamIdOf, type ListenerDeps } from '../context';
import { tellClicker } from './respondPrivately';

export function registerDeflectionActions(app: App, deps: ListenerDeps): void {
  const rowFor = (body: BlockAction, action: ButtonAction) => deps.deflection.forActor(teamIdOf(body), Number(action.value), body.user.id);

  app.action<BlockAction<ButtonAction>>(ActionIds.deflectWrite, async ({ ack, body, action, client, respond }) => {
    await ack();
    const row = rowFor(body, action);
    if (!row) return tellClicker(body, respond, client, 'This suggestion isn’t yours to act on.');
    const text = row.pendingText ?? '';
    const mentions = JSON.parse(row.pendingMentions ?? '[]') as string[];
    const meta = { key: randomUUID(), deflectionId: row.id };
    // Open first: the trigger expires in 3 s. The permalink is added right after.
    const opened = await client.views
      .open({ trigger_id: body.trigger_id, view: handoffModal({ recipientIds: mentions, ask: text, title: titleFromAsk(text) }, meta) })
      .catch(() => null);
    if (!opened?.view?.id) return tellClicker(body, respond, client, 'Slack took too long to open the form — please click again.');
    const link = await client.chat.getPermalink({ channel: row.channelId, message_ts: row.messageTs }).catch(() => null);
    if (link?.permalink) {
      await client.views
        .update({
          view_id: opened.view.id,
          hash: opened.view.hash,
          view: handoffModal({ recipientIds: mentions, ask: text, title: titleFromAsk(text), links: link.permalink }, { ...meta, permalink: link.permalink }),
        })
        .catch(() => undefined);
    }
    await respond({ delete_original: true }).catch(() => undefined);
  });

  app.action<BlockAction<ButtonAction>>(ActionIds.deflectKeep, async ({ ack, body, action, client, respond }) => {
    await ack();
    const row = rowFor(body, action);
    if (!row) return tellClicker(body, respond, client, 'This suggestion isn’t yours to act on.');
    await client.views.open({ trigger_id: body.trigger_id, view: agendaModal(row.id) }).catch(() => tellClicker(body, respond, client, 'Slack took too long — please click again.'));
  });

  app.action<BlockAction<ButtonAction>>(ActionIds.deflectNotNow, async ({ ack, body, action, respond, client }) => {
    await ack();
    const row = rowFor(body, action);
    if (!row) return tellClicker(body, respond, client, 'This suggestion isn’t yours to act on.');
    deps.deflection.record(row.id, 'dismissed');
    await respond({ delete_original: true }).catch(() => undefined);
  });

  app.action<BlockAction<ButtonAction>>(ActionIds.deflectMuteChannel, async ({ ack, body, action, respond, client }) => {
    await ack();
    const row = rowFor(body, action);
    if (!row) return tellClicker(body, respond, client, 'This suggestion isn’t yours to act on.');
    deps.deflection.muteChannel(row);
    await respond({ replace_original: true, text: `Got it — I won’t suggest handoffs to you in <#${row.channelId}> again. Undo in \`/handoff settings\` any time.` }).catch(() => undefined);
  });
}
