/**
 * Async health (issue 16, part 3): a workspace's figures for a period, computed from its event log,
 * its meeting-deflection prompts and people's schedules. Pure: facts and the period in, figures out.
 *
 * Decisions:
 *  - Every duration is working time of the person waiting (workingTime.ts): the author waits for an
 *    answer, so time to unblock is counted in the author's working hours; "resolved within one working
 *    day" in the recipient's who answered, from when the ask reached them. Away periods are not kept
 *    historically, so schedules here carry working days and public holidays, never `awayUntil`.
 *  - Unblocked = the first done or declined (what the author hears as "you're unblocked"); cancelled
 *    asks are not. A resolution counts in the period it happened in, whenever the ask was made.
 *  - Night pings avoided = people an event's detail says were held for their working hours
 *    (eventDetail.ts): a new ask, a reassignment or an answer whose DM waited for the morning.
 *  - Meetings: prompts shown in the period (a prompt Slack refused was never seen); `dismissed`
 *    counts "not now" and "mute here"; `keptWithAgenda` is recorded only once an agenda was posted.
 *  - Privacy: each person's figures are theirs alone (the caller shows them only to that person).
 *    Team figures are aggregates with no per-person ranking, and any aggregate whose group of people
 *    is smaller than MIN_GROUP is `{ suppressed: true }`, never a zero.
 */
import { addDays, localDateOf, localInstant, weekdayOf, type LocalDate } from '../time';
import { parseEventDetail } from './eventDetail';
import { DEFAULT_END, DEFAULT_START, MON_FRI, type WorkSchedule } from './workSchedule';
import { shiftLengthMs, workingMsBetween } from './workingTime';

export const MIN_GROUP = 5;

/** A handoff event as stored (instants in epoch ms). */
export interface HealthEvent {
  handoffId: number;
  kind: string;
  actorId: string;
  toState: string | null;
  detail: string | null;
  at: number;
}

/** A meeting-deflection prompt as stored. */
export interface HealthDeflection {
  userId: string;
  outcome: string;
  createdAt: number;
}

export interface HealthPeriod {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  /** The zone whose Monday 00:00 starts each week of the weekly series (default UTC): a reader's weeks are their own. */
  tz?: string;
}

export interface HealthFacts {
  period: HealthPeriod;
  /** Events before `period.to` of every handoff with an event in the period, in log order per handoff. */
  events: readonly HealthEvent[];
  deflections: readonly HealthDeflection[];
  /** Working schedules by person; someone missing works 09:00–17:00 UTC, Monday to Friday. */
  schedules: ReadonlyMap<string, WorkSchedule>;
}

export interface Suppressed {
  suppressed: true;
}
export type Guarded<T> = T | Suppressed;
export const SUPPRESSED: Suppressed = Object.freeze({ suppressed: true });
export const isSuppressed = <T>(v: Guarded<T>): v is Suppressed => typeof v === 'object' && v !== null && (v as Partial<Suppressed>).suppressed === true;

export interface DurationStats {
  count: number;
  /** Working milliseconds; null when count is 0. */
  medianMs: number | null;
  p90Ms: number | null;
}

export interface Share {
  of: number;
  within: number;
  /** within / of, or null when of is 0. */
  share: number | null;
}

export interface MeetingFigures {
  proposed: number;
  converted: number;
  keptWithAgenda: number;
  dismissed: number;
}

export interface PersonFigures {
  userId: string;
  /** Asks they wrote in the period. */
  created: number;
  /** Asks that reached them in the period (on creation, or passed to them). */
  received: number;
  /** Asks they answered (done or declined) in the period. */
  resolved: number;
  /** Their own asks first answered in the period. */
  unblocked: number;
  /** How long their answered asks waited, in their working time. */
  timeToUnblock: DurationStats;
  /** Of the asks they answered, how many within one of their working days of receiving them. */
  resolvedWithinOneWorkingDay: Share;
  nightPingsAvoided: number;
  meetings: MeetingFigures;
}

/**
 * Each figure is guarded by its own group, not the team's: a team of 20 in which one person was
 * prompted must not show "1 meeting proposed", which is that person's figure.
 */
export interface TeamFigures {
  /** People in the period's facts: authors, recipients, people prompted. */
  people: number;
  /** Group: the authors and recipients of the asks created. */
  created: Guarded<number>;
  /** Group: the authors and answerers of the asks answered. */
  resolved: Guarded<number>;
  timeToUnblock: Guarded<DurationStats>;
  resolvedWithinOneWorkingDay: Guarded<Share>;
  /** Group: the people whose notifications were held. */
  nightPingsAvoided: Guarded<number>;
  /** Group: the people prompted. */
  meetings: Guarded<MeetingFigures>;
}

export interface WeekPoint {
  /** The Monday the week starts on, in the period's zone (UTC unless it names one). */
  weekStart: LocalDate;
  /** Asks answered that week: a count of a group, so hidden below MIN_GROUP people like every figure. */
  resolved: Guarded<number>;
  timeToUnblock: Guarded<DurationStats>;
  meetings: Guarded<MeetingFigures>;
}

export interface ZonePairWait {
  /** The waiting author's zone. */
  fromZone: string;
  /** The zone of the person who answered. */
  toZone: string;
  people: number;
  wait: DurationStats;
}

export interface HealthReport {
  period: HealthPeriod;
  minGroup: number;
  team: Guarded<TeamFigures>;
  /** Every person's own figures, ordered by id (never by a figure): each is for that person only. */
  people: PersonFigures[];
  weeks: WeekPoint[];
  /** Pairs of at least MIN_GROUP people, longest median wait first. */
  zonePairs: ZonePairWait[];
  /** Pairs left out because fewer than MIN_GROUP people make them up. */
  zonePairsSuppressed: number;
}

/** Whoever Handoff knows nothing about: the users table's defaults. */
export const FALLBACK_SCHEDULE: WorkSchedule = { tz: 'UTC', startMinute: DEFAULT_START, endMinute: DEFAULT_END, workingDays: MON_FRI, awayUntil: null };

/** Median (mean of the middle two, rounded) and p90 (nearest rank) of working durations. */
export function durationStats(values: readonly number[]): DurationStats {
  const n = values.length;
  if (n === 0) return { count: 0, medianMs: null, p90Ms: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(n / 2);
  const medianMs = n % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
  return { count: n, medianMs, p90Ms: sorted[Math.ceil(0.9 * n) - 1]! };
}

const share = (of: number, within: number): Share => ({ of, within, share: of === 0 ? null : within / of });

/** One answered ask: who waited, who answered, how long in whose working time. */
interface Resolution {
  at: number;
  authorId: string;
  resolverId: string;
  /** Author's working time from creation to answer. */
  waitedMs: number;
  /** Whether the resolver answered within one of their working days of receiving it (null: not a recipient). */
  withinOneDay: boolean | null;
}

interface Tally {
  created: number;
  received: number;
  resolved: number;
  unblocked: number;
  waits: number[];
  withinOf: number;
  within: number;
  held: number;
  meetings: MeetingFigures;
}

const emptyMeetings = (): MeetingFigures => ({ proposed: 0, converted: 0, keptWithAgenda: 0, dismissed: 0 });
const emptyTally = (): Tally => ({ created: 0, received: 0, resolved: 0, unblocked: 0, waits: [], withinOf: 0, within: 0, held: 0, meetings: emptyMeetings() });

function addMeeting(m: MeetingFigures, outcome: string): boolean {
  if (outcome === 'failed') return false;
  m.proposed++;
  if (outcome === 'converted') m.converted++;
  else if (outcome === 'kept') m.keptWithAgenda++;
  else if (outcome === 'dismissed' || outcome === 'muted') m.dismissed++;
  return true;
}

/** The Monday, in `tz`, of the week holding `ms`. */
function weekOf(ms: number, tz: string): LocalDate {
  const date = localDateOf(tz, new Date(ms));
  return addDays(date, -((weekdayOf(date) + 6) % 7));
}

export function computeHealthReport(facts: HealthFacts): HealthReport {
  const from = facts.period.from.getTime();
  const to = facts.period.to.getTime();
  const inPeriod = (ms: number) => ms >= from && ms < to;
  const scheduleOf = (userId: string) => facts.schedules.get(userId) ?? FALLBACK_SCHEDULE;

  const tallies = new Map<string, Tally>();
  const tally = (userId: string): Tally => {
    let t = tallies.get(userId);
    if (!t) tallies.set(userId, (t = emptyTally()));
    return t;
  };
  const resolutions: Resolution[] = [];
  let created = 0;
  // The people behind the count `created` (authors and first recipients), guarded by its own group.
  const createdBy = new Set<string>();

  const byHandoff = new Map<number, HealthEvent[]>();
  for (const e of facts.events) {
    const list = byHandoff.get(e.handoffId);
    if (list) list.push(e);
    else byHandoff.set(e.handoffId, [e]);
  }
  for (const events of byHandoff.values()) {
    const first = events[0]!;
    // Rows of a handoff whose creation is gone (purged) say nothing measurable.
    if (first.kind !== 'created') continue;
    const authorId = first.actorId;
    const createdAt = first.at;
    /** When each person on the ask received it. */
    const since = new Map<string, number>();
    let answered = false;
    for (const e of events) {
      const d = parseEventDetail(e.detail);
      if (inPeriod(e.at)) {
        for (const p of d.held ?? []) tally(p).held++;
      }
      if (e.kind === 'created') {
        for (const r of d.recipients ?? []) since.set(r, e.at);
        if (inPeriod(e.at)) {
          created++;
          tally(authorId).created++;
          createdBy.add(authorId);
          for (const r of d.recipients ?? []) {
            tally(r).received++;
            createdBy.add(r);
          }
        }
      } else if (e.kind === 'reassigned') {
        for (const r of d.added ?? []) {
          since.set(r, e.at);
          if (inPeriod(e.at)) tally(r).received++;
        }
      } else if ((e.kind === 'done' || e.kind === 'declined') && !answered) {
        answered = true;
        if (!inPeriod(e.at)) continue;
        const resolverId = e.actorId;
        const received = since.get(resolverId);
        const resolverSchedule = scheduleOf(resolverId);
        resolutions.push({
          at: e.at,
          authorId,
          resolverId,
          waitedMs: workingMsBetween(scheduleOf(authorId), new Date(createdAt), new Date(e.at)),
          withinOneDay: received === undefined ? null : workingMsBetween(resolverSchedule, new Date(received), new Date(e.at)) <= shiftLengthMs(resolverSchedule),
        });
      }
    }
  }

  for (const r of resolutions) {
    const author = tally(r.authorId);
    author.unblocked++;
    author.waits.push(r.waitedMs);
    const resolver = tally(r.resolverId);
    resolver.resolved++;
    if (r.withinOneDay !== null) {
      resolver.withinOf++;
      if (r.withinOneDay) resolver.within++;
    }
  }
  const meetings = emptyMeetings();
  const prompted = new Set<string>();
  for (const d of facts.deflections) {
    if (!inPeriod(d.createdAt)) continue;
    if (addMeeting(tally(d.userId).meetings, d.outcome)) {
      addMeeting(meetings, d.outcome);
      prompted.add(d.userId);
    }
  }

  const people: PersonFigures[] = [...tallies.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([userId, t]) => ({
      userId,
      created: t.created,
      received: t.received,
      resolved: t.resolved,
      unblocked: t.unblocked,
      timeToUnblock: durationStats(t.waits),
      resolvedWithinOneWorkingDay: share(t.withinOf, t.within),
      nightPingsAvoided: t.held,
      meetings: t.meetings,
    }));

  const guard = <T>(group: ReadonlySet<string>, value: () => T): Guarded<T> => (group.size >= MIN_GROUP ? value() : SUPPRESSED);
  const partiesOf = (rs: readonly Resolution[]) => new Set(rs.flatMap((r) => [r.authorId, r.resolverId]));
  const withinRs = resolutions.filter((r) => r.withinOneDay !== null);
  const team: Guarded<TeamFigures> = guard(new Set(tallies.keys()), () => ({
    people: tallies.size,
    created: guard(createdBy, () => created),
    resolved: guard(partiesOf(resolutions), () => resolutions.length),
    timeToUnblock: guard(partiesOf(resolutions), () => durationStats(resolutions.map((r) => r.waitedMs))),
    resolvedWithinOneWorkingDay: guard(partiesOf(withinRs), () => share(withinRs.length, withinRs.filter((r) => r.withinOneDay).length)),
    // The tallies already hold who was held and how often: the group and the count come from them.
    nightPingsAvoided: guard(new Set([...tallies].filter(([, t]) => t.held > 0).map(([id]) => id)), () => [...tallies.values()].reduce((n, t) => n + t.held, 0)),
    meetings: guard(prompted, () => meetings),
  }));

  const pairs = zonePairs(resolutions, scheduleOf);
  return {
    period: facts.period,
    minGroup: MIN_GROUP,
    team,
    people,
    weeks: weeklySeries(facts, resolutions, guard, partiesOf),
    zonePairs: pairs.zonePairs,
    zonePairsSuppressed: pairs.zonePairsSuppressed,
  };
}

function weeklySeries(
  facts: HealthFacts,
  resolutions: readonly Resolution[],
  guard: <T>(group: ReadonlySet<string>, value: () => T) => Guarded<T>,
  partiesOf: (rs: readonly Resolution[]) => Set<string>,
): WeekPoint[] {
  const from = facts.period.from.getTime();
  const to = facts.period.to.getTime();
  const tz = facts.period.tz ?? 'UTC';
  const weeks: LocalDate[] = [];
  const last = weekOf(to - 1, tz);
  for (let w = weekOf(from, tz); w <= last && to > from; w = addDays(w, 7)) weeks.push(w);
  return weeks.map((weekStart) => {
    const start = localInstant(tz, weekStart, 0).getTime();
    const end = localInstant(tz, addDays(weekStart, 7), 0).getTime();
    const within = (ms: number) => ms >= Math.max(start, from) && ms < Math.min(end, to);
    const rs = resolutions.filter((r) => within(r.at));
    const prompts = facts.deflections.filter((d) => within(d.createdAt) && d.outcome !== 'failed');
    return {
      weekStart,
      resolved: guard(partiesOf(rs), () => rs.length),
      timeToUnblock: guard(partiesOf(rs), () => durationStats(rs.map((r) => r.waitedMs))),
      meetings: guard(new Set(prompts.map((d) => d.userId)), () => {
        const m = emptyMeetings();
        for (const d of prompts) addMeeting(m, d.outcome);
        return m;
      }),
    };
  });
}

function zonePairs(resolutions: readonly Resolution[], scheduleOf: (userId: string) => WorkSchedule): Pick<HealthReport, 'zonePairs' | 'zonePairsSuppressed'> {
  const pairs = new Map<string, { fromZone: string; toZone: string; people: Set<string>; waits: number[] }>();
  for (const r of resolutions) {
    const fromZone = scheduleOf(r.authorId).tz;
    const toZone = scheduleOf(r.resolverId).tz;
    const key = `${fromZone}\u0000${toZone}`;
    let p = pairs.get(key);
    if (!p) pairs.set(key, (p = { fromZone, toZone, people: new Set(), waits: [] }));
    p.people.add(r.authorId).add(r.resolverId);
    p.waits.push(r.waitedMs);
  }
  const all = [...pairs.values()];
  const shown = all
    .filter((p) => p.people.size >= MIN_GROUP)
    .map((p) => ({ fromZone: p.fromZone, toZone: p.toZone, people: p.people.size, wait: durationStats(p.waits) }))
    .sort((a, b) => (b.wait.medianMs ?? 0) - (a.wait.medianMs ?? 0) || a.fromZone.localeCompare(b.fromZone) || a.toZone.localeCompare(b.toZone));
  return { zonePairs: shown, zonePairsSuppressed: all.length - shown.length };
}
