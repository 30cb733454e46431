/**
 * One process's side of a workspace's pace, which every process sending to that workspace shares
 * through its delivery_pace row (the model is rateLimiter.ts). Slack's limits are per workspace: N
 * replicas with a pace each would send N times the pace, and each would discover 429s on its own.
 *
 * - Slots: a sender asks `next()` for a send slot. Slots are reserved from the row a few at a time —
 *   as many as senders are waiting here, at most `batch`, none further ahead than `leadMs` — in one
 *   compare-and-set write, then handed to the waiting senders, each of which sleeps until its slot.
 *   A slot reserved but not used is budget no other replica can have, hence the short lead.
 * - A slot is used within `graceMs` of its instant or not at all (the spacing leaves room for that
 *   much lateness, see rateLimiter.ts); a late slot is dropped, and for a second this process reserves
 *   one slot at a time, due now, so a busy event loop costs single slots rather than whole batches.
 * - 429s (`limited`, `pause`) are written to the row at once: the next reservation of every other
 *   process finds the pause (and the slower pace). Slots another process already holds are at most a
 *   batch, used within `leadMs + graceMs` of being reserved. Successes are counted here and written
 *   with the next write (the evidence is only weighed a second at a time).
 * - Every write is a compare-and-set on the row's version, computed from the version this process
 *   last read or wrote: one statement when nobody else wrote in between, else a read and a retry.
 *   Nothing is held between statements, so no transaction (and no lock) spans a round trip.
 * - The conversations' own limits stay in this process (`ConversationScope`).
 */
import type { PaceRow, PaceState } from '../db/queries/pace';
import type { PaceQueries, StoreOf } from '../db/store';
import { ConversationScope, grant, limited, newPace, pause, pausedFor, recordSent, type LimitScope, type PaceBounds } from './rateLimiter';

export interface PaceTuning {
  /** Most slots one reservation (one database write) takes. */
  batch: number;
  /** How far ahead of now a reservation reaches: the longest a reserved slot waits for its sender. */
  leadMs: number;
  /** How late a slot may still be used (costs graceMs/1000 of the pace, see rateLimiter.ts). */
  graceMs: number;
}

/** Measured with `npm run bench:pace` (see docs/design/postgres.md, "Shared rate budget: as built"). */
export const DEFAULT_PACE_TUNING: PaceTuning = { batch: 4, leadMs: 100, graceMs: 10 };

/** After a late slot, reserve single slots due now for this long. */
const LATE_MEMORY_MS = 1000;

/** A send slot (epoch ms), or how long to wait before asking again. */
export type Turn = { slot: number } | { waitMs: number };

export class WorkspacePace {
  /** The row as this process last read or wrote it (null: read it first). */
  private row: PaceRow | null = null;
  /** Reserved and not yet handed out, ascending. */
  private readonly slots: number[] = [];
  private reserving: Promise<void> | null = null;
  /** The row said no slot is to be had before this. */
  private notBefore = 0;
  /** Senders inside `next()`: how many slots to reserve. */
  private waiting = 0;
  /** When sends went through that are not yet written to the row. */
  private unreported: number[] = [];
  private lateAt = -Infinity;
  /** A Retry-After this process heard, honoured here even if writing it failed. */
  private pausedHereUntil = 0;
  private readonly bounds: PaceBounds;
  private readonly scope: ConversationScope;

  constructor(
    private readonly store: StoreOf<PaceQueries>,
    readonly teamId: string,
    private readonly rates: { maxRate: number; startRate: number },
    private readonly tuning: PaceTuning,
    private readonly now: () => number = Date.now,
  ) {
    this.bounds = { maxRate: rates.maxRate, graceMs: tuning.graceMs };
    this.scope = new ConversationScope(now);
  }

  /** Sends per second the pace allows, as last read. */
  get currentRate(): number {
    return this.state().rate;
  }

  /** Slack's limit as last seen (null: never refused yet). */
  get limitSeen(): number | null {
    return this.state().limitSeen;
  }

  get settleShare(): number {
    return this.state().settleShare;
  }

  /** Milliseconds left of a Retry-After pause, as far as this process knows (0: not paused). */
  pausedFor(): number {
    const t = this.now();
    return Math.max(this.pausedHereUntil - t, this.row ? pausedFor(this.row, t) : 0);
  }

  /** Is `slot` still in time (its grace not over)? */
  inTime(slot: number): boolean {
    return this.now() <= slot + this.tuning.graceMs;
  }

  /** A slot came too late to be used. */
  late(): void {
    this.lateAt = this.now();
  }

  /** A send slot of the shared pace, or how long to wait (a pause, or every slot within reach is taken). */
  async next(): Promise<Turn> {
    this.waiting += 1;
    try {
      for (;;) {
        const t = this.now();
        const paused = this.pausedFor();
        if (paused > 0) {
          this.slots.length = 0;
          return { waitMs: paused };
        }
        while (this.slots.length > 0 && t > this.slots[0]! + this.tuning.graceMs) {
          this.slots.shift();
          this.lateAt = t;
        }
        const slot = this.slots.shift();
        if (slot !== undefined) return { slot };
        if (t < this.notBefore) return { waitMs: this.notBefore - t };
        this.reserving ??= this.reserve().finally(() => (this.reserving = null));
        await this.reserving;
      }
    } finally {
      this.waiting -= 1;
    }
  }

  private async reserve(): Promise<void> {
    const late = this.now() - this.lateAt < LATE_MEMORY_MS;
    const want = late ? 1 : Math.max(1, Math.min(this.tuning.batch, this.waiting));
    const lead = late ? 0 : this.tuning.leadMs;
    const g = await this.write(
      (s, t) => grant(s, this.bounds, t, want, lead),
      (r) => r.slots.length === 0,
    );
    if (g.slots.length > 0) this.slots.push(...g.slots);
    else this.notBefore = this.now() + g.waitMs;
  }

  /** A send went through. */
  succeeded(conversation?: string): void {
    this.unreported.push(this.now());
    if (conversation !== undefined) this.scope.succeeded(conversation);
  }

  /** A paced send to `conversation` was answered 429: that conversation's limit, or the workspace's (then `limited`). */
  async limitedIn(conversation: string, retryAfterMs: number): Promise<LimitScope> {
    const scope = this.scope.limitedIn(conversation, retryAfterMs);
    if (scope === 'workspace') await this.limited(retryAfterMs);
    return scope;
  }

  /** A paced send was answered 429 (the workspace's limit): everyone waits out Retry-After, and the pace may slow. */
  async limited(retryAfterMs: number): Promise<void> {
    this.pauseHere(retryAfterMs);
    await this.write((s, t) => limited(s, this.bounds, t, retryAfterMs));
  }

  /** Slack said to wait (Retry-After), not about our pace: everyone waits. */
  async pause(ms: number): Promise<void> {
    this.pauseHere(ms);
    await this.write((s, t) => pause(s, t, ms));
  }

  conversationWait(conversation: string): number {
    return this.scope.conversationWait(conversation);
  }

  private pauseHere(ms: number): void {
    this.pausedHereUntil = Math.max(this.pausedHereUntil, this.now() + ms);
    this.slots.length = 0;
  }

  /**
   * Applies `step` to the row and writes it back if nobody wrote since this process last saw it;
   * otherwise reads the row again and retries. `unchanged(result)`: the step decided nothing worth
   * writing (the unwritten evidence waits for the next write).
   */
  private async write<R>(step: (s: PaceState, t: number) => R, unchanged?: (result: R) => boolean): Promise<R> {
    for (;;) {
      const row = this.row ?? (await this.load());
      const { teamId: _team, version, updatedAt: _at, ...state } = row;
      const t = this.now();
      const reported = this.unreported.length;
      if (reported > 0) recordSent(state, t, this.unreported);
      const result = step(state, t);
      if (reported === 0 && unchanged?.(result)) return result;
      if (await this.store.updatePace(this.teamId, version, state, new Date(t))) {
        this.unreported.splice(0, reported);
        this.row = { ...state, teamId: this.teamId, version: version + 1, updatedAt: t };
        return result;
      }
      this.row = null;
    }
  }

  /** Reads the row, creating it at the start rate on first use. */
  private async load(): Promise<PaceRow> {
    for (;;) {
      const found = await this.store.getPace(this.teamId);
      if (found) return (this.row = found);
      const t = this.now();
      const state = newPace(this.rates.maxRate, this.rates.startRate, t);
      if (await this.store.createPace(this.teamId, state, new Date(t))) return (this.row = { ...state, teamId: this.teamId, version: 1, updatedAt: t });
    }
  }

  /** The state as last read, or the one a first read would create. */
  private state(): PaceState {
    return this.row ?? newPace(this.rates.maxRate, this.rates.startRate, this.now());
  }
}
