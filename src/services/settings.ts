/** Reading, validating and saving a person's settings; replans their digest on every save. */
import type { WebClient } from '@slack/web-api';
import type { UserRow } from '../db/queries/users';
import type { Store } from '../db/store';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import {
  MINUTES_PER_DAY,
  canonicalHolidayRegion,
  canonicalTimeZone,
  formatLocal,
  holidayRegionName,
  holidayRegionsOf,
  isValidLocalDate,
  isValidTimeZone,
  localDateOf,
  localParts,
  localTimeLabel,
  proposedHolidayRegion,
} from '../time';
import {
  DEFAULT_END,
  DEFAULT_START,
  MON_FRI,
  dstChangeBetween,
  returnDay,
  formatHHMM,
  parseHHMM,
  slotClockNote,
  type PlannedDigest,
  type WorkSchedule,
} from '../domain/workSchedule';
import { settingsModal, settingsSavedView, type HolidayChoice, type SettingsValues, type StatusAwayView } from '../views/settingsModal';
import { NO_HOLIDAY_REGION, plannedDigestsOf, scheduleOf, zoneOf } from '../domain/personSchedule';
import { awayKindLabel, statusAwayFields, statusFromKey } from '../domain/awayStatus';
import { humanDate } from '../views/availability';
import { isOfWorkspace, type People } from './people';
import { withDeadline } from '../deadline';
import { bestEffort } from '../bestEffort';

export type SettingsField = 'tz' | 'start' | 'end' | 'days' | 'awayUntil' | 'holidayRegion';

export interface SettingsInput {
  tz: string;
  start: string | null;
  end: string | null;
  days: number[];
  digestEnabled: boolean;
  deflectionEnabled: boolean;
  awayUntil: string | null;
  /** The region chosen in the select ('off', 'PT'…); null when the form had no such field. */
  holidayRegion: string | null;
  /** A region typed instead ("DE-BY"); empty when none. */
  holidayRegionCode: string;
  /** "I'm not away" ticked; null when the form did not offer it (no away status). */
  notAway: boolean | null;
  /** "Stop sending me the weekly report" ticked (offered only to people who get it). */
  stopWeeklyReport?: boolean;
}

/** The fields a save writes: the form's values as the users row keeps them. */
export interface SavedSettings {
  tzOverride: string | null;
  startMinute: number;
  endMinute: number;
  workingDays: number;
  digestEnabled: boolean;
  deflectionEnabled: boolean;
  awayUntil: string | null;
  /** undefined: left as stored (a form opened before the field existed). */
  holidayRegion?: string;
  notAway: boolean | null;
}

/**
 * The planned digests as a person reads them, in their zone: exactly the instants the scheduler will
 * use (`plannedDigestsOf`), with a note where clocks change or the start time falls in a DST gap or
 * repeats. `digestOn` false: the same instants carry only news that waited for them.
 */
export function digestPreview(s: WorkSchedule, plan: readonly PlannedDigest[], now: Date): string[] {
  let prev = now;
  const start = formatHHMM(s.startMinute);
  return plan.map((slot) => {
    const notes: string[] = [];
    if (!slot.catchUp && dstChangeBetween(s.tz, prev, slot.at)) notes.push('clocks change before this one');
    const clock = slot.catchUp ? null : slotClockNote(s, slot);
    if (clock === 'gap') notes.push(`${start} doesn’t exist that day — clocks jump forward, so it comes at ${formatLocal(slot.at, s.tz, 'HH:mm')}`);
    if (clock === 'repeated') notes.push(`${start} happens twice that night; it comes at the first`);
    if (slot.repeat) notes.push('a second one for this date: you moved west after the first');
    prev = slot.at;
    const when = slot.catchUp ? `Now — today’s start (${start}) has already passed` : localTimeLabel(slot.at, s.tz, 'EEE d MMM, HH:mm');
    return notes.length ? `${when} (${notes.join('; ')})` : when;
  });
}

/** 'HH:MM' → minute of day; empty → the default; anything else → null (a field error, not a throw). */
function timeOfDay(value: string | null, fallback: number): number | null {
  if (!value) return fallback;
  try {
    return parseHHMM(value);
  } catch {
    return null;
  }
}

/** The region a save keeps: a typed code wins over the select; 'off' turns holidays off. */
function regionOf(input: SettingsInput): { region?: string; error?: string } {
  const typed = input.holidayRegionCode.trim();
  if (typed) {
    const region = canonicalHolidayRegion(typed);
    return region ? { region } : { error: `“${typed.slice(0, 10)}” isn’t a region I know holidays for. Use a country code like FR, or country-state like DE-BY.` };
  }
  if (input.holidayRegion === null) return {};
  if (input.holidayRegion === NO_HOLIDAY_REGION) return { region: NO_HOLIDAY_REGION };
  const region = canonicalHolidayRegion(input.holidayRegion);
  return region ? { region } : { error: 'Pick a region from the list, or type its code.' };
}

export function validateSettings(input: SettingsInput, today: string): { errors: Partial<Record<SettingsField, string>>; values?: SavedSettings } {
  const errors: Partial<Record<SettingsField, string>> = {};
  const tz = input.tz.trim();
  if (tz && !isValidTimeZone(tz)) errors.tz = `“${tz.slice(0, 40)}” isn’t a time zone I know. Use an IANA name like Europe/Lisbon or America/New_York.`;
  const start = timeOfDay(input.start, DEFAULT_START);
  const end = timeOfDay(input.end, DEFAULT_END);
  // Any start is allowed: night shifts (22:00, 02:00) exist, and the digest follows the person's day.
  if (start === null) errors.start = 'Pick a start time like 09:00.';
  if (end === null) errors.end = 'Pick an end time like 17:30.';
  else if (end === start) errors.end = 'The workday needs to end at a different time than it starts.';
  if (input.days.length === 0) errors.days = 'Pick at least one working day.';
  if (input.awayUntil && (!isValidLocalDate(input.awayUntil) || input.awayUntil <= today)) errors.awayUntil = 'Pick a date after today, or leave it empty.';
  const region = regionOf(input);
  if (region.error) errors.holidayRegion = region.error;
  if (Object.keys(errors).length > 0 || start === null || end === null) return { errors };
  return {
    errors,
    values: {
      tzOverride: tz ? canonicalTimeZone(tz) : null,
      startMinute: start,
      endMinute: end % MINUTES_PER_DAY,
      workingDays: input.days.reduce((mask, d) => mask | (1 << d), 0),
      digestEnabled: input.digestEnabled,
      deflectionEnabled: input.deflectionEnabled,
      awayUntil: input.awayUntil,
      ...(region.region ? { holidayRegion: region.region } : {}),
      notAway: input.notAway,
    },
  };
}

/** The holiday-region field for this person: their choice, or the country of their zone proposed. */
export function holidayChoiceOf(row: UserRow | null): HolidayChoice {
  const zone = row ? zoneOf(row) : 'UTC';
  const proposed = proposedHolidayRegion(zone);
  const stored = row?.holidayRegion ?? null;
  // The list shows the proposal's country; a person who chose another keeps theirs listed beside it.
  const country = proposed ?? (stored && stored !== NO_HOLIDAY_REGION ? stored.split('-')[0]! : null);
  return {
    stored,
    storedName: stored && stored !== NO_HOLIDAY_REGION ? holidayRegionName(stored) : null,
    proposed,
    zone,
    choices: country ? holidayRegionsOf(country) : [],
    countryName: country ? holidayRegionName(country) : null,
  };
}

/** Away by the Slack status as settings show it: while it holds, or while the person's "I'm not away" holds. */
export function statusAwayViewOf(row: UserRow | null, now: Date): StatusAwayView | null {
  if (!row?.statusAwayKey) return null;
  const tz = zoneOf(row);
  if (row.statusAwayDismissed === row.statusAwayKey) {
    const status = statusFromKey(row.statusAwayKey);
    // Read again as if not dismissed: the kind to name, and whether it is still in force at all.
    const again = status ? statusAwayFields(scheduleOf(row), status, null, now) : null;
    return again?.statusAwayKind ? { until: null, kind: awayKindLabel(again.statusAwayKind), dismissed: true } : null;
  }
  if (!row.statusAwayUntil || !row.statusAwayKind || row.statusAwayUntil <= localDateOf(tz, now)) return null;
  const hasEnd = (statusFromKey(row.statusAwayKey)?.expiration ?? 0) > 0;
  // The day they are back (Monday for a status ending on Friday), as availability says it.
  const back = returnDay({ ...scheduleOf(row), awayUntil: null }, row.statusAwayUntil);
  return { until: hasEnd ? humanDate(tz, back) : null, kind: awayKindLabel(row.statusAwayKind), dismissed: false };
}

function valuesOf(row: UserRow | null, now: Date): SettingsValues {
  return {
    tzOverride: row?.tzOverride ?? null,
    slackTz: row?.slackTz ?? null,
    startMinute: row?.workdayStartMinute ?? DEFAULT_START,
    endMinute: row?.workdayEndMinute ?? DEFAULT_END,
    workingDays: row?.workingDays ?? MON_FRI,
    digestEnabled: row?.digestEnabled ?? true,
    deflectionEnabled: row?.deflectionEnabled ?? true,
    awayUntil: row?.awayUntil ?? null,
    holiday: holidayChoiceOf(row),
    statusAway: statusAwayViewOf(row, now),
    getsWeeklyReport: row?.weeklyReport ?? false,
  };
}

/**
 * "I'm not away" ticked or unticked: the stored status read again with, or without, the person's
 * correction (statusAwayFields). Nothing when the form did not offer it or nothing changes.
 */
function notAwayPatch(row: UserRow, notAway: boolean | null, now: Date): Partial<UserRow> {
  if (notAway === null || !row.statusAwayKey) return {};
  const dismissed = row.statusAwayDismissed === row.statusAwayKey;
  if (notAway === dismissed) return {};
  return statusAwayFields(scheduleOf(row), statusFromKey(row.statusAwayKey), notAway ? row.statusAwayKey : null, now);
}

export class SettingsService {
  constructor(
    private readonly store: Store,
    private readonly client: WebClient,
    private readonly people: People,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Opens the modal; the trigger expires in 3 s, so a slow profile lookup is not waited for. */
  /** `tell` reaches the person when the form cannot open (a reply in the conversation, or a DM). */
  async open(teamId: string, userId: string, triggerId: string, tell?: (text: string) => Promise<unknown>): Promise<void> {
    const looked = await withDeadline(bestEffort(this.people.get(teamId, userId), this.logger, 'profile for settings'), 1500);
    const row = looked && looked !== 'timeout' ? (isOfWorkspace(looked, teamId) ? looked.row : null) : ((await this.store.getUser(teamId, userId)) ?? null);
    const now = this.clock.now();
    const preview = row ? digestPreview(scheduleOf(row), plannedDigestsOf(row, now, 3), now) : [];
    try {
      await this.client.views.open({ trigger_id: triggerId, view: settingsModal(valuesOf(row, now), preview) });
    } catch (e) {
      this.logger.warn({ err: e }, 'could not open settings');
      await tell?.('I couldn’t open your settings (Slack took too long). Please try again.');
    }
  }

  /** Validates and saves; returns field errors for the modal, or the confirmation view. */
  async save(teamId: string, userId: string, input: SettingsInput) {
    const person = await this.people.get(teamId, userId);
    // Someone of a sibling workspace of the org keeps their settings there, not here.
    if (!person.row || !isOfWorkspace(person, teamId)) return { errors: { tz: 'I couldn’t load your Slack profile; please try again.' } as Partial<Record<SettingsField, string>> };
    const now = this.clock.now();
    const today = localParts(scheduleOf(person.row).tz, now).date;
    const { errors, values } = validateSettings(input, today);
    if (!values) return { errors };
    const { startMinute, endMinute, notAway, ...rest } = values;
    // Save, replan from the saved row and read it back in one transaction: a sweep advancing this
    // person between the read and the replan would otherwise be overwritten by a plan made before it.
    const row = await this.store.transaction(async (tx) => {
      const current = (await tx.getUserForUpdate(teamId, userId)) ?? person.row!;
      const stopReport = input.stopWeeklyReport === true && current.weeklyReport ? { weeklyReport: false } : {};
      await tx.updateUser(teamId, userId, { ...rest, ...notAwayPatch(current, notAway, now), ...stopReport, workdayStartMinute: startMinute, workdayEndMinute: endMinute }, now);
      await this.people.replanDigest((await tx.getUser(teamId, userId))!, tx);
      // Read back what was planned: the preview shows what the scheduler will do, not a second guess.
      return (await tx.getUser(teamId, userId))!;
    });
    const preview = digestPreview(scheduleOf(row), plannedDigestsOf(row, now, 3), now);
    this.logger.info({ teamId, userId, ...(input.stopWeeklyReport ? { stoppedWeeklyReport: true } : {}) }, 'settings saved');
    return { errors: {}, view: settingsSavedView(preview, row.digestEnabled) };
  }
}
