/**
 * The async-health report as mrkdwn text: the team's figures, and a person's own. The same text goes
 * in the weekly DM and the CLI; each ends with the privacy rule, said plainly.
 */
import { isSuppressed, MIN_GROUP, type HealthPeriod, type HealthReport, type PersonFigures } from '../domain/asyncHealth';
import { localDateOf } from '../time';
import { countLine, durationLine, meetingsLine, shareLine } from './healthFormat';
import { escapeMrkdwn } from './text';

export const PRIVACY_NOTE = `Privacy: each person sees only their own figures. Team figures are totals with no per-person ranking, and a group of fewer than ${MIN_GROUP} people is never shown.`;

/**
 * "2027-03-01 to 2027-03-14 (UTC days)": the period's first and last days, in `tz` (the weekly DM
 * counts the reader's own week: "(days in Asia/Tokyo)").
 */
export function periodLabel(p: HealthPeriod, tz = 'UTC'): string {
  const zone = tz === 'UTC' ? 'UTC days' : `days in ${tz}`;
  return `${localDateOf(tz, p.from)} to ${localDateOf(tz, new Date(p.to.getTime() - 1))} (${zone})`;
}

/** How a summary is worded: the zone its days are read in, and whether it ends with the privacy rule. */
export interface SummaryOptions {
  tz?: string;
  /** Default true; a message holding both summaries says it once. */
  privacy?: boolean;
}

export function teamHealthText(r: HealthReport, opts: SummaryOptions = {}): string {
  const lines = [`*Async health, ${periodLabel(r.period, opts.tz)}*`];
  if (isSuppressed(r.team)) {
    lines.push(`Fewer than ${MIN_GROUP} people took part in this period, so there are no team figures to show.`);
  } else {
    const t = r.team;
    lines.push(
      `• Handoffs created: ${countLine(t.created)}; answered: ${countLine(t.resolved)}`,
      `• Time to unblock (working hours of the person waiting): ${durationLine(t.timeToUnblock)}`,
      `• Answered within one of the recipient’s working days: ${shareLine(t.resolvedWithinOneWorkingDay)}`,
      `• Night pings avoided (messages held for working hours): ${countLine(t.nightPingsAvoided)}`,
      `• Meetings: ${meetingsLine(t.meetings)}`,
    );
    if (r.zonePairs.length > 0) {
      lines.push('*Longest waits between time zones* (median, working hours of the person waiting)');
      for (const z of r.zonePairs.slice(0, 5)) lines.push(`• ${escapeMrkdwn(z.fromZone)} → ${escapeMrkdwn(z.toZone)}: ${durationLine(z.wait)}`);
    }
    if (r.zonePairsSuppressed > 0)
      lines.push(`_${r.zonePairsSuppressed} pair${r.zonePairsSuppressed === 1 ? '' : 's'} of time zones not shown: fewer than ${MIN_GROUP} people each._`);
  }
  if (opts.privacy !== false) lines.push(`_${PRIVACY_NOTE}_`);
  return lines.join('\n');
}

/** A person's own figures, for them alone. */
export function personalHealthText(p: PersonFigures, period: HealthPeriod, opts: SummaryOptions = {}): string {
  const lines = [
    `*Your async health, ${periodLabel(period, opts.tz)}*`,
    `• You created ${p.created} handoff${p.created === 1 ? '' : 's'}; ${p.unblocked} of your asks were answered`,
    `• Your time to unblock (your working hours): ${durationLine(p.timeToUnblock)}`,
    `• Asks you received: ${p.received}; answered: ${p.resolved}, ${shareLine(p.resolvedWithinOneWorkingDay)} within one of your working days`,
    `• Night pings you were spared: ${p.nightPingsAvoided}`,
    `• Meetings you proposed: ${p.meetings.proposed}; turned into handoffs: ${p.meetings.converted}; kept with an agenda: ${p.meetings.keptWithAgenda}; dismissed: ${p.meetings.dismissed}`,
  ];
  if (opts.privacy !== false) lines.push(`_${PRIVACY_NOTE}_`);
  return lines.join('\n');
}
