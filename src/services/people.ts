/**
 * What Handoff knows about a person: Slack profile (cached, refreshed on user_change) plus their own
 * preferences, turned into a WorkSchedule. Keeps each person's next digest instant up to date.
 */
import type { WebClient } from '@slack/web-api';
import type { Db } from '../db/client';
import { getUser, updateUser, upsertProfile, type SlackProfile, type UserRow } from '../db/queries/users';
import { ensureWorkspace } from '../db/queries/workspaces';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { isValidTimeZone, cityOf, formatLocal, localDateOf } from '../time';
import { humanDate } from '../views/availability';
import { firstDigestSlotAfterDate, isRepeatOfServedDate, nextDigest, type DigestHistory, type PlannedDigest, type WorkSchedule } from '../domain/workSchedule';
import { classifySlackError } from '../slack/errors';
import { cleanText } from '../domain/slackText';
import { TEXT_LIMITS } from '../domain/textLimits';

const PROFILE_TTL_MS = 24 * 3600_000;

export interface Person {
  userId: string;
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
  team_id?: string;
  enterprise_user?: { teams?: string[] };
  profile?: { display_name?: string; real_name?: string };
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

export function profileFromSlack(u: SlackUserObject): SlackProfile {
  return {
    displayName: displayNameOf(u),
    // Slackbot is not flagged is_bot but cannot take a handoff either.
    isBot: Boolean(u.is_bot) || u.id === 'USLACKBOT',
    deleted: Boolean(u.deleted),
    slackTz: u.tz && isValidTimeZone(u.tz) ? u.tz : null,
  };
}

/** The zone a person lives by: their own override, else their Slack profile's, else UTC. */
export function zoneOf(row: Pick<UserRow, 'tzOverride' | 'slackTz'>): string {
  return [row.tzOverride, row.slackTz].find((z): z is string => !!z && isValidTimeZone(z)) ?? 'UTC';
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

export function scheduleOf(row: UserRow): WorkSchedule {
  return {
    tz: zoneOf(row),
    startMinute: row.workdayStartMinute,
    endMinute: row.workdayEndMinute,
    workingDays: row.workingDays,
    awayUntil: row.awayUntil,
  };
}

/** What the digest rule needs to know of a person's past and planned digests. */
export function digestHistoryOf(row: UserRow): DigestHistory {
  return {
    lastLocalDate: row.lastDigestLocalDate,
    lastAt: row.lastDigestAt,
    pending: row.nextDigestAt !== null && row.nextDigestLocalDate ? { localDate: row.nextDigestLocalDate, at: new Date(row.nextDigestAt) } : null,
  };
}

/**
 * The person's planned digest and the ones after it, exactly as the scheduler will send them: the
 * stored plan first (computed by `nextDigest`), then each following workday, the way the sweep
 * advances. Settings, App Home and confirmations all show this, never a second computation.
 */
export function plannedDigestsOf(row: UserRow, now: Date, count: number): PlannedDigest[] {
  if (row.nextDigestAt === null || !row.nextDigestLocalDate || count <= 0) return [];
  const s = scheduleOf(row);
  const first: PlannedDigest = {
    localDate: row.nextDigestLocalDate,
    at: new Date(row.nextDigestAt),
    catchUp: row.nextDigestAt <= now.getTime(),
    repeat: isRepeatOfServedDate({ localDate: row.nextDigestLocalDate, at: new Date(row.nextDigestAt) }, row.lastDigestLocalDate, row.lastDigestAt),
  };
  const out = [first];
  while (out.length < count) out.push({ ...firstDigestSlotAfterDate(s, out[out.length - 1]!.localDate), catchUp: false, repeat: false });
  return out;
}

export class People {
  constructor(
    private readonly db: Db,
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** How late a digest may still go (DIGEST_MAX_LATE_HOURS): a moved start within it is caught up. */
    private readonly digestMaxLateMs = 4 * 3600_000,
  ) {}

  /** Looks a person up, from the cache when fresh, else from users.info. */
  async get(teamId: string, userId: string): Promise<Person> {
    const cached = getUser(this.db, teamId, userId);
    const now = this.clock.now();
    if (cached && cached.profileFetchedAt && now.getTime() - cached.profileFetchedAt < PROFILE_TTL_MS) {
      return toPerson(cached);
    }
    try {
      const res = await this.client.users.info({ user: userId });
      const user = res.user as SlackUserObject | undefined;
      if (!user) return missing(userId);
      // Not cached: the users table holds this workspace's people, and a cache hit must mean one of them.
      if (isExternalUser(user, teamId)) return { ...missing(userId), exists: true, external: true, displayName: profileFromSlack(user).displayName };
      return toPerson(this.remember(teamId, user));
    } catch (e) {
      const failure = classifySlackError(e);
      if (failure.code === 'user_not_found') return missing(userId);
      // Slack is slow or limiting us: a stale profile is far better than failing the request.
      if (cached) return toPerson(cached);
      this.logger.warn({ teamId, userId, error: failure.code }, 'users.info failed');
      throw e;
    }
  }

  async getMany(teamId: string, userIds: readonly string[]): Promise<Person[]> {
    return Promise.all(userIds.map((id) => this.get(teamId, id)));
  }

  /** Stores a profile from users.info or a user_change event and (re)plans the person's digest. */
  remember(teamId: string, user: SlackUserObject): UserRow {
    const now = this.clock.now();
    ensureWorkspace(this.db, teamId, now);
    const before = getUser(this.db, teamId, user.id);
    const row = upsertProfile(this.db, teamId, user.id, profileFromSlack(user), now);
    const zoneChanged = before && scheduleOf(before).tz !== scheduleOf(row).tz;
    const becamePerson = before && (before.isBot || before.deleted) !== (row.isBot || row.deleted);
    if (!before || zoneChanged || becamePerson || row.nextDigestAt === null) this.replanDigest(row);
    return getUser(this.db, teamId, user.id)!;
  }

  /**
   * Plans the next digest after a change (first sight, settings, zone) with the one rule the previews
   * use (`nextDigest`). Everyone who is a person gets a plan, digest on or off: with the digest off,
   * the start of their day is when news that waited for them (a resolved ask, a new handoff) arrives.
   */
  replanDigest(row: UserRow): PlannedDigest | null {
    const now = this.clock.now();
    if (row.isBot || row.deleted) {
      updateUser(this.db, row.teamId, row.userId, { nextDigestAt: null, nextDigestLocalDate: null }, now);
      return null;
    }
    const plan = nextDigest(scheduleOf(row), now, digestHistoryOf(row), this.digestMaxLateMs);
    updateUser(this.db, row.teamId, row.userId, { nextDigestAt: plan.at.getTime(), nextDigestLocalDate: plan.localDate }, now);
    return plan;
  }
}

/**
 * Labels people with where they are, from what Handoff already knows (no Slack call). Messages that
 * stay around get the city only; surfaces rendered on demand also get the local time now.
 */
export function whereIsFrom(db: Db, teamId: string, now: Date | null): (userId: string) => string | null {
  // One list names the same people, and people in the same few zones, many times over.
  const seen = new Map<string, string | null>();
  const zoneLabels = new Map<string, string>();
  const label = (tz: string) => {
    let l = zoneLabels.get(tz);
    if (l === undefined) zoneLabels.set(tz, (l = now ? `${formatLocal(now, tz, 'HH:mm')} in ${cityOf(tz)}` : cityOf(tz)));
    return l;
  };
  return (userId) => {
    if (seen.has(userId)) return seen.get(userId)!;
    const row = getUser(db, teamId, userId);
    let where: string | null = null;
    if (row && (row.tzOverride || row.slackTz)) {
      const tz = zoneOf(row);
      where = label(tz);
      // Someone away is the one thing worth saying on every card that names them.
      if (now && row.awayUntil && localDateOf(tz, now) < row.awayUntil) where += `, away until ${humanDate(tz, row.awayUntil)}`;
    }
    seen.set(userId, where);
    return where;
  };
}

function toPerson(row: UserRow): Person {
  return { userId: row.userId, exists: true, isBot: row.isBot, deleted: row.deleted, external: false, displayName: row.displayName, row };
}

function missing(userId: string): Person {
  return { userId, exists: false, isBot: false, deleted: false, external: false, displayName: userId, row: null };
}
