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

export function planDigest<T extends DigestItem>(input: DigestInput<T>, cap = DIGEST_SECTION_CAP): DigestPlan<T> | null {
  const waiting = input.waitingOnYou
    .filter((h) => !h.snoozedUntilDate || h.snoozedUntilDate <= input.localDate)
    .slice()
    .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  if (input.unblocked.length === 0 && waiting.length === 0) return null;
  return {
    localDate: input.localDate,
    unblocked: input.unblocked.slice(0, cap),
    hiddenUnblocked: Math.max(0, input.unblocked.length - cap),
    waitingOnYou: waiting.slice(0, cap),
    hiddenWaiting: Math.max(0, waiting.length - cap),
    waitingOnOthersCount: input.waitingOnOthersCount,
    nextStarter: input.nextStarter,
  };
}
