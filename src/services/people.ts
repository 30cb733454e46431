/**
 * What Handoff knows about a person: Slack profile (cached, refreshed on user_change) plus their own
 * preferences, turned into a WorkSchedule. Keeps each person's next digest instant up to date.
 */
import type { WebClient } from '@slack/web-api';
import type { SlackProfile, UserRow } from '../db/queries/users';
import type { Store, Tx } from '../db/store';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { isValidTimeZone } from '../time';
import { nextDigest, type PlannedDigest } from '../domain/workSchedule';
import { digestHistoryOf, scheduleOf } from '../domain/personSchedule';
import { statusAwayFields, statusFromKey, type SlackStatus, type StatusAwayFields } from '../domain/awayStatus';
import { inTenant } from '../slack/tenant';
import { withDeadline } from '../deadline';
import { classifySlackError } from '../slack/errors';
import { cleanText } from '../domain/slackText';
import { TEXT_LIMITS } from '../domain/textLimits';
import { homeInOrg, knownInOrg } from './enterpriseOrgs';

const PROFILE_TTL_MS = 24 * 3600_000;

/**
 * Re-reading Slack statuses before digests are planned (recheckAwayStatuses): only people whose
 * stored status says away, whose digest is planned within RECHECK_AHEAD_MS and whose profile is older
 * than RECHECK_STALE_MS; at most RECHECK_PER_TICK users.info calls a tick (every 30 s: ≤ 20 a minute,
 * well inside users.info's Tier 4 of about 100 a minute, which requests share), each given
 * RECHECK_CALL_MS before the stored status is read again without Slack.
 */
export const RECHECK_AHEAD_MS = 2 * 3600_000;
const RECHECK_STALE_MS = 3600_000;
export const RECHECK_PER_TICK = 10;
const RECHECK_CALL_MS = 2000;
/** Most wall-clock time one tick spends on it: the next sweep waits for the tick's housekeeping. */
const RECHECK_BUDGET_MS = 5000;

export interface Person {
  userId: string;
  /**
   * Their own workspace: the one asked about, or, for a colleague of a sibling workspace of an
   * Enterprise Grid org served by one org-wide install, that workspace (services/enterpriseOrgs.ts).
   */
  teamId: string;
  exists: boolean;
  isBot: boolean;
  deleted: boolean;
  /** In another organisation (Slack Connect): known to Slack, but not someone Handoff can hand off to. */
  external: boolean;
  displayName: string;
  row: UserRow | null;
}

/** The subset of a Slack `user` object Handoff reads (users.info and user_change carry the same shape). */
export interface SlackUserObject {
  id: string;
  name?: string;
  real_name?: string;
  tz?: string;
  is_bot?: boolean;
  deleted?: boolean;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  team_id?: string;
  enterprise_user?: { enterprise_id?: string; teams?: string[] };
  profile?: { display_name?: string; real_name?: string; status_text?: string; status_emoji?: string; status_expiration?: number };
}

/**
 * A user whose home team is not this workspace (Slack Connect). An Enterprise Grid colleague from a
 * sibling workspace lists this one among their `enterprise_user.teams` and is not external.
 */
export function isExternalUser(u: SlackUserObject, teamId: string): boolean {
  if (typeof u.team_id !== 'string' || u.team_id === teamId) return false;
  const teams = u.enterprise_user?.teams;
  return !(Array.isArray(teams) && teams.includes(teamId));
}

/**
 * A person of this very workspace: known to Slack, and not someone of another organisation or of a
 * sibling workspace of the org (a colleague Handoff may hand off to, but whose own surfaces — App
 * Home, settings, reports — are in their own workspace).
 */
export function isOfWorkspace(p: Person, teamId: string): boolean {
  return p.exists && !p.external && p.teamId === teamId;
}

/**
 * A workspace admin or owner of `teamId`. `is_admin` describes the person's own organisation: an admin
 * of another organisation in a shared channel (Slack Connect) is no admin here.
 */
export function isWorkspaceAdmin(u: SlackUserObject, teamId: string): boolean {
  return !u.deleted && !isExternalUser(u, teamId) && Boolean(u.is_admin || u.is_owner || u.is_primary_owner);
}

export function profileFromSlack(u: SlackUserObject, teamId: string): SlackProfile {
  return {
    isAdmin: isWorkspaceAdmin(u, teamId),
    displayName: displayNameOf(u),
    // Slackbot is not flagged is_bot but cannot take a handoff either.
    isBot: Boolean(u.is_bot) || u.id === 'USLACKBOT',
    deleted: Boolean(u.deleted),
    slackTz: u.tz && isValidTimeZone(u.tz) ? u.tz : null,
  };
}

/**
 * The first name a person set that is still visible once invisible and control characters are
 * removed (a "blank" name made of fillers falls through to the next), at most Slack's 80 characters.
 */
function displayNameOf(u: SlackUserObject): string {
  const candidates = [u.profile?.display_name, u.profile?.real_name, u.real_name, u.name];
  const name = candidates.map((c) => (typeof c === 'string' ? cleanText(c).trim() : '')).find((c) => c !== '') ?? u.id;
  return Array.from(name).slice(0, TEXT_LIMITS.displayName).join('');
}

export class People {
  constructor(
    private readonly store: Store,
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** How late a digest may still go (DIGEST_MAX_LATE_HOURS): a moved start within it is caught up. */
    private readonly digestMaxLateMs = 4 * 3600_000,
  ) {}

  /**
   * Looks a person up, from the cache when fresh, else from users.info. A member of this workspace is
   * known here (their digest, App Home and settings are here). In an Enterprise Grid org served by one
   * org-wide install, a colleague who is not a member is known in their own workspace instead
   * (`homeInOrg`); Slack is asked each time whether they are a member, as for anyone Handoff does not
   * hold here.
   */
  async get(teamId: string, userId: string): Promise<Person> {
    const cached = await this.store.getUser(teamId, userId);
    const now = this.clock.now();
    const fresh = (row: UserRow | undefined): row is UserRow => !!row?.profileFetchedAt && now.getTime() - row.profileFetchedAt < PROFILE_TTL_MS;
    if (fresh(cached)) return toPerson(cached);
    try {
      const res = await this.client.users.info({ user: userId });
      const user = res.user as SlackUserObject | undefined;
      if (!user) return missing(userId, teamId);
      if (isExternalUser(user, teamId)) {
        // A colleague of a sibling workspace is remembered in their own workspace, never in this one:
        // the users table holds each workspace's people, and a cache hit must mean one of them.
        const home = await homeInOrg(this.store, teamId, user, now);
        if (home) {
          // Fresh where they are known: a request from this workspace leaves their row there as it is.
          const known = await this.store.getUser(home, userId);
          return toPerson(fresh(known) ? known : await this.remember(home, user));
        }
        return { ...missing(userId, teamId), exists: true, external: true, displayName: profileFromSlack(user, teamId).displayName };
      }
      return toPerson(await this.remember(teamId, user));
    } catch (e) {
      const failure = classifySlackError(e);
      if (failure.code === 'user_not_found') return missing(userId, teamId);
      // Slack is slow or limiting us: a stale profile (here, or a colleague's in their own workspace)
      // is far better than failing the request.
      const known = cached ?? (await knownInOrg(this.store, teamId, userId));
      if (known) return toPerson(known);
      this.logger.warn({ teamId, userId, error: failure.code }, 'users.info failed');
      throw e;
    }
  }

  /**
   * Whether the person is an admin or owner of this workspace, asked of Slack now (never from the
   * cache: rights can be taken away), and remembered. Throws when Slack cannot say: the caller refuses.
   */
  async isAdminNow(teamId: string, userId: string): Promise<boolean> {
    const res = await this.client.users.info({ user: userId });
    const user = res.user as SlackUserObject | undefined;
    if (!user || user.id !== userId) return false;
    if (isExternalUser(user, teamId)) return false;
    return (await this.remember(teamId, user)).isAdmin;
  }

  /** The display names Handoff already knows for these people (no Slack call); unknown ones are left out. */
  async knownNames(teamId: string, userIds: readonly string[]): Promise<string[]> {
    const rows = await Promise.all(userIds.map((u) => this.store.getUser(teamId, u)));
    return rows.map((row) => row?.displayName ?? '').filter(Boolean);
  }

  async getMany(teamId: string, userIds: readonly string[]): Promise<Person[]> {
    return Promise.all(userIds.map((id) => this.get(teamId, id)));
  }

  /** Stores a profile from users.info or a user_change event and (re)plans the person's digest. */
  async remember(teamId: string, user: SlackUserObject): Promise<UserRow> {
    const now = this.clock.now();
    // Read, upsert and replan in one transaction, the person locked from the read on: two lookups of
    // the same person (a users.info and a user_change, on one replica or two) must not both see
    // "before" and plan from a profile the other just replaced.
    return this.store.transaction(async (tx) => {
      await tx.ensureWorkspace(teamId, now);
      const before = await tx.getUserForUpdate(teamId, user.id);
      let row = await tx.upsertProfile(teamId, user.id, profileFromSlack(user, teamId), now);
      const zoneChanged = before && scheduleOf(before).tz !== scheduleOf(row).tz;
      const becamePerson = before && (before.isBot || before.deleted) !== (row.isBot || row.deleted);
      // Away by their Slack status (out of office, vacation, sick…): its end moves their digests.
      // The status the person said "I'm not away" to stays ignored (statusAwayFields).
      const status = statusAwayFields(scheduleOf(row), statusOf(user), row.statusAwayDismissed, now);
      const awayChanged = statusAwayChanged(row, status);
      if (awayChanged) {
        await tx.updateUser(teamId, user.id, status, now);
        row = { ...row, ...status };
      }
      if (!before || zoneChanged || becamePerson || awayChanged || row.nextDigestAt === null) await this.replanDigest(row, tx);
      return (await tx.getUser(teamId, user.id))!;
    });
  }

  /**
   * Whether a profile from users.list (a status read in full, StatusReads) changes what Handoff holds
   * for this known person's away-by-status: only then is it remembered (a page of people whose status
   * says nothing new writes nothing). Someone of another organisation never is.
   */
  statusChanged(teamId: string, row: UserRow, user: SlackUserObject): boolean {
    if (isExternalUser(user, teamId)) return false;
    return statusAwayChanged(row, statusAwayFields(scheduleOf(row), statusOf(user), row.statusAwayDismissed, this.clock.now()));
  }

  /**
   * Before digests are planned: the few people whose stored Slack status says away (or was dismissed)
   * and whose digest comes within RECHECK_AHEAD_MS are read from Slack again, a small budget a tick,
   * so a status cleared without an event, or one with no end that still holds, moves their plan. When
   * Slack does not answer in time the stored status is read again against its end (pure): a status
   * past its end no longer holds them. Never throws; the sweep does not wait on Slack for this.
   */
  async recheckAwayStatuses(opts: { limit?: number; stopping?: () => boolean } = {}): Promise<number> {
    const now = this.clock.now();
    const due = await this.store.awayStatusesToRecheck(now.getTime() + RECHECK_AHEAD_MS, now.getTime() - RECHECK_STALE_MS, opts.limit ?? RECHECK_PER_TICK);
    const started = Date.now(); // Slack's latency, not the app's clock
    let rechecked = 0;
    for (const { teamId, userId } of due) {
      if (opts.stopping?.() || Date.now() - started > RECHECK_BUDGET_MS) break; // the rest wait for the next tick
      try {
        const answer = await inTenant({ teamId }, () => withDeadline(this.client.users.info({ user: userId }), RECHECK_CALL_MS));
        const user = answer === 'timeout' ? undefined : (answer.user as SlackUserObject | undefined);
        if (user && user.id === userId) await this.remember(teamId, user);
        else await this.reviewStoredStatus(teamId, userId);
        rechecked++;
      } catch (e) {
        this.logger.warn({ teamId, userId, error: classifySlackError(e).code }, 'could not re-read a Slack status before the digest');
        await this.reviewStoredStatus(teamId, userId).catch((err: unknown) => this.logger.warn({ err }, 'could not review a stored status'));
      }
    }
    return rechecked;
  }

  /** The stored status read again at `now` without Slack (its end may have passed); replans when that changes it. */
  private async reviewStoredStatus(teamId: string, userId: string): Promise<void> {
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const row = await tx.getUserForUpdate(teamId, userId);
      if (!row?.statusAwayKey) return;
      const next = statusAwayFields(scheduleOf(row), statusFromKey(row.statusAwayKey), row.statusAwayDismissed, now);
      if (!statusAwayChanged(row, next)) return;
      await tx.updateUser(teamId, userId, next, now);
      await this.replanDigest({ ...row, ...next }, tx);
    });
  }

  /**
   * Plans the next digest after a change (first sight, settings, zone) with the one rule the previews
   * use (`nextDigest`). Everyone who is a person gets a plan, digest on or off: with the digest off,
   * the start of their day is when news that waited for them (a resolved ask, a new handoff) arrives.
   * A digest the scheduler planned ahead of its slot and has not sent is undone first, in the same
   * transaction, so the change decides it again: never sent at the old time, never a lost workday.
   */
  async replanDigest(row: UserRow, tx: Tx = this.store): Promise<PlannedDigest | null> {
    const now = this.clock.now();
    // One transaction (a savepoint when `tx` is one): undoing a planned-ahead digest and the new plan
    // commit together.
    return tx.transaction(async (t) => {
      const current = (await t.unplanDigest(row, now.getTime())) ? ((await t.getUser(row.teamId, row.userId)) ?? row) : row;
      if (current.isBot || current.deleted) {
        await t.updateUser(current.teamId, current.userId, { nextDigestAt: null, nextDigestLocalDate: null }, now);
        return null;
      }
      const plan = nextDigest(scheduleOf(current), now, digestHistoryOf(current), this.digestMaxLateMs);
      await t.updateUser(current.teamId, current.userId, { nextDigestAt: plan.at.getTime(), nextDigestLocalDate: plan.localDate }, now);
      return plan;
    });
  }
}

/** The Slack status of a users.info / user_change user object. */
function statusOf(user: SlackUserObject): SlackStatus {
  const p = user.profile;
  return { text: p?.status_text ?? '', emoji: p?.status_emoji ?? '', expiration: p?.status_expiration ?? 0 };
}

export function statusAwayChanged(row: UserRow, next: StatusAwayFields): boolean {
  return (
    next.statusAwayUntil !== row.statusAwayUntil ||
    next.statusAwayKind !== row.statusAwayKind ||
    next.statusAwayKey !== row.statusAwayKey ||
    next.statusAwayDismissed !== row.statusAwayDismissed
  );
}

function toPerson(row: UserRow): Person {
  return { userId: row.userId, teamId: row.teamId, exists: true, isBot: row.isBot, deleted: row.deleted, external: false, displayName: row.displayName, row };
}

function missing(userId: string, teamId: string): Person {
  return { userId, teamId, exists: false, isBot: false, deleted: false, external: false, displayName: userId, row: null };
}
