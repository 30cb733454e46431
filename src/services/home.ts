/** App Home and `/handoff list`: the two places a person sees all their handoffs. */
import type { WebClient } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import type { Store } from '../db/store';
import { otherWorkspaceNames, usersOf } from '../db/lookups';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { formatWorkingDays, formatHHMM } from '../domain/workSchedule';
import { localTimeLabel } from '../time';
import { awayPhrase, holidayPhrase } from '../views/availability';
import { appHomeView } from '../views/appHome';
import { cardsThatFit, sectionsWithinBudget } from '../views/handoffList';
import { LIMITS } from '../views/text';
import { plannedDigestsOf, scheduleOf, zoneOf } from '../domain/personSchedule';
import { peopleOnCards, whereIsFrom } from '../views/whereIs';
import type { UserRow } from '../db/queries/users';
import { isOfWorkspace, type People } from './people';
import { bestEffort } from '../bestEffort';
import { healthReport, personalFigures } from './asyncHealthReport';
import type { HealthReport } from '../domain/asyncHealth';
import { homeHealthBlocks } from '../views/weeklyReport';

/**
 * How many handoffs per section are worth loading for a surface of `maxBlocks`: a card takes at least
 * two blocks, so no section can show more than half the budget. The rest is counted, not loaded.
 */
const loadLimit = (maxBlocks: number) => Math.ceil(maxBlocks / 2);
/** How far back "recently resolved" looks. */
const RECENT_MS = 7 * 24 * 3600_000;
/** How long App Home reuses a workspace's async-health figures. */
const HEALTH_FRESH_MS = 10 * 60_000;

export class HomeService {
  private readonly health = new Map<string, { at: number; report: Promise<HealthReport> }>();

  constructor(
    private readonly store: Store,
    private readonly client: WebClient,
    private readonly people: People,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async listMessage(teamId: string, userId: string): Promise<{ text: string; blocks: KnownBlock[] }> {
    const now = this.clock.now();
    // Three sections in one message: each loads only as many as it could ever show.
    const fit = (index: number) => cardsThatFit(LIMITS.messageBlocks, 3, index);
    const [waiting, authored, waitingTotal, authoredTotal, resolved] = await Promise.all([
      this.store.listWaitingOn(teamId, userId, fit(0)),
      this.store.listAuthoredOpen(teamId, userId, fit(1)),
      this.store.countWaitingOn(teamId, userId),
      this.store.countOpenAuthored(teamId, userId),
      // What colleagues resolved for you lately stays visible here too, not only in a DM or digest.
      this.store.listRecentlyResolved(teamId, userId, new Date(now.getTime() - RECENT_MS), Math.min(5, fit(2))),
    ]);
    const cards = [...waiting, ...authored, ...resolved];
    const [people, workspace] = await Promise.all([usersOf(this.store, [{ teamId, userId }, ...peopleOnCards(cards)]), otherWorkspaceNames(this.store, teamId, cards)]);
    const viewer = people.get(userId);
    const card = { viewerId: userId, surface: 'list' as const, now, whereIs: whereIsFrom((id) => people.get(id), now, viewer ? zoneOf(viewer) : null), workspace };
    const blocks = sectionsWithinBudget(
      [
        { title: 'Waiting on you', emptyText: 'Nothing is waiting on you.', items: waiting, extraCount: waitingTotal - waiting.length, card },
        { title: 'You’re waiting on', emptyText: 'You aren’t waiting on anyone.', items: authored, extraCount: authoredTotal - authored.length, card },
        { title: 'Recently resolved for you', emptyText: 'Nothing resolved in the last 7 days.', items: resolved, card },
      ],
      LIMITS.messageBlocks,
      'Open the Handoff app’s Home tab for more.',
    );
    return { text: `${waitingTotal} waiting on you, ${authoredTotal} you’re waiting on.`, blocks };
  }

  async publish(teamId: string, userId: string): Promise<void> {
    const now = this.clock.now();
    const person = (await bestEffort(this.people.get(teamId, userId), this.logger, 'profile for App Home')) ?? null;
    // Slack says they are not a person of this workspace (a request naming another workspace's person,
    // or one of the org's people not in this workspace): this workspace's Home would replace theirs.
    if (person && !isOfWorkspace(person, teamId)) {
      this.logger.warn({ teamId, userId }, 'App Home not published: not a person of this workspace');
      return;
    }
    const limit = loadLimit(LIMITS.surfaceBlocks);
    const [waiting, waitingTotal, authored, authoredTotal, resolved] = await Promise.all([
      this.store.listWaitingOn(teamId, userId, limit),
      this.store.countWaitingOn(teamId, userId),
      this.store.listAuthoredOpen(teamId, userId, limit),
      this.store.countOpenAuthored(teamId, userId),
      this.store.listRecentlyResolved(teamId, userId, new Date(now.getTime() - RECENT_MS), 10),
    ]);
    const cards = [...waiting, ...authored, ...resolved];
    const [people, workspace] = await Promise.all([usersOf(this.store, peopleOnCards(cards)), otherWorkspaceNames(this.store, teamId, cards)]);
    const row = person?.row ?? null;
    const view = appHomeView({
      userId,
      now,
      waitingOnYou: waiting,
      waitingOnYouTotal: waitingTotal,
      youAreWaitingOn: authored,
      youAreWaitingOnTotal: authoredTotal,
      recentlyUnblocked: resolved,
      scheduleLine: this.scheduleLine(person?.row ?? null, now),
      whereIs: whereIsFrom((id) => people.get(id), now, person?.row ? zoneOf(person.row) : null),
      workspace,
      health: await this.healthBlocks(teamId, userId, row, now),
      isAdmin: row?.isAdmin ?? false,
    });
    try {
      await this.client.views.publish({ user_id: userId, view });
    } catch (e) {
      this.logger.warn({ err: e, teamId, userId }, 'could not publish App Home');
    }
  }

  /** The viewer's own figures of the last 7 days and the team's totals; nothing when they cannot be computed. */
  private async healthBlocks(teamId: string, userId: string, row: UserRow | null, now: Date): Promise<KnownBlock[] | undefined> {
    const report = await bestEffort(this.recentHealth(teamId, now), this.logger, 'async health for App Home');
    if (!report) return undefined;
    return homeHealthBlocks({ report, me: personalFigures(report, userId), getsReport: row?.weeklyReport ?? false, reportLink: row?.reportLink ?? null });
  }

  /**
   * The workspace's last 7 days, computed at most once per HEALTH_FRESH_MS and shared by every App Home
   * published meanwhile: it reads the workspace's whole week of events, and a morning of App Home opens
   * in a big workspace must not read it once per open. Figures a few minutes old are still the week's.
   */
  private recentHealth(teamId: string, now: Date): Promise<HealthReport> {
    const hit = this.health.get(teamId);
    if (hit && now.getTime() - hit.at < HEALTH_FRESH_MS && now.getTime() >= hit.at) return hit.report;
    const report = healthReport(this.store, teamId, { from: new Date(now.getTime() - RECENT_MS), to: now });
    this.health.set(teamId, { at: now.getTime(), report });
    // A failure is not kept: the next open tries again.
    report.catch(() => {
      if (this.health.get(teamId)?.report === report) this.health.delete(teamId);
    });
    return report;
  }

  private scheduleLine(row: UserRow | null, now: Date): string {
    if (!row) return 'Your working hours: 09:00–17:00 Mon–Fri (set yours in Settings).';
    const s = scheduleOf(row);
    const hours = `${formatHHMM(s.startMinute)}–${formatHHMM(s.endMinute)} ${formatWorkingDays(s.workingDays)}, ${s.tz}`;
    const planned = plannedDigestsOf(row, now, 1)[0];
    const next = planned ? localTimeLabel(planned.at, s.tz, 'EEE d MMM HH:mm') : null;
    const digest = row.digestEnabled
      ? next
        ? `next digest ${next}`
        : 'morning digest on'
      : next
        ? `morning digest off (news that waited for you: ${next})`
        : 'morning digest off';
    const away = awayPhrase(row, now, s.tz);
    const holiday = away ? null : holidayPhrase(row, now);
    const why = away ? ` · ${away}` : holiday ? ` · ${holiday}` : '';
    return `Your day: ${hours} · ${digest}${why}`;
  }
}
