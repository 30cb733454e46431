/** The "new handoff" modal, optionally pre-filled (message shortcut, meeting deflection). */
import type { ContextBlock, InputBlock, KnownBlock, ModalView, SectionBlock } from '@slack/types';
import { CallbackIds, HandoffModalFields as F } from '../ids';
import { LIMITS, boldSafeMrkdwn, safeMrkdwn, truncate } from './text';

export interface HandoffModalPrefill {
  recipientIds?: string[];
  title?: string;
  context?: string;
  ask?: string;
  links?: string;
  channelId?: string;
}

export interface HandoffModalMeta {
  /** Link to the message this handoff came from (shortcut or deflection). */
  permalink?: string;
  deflectionId?: number;
  /** A random key per opened modal: a double-clicked submit creates one handoff. */
  key: string;
}

export interface RecipientClock {
  userId: string;
  name: string;
  /** e.g. "02:14 in Lisbon, starts in 6 h 46 m" — computed by the caller in the recipient's zone. */
  summary: string;
}

function input(
  block: { block: string; action: string },
  label: string,
  element: InputBlock['element'],
  opts: { optional?: boolean; hint?: string; dispatch?: boolean } = {},
): InputBlock {
  const b: InputBlock = {
    type: 'input',
    block_id: block.block,
    label: { type: 'plain_text', text: label },
    element,
    optional: opts.optional ?? false,
  };
  if (opts.hint) b.hint = { type: 'plain_text', text: opts.hint };
  if (opts.dispatch) b.dispatch_action = true;
  return b;
}

function text(
  f: { block: string; action: string },
  label: string,
  opts: { multiline?: boolean; optional?: boolean; initial?: string; placeholder?: string; max: number; hint?: string },
): InputBlock {
  const el: Extract<InputBlock['element'], { type: 'plain_text_input' }> = {
    type: 'plain_text_input',
    action_id: f.action,
    multiline: opts.multiline ?? false,
    max_length: opts.max,
  };
  if (opts.initial) el.initial_value = truncate(opts.initial, opts.max);
  if (opts.placeholder) el.placeholder = { type: 'plain_text', text: opts.placeholder };
  return input(f, label, el, { optional: opts.optional, hint: opts.hint });
}

export function recipientClocksBlock(clocks: readonly RecipientClock[]): ContextBlock | SectionBlock {
  if (clocks.length === 0) {
    return { type: 'context', block_id: F.recipientTimes.block, elements: [{ type: 'mrkdwn', text: 'Pick people to see their local time and when their day starts.' }] };
  }
  const lines = clocks.slice(0, 10).map((c) => `• *${boldSafeMrkdwn(c.name, 80)}* — ${safeMrkdwn(c.summary, 200)}`);
  if (clocks.length > 10) lines.push(`…and ${clocks.length - 10} more`);
  return { type: 'section', block_id: F.recipientTimes.block, text: { type: 'mrkdwn', text: lines.join('\n') } };
}

export function handoffModal(prefill: HandoffModalPrefill, meta: HandoffModalMeta, clocks: readonly RecipientClock[] = []): ModalView {
  const recipients: InputBlock['element'] = {
    type: 'multi_users_select',
    action_id: F.recipients.action,
    placeholder: { type: 'plain_text', text: 'Who do you need something from?' },
    max_selected_items: 20,
  };
  if (prefill.recipientIds?.length) recipients.initial_users = prefill.recipientIds.slice(0, 20);
  const channel: InputBlock['element'] = {
    type: 'conversations_select',
    action_id: F.channel.action,
    placeholder: { type: 'plain_text', text: 'Also post it in a channel (optional)' },
    filter: { include: ['public', 'private'], exclude_bot_users: true, exclude_external_shared_channels: false },
  };
  if (prefill.channelId) channel.initial_conversation = prefill.channelId;

  const blocks: KnownBlock[] = [
    input(F.recipients, 'Hand off to', recipients, { dispatch: true, hint: 'Choose only yourself for a note to self in your next morning digest.' }),
    recipientClocksBlock(clocks),
    text(F.ask, 'What I need from you', { multiline: true, initial: prefill.ask, max: 3000, placeholder: 'Exactly what would unblock you' }),
    text(F.title, 'Short title', { optional: true, initial: prefill.title, max: 150, hint: 'Leave empty to use the first sentence of the ask.' }),
    text(F.context, 'Where it stands', { multiline: true, optional: true, initial: prefill.context, max: 3000 }),
    text(F.links, 'Links and context', { multiline: true, optional: true, initial: prefill.links, max: 2000 }),
    input(F.neededBy, 'Needed by', { type: 'datetimepicker', action_id: F.neededBy.action }, { optional: true, hint: 'Everyone sees this in their own time zone.' }),
    text(F.ifOffline, 'If I’m offline, you can decide…', { multiline: true, optional: true, max: 2000 }),
    input(F.channel, 'Post in channel', channel, { optional: true }),
    input(
      F.urgent,
      'Urgency',
      {
        type: 'checkboxes',
        action_id: F.urgent.action,
        options: [
          {
            text: { type: 'mrkdwn', text: '*Urgent* — notify now, even outside their working hours' },
            value: 'urgent',
          },
        ],
      },
      { optional: true },
    ),
  ];
  const privateMetadata = JSON.stringify(meta);
  return {
    type: 'modal',
    callback_id: CallbackIds.handoffModal,
    title: { type: 'plain_text', text: 'New handoff' },
    submit: { type: 'plain_text', text: 'Hand it off' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: privateMetadata.length <= LIMITS.privateMetadata ? privateMetadata : JSON.stringify({ key: meta.key }),
    blocks,
  };
}

export function parseModalMeta(raw: string | undefined): HandoffModalMeta {
  try {
    const m = JSON.parse(raw ?? '{}') as Partial<HandoffModalMeta>;
    return {
      key: typeof m.key === 'string' ? m.key.slice(0, 100) : '',
      permalink: typeof m.permalink === 'string' && /^https:\/\//.test(m.permalink) ? m.permalink : undefined,
      deflectionId: typeof m.deflectionId === 'number' ? m.deflectionId : undefined,
    };
  } catch {
    return { key: '' };
  }
}
