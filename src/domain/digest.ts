/**
 * What goes into one person's morning digest. Pure: the caller loads the handoffs, this decides what
 * is worth saying. No digest at all when there is nothing to say.
 */

export interface DigestItem {
  id: number;
  createdAt: number;
  /** Local date until which the person snoozed it, if any. */
  snoozedUntilDate: string | null;
}

export interface DigestInput<T extends DigestItem> {
  localDate: string;
  unblocked: readonly T[];
  waitingOnYou: readonly T[];
  waitingOnOthersCount: number;
  /** Whose day starts next among the people you are waiting on, if any. */
  nextStarter: { userId: string; inMs: number } | null;
}

export interface DigestPlan<T extends DigestItem> {
  localDate: string;
  unblocked: T[];
  waitingOnYou: T[];
  /** Items beyond the per-section cap, summarised with a pointer to App Home. */
  hiddenUnblocked: number;
  hiddenWaiting: number;
  waitingOnOthersCount: number;
  nextStarter: { userId: string; inMs: number } | null;
}

/** Beyond this many items per section the digest summarises and points to App Home. */
export const DIGEST_SECTION_CAP = 15;

/**
 * Slack refuses a message with more than 50 blocks (invalid_blocks), so the digest is planned to fit:
 * an unblocked item is one block, a waiting card three (headline, details, buttons), plus the header,
 * section titles, "…and N more" lines and the footer.
 */
export const DIGEST_BLOCK_BUDGET = 50;
export const BLOCKS_PER_UNBLOCKED = 1;
export const BLOCKS_PER_WAITING = 3;

/** Blocks of a digest showing `u` of `totalU` unblocked and `w` of `totalW` waiting items. */
export function digestBlockCount(u: number, totalU: number, w: number, totalW: number): number {
  const section = (shown: number, total: number, per: number) => (total > 0 ? 1 + shown * per + (total > shown ? 1 : 0) : 0);
  return 1 + section(u, totalU, BLOCKS_PER_UNBLOCKED) + section(w, totalW, BLOCKS_PER_WAITING) + 1;
}

export function planDigest<T extends DigestItem>(input: DigestInput<T>, cap = DIGEST_SECTION_CAP, budget = DIGEST_BLOCK_BUDGET): DigestPlan<T> | null {
  const waiting = input.waitingOnYou
    .filter((h) => !h.snoozedUntilDate || h.snoozedUntilDate <= input.localDate)
    .slice()
    .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  if (input.unblocked.length === 0 && waiting.length === 0) return null;
  let u = Math.min(cap, input.unblocked.length);
  let w = Math.min(cap, waiting.length);
  // Over budget: trim whichever section takes more room, keeping at least one of each.
  while (digestBlockCount(u, input.unblocked.length, w, waiting.length) > budget) {
    if (w > 1 && w * BLOCKS_PER_WAITING >= u * BLOCKS_PER_UNBLOCKED) w -= 1;
    else if (u > 1) u -= 1;
    else break;
  }
  return {
    localDate: input.localDate,
    unblocked: input.unblocked.slice(0, u),
    hiddenUnblocked: input.unblocked.length - u,
    waitingOnYou: waiting.slice(0, w),
    hiddenWaiting: waiting.length - w,
    waitingOnOthersCount: input.waitingOnOthersCount,
    nextStarter: input.nextStarter,
  };
}
