/**
 * The weekly async-health DM and App Home's short version of it. The DM is the team's figures and the
 * reader's own, for the reader's own week, beside the chart; App Home shows the last 7 days as text.
 * Both say the privacy rule (healthSummary.ts).
 */
import type { KnownBlock } from '@slack/types';
import { isSuppressed, MIN_GROUP, type HealthPeriod, type HealthReport, type PersonFigures } from '../domain/asyncHealth';
import { countLine, durationLine, shareLine } from './healthFormat';
import { periodLabel, personalHealthText, PRIVACY_NOTE, teamHealthText } from './healthSummary';
import { escapeMrkdwn } from './text';

/** Nothing at all happened in the workspace in the period: no handoff event and no meeting prompt. */
export function isQuietPeriod(r: HealthReport): boolean {
  return r.people.length === 0;
}

/** The DM's text: the team's figures and the reader's own, for the reader's week (in `tz`). */
export function weeklyReportText(r: HealthReport, me: PersonFigures, tz: string): string {
  return [
    `:bar_chart: *Your weekly async-health report*, ${periodLabel(r.period, tz)}. The chart is attached.`,
    teamHealthText(r, { tz, privacy: false }),
    personalHealthText(me, r.period, { tz, privacy: false }),
    `_${PRIVACY_NOTE}_`,
  ].join('\n\n');
}

/** A week in which nothing happened gets one short line and no chart: never an empty report. */
export function quietWeekText(period: HealthPeriod, tz: string): string {
  return `:bar_chart: *Your weekly async-health report*, ${periodLabel(period, tz)}: nobody in this workspace created or answered a handoff, and no meeting was proposed, so there are no figures or chart this week.`;
}

/** The chart's file name: one per ISO week in the reader's DM (how a resent upload is recognised). */
export function reportFileName(week: string): string {
  return `handoff-async-health-${week}.png`;
}

export interface HomeHealthData {
  report: HealthReport;
  me: PersonFigures;
  /** They are among the people an admin chose for the weekly report. */
  getsReport: boolean;
  /** A link to the last weekly report sent to them, when one was. */
  reportLink: string | null;
}

/** App Home's "Async health (last 7 days)": 3 blocks. */
export function homeHealthBlocks(d: HomeHealthData): KnownBlock[] {
  const me = d.me;
  const mine = [
    `• You created ${me.created}; ${me.unblocked} of your asks were answered, ${durationLine(me.timeToUnblock)} of your working time`,
    `• You answered ${me.resolved} of the asks you received; ${shareLine(me.resolvedWithinOneWorkingDay)} within one of your working days`,
    `• Night pings you were spared: ${me.nightPingsAvoided}`,
  ];
  const team = d.report.team;
  const teamLine = isSuppressed(team)
    ? `Team: fewer than ${MIN_GROUP} people took part, so no team figures are shown.`
    : `Team: created ${countLine(team.created)}, answered ${countLine(team.resolved)}, time to unblock ${durationLine(team.timeToUnblock)}; night pings avoided: ${countLine(team.nightPingsAvoided)}.`;
  const report = d.reportLink
    ? `<${escapeMrkdwn(d.reportLink)}|Your latest weekly report>`
    : d.getsReport
      ? 'Your weekly report arrives in a DM at the start of your Monday workday.'
      : 'Want the full weekly report, with a chart, in a DM? Ask a workspace admin to add you (Workspace settings, on Handoff’s Home tab).';
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `*Async health (last 7 days)*\n${mine.join('\n')}\n${teamLine}` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `${report}\n_${PRIVACY_NOTE}_` }] },
    { type: 'divider' },
  ];
}
