/** Reading, validating and saving a person's settings; replans their digest on every save. */
import type { WebClient } from '@slack/web-api';
import type { Db } from '../db/client';
import { getUser, updateUser, type UserRow } from '../db/queries/users';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { MINUTES_PER_DAY, canonicalTimeZone, formatLocal, isValidLocalDate, isValidTimeZone, localParts } from '../time';
import { DEFAULT_END, DEFAULT_START, MON_FRI, dstChangeBetween, parseHHMM, upcomingDigestSlots, type WorkSchedule } from '../domain/workSchedule';
import { settingsModal, settingsSavedView, type SettingsValues } from '../views/settingsModal';
import { scheduleOf, type People } from './people';
import { withDeadline } from '../listeners/context';

export type SettingsField = 'tz' | 'start' | 'end' | 'days' | 'awayUntil';

export interface SettingsInput {
  tz: string;
  start: string | null;
  end: string | null;
  days: number[];
  digestEnabled: boolean;
  deflectionEnabled: boolean;
  awayUntil: string | null;
}

const EARLIEST_START = 4 * 60;
const LATEST_START = 21 * 60;

/** The next three digests in the person's zone, marking a DST change between two of them. */
export function digestPreview(s: WorkSchedule, now: Date, count = 3): string[] {
  const slots = upcomingDigestSlots(s, now, count);
  let prev = now;
  return slots.map((slot) => {
    const dst = dstChangeBetween(s.tz, prev, slot.at) ? ' (clocks change before this one)' : '';
    prev = slot.at;
    return `${formatLocal(slot.at, s.tz, 'EEE d MMM, HH:mm zzz')}${dst}`;
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

export function validateSettings(input: SettingsInput, today: string): { errors: Partial<Record<SettingsField, string>>; values?: Omit<SettingsValues, 'slackTz'> } {
  const errors: Partial<Record<SettingsField, string>> = {};
  const tz = input.tz.trim();
  if (tz && !isValidTimeZone(tz)) errors.tz = `“${tz.slice(0, 40)}” isn’t a time zone I know. Use an IANA name like Europe/Lisbon or America/New_York.`;
  const start = timeOfDay(input.start, DEFAULT_START);
  const end = timeOfDay(input.end, DEFAULT_END);
  if (start === null) errors.start = 'Pick a start time like 09:00.';
  else if (start < EARLIEST_START || start > LATEST_START) errors.start = 'Pick a start between 04:00 and 21:00 — a digest should never arrive in the middle of the night.';
  if (end === null) errors.end = 'Pick an end time like 17:30.';
  else if (end === start) errors.end = 'The workday needs to end at a different time than it starts.';
  if (input.days.length === 0) errors.days = 'Pick at least one working day.';
  if (input.awayUntil && (!isValidLocalDate(input.awayUntil) || input.awayUntil <= today)) errors.awayUntil = 'Pick a date after today, or leave it empty.';
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
    },
  };
}

function valuesOf(row: UserRow | null): SettingsValues {
  return {
    tzOverride: row?.tzOverride ?? null,
    slackTz: row?.slackTz ?? null,
    startMinute: row?.workdayStartMinute ?? DEFAULT_START,
    endMinute: row?.workdayEndMinute ?? DEFAULT_END,
    workingDays: row?.workingDays ?? MON_FRI,
    digestEnabled: row?.digestEnabled ?? true,
    deflectionEnabled: row?.deflectionEnabled ?? true,
    awayUntil: row?.awayUntil ?? null,
  };
}

export class SettingsService {
  constructor(
    private readonly db: Db,
    private readonly client: WebClient,
    private readonly people: People,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Opens the modal; the trigger expires in 3 s, so a slow profile lookup is not waited for. */
  /** `tell` reaches the person when the form cannot open (a reply in the conversation, or a DM). */
  async open(teamId: string, userId: string, triggerId: string, tell?: (text: string) => Promise<unknown>): Promise<void> {
    const looked = await withDeadline(this.people.get(teamId, userId).catch(() => null), 1500);
    const row = looked && looked !== 'timeout' ? looked.row : getUser(this.db, teamId, userId) ?? null;
    const preview = row && row.digestEnabled ? digestPreview(scheduleOf(row), this.clock.now()) : [];
    try {
      await this.client.views.open({ trigger_id: triggerId, view: settingsModal(valuesOf(row), preview) });
    } catch (e) {
      this.logger.warn({ err: e }, 'could not open settings');
      await tell?.('I couldn’t open your settings (Slack took too long). Please try again.');
    }
  }

  /** Validates and saves; returns field errors for the modal, or the confirmation view. */
  async save(teamId: string, userId: string, input: SettingsInput) {
    const person = await this.people.get(teamId, userId);
    if (!person.row) return { errors: { tz: 'I couldn’t load your Slack profile; please try again.' } as Partial<Record<SettingsField, string>> };
    const now = this.clock.now();
    const today = localParts(scheduleOf(person.row).tz, now).date;
    const { errors, values } = validateSettings(input, today);
    if (!values) return { errors };
    const { startMinute, endMinute, ...rest } = values;
    updateUser(this.db, teamId, userId, { ...rest, workdayStartMinute: startMinute, workdayEndMinute: endMinute }, now);
    const row = getUser(this.db, teamId, userId)!;
    this.people.replanDigest(row);
    const preview = row.digestEnabled ? digestPreview(scheduleOf(row), now) : [];
    this.logger.info({ teamId, userId }, 'settings saved');
    return { errors: {}, view: settingsSavedView(preview) };
  }
}
