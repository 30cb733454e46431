/** Per-person settings: zone, working hours and days, digest, deflection, away — with a digest preview. */
import type { KnownBlock, ModalView, Option } from '@slack/types';
import { CallbackIds, SettingsModalFields as F } from '../ids';
import { formatHHMM } from '../domain/workSchedule';
import { safeMrkdwn } from './text';

export interface SettingsValues {
  tzOverride: string | null;
  slackTz: string | null;
  startMinute: number;
  endMinute: number;
  workingDays: number;
  digestEnabled: boolean;
  deflectionEnabled: boolean;
  awayUntil: string | null;
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export const dayOption = (d: number): Option => ({ text: { type: 'plain_text', text: DAY_NAMES[d]! }, value: String(d) });
const onOption = (text: string): Option => ({ text: { type: 'plain_text', text }, value: 'on' });

export function settingsModal(v: SettingsValues, previewLines: string[]): ModalView {
  const digestLabel = 'Send me a summary of everything waiting on me when my day starts';
  const days = [1, 2, 3, 4, 5, 6, 0];
  const selectedDays = days.filter((d) => (v.workingDays >> d) & 1).map(dayOption);
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: F.tz.block,
      optional: true,
      label: { type: 'plain_text', text: 'Time zone' },
      hint: { type: 'plain_text', text: `IANA name such as Europe/Lisbon. Leave empty to follow your Slack profile${v.slackTz ? ` (${v.slackTz})` : ''}.` },
      element: { type: 'plain_text_input', action_id: F.tz.action, max_length: 64, ...(v.tzOverride ? { initial_value: v.tzOverride } : {}) },
    },
    {
      type: 'input',
      block_id: F.start.block,
      label: { type: 'plain_text', text: 'Workday starts (your digest arrives then)' },
      element: { type: 'timepicker', action_id: F.start.action, initial_time: formatHHMM(v.startMinute) },
    },
    {
      type: 'input',
      block_id: F.end.block,
      label: { type: 'plain_text', text: 'Workday ends' },
      element: { type: 'timepicker', action_id: F.end.action, initial_time: formatHHMM(v.endMinute) },
    },
    {
      type: 'input',
      block_id: F.days.block,
      label: { type: 'plain_text', text: 'Working days' },
      element: { type: 'checkboxes', action_id: F.days.action, options: days.map(dayOption), ...(selectedDays.length ? { initial_options: selectedDays } : {}) },
    },
    {
      type: 'input',
      block_id: F.digest.block,
      optional: true,
      label: { type: 'plain_text', text: 'Morning digest' },
      hint: { type: 'plain_text', text: 'When off, you still get one DM at the start of your day with news that waited for you (an answer to your ask, a new handoff).' },
      element: { type: 'checkboxes', action_id: F.digest.action, options: [onOption(digestLabel)], ...(v.digestEnabled ? { initial_options: [onOption(digestLabel)] } : {}) },
    },
    {
      type: 'input',
      block_id: F.deflection.block,
      optional: true,
      label: { type: 'plain_text', text: 'Meeting deflection' },
      element: {
        type: 'checkboxes',
        action_id: F.deflection.action,
        options: [onOption('Offer a handoff when I propose a call')],
        ...(v.deflectionEnabled ? { initial_options: [onOption('Offer a handoff when I propose a call')] } : {}),
      },
    },
    {
      type: 'input',
      block_id: F.awayUntil.block,
      optional: true,
      label: { type: 'plain_text', text: 'Away until' },
      hint: { type: 'plain_text', text: 'No digests before this date; what arrives meanwhile waits for your return.' },
      element: { type: 'datepicker', action_id: F.awayUntil.action, ...(v.awayUntil ? { initial_date: v.awayUntil } : {}) },
    },
    { type: 'divider' },
    previewBlock(previewLines, v.digestEnabled),
  ];
  return {
    type: 'modal',
    callback_id: CallbackIds.settingsModal,
    title: { type: 'plain_text', text: 'Handoff settings' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

export function previewBlock(lines: string[], digestOn: boolean): KnownBlock {
  const title = digestOn ? '*Your next digests*' : '*Morning digest is off.* News that waited for you arrives at the start of your day:';
  const text = lines.length ? `${title}\n${lines.map((l) => `• ${safeMrkdwn(l, 200)}`).join('\n')}` : title;
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

export function settingsSavedView(lines: string[], digestOn: boolean): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'Settings saved' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: ':white_check_mark: Saved.' } }, previewBlock(lines, digestOn)],
  };
}
