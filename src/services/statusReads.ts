/**
 * Every known person's Slack status, read in full once a day a workspace (users.list, a few pages a
 * tick). `user_change` reports a status as it is set, but an event lost while Handoff was down (Slack
 * gives up retrying after about an hour) would leave someone on vacation getting digests: the away
 * re-check before digests (People.recheckAwayStatuses) only re-reads people already stored as away.
 * Only people Handoff already knows are looked at, and only a changed away status is written.
 */
import type { WebClient } from '@slack/web-api';
import type { Store } from '../db/store';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { People, SlackUserObject } from './people';
import { inTenant } from '../slack/tenant';
import { withDeadline } from '../deadline';
import { classifySlackError } from '../slack/errors';
import { usersById } from '../db/lookups';

/** How often a workspace's statuses are read in full. */
export const STATUS_READ_EVERY_MS = 24 * 3600_000;
/** users.list is Tier 2 (about 20 calls a minute a workspace): 2 a tick (every 30 s) is 4 a minute at most. */
export const STATUS_PAGES_PER_TICK = 2;
/** Slack's advice for users.list: no more than 200 a page. */
const PAGE_SIZE = 200;
/** Rows due at most this long ago count as deliveries under way (a wave just planned, not yet claimed). */
const RECENTLY_DUE_MS = 5 * 60_000;
/** One page's wait for Slack; the tick's housekeeping (and so the next sweep) waits for it. */
const PAGE_CALL_MS = 2000;

export class StatusReads {
  constructor(
    private readonly store: Store,
    private readonly client: WebClient,
    private readonly people: People,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Reads up to `pages` pages of the workspaces due; the number of pages read. Never throws for Slack.
   * Nothing while deliveries are under way: a read once a day is no hurry, and a wave goes first.
   */
  async readDue(opts: { pages?: number; stopping?: () => boolean } = {}): Promise<number> {
    if (await this.deliveriesUnderWay()) return 0;
    let read = 0;
    while (read < (opts.pages ?? STATUS_PAGES_PER_TICK) && !opts.stopping?.()) {
      const due = await this.store.workspaceForStatusRead(this.clock.now().getTime() - STATUS_READ_EVERY_MS);
      if (!due) break;
      read++;
      const next = await this.readPage(due.teamId, due.cursor);
      if (next === 'later') break; // Slack is busy or slow: the next tick goes on from the same page
      // Another process that read the same page first has moved the read on already: nothing to write.
      await this.store.saveStatusRead(due.teamId, due.cursor, next, this.clock.now());
    }
    return read;
  }

  /**
   * Rows being sent (by any process), or rows that fell due lately and wait to be. Rows long due and
   * not sent (a paused workspace's) do not count: they would hold the reads off for good.
   */
  private async deliveriesUnderWay(): Promise<boolean> {
    const now = this.clock.now();
    const backlog = await this.store.outboxBacklog(now);
    return backlog.sending > 0 || (backlog.oldestDueAt !== null && backlog.oldestDueAt >= now.getTime() - RECENTLY_DUE_MS);
  }

  /** One page: the next page's cursor, null when this was the last (or the read cannot go on), 'later' to try again. */
  private async readPage(teamId: string, cursor: string | null): Promise<string | null | 'later'> {
    let members: SlackUserObject[];
    let next: string | null;
    try {
      const answer = await inTenant({ teamId }, () =>
        // team_id: an org-wide (Enterprise Grid) token lists the people of the workspace it names.
        withDeadline(this.client.users.list({ limit: PAGE_SIZE, team_id: teamId, ...(cursor ? { cursor } : {}) }), PAGE_CALL_MS),
      );
      if (answer === 'timeout') return 'later';
      members = (answer.members ?? []) as SlackUserObject[];
      next = answer.response_metadata?.next_cursor || null;
    } catch (e) {
      const failure = classifySlackError(e);
      if (failure.kind === 'transient' || failure.kind === 'rate_limited') return 'later';
      // A refusal (no scope, revoked, a cursor Slack no longer knows) will not get better by asking
      // again every tick: this read ends here, the next one is a day away.
      this.logger.warn({ teamId, error: failure.code }, 'could not read Slack statuses (users.list); trying again tomorrow');
      return null;
    }
    // The people Handoff knows on this page, in one pass; nobody else is looked at or stored.
    const known = await usersById(
      this.store,
      teamId,
      members.map((u) => u.id).filter((id) => typeof id === 'string'),
    );
    let changed = 0;
    for (const user of members) {
      const row = known.get(user.id);
      if (!row || !this.people.statusChanged(teamId, row, user)) continue;
      await this.people.remember(teamId, user);
      changed++;
    }
    if (changed > 0) this.logger.info({ teamId, changed }, 'Slack statuses read: away changed for some people');
    return next;
  }
}
