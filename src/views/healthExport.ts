/**
 * The async-health report as CSV and JSON for `handoff report`. Both hold the same figures as the
 * text: team aggregates, the weekly series and zone pairs (a person's own figures only when asked
 * for that person). Suppressed aggregates read "suppressed", never 0. Durations are working hours.
 */
import { isSuppressed, type DurationStats, type Guarded, type HealthReport, type MeetingFigures, type PersonFigures, type Share } from '../domain/asyncHealth';
import { PRIVACY_NOTE } from './healthSummary';

const hours = (ms: number | null): string => (ms === null ? '' : (ms / 3_600_000).toFixed(2));

/** One CSV field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused (spreadsheet formulas). */
function field(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

type Row = [scope: string, key: string, metric: string, value: string | number];

function durationRows(scope: string, key: string, name: string, d: Guarded<DurationStats>): Row[] {
  if (isSuppressed(d)) return [[scope, key, name, 'suppressed']];
  return [
    [scope, key, `${name}_count`, d.count],
    [scope, key, `${name}_median_hours`, hours(d.medianMs)],
    [scope, key, `${name}_p90_hours`, hours(d.p90Ms)],
  ];
}

function shareRows(scope: string, key: string, name: string, s: Guarded<Share>): Row[] {
  if (isSuppressed(s)) return [[scope, key, name, 'suppressed']];
  return [
    [scope, key, `${name}_of`, s.of],
    [scope, key, `${name}_within`, s.within],
    [scope, key, `${name}_share`, s.share === null ? '' : s.share.toFixed(4)],
  ];
}

const count = (n: Guarded<number>): string | number => (isSuppressed(n) ? 'suppressed' : n);

/** The team's and each week's meetings: one "suppressed" line for a group too small. */
function meetingRows(scope: string, key: string, m: Guarded<MeetingFigures>): Row[] {
  if (isSuppressed(m)) return [[scope, key, 'meetings', 'suppressed']];
  return [
    [scope, key, 'meetings_proposed', m.proposed],
    [scope, key, 'meetings_converted', m.converted],
    [scope, key, 'meetings_kept_with_agenda', m.keptWithAgenda],
    [scope, key, 'meetings_dismissed', m.dismissed],
  ];
}

function personRows(p: PersonFigures): Row[] {
  const k = p.userId;
  return [
    ['person', k, 'created', p.created],
    ['person', k, 'received', p.received],
    ['person', k, 'resolved', p.resolved],
    ['person', k, 'unblocked', p.unblocked],
    ...durationRows('person', k, 'time_to_unblock', p.timeToUnblock),
    ...shareRows('person', k, 'resolved_within_one_working_day', p.resolvedWithinOneWorkingDay),
    ['person', k, 'night_pings_avoided', p.nightPingsAvoided],
    ['person', k, 'meetings_proposed', p.meetings.proposed],
    ['person', k, 'meetings_converted', p.meetings.converted],
    ['person', k, 'meetings_kept_with_agenda', p.meetings.keptWithAgenda],
    ['person', k, 'meetings_dismissed', p.meetings.dismissed],
  ];
}

/** Long format (scope, key, metric, value): one figure a line, easy to filter and pivot. */
export function healthCsv(r: HealthReport, person?: PersonFigures): string {
  const rows: Row[] = [];
  const t = r.team;
  if (isSuppressed(t)) rows.push(['team', '', 'figures', 'suppressed']);
  else {
    rows.push(['team', '', 'people', t.people], ['team', '', 'created', count(t.created)], ['team', '', 'resolved', count(t.resolved)]);
    rows.push(...durationRows('team', '', 'time_to_unblock', t.timeToUnblock));
    rows.push(...shareRows('team', '', 'resolved_within_one_working_day', t.resolvedWithinOneWorkingDay));
    rows.push(['team', '', 'night_pings_avoided', count(t.nightPingsAvoided)]);
    rows.push(...meetingRows('team', '', t.meetings));
    for (const z of r.zonePairs) rows.push(...durationRows('zone_pair', `${z.fromZone} -> ${z.toZone}`, 'wait', z.wait));
    rows.push(['zone_pair', '', 'pairs_suppressed', r.zonePairsSuppressed]);
  }
  for (const w of r.weeks) {
    rows.push(['week', w.weekStart, 'resolved', count(w.resolved)]);
    rows.push(...durationRows('week', w.weekStart, 'time_to_unblock', w.timeToUnblock));
    rows.push(...meetingRows('week', w.weekStart, w.meetings));
  }
  if (person) rows.push(...personRows(person));
  // The rule travels with the figures, as in the JSON and the text.
  rows.push(['note', '', 'privacy', PRIVACY_NOTE]);
  return ['scope,key,metric,value', ...rows.map((row) => row.map(field).join(','))].join('\n');
}

/** The figures as JSON (durations in working milliseconds, as computed), with the privacy rule. */
export function healthJson(r: HealthReport, teamId: string, person?: PersonFigures): string {
  return JSON.stringify(
    {
      teamId,
      from: r.period.from.toISOString(),
      to: r.period.to.toISOString(),
      minGroup: r.minGroup,
      privacy: PRIVACY_NOTE,
      team: r.team,
      weeks: r.weeks,
      zonePairs: r.zonePairs,
      zonePairsSuppressed: r.zonePairsSuppressed,
      ...(person ? { person } : {}),
    },
    null,
    2,
  );
}
