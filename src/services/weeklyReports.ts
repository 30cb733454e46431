/**
 * The weekly async-health DM (issue 16, part 3). Each tick, the people admins chose are looked at
 * (a handful per workspace: `weeklyReportPeople`) and each one's report for this week is put in the
 * outbox at the start of their first shift of the week (domain/weeklyReport.ts), once per ISO week:
 * the outbox's dedupe key is (person, week), and `users.report_week` spares the insert on later ticks.
 * The content is computed when the row is sent (`render`), from the event log, like a digest.
 */
import type { OutboxRow } from '../db/queries/outbox';
import type { Store } from '../db/store';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { scheduleOf, zoneOf } from '../domain/personSchedule';
import { reportDue, trendPeriod, weeklyReportSlot } from '../domain/weeklyReport';
import { reportPayloadOf, type ReportPayload, type WeeklyReportContent, type WeeklyReportRenderer } from '../delivery/deliveries';
import { isQuietPeriod, quietWeekText, reportFileName, weeklyReportText } from '../views/weeklyReport';
import { healthChartPng, healthReport, personalFigures } from './asyncHealthReport';

/** At most this many chosen people are looked at a tick (20 per workspace at most: 250 workspaces). */
const PLAN_LIMIT = 5000;

export class WeeklyReports implements WeeklyReportRenderer {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Puts this week's report of everyone whose first shift of the week starts now in the outbox; how many. */
  async plan(stopping: () => boolean = () => false): Promise<number> {
    const now = this.clock.now();
    let planned = 0;
    for (const row of await this.store.weeklyReportPeople(PLAN_LIMIT)) {
      if (stopping()) break;
      try {
        const slot = weeklyReportSlot(scheduleOf(row), now);
        if (!slot || row.reportWeek === slot.week || !reportDue(slot, now)) continue;
        const payload: ReportPayload = { week: slot.week, from: slot.period.from.getTime(), to: slot.period.to.getTime(), tz: zoneOf(row), sendBy: slot.sendBy.getTime() };
        await this.store.transaction(async (tx) => {
          await tx.enqueue(
            {
              teamId: row.teamId,
              kind: 'report',
              dedupeKey: `weekly_report:${row.userId}:${slot.week}`,
              userId: row.userId,
              localDate: slot.monday,
              payload: { ...payload },
              nextAttemptAt: new Date(Math.max(slot.at.getTime(), now.getTime())),
            },
            now,
          );
          await tx.updateUser(row.teamId, row.userId, { reportWeek: slot.week }, now);
        });
        planned++;
      } catch (e) {
        this.logger.error({ err: e, teamId: row.teamId, userId: row.userId }, 'could not plan a weekly report');
      }
    }
    if (planned > 0) this.logger.info({ planned }, 'weekly reports planned');
    return planned;
  }

  /** The DM of a report row, computed now; null when it should not go (no longer chosen, or gone). */
  async render(row: OutboxRow): Promise<WeeklyReportContent | null> {
    const p = reportPayloadOf(row);
    if (!p || !row.userId) return null;
    const person = await this.store.getUser(row.teamId, row.userId);
    // An admin may have taken them off the list since it was planned.
    if (!person || !person.weeklyReport || person.deleted || person.isBot) return null;
    const period = { from: new Date(p.from), to: new Date(p.to) };
    const report = await healthReport(this.store, row.teamId, period);
    if (isQuietPeriod(report)) return { text: quietWeekText(period, p.tz), chart: null };
    // The chart is a trend: the weeks up to this one (one week alone was a bar beside an empty one).
    const trend = await healthReport(this.store, row.teamId, trendPeriod(period, p.tz));
    return {
      text: weeklyReportText(report, personalFigures(report, row.userId), p.tz),
      chart: { png: await healthChartPng(trend, 'Async health', p.tz), filename: reportFileName(p.week), title: `Async health, week ${p.week}` },
    };
  }
}
