/** Message shortcut "Hand this off": the modal pre-filled with the message and a link to it. */
import type { App, MessageShortcut } from '@slack/bolt';
import { randomUUID } from 'node:crypto';
import { CallbackIds } from '../../ids';
import { titleFromAsk } from '../../domain/commandText';
import { mentionedUserIds, readableSlackText } from '../../domain/slackText';
import { handoffModal } from '../../views/handoffModal';
import type { ListenerDeps } from '../context';
import { bestEffort } from '../../bestEffort';

export function registerShortcuts(app: App, deps: ListenerDeps): void {
  app.shortcut<MessageShortcut>(CallbackIds.handThisOffShortcut, async ({ ack, shortcut, client }) => {
    await ack();
    const message: { text?: unknown; user?: unknown; ts?: unknown } = shortcut.message ?? {};
    const raw = typeof message.text === 'string' ? message.text : '';
    const text = readableSlackText(raw);
    const author = typeof message.user === 'string' ? message.user : undefined;
    const recipients = [...new Set([...(author && author !== shortcut.user.id ? [author] : []), ...mentionedUserIds(raw)])].filter((u) => u !== shortcut.user.id);
    const prefill = { recipientIds: recipients.slice(0, 20), ask: text, title: titleFromAsk(text) };
    const meta = { key: randomUUID() };
    const opened = await client.views.open({ trigger_id: shortcut.trigger_id, view: handoffModal(prefill, meta) }).catch((e) => {
      deps.logger.warn({ err: e }, 'could not open modal from shortcut');
      return null;
    });
    if (!opened?.view?.id) return;
    const channel = shortcut.channel?.id;
    if (typeof channel !== 'string' || typeof message.ts !== 'string') return;
    const link = await bestEffort(client.chat.getPermalink({ channel, message_ts: message.ts }), deps.logger, 'permalink for the shortcut');
    if (!link?.permalink) return;
    // The form works without the link; Slack refuses the update if the person already edited it.
    await bestEffort(
      client.views.update({ view_id: opened.view.id, hash: opened.view.hash, view: handoffModal({ ...prefill, links: link.permalink }, { ...meta, permalink: link.permalink }) }),
      deps.logger,
      'adding the permalink to the shortcut form',
    );
  });
}
