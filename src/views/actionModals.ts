/** Small modals that collect a note before a lifecycle change: done, decline, cancel, reassign. */
import type { ModalView } from '@slack/types';
import { CallbackIds, ReassignModalFields, ResolveModalFields } from '../ids';
import { safePlain } from './text';

export type NoteAction = 'complete' | 'decline' | 'cancel';

const COPY: Record<NoteAction, { title: string; submit: string; label: string; optional: boolean; placeholder: string }> = {
  complete: { title: 'Mark done', submit: 'Done', label: 'Resolution note', optional: true, placeholder: 'What you did, where to find it' },
  decline: { title: 'Decline', submit: 'Decline', label: 'Reason', optional: false, placeholder: 'Why not — and who could help instead' },
  cancel: { title: 'Cancel handoff', submit: 'Cancel it', label: 'Reason (optional)', optional: true, placeholder: 'Not needed any more because…' },
};

export interface NoteModalMeta {
  handoffId: number;
  action: NoteAction;
  /** Where the button was clicked, to refresh that message after the change. */
  channelId?: string;
  messageTs?: string;
  fromHome?: boolean;
}

export function noteModal(meta: NoteModalMeta, handoffTitle: string): ModalView {
  const copy = COPY[meta.action];
  return {
    type: 'modal',
    callback_id: CallbackIds.resolveModal,
    title: { type: 'plain_text', text: copy.title },
    submit: { type: 'plain_text', text: copy.submit },
    close: { type: 'plain_text', text: 'Back' },
    private_metadata: JSON.stringify(meta),
    blocks: [
      { type: 'section', text: { type: 'plain_text', text: safePlain(handoffTitle, 2900) } },
      {
        type: 'input',
        block_id: ResolveModalFields.note.block,
        optional: copy.optional,
        label: { type: 'plain_text', text: copy.label },
        element: {
          type: 'plain_text_input',
          action_id: ResolveModalFields.note.action,
          multiline: true,
          max_length: 2000,
          placeholder: { type: 'plain_text', text: copy.placeholder },
        },
      },
    ],
  };
}

export interface ReassignModalMeta {
  handoffId: number;
  channelId?: string;
  messageTs?: string;
  fromHome?: boolean;
}

export function reassignModal(meta: ReassignModalMeta, handoffTitle: string): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackIds.reassignModal,
    title: { type: 'plain_text', text: 'Reassign' },
    submit: { type: 'plain_text', text: 'Reassign' },
    close: { type: 'plain_text', text: 'Back' },
    private_metadata: JSON.stringify(meta),
    blocks: [
      { type: 'section', text: { type: 'plain_text', text: safePlain(handoffTitle, 2900) } },
      {
        type: 'input',
        block_id: ReassignModalFields.to.block,
        label: { type: 'plain_text', text: 'Who should pick this up?' },
        element: { type: 'users_select', action_id: ReassignModalFields.to.action },
      },
      {
        type: 'input',
        block_id: ReassignModalFields.note.block,
        optional: true,
        label: { type: 'plain_text', text: 'Note for them' },
        element: { type: 'plain_text_input', action_id: ReassignModalFields.note.action, multiline: true, max_length: 2000 },
      },
    ],
  };
}

export function parseJsonMeta<T extends object>(raw: string | undefined, isValid: (v: Partial<T>) => boolean): T | null {
  try {
    const v = JSON.parse(raw ?? '') as Partial<T>;
    return v && typeof v === 'object' && isValid(v) ? (v as T) : null;
  } catch {
    return null;
  }
}
