/** The private "could this be async?" nudge, and the agenda modal for meetings that stay. */
import type { KnownBlock, ModalView } from '@slack/types';
import { ActionIds, AgendaModalFields, CallbackIds } from '../ids';
import { safeMrkdwn } from './text';

export function deflectionPrompt(deflectionId: number, lead: string, channelId: string): { text: string; blocks: KnownBlock[] } {
  const value = String(deflectionId);
  const button = (text: string, action_id: string, style?: 'primary') => ({
    type: 'button' as const,
    text: { type: 'plain_text' as const, text },
    action_id,
    value,
    ...(style ? { style } : {}),
  });
  return {
    text: 'Could this be async? Handoff can turn it into a handoff instead of a call.',
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:thought_balloon: *Could this be async?* ${safeMrkdwn(lead, 2500)}` } },
      {
        type: 'actions',
        block_id: `deflection_${deflectionId}`,
        elements: [
          button('Write a handoff instead', ActionIds.deflectWrite, 'primary'),
          button('Keep the meeting', ActionIds.deflectKeep),
          button('Not now', ActionIds.deflectNotNow),
          button(`Don’t suggest in this channel`, ActionIds.deflectMuteChannel),
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Only you can see this. Turn these off any time in \`/handoff settings\` (channel <#${channelId}>).` }] },
    ],
  };
}

export function agendaModal(deflectionId: number): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackIds.agendaModal,
    title: { type: 'plain_text', text: 'Meeting agenda' },
    submit: { type: 'plain_text', text: 'Post in thread' },
    close: { type: 'plain_text', text: 'Back' },
    private_metadata: JSON.stringify({ deflectionId }),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: 'No agenda, no attenda. What will the call decide, and what should people read first?' } },
      {
        type: 'input',
        block_id: AgendaModalFields.agenda.block,
        label: { type: 'plain_text', text: 'Agenda' },
        element: { type: 'plain_text_input', action_id: AgendaModalFields.agenda.action, multiline: true, max_length: 2500 },
      },
    ],
  };
}
