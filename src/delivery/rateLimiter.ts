/**
 * Paces Slack sends for one workspace, discovering the pace Slack allows instead of guessing it:
 * Slack's workspace-wide limit for chat.postMessage is not a published number.
 *
 * - One pace per workspace, shared by every process sending to it (Slack's limits are per workspace):
 *   the state is a plain record (`PaceState`, a row of delivery_pace) and each function here one step
 *   of it, which delivery/sharedPace.ts runs against the database.
 * - Evenly spaced send slots (the state holds the last one handed out), never more than the pace in any
 *   one second: a sliding-window limit counts every second, so a burst on top of the steady rate (a
 *   timer that fired late, then caught up) is exactly what it rejects. Slots are handed out a little
 *   ahead (`grant`), and a slot may be used up to `graceMs` late: the spacing, (1000 + graceMs) /
 *   floor(pace), leaves room for that, so slots used within their grace still never put more than
 *   floor(pace) sends in any second. A slot used later than that first moves the slots not yet
 *   handed out back, so that the one `floor(pace)` places after it still falls a second after this
 *   late send (`lateSlot`; several late at once move them once, by the latest). Idle time earns
 *   nothing (no burst after a lull). At the configured bound the spacing also leaves room for
 *   arrival jitter (`arrivalJitterMs`): Slack counts arrivals, and the hop to it bunches them up.
 *   Measured by the replica test: sends started within the bound arrived 31 in a second against 30.
 * - Starts at a safe rate (10/s, which Slack has never refused us) and, while Slack accepts what we
 *   send at that pace and no limit has been seen yet, doubles it every second (slow start: 10/s to
 *   50/s in about 2.3 s instead of 10 s) up to the configured upper bound (DELIVERY_RATE_PER_SECOND).
 *   No raise without evidence: a pace we are not using proves nothing.
 * - A 429 while we were using our pace remembers what got through in the second before as Slack's
 *   limit (one burst of 429s counts once). A new limit halves the pace; below 90 % of it the pace
 *   climbs back fast (a quarter of it per second: it was just accepted), then additively to the
 *   settle share of it (97 %), and past it only slowly (+0.5/s per second) after 30 s without a
 *   429 — Slack's limit may have moved. A 429 that finds the same limit again (a probe) goes straight
 *   back to the settle pace: its Retry-After pause has emptied Slack's window, and halving again only
 *   loses what was just confirmed; it doubles the wait before the next probe (up to 240 s). 429s
 *   at or under the settle pace less than a minute apart say the settle share is too high for how
 *   sends arrive (their timing jitters): it is lowered by 2 points each time (down to 85 %).
 * - Retry-After is honoured by everyone (`pause`): no slot falls inside it. A 429 while sending slowly
 *   (a per-channel or per-minute limit, not our pace) only pauses.
 * - What the decisions above weigh — slots handed out and sends that went through in the last second —
 *   is kept as the instants of that second, in whole milliseconds (what a sliding window counts).
 * - Scoped: chat.postMessage allows about one message per second per conversation, "while also
 *   maintaining a workspace-wide limit" (docs.slack.dev/apis/web-api/rate-limits), and a 429 does
 *   not say which one was hit — it carries only Retry-After. So the scope is inferred (`limitedIn`):
 *   a 429 in a conversation we were just sending to, while sends to other conversations still go
 *   through, is that conversation's limit (one person flooding one colleague) and pauses only that
 *   conversation; a 429 in a conversation we had not just sent to (a wave: one digest per DM), or
 *   429s in two or more conversations with nothing else getting through in between, are the
 *   workspace's limit and pause (and slow) everyone. That inference and the conversations' pauses
 *   stay in each process (`ConversationScope`): they concern the rows it is sending.
 */
import type { PaceState } from '../db/queries/pace';

/** Where a pace starts: the old default rate. */
export const SAFE_START_RATE = 10;
/** Sends per second added per second while Slack accepts (the additive increase, once a limit is known). */
const ADDITIVE_PER_SECOND = 4;
/** Before any limit is seen the pace doubles every second (slow start). */
const SLOW_START_FACTOR_PER_SECOND = 2;
/** Below this share of the last limit seen, climb back fast. */
const RECOVER_BELOW = 0.9;
const RECOVER_PER_SECOND = 0.25; // of the last limit seen
/**
 * The pace settles at this share of the last limit seen. A sliding window counts arrivals, and they
 * jitter; with at most `pace` sends in any second 97 % of a 50/s limit leaves 1–2 sends of slack per
 * second. A 429 at or under the settle pace within a minute of another lowers the share by
 * SHARE_STEP, down to MIN_CEILING_SHARE (every such 429 costs a whole Retry-After pause: ≥ 1 s of
 * nothing).
 */
export const CEILING_SHARE = 0.97;
const SHARE_STEP = 0.02;
/** A 429 at the settle pace lowers the share only this soon after the previous one (break-even: 1 s of pause vs 2 % of 50 s). */
const SHARE_LOWER_WITHIN_MS = 60_000;
const MIN_CEILING_SHARE = 0.85;
/** Probes past the settle pace only after this long without a 429, slowly; each probe that finds
 * the same limit again doubles the wait (up to MAX_PROBE_AFTER_MS): every failed probe costs a pause. */
const PROBE_AFTER_MS = 30_000;
const MAX_PROBE_AFTER_MS = 240_000;
/**
 * Slow start doubles the pace only while the last second's sends reach this share of it: while it
 * doubles they are ≈0.72 of it (what was sent at the lower pace of a second ago), so this lets a
 * pace in full use double and stops one the app only half uses.
 */
const SLOW_START_USE = 0.6;
/** Two limits seen within this share of each other are the same limit. */
const SAME_LIMIT_SHARE = 0.1;
const PROBE_PER_SECOND = 0.5;
/** 429s and successes this recent are compared to tell a conversation's limit from the workspace's. */
const SCOPE_WINDOW_MS = 2000;
/** The sliding window Slack counts in. */
const WINDOW_MS = 1000;

export interface PaceBounds {
  /** DELIVERY_RATE_PER_SECOND: the pace never goes above it. */
  maxRate: number;
  /** How late a slot may still be used (see the top of this file); 0 when slots are used as granted. */
  graceMs: number;
  /**
   * How much closer together sends may arrive at Slack than they started (the network hop, a busy
   * Slack-side loop): at the configured bound the spacing leaves this much more room, so arrivals
   * stay within maxRate too. A discovered pace needs none: its settle share is learned from 429s.
   */
  arrivalJitterMs?: number;
}

export interface Grant {
  /** Send slots (epoch ms, ascending), each for one send starting no earlier than it. */
  slots: number[];
  /** With no slots: how long until asking again may give one (a pause, or every slot within reach is taken). */
  waitMs: number;
}

const minRate = (maxRate: number) => Math.min(1, maxRate);

/** A workspace's pace before anything was sent: `startRate`, nothing seen. */
export function newPace(maxRate: number, startRate: number, t: number): PaceState {
  return {
    rate: clamp(startRate, minRate(maxRate), maxRate),
    lastSlotAt: null,
    pausedUntil: null,
    limitSeen: null,
    settleShare: CEILING_SHARE,
    probeAfterMs: PROBE_AFTER_MS,
    lastLimitedAt: null,
    lastSettleLimitedAt: null,
    adjustedAt: t,
    windowStart: t - WINDOW_MS,
    takenAt: '',
    sentAt: '',
  };
}

/** Milliseconds left of a Retry-After pause (0: not paused). */
export function pausedFor(s: PaceState, t: number): number {
  return Math.max(0, (s.pausedUntil ?? 0) - t);
}

/** Milliseconds between two slots at the current pace: at most floor(pace) slots in any 1000 + graceMs ms. */
export function slotSpacing(rate: number, graceMs: number): number {
  const perWindow = rate >= 1 ? Math.floor(rate) : rate;
  // Rounded up to whole microseconds: floating-point sums of it can then never fit one slot more into a window.
  return Math.ceil(((WINDOW_MS + graceMs) / perWindow) * 1000) / 1000;
}

/**
 * The spacing of `rate` within `bounds`: `slotSpacing`, and at least that of maxRate with room for
 * arrival jitter besides the grace (the configured bound is a promise no 429 teaches us to keep).
 */
export function boundedSpacing(rate: number, bounds: PaceBounds): number {
  const atBound = slotSpacing(bounds.maxRate, bounds.graceMs + (bounds.arrivalJitterMs ?? 0));
  return Math.max(slotSpacing(rate, bounds.graceMs), atBound);
}

/** Which slots a reservation may take: none before `from` (at least now), none after `until`. */
export interface SlotWindow {
  from: number;
  until: number;
}

/**
 * Hands out up to `want` send slots within `window` (none inside a pause); or, when none is free by
 * its end, says how long to wait. Raises the pace first if the evidence allows.
 */
export function grant(s: PaceState, bounds: PaceBounds, t: number, want: number, window: SlotWindow): Grant {
  roll(s, t);
  const paused = pausedFor(s, t);
  if (paused > 0) return { slots: [], waitMs: paused };
  // DELIVERY_RATE_PER_SECOND may have been lowered since the pace rose (or another process runs with a lower one).
  s.rate = Math.min(s.rate, bounds.maxRate);
  adjust(s, bounds, t);
  // The spacing of the pace as it is now, also from the last slot handed out before (the pace may have risen since).
  const spacing = boundedSpacing(s.rate, bounds);
  // Idle time earns nothing: a slot is never earlier than the window — except by less than the
  // clock's millisecond, so asking just after a slot (a timer rounded up) keeps the spacing instead
  // of losing the fraction each time.
  const from = Math.max(t, window.from);
  let at = s.lastSlotAt === null ? from : s.lastSlotAt + spacing;
  if (from - at >= 1) at = from;
  const slots: number[] = [];
  while (slots.length < want && at <= window.until) {
    slots.push(at);
    at += spacing;
  }
  // Asked again later, a window as far ahead reaches the next free slot then.
  if (slots.length === 0) return { slots, waitMs: Math.max(1, Math.ceil(at - window.until)) };
  s.lastSlotAt = slots[slots.length - 1]!;
  s.takenAt = remembered(s.takenAt, s.windowStart, slots.map(Math.ceil));
  return { slots, waitMs: 0 };
}

/**
 * `slot` is used at `usedAt`, later than its grace allows (a busy event loop). The slots already
 * handed out after it keep their places; the next one handed out is put where it would be had this
 * slot been at `usedAt - graceMs`, so the one floor(pace) places after it still comes a second after
 * this send. A burst of late sends moves them once, by the latest (each asks for at least, not for more).
 */
export function lateSlot(s: PaceState, bounds: PaceBounds, slot: number, usedAt: number): void {
  const after = takenAfter(s, slot);
  const placed = usedAt - bounds.graceMs + after * boundedSpacing(s.rate, bounds);
  if (s.lastSlotAt === null || placed > s.lastSlotAt) s.lastSlotAt = placed;
}

/** Slots handed out after `slot` (by any process, as far as `s` says). */
export function takenAfter(s: PaceState, slot: number): number {
  return instants(s.takenAt, s.windowStart).filter((x) => x > Math.ceil(slot)).length;
}

/** Sends went through at `instants` (the evidence `limited` weighs). */
export function recordSent(s: PaceState, t: number, instants: readonly number[]): void {
  roll(s, t);
  s.sentAt = remembered(s.sentAt, s.windowStart, instants);
}

/** Slack told us to wait (Retry-After): no slot is handed out before it ends, to anyone. */
export function pause(s: PaceState, t: number, ms: number): void {
  s.pausedUntil = Math.max(s.pausedUntil ?? 0, t + ms);
}

/** A paced send was answered 429 (the workspace's limit): wait for Retry-After, and slow the pace if it was ours. */
export function limited(s: PaceState, bounds: PaceBounds, t: number, retryAfterMs: number): void {
  roll(s, t);
  // A burst of 429s (several sends in flight, in any process) is one signal, not several; and only
  // a 429 while the pace was in use says the pace is too high.
  if (t - (s.lastLimitedAt ?? -Infinity) > 1000 && usingPace(s, t)) slowDown(s, bounds, t);
  s.lastLimitedAt = t;
  pause(s, t, retryAfterMs);
}

/** Our pace was refused: learn the limit from what got through, and pace under it. */
function slowDown(s: PaceState, bounds: PaceBounds, t: number): void {
  // What got through in the second before — counted when the answers came back, which jitters,
  // so never more than we started in that second (a jittered 54 for a 50/s limit would stick:
  // a limit seen again never shrinks).
  const observed = Math.min(lastSecond(s.sentAt, s, t), lastSecond(s.takenAt, s, t));
  const seen = clamp(Math.max(observed, s.rate / 2), minRate(bounds.maxRate), bounds.maxRate);
  const previous = s.limitSeen;
  // The same limit: about what we saw before, or — refused under it — everything we paced got
  // through (arrival jitter, not a lower limit).
  const same = previous !== null && (Math.abs(seen - previous) <= previous * SAME_LIMIT_SHARE || (seen < previous && seen >= s.rate * (1 - SAME_LIMIT_SHARE)));
  // Refused at or under the settle pace (not while probing past it): the share is too high for
  // how our sends arrive. Only when such 429s recur within SHARE_LOWER_WITHIN_MS: a lower share
  // costs its 2 % for the rest of the wave, a lone 429 only its pause (≈1 s).
  if (same && s.rate <= previous * s.settleShare + 0.01) {
    if (t - (s.lastSettleLimitedAt ?? -Infinity) <= SHARE_LOWER_WITHIN_MS) s.settleShare = Math.max(MIN_CEILING_SHARE, s.settleShare - SHARE_STEP);
    s.lastSettleLimitedAt = t;
  }
  s.probeAfterMs = same ? Math.min(MAX_PROBE_AFTER_MS, s.probeAfterMs * 2) : PROBE_AFTER_MS;
  // Under our own pacing fewer than the limit may have got through: a limit seen again never shrinks.
  s.limitSeen = same ? Math.max(previous, seen) : seen;
  // The same limit again: the Retry-After pause empties Slack's window, so resume just under it.
  // A new one (or the first): halve, the classic multiplicative decrease.
  const next = same ? Math.min(s.rate, s.limitSeen * s.settleShare) : s.rate / 2;
  s.rate = Math.max(minRate(bounds.maxRate), next);
}

/** Did we send at (at least half) our pace in the last second? Only then does Slack's answer say anything about it. */
function usingPace(s: PaceState, t: number): boolean {
  return lastSecond(s.takenAt, s, t) >= Math.max(2, s.rate / 2);
}

/** The increase: doubling until a limit is seen, then fast back to it, additive to just under it, slow past it. */
function adjust(s: PaceState, bounds: PaceBounds, t: number): void {
  const dt = Math.max(0, t - s.adjustedAt) / 1000;
  s.adjustedAt = t;
  const quiet = t - (s.lastLimitedAt ?? -Infinity);
  if (quiet <= 1000 || pausedFor(s, t) > 0 || !usingPace(s, t)) return;
  const limit = s.limitSeen;
  if (limit === null) {
    // Doubling is only safe while Slack accepts nearly the whole pace: at half of it (the app, not
    // the pace, is what limits) it would double past a limit it has never been near.
    if (lastSecond(s.takenAt, s, t) >= s.rate * SLOW_START_USE)
      s.rate = Math.min(bounds.maxRate, Math.max(s.rate + ADDITIVE_PER_SECOND * dt, s.rate * SLOW_START_FACTOR_PER_SECOND ** dt));
    return;
  }
  let target = bounds.maxRate;
  let perSecond = ADDITIVE_PER_SECOND;
  const settle = limit * s.settleShare;
  if (s.rate < limit * RECOVER_BELOW) perSecond = Math.max(ADDITIVE_PER_SECOND, limit * RECOVER_PER_SECOND);
  if (s.rate < settle) target = settle;
  else perSecond = quiet > s.probeAfterMs ? PROBE_PER_SECOND : 0;
  s.rate = Math.min(bounds.maxRate, Math.max(s.rate, Math.min(target, s.rate + perSecond * dt)));
}

/** A stored list of instants ('3,24,45': ms after `base`) as epoch ms. */
function instants(text: string, base: number): number[] {
  return text === '' ? [] : text.split(',').map((x) => base + Number(x));
}

function listed(xs: readonly number[], base: number): string {
  return xs.map((x) => x - base).join(',');
}

function remembered(text: string, base: number, more: readonly number[]): string {
  const kept = more.filter((x) => x > base);
  if (kept.length === 0) return text;
  const added = listed(kept, base);
  return text === '' ? added : `${text},${added}`;
}

/** Forgets the instants older than a second before `t`, and counts the rest from there. */
function roll(s: PaceState, t: number): void {
  const base = t - WINDOW_MS;
  if (s.windowStart === base) return;
  const forget = (text: string) =>
    listed(
      instants(text, s.windowStart).filter((x) => x > base),
      base,
    );
  s.takenAt = forget(s.takenAt);
  s.sentAt = forget(s.sentAt);
  s.windowStart = base;
}

/** How many of a stored list's instants fall in the second up to `t` (slots handed out ahead are later). */
function lastSecond(text: string, s: PaceState, t: number): number {
  return instants(text, s.windowStart).filter((x) => x > t - WINDOW_MS && x <= t).length;
}

export type LimitScope = 'conversation' | 'workspace';

/**
 * One process's view of a workspace's conversations: which 429s were a conversation's own limit, and
 * the pauses they call for. Local on purpose: it weighs the sends this process just made, to rows it
 * holds (a workspace's limit, once inferred, goes to the shared pace).
 */
export class ConversationScope {
  private readonly pausedUntil = new Map<string, number>();
  private readonly recent429s: Array<{ t: number; conversation: string }> = [];
  private readonly recentSuccesses: Array<{ t: number; conversation: string }> = [];

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * A send to `conversation` was answered 429. Pauses that conversation alone, unless it cannot be
   * that conversation's limit — nothing was sent to it just before (its limit is about one message a
   * second) — or other conversations are being limited too with nothing getting through (then it is
   * the workspace's limit, for the caller to pause everyone). Returns which it was.
   */
  limitedIn(conversation: string, retryAfterMs: number): LimitScope {
    const t = this.now();
    forgetOlder(this.recent429s, t - SCOPE_WINDOW_MS);
    forgetOlder(this.recentSuccesses, t - SCOPE_WINDOW_MS);
    // A wave sends one message per conversation: its 429s are never a conversation's own limit.
    const busyHere = this.recentSuccesses.some((x) => x.conversation === conversation) || this.recent429s.some((x) => x.conversation === conversation);
    this.recent429s.push({ t, conversation });
    if (!busyHere) return 'workspace';
    const limitedNow = new Set(this.recent429s.map((r) => r.conversation));
    const since = this.recent429s[0]!.t;
    const othersGotThrough = this.recentSuccesses.some((x) => x.t >= since && !limitedNow.has(x.conversation));
    if (limitedNow.size >= 2 && !othersGotThrough) return 'workspace';
    for (const [c, until] of this.pausedUntil) if (until <= t) this.pausedUntil.delete(c);
    this.pausedUntil.set(conversation, Math.max(this.pausedUntil.get(conversation) ?? 0, t + retryAfterMs));
    return 'conversation';
  }

  /** Milliseconds until `conversation` may be sent to again (0: now). */
  conversationWait(conversation: string): number {
    const until = this.pausedUntil.get(conversation);
    if (until === undefined) return 0;
    const wait = until - this.now();
    if (wait > 0) return wait;
    this.pausedUntil.delete(conversation);
    return 0;
  }

  /** A send to `conversation` went through. */
  succeeded(conversation: string): void {
    const t = this.now();
    forgetOlder(this.recentSuccesses, t - SCOPE_WINDOW_MS);
    this.recentSuccesses.push({ t, conversation });
  }
}

function forgetOlder(events: Array<{ t: number }>, cutoff: number): void {
  let drop = 0;
  while (drop < events.length && events[drop]!.t < cutoff) drop++;
  if (drop > 0) events.splice(0, drop);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
