/** Per-person settings: zone, working hours and days, digest, deflection, away, public holidays — with a digest preview. */
import type { KnownBlock, ModalView, Option, PlainTextOption } from '@slack/types';
import { CallbackIds, SettingsModalFields as F } from '../ids';
import { formatHHMM } from '../domain/workSchedule';
import { NO_HOLIDAY_REGION } from '../domain/personSchedule';
import type { HolidayRegion } from '../time';
import { safeMrkdwn } from './text';

/** The holiday-region field: what is stored, what the zone proposes, and the proposal's country with its states. */
export interface HolidayChoice {
  /** users.holiday_region: null (not chosen yet), 'off', or a region. */
  stored: string | null;
  /** How the stored region reads ("Bayern, Germany"), when it is one. */
  storedName: string | null;
  /** The region proposed from the person's zone ("PT"), or null when the zone names no country. */
  proposed: string | null;
  /** The zone the proposal came from. */
  zone: string;
  /** The proposed country, then its states (≤ 52 options: the US has 51). */
  choices: HolidayRegion[];
  /** "Portugal", for the group's label. */
  countryName: string | null;
}

/** Away read from the Slack status, as the settings show it (null: the status says nothing). */
export interface StatusAwayView {
  /** "Mon 15 Mar" (the person's own zone), or null for a status with no end. */
  until: string | null;
  /** "vacation", "out of office"… */
  kind: string;
  /** The person said "I'm not away" to this status. */
  dismissed: boolean;
}
export interface SettingsValues {
  tzOverride: string | null;
  slackTz: string | null;
  startMinute: number;
  endMinute: number;
  workingDays: number;
  digestEnabled: boolean;
  deflectionEnabled: boolean;
  awayUntil: string | null;
  holiday: HolidayChoice;
  statusAway: StatusAwayView | null;
  /** An admin chose them for the weekly async-health report: they may stop it. */
  getsWeeklyReport: boolean;
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
    ...statusAwayBlocks(v.statusAway),
    ...holidayBlocks(v.holiday),
    ...weeklyReportBlocks(v.getsWeeklyReport),
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

/** For someone an admin chose: the weekly report is theirs to stop (an admin can add them again). */
function weeklyReportBlocks(gets: boolean): KnownBlock[] {
  if (!gets) return [];
  return [
    {
      type: 'input',
      block_id: F.stopWeeklyReport.block,
      optional: true,
      label: { type: 'plain_text', text: 'Weekly report' },
      hint: { type: 'plain_text', text: 'A workspace admin chose you for the async-health report each Monday; they can add you again.' },
      element: { type: 'checkboxes', action_id: F.stopWeeklyReport.action, options: [onOption('Stop sending me the weekly report')] },
    },
  ];
}

const NOT_AWAY_LABEL = 'I’m not away: ignore this Slack status';

/** "Away until Mon 15 Mar, from your Slack status", and the way to say it is wrong. */
function statusAwayBlocks(a: StatusAwayView | null): KnownBlock[] {
  if (!a) return [];
  const until = a.until ? `until ${a.until}` : 'today';
  const text = a.dismissed
    ? `:information_source: Your Slack status says you’re away (${a.kind}); you told me you’re not, so I ignore it until your status changes.`
    : `:palm_tree: *Away ${until}*, from your Slack status (${a.kind}). No digests until then; what arrives waits for your return.`;
  const option = onOption(NOT_AWAY_LABEL);
  return [
    { type: 'section', text: { type: 'mrkdwn', text } },
    {
      type: 'input',
      block_id: F.notAway.block,
      optional: true,
      label: { type: 'plain_text', text: 'Slack status' },
      hint: { type: 'plain_text', text: 'A new away status (another text or end) counts again.' },
      element: { type: 'checkboxes', action_id: F.notAway.action, options: [option], ...(a.dismissed ? { initial_options: [option] } : {}) },
    },
  ];
}

const regionOption = (value: string, text: string): PlainTextOption => ({ text: { type: 'plain_text', text: text.slice(0, 75) }, value });

/**
 * Public holidays: a static select of at most 54 options (Slack allows 100 per select): "No public
 * holidays", the country proposed from the zone with its states, and the stored region when it is
 * elsewhere. Any other of date-holidays' ≈570 regions is typed as a code in the field after it.
 */
function holidayBlocks(h: HolidayChoice): KnownBlock[] {
  const none = regionOption(NO_HOLIDAY_REGION, 'No public holidays');
  const groups: { label: string; options: PlainTextOption[] }[] = [{ label: 'Off', options: [none] }];
  if (h.choices.length) groups.push({ label: (h.countryName ?? 'Your time zone').slice(0, 75), options: h.choices.map((r) => regionOption(r.code, r.name)) });
  const stored = h.stored && h.stored !== NO_HOLIDAY_REGION ? h.stored : null;
  if (stored && !h.choices.some((r) => r.code === stored)) groups.push({ label: 'Your choice', options: [regionOption(stored, h.storedName ?? stored)] });
  const all = groups.flatMap((g) => g.options);
  // Not chosen yet: their zone's country is in force and selected, and the hint says where it came from.
  const initialValue = h.stored ?? h.proposed ?? NO_HOLIDAY_REGION;
  const initial = all.find((o) => o.value === initialValue) ?? none;
  const proposedName = h.choices.find((r) => r.code === h.proposed)?.name;
  const hint =
    h.stored === null && h.proposed
      ? `${proposedName ?? h.proposed}’s public holidays are on, from your time zone (${h.zone}): no digest and you don’t show as working on them. Pick another region, or No public holidays.`
      : 'On a public holiday you get no digest and don’t show as working; what waited comes the next workday.';
  return [
    {
      type: 'input',
      block_id: F.holidayRegion.block,
      label: { type: 'plain_text', text: 'Public holidays' },
      hint: { type: 'plain_text', text: hint.slice(0, 2000) },
      element: {
        type: 'static_select',
        action_id: F.holidayRegion.action,
        option_groups: groups.map((g) => ({ label: { type: 'plain_text', text: g.label }, options: g.options })),
        initial_option: initial,
      },
    },
    {
      type: 'input',
      block_id: F.holidayRegionCode.block,
      optional: true,
      label: { type: 'plain_text', text: 'Another country or region' },
      hint: { type: 'plain_text', text: 'Its code, such as FR, DE-BY or US-CA. When filled in, it replaces the choice above.' },
      element: { type: 'plain_text_input', action_id: F.holidayRegionCode.action, max_length: 10 },
    },
  ];
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
