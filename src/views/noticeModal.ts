/** A form replaced by a plain message (a submission Handoff cannot take, said in the form itself). */
import type { ModalView } from '@slack/types';

export function noticeModal(title: string, text: string): ModalView {
  return {
    type: 'modal',
    // Slack's limit for a modal title is 24 characters.
    title: { type: 'plain_text', text: Array.from(title).slice(0, 24).join('') },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}
