/** Workspace settings, for workspace admins and owners: who gets the weekly async-health report, and when an ask counts as stale. */
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { AdminSettingsFields as F, CallbackIds } from '../ids';
import { MAX_STALE_AFTER_WORKING_DAYS, MIN_STALE_AFTER_WORKING_DAYS } from '../domain/followThrough';
import { MIN_GROUP } from '../domain/asyncHealth';

/** The most people one workspace may choose for the weekly report (each is one DM with a file a week). */
export const MAX_REPORT_RECIPIENTS = 20;

export interface AdminSettingsValues {
  reportRecipients: string[];
  staleAfterWorkingDays: number;
}

const dayOption = (n: number): PlainTextOption => ({ text: { type: 'plain_text', text: n === 1 ? '1 working day' : `${n} working days` }, value: String(n) });

export function adminSettingsModal(v: AdminSettingsValues): ModalView {
  const options: PlainTextOption[] = [];
  for (let n = MIN_STALE_AFTER_WORKING_DAYS; n <= MAX_STALE_AFTER_WORKING_DAYS; n++) options.push(dayOption(n));
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'These settings are for the whole workspace. Only workspace admins and owners can see and change them.' }],
    },
    {
      type: 'input',
      block_id: F.reportRecipients.block,
      optional: true,
      label: { type: 'plain_text', text: 'Weekly async-health report' },
      hint: {
        type: 'plain_text',
        text: `These people get the report in a DM at the start of their Monday workday (up to ${MAX_REPORT_RECIPIENTS}). It shows team totals, never a ranking of people, and no team figure for a group smaller than ${MIN_GROUP}; each person also sees their own figures.`,
      },
      element: {
        type: 'multi_users_select',
        action_id: F.reportRecipients.action,
        max_selected_items: MAX_REPORT_RECIPIENTS,
        placeholder: { type: 'plain_text', text: 'Choose people' },
        ...(v.reportRecipients.length ? { initial_users: v.reportRecipients.slice(0, MAX_REPORT_RECIPIENTS) } : {}),
      },
    },
    {
      type: 'input',
      block_id: F.staleAfter.block,
      label: { type: 'plain_text', text: 'An ask is stale after' },
      hint: {
        type: 'plain_text',
        text: 'Counted in the recipient’s own working days without an acknowledgement. Stale asks come first in their digest, and the author is asked whether to nudge.',
      },
      element: { type: 'static_select', action_id: F.staleAfter.action, options, initial_option: dayOption(v.staleAfterWorkingDays) },
    },
  ];
  return {
    type: 'modal',
    callback_id: CallbackIds.adminSettingsModal,
    title: { type: 'plain_text', text: 'Workspace settings' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

export function adminSettingsSavedView(v: AdminSettingsValues): ModalView {
  const who =
    v.reportRecipients.length === 0
      ? 'Nobody gets the weekly report.'
      : `${v.reportRecipients.length} ${v.reportRecipients.length === 1 ? 'person gets' : 'people get'} the weekly report.`;
  return {
    type: 'modal',
    callback_id: CallbackIds.adminSettingsModal,
    title: { type: 'plain_text', text: 'Workspace settings' },
    close: { type: 'plain_text', text: 'Done' },
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `:white_check_mark: Saved. ${who} Asks are stale after ${v.staleAfterWorkingDays} of the recipient’s working days.` },
      },
    ],
  };
}
