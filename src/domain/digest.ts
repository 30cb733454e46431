/**
 * What goes into one person's morning digest. Pure: the caller loads the handoffs, this decides what
 * is worth saying. No digest at all when there is nothing to say.
 *
 * Sections: "You're unblocked" (asks of yours marked done), "Declined" (asks of yours someone can't
 * do — the opposite of unblocked, so never announced as such), "Waiting on you".
 */
import type { PersonScheduleFields } from './personSchedule';

export interface DigestItem {
  id: number;
  createdAt: number;
  /** Local date until which the person snoozed it, if any. */
  snoozedUntilDate: string | null;
  /** Working days of the reader's it has waited unacknowledged, once that makes it stale (followThrough.ts). */
  staleDays?: number | null;
  /** Its author nudged it for this digest (or an earlier one it is still open after): it comes first. */
  nudged?: boolean;
}

/** An unresolved ask of the reader's whose "needed by" is less than a working day away for these people on it. */
export interface NeededSoon {
  handoffId: number;
  number: number;
  title: string;
  neededByAt: number;
  recipientIds: string[];
}

/** An ask of the reader's that a recipient has left unanswered for N of the recipient's working days. */
export interface Unanswered {
  handoffId: number;
  number: number;
  title: string;
  recipientId: string;
  workingDays: number;
}

/** Among the people you wait on: who is at work now, or else whose day starts next. */
export interface WaitedOn {
  workingNow: string[];
  /** `person`: their schedule, so the reader can be told why their day is far off (away, a holiday). */
  nextStarter: { userId: string; inMs: number; person?: PersonScheduleFields } | null;
}

export interface DigestInput<T extends DigestItem> {
  localDate: string;
  unblocked: readonly T[];
  declined?: readonly T[];
  waitingOnYou: readonly T[];
  waitingOnOthersCount: number;
  /** Whose day starts next among the people you are waiting on, if any (ignored when someone works now). */
  nextStarter: WaitedOn['nextStarter'];
  workingNow?: readonly string[];
  /** The reader's asks nobody answered: offered once each, "nudge, reassign, or cancel?". */
  unanswered?: readonly Unanswered[];
  /** The reader's asks needed within less than a working day of someone on them: said once each. */
  neededSoon?: readonly NeededSoon[];
}

export interface DigestPlan<T extends DigestItem> {
  localDate: string;
  unblocked: T[];
  declined: T[];
  waitingOnYou: T[];
  /** Items beyond the per-section cap, summarised with a pointer to App Home. */
  hiddenUnblocked: number;
  hiddenDeclined: number;
  hiddenWaiting: number;
  waitingOnOthersCount: number;
  waitedOn: WaitedOn;
  unanswered: Unanswered[];
  hiddenUnanswered: number;
  neededSoon: NeededSoon[];
}

/** Beyond this many items per section the digest summarises and points to App Home. */
export const DIGEST_SECTION_CAP = 15;

/**
 * Slack refuses a message with more than 50 blocks (invalid_blocks), so the digest is planned to fit:
 * an unblocked item is one block, a declined one two (the line and its reassign / rewrite / cancel
 * buttons), a waiting card three (headline, details, buttons), plus the header, an optional lateness
 * note, section titles, "…and N more" lines and the footer.
 */
export const DIGEST_BLOCK_BUDGET = 50;
export const BLOCKS_PER_UNBLOCKED = 1;
export const BLOCKS_PER_DECLINED = 2;
export const BLOCKS_PER_WAITING = 3;
/** The line and its nudge / reassign / cancel buttons. */
export const BLOCKS_PER_UNANSWERED = 2;
/** Unanswered asks offered in one digest at most; the rest wait for the next one. */
export const UNANSWERED_CAP = 5;
/** "Needed soon" lines in one digest at most (one block each); the rest wait for the next one. */
export const NEEDED_SOON_CAP = 5;
/** Header, lateness note, footer. */
const FIXED_BLOCKS = 3;

/** Blocks of a digest showing `u` of `totalU` unblocked, `w` of `totalW` waiting, `d` of `totalD` declined, `a` unanswered items. */
export function digestBlockCount(u: number, totalU: number, w: number, totalW: number, d = 0, totalD = 0, a = 0, n = 0): number {
  const section = (shown: number, total: number, per: number) => (total > 0 ? 1 + shown * per + (total > shown ? 1 : 0) : 0);
  // Unanswered asks not shown are not summarised: they are offered in a later digest.
  const unanswered = a > 0 ? 1 + a * BLOCKS_PER_UNANSWERED : 0;
  const neededSoon = n > 0 ? 1 + n : 0;
  return FIXED_BLOCKS + section(u, totalU, BLOCKS_PER_UNBLOCKED) + section(d, totalD, BLOCKS_PER_DECLINED) + section(w, totalW, BLOCKS_PER_WAITING) + unanswered + neededSoon;
}

export function planDigest<T extends DigestItem>(input: DigestInput<T>, cap = DIGEST_SECTION_CAP, budget = DIGEST_BLOCK_BUDGET): DigestPlan<T> | null {
  const waiting = input.waitingOnYou
    .filter((h) => !h.snoozedUntilDate || h.snoozedUntilDate <= input.localDate)
    .slice()
    // Nudged asks first, then stale ones, longest waiting first: what the reader must not miss today.
    .sort((a, b) => Number(!!b.nudged) - Number(!!a.nudged) || (b.staleDays ?? 0) - (a.staleDays ?? 0) || a.createdAt - b.createdAt || a.id - b.id);
  const declinedAll = input.declined ?? [];
  const unanswered = input.unanswered ?? [];
  const neededSoon = (input.neededSoon ?? []).slice(0, NEEDED_SOON_CAP);
  if (input.unblocked.length === 0 && declinedAll.length === 0 && waiting.length === 0 && unanswered.length === 0 && neededSoon.length === 0) return null;
  let u = Math.min(cap, input.unblocked.length);
  let d = Math.min(cap, declinedAll.length);
  let w = Math.min(cap, waiting.length);
  let a = Math.min(UNANSWERED_CAP, unanswered.length);
  const count = () => digestBlockCount(u, input.unblocked.length, w, waiting.length, d, declinedAll.length, a, neededSoon.length);
  // Over budget: trim whichever section takes most room, keeping at least one of each.
  while (count() > budget) {
    const room = [
      { take: () => (w -= 1), size: w * BLOCKS_PER_WAITING, left: w },
      { take: () => (d -= 1), size: d * BLOCKS_PER_DECLINED, left: d },
      { take: () => (u -= 1), size: u * BLOCKS_PER_UNBLOCKED, left: u },
      { take: () => (a -= 1), size: a * BLOCKS_PER_UNANSWERED, left: a },
    ].filter((s) => s.left > 1);
    if (room.length === 0) break;
    room.reduce((a, b) => (b.size > a.size ? b : a)).take();
  }
  const workingNow = [...(input.workingNow ?? [])];
  return {
    localDate: input.localDate,
    unblocked: input.unblocked.slice(0, u),
    hiddenUnblocked: input.unblocked.length - u,
    declined: declinedAll.slice(0, d),
    hiddenDeclined: declinedAll.length - d,
    waitingOnYou: waiting.slice(0, w),
    hiddenWaiting: waiting.length - w,
    waitingOnOthersCount: input.waitingOnOthersCount,
    waitedOn: { workingNow, nextStarter: workingNow.length > 0 ? null : input.nextStarter },
    unanswered: unanswered.slice(0, a),
    hiddenUnanswered: unanswered.length - a,
    neededSoon,
  };
}
