/**
 * The async-health report in one place (issue 16, part 3): the store's facts of a period, through the
 * domain's figures, to text, CSV, JSON and a PNG chart. The CLI, the weekly DM and App Home all call
 * this, so they show the same figures.
 */
import type { HealthQueries } from '../db/store';
import { parseEventDetail } from '../domain/eventDetail';
import { computeHealthReport, type HealthPeriod, type HealthReport, type PersonFigures } from '../domain/asyncHealth';
import { scheduleOf } from '../domain/personSchedule';
import type { WorkSchedule } from '../domain/workSchedule';
import { healthChartPngOffThread } from '../views/chartThread';
import { knownInOrgMany, type OrgStore } from './enterpriseOrgs';

/** The report's reads, and where colleagues of sibling workspaces of the org are known. */
export type HealthStore = HealthQueries & OrgStore;

/** The workspace's figures for [from, to). */
export async function healthReport(store: HealthStore, teamId: string, period: HealthPeriod): Promise<HealthReport> {
  if (!(period.to.getTime() > period.from.getTime())) throw new RangeError('the period must end after it starts');
  const [events, deflections] = await Promise.all([store.healthEvents(teamId, period.from, period.to), store.healthDeflections(teamId, period.from, period.to)]);
  const ids = new Set<string>();
  for (const e of events) {
    ids.add(e.actorId);
    // Recipients and people held are named in the detail; their schedules matter too.
    const d = parseEventDetail(e.detail);
    for (const id of [...(d.recipients ?? []), ...(d.added ?? []), ...(d.held ?? [])]) ids.add(id);
  }
  for (const d of deflections) ids.add(d.userId);
  const rows = await store.healthPeople(teamId, [...ids]);
  // A colleague of a sibling workspace of the org (one org-wide install) is known in their own workspace.
  const here = new Set(rows.map((u) => u.userId));
  rows.push(
    ...(await knownInOrgMany(
      store,
      teamId,
      [...ids].filter((id) => !here.has(id)),
    )),
  );
  // Away periods are not kept historically: today's "away until" must not blank out last month.
  const schedules = new Map<string, WorkSchedule>(rows.map((u) => [u.userId, { ...scheduleOf(u), awayUntil: null }]));
  return computeHealthReport({ period, events, deflections, schedules });
}

/** One person's own figures in a report (zeros when they took no part). */
export function personalFigures(r: HealthReport, userId: string): PersonFigures {
  return (
    r.people.find((p) => p.userId === userId) ?? {
      userId,
      created: 0,
      received: 0,
      resolved: 0,
      unblocked: 0,
      timeToUnblock: { count: 0, medianMs: null, p90Ms: null },
      resolvedWithinOneWorkingDay: { of: 0, within: 0, share: null },
      nightPingsAvoided: 0,
      meetings: { proposed: 0, converted: 0, keptWithAgenda: 0, dismissed: 0 },
    }
  );
}

/** The weekly chart as a PNG (the period's days read in `tz`), drawn off the event loop. */
export function healthChartPng(r: HealthReport, title = 'Async health', tz = 'UTC'): Promise<Buffer> {
  return healthChartPngOffThread(r, title, tz);
}
