/**
 * One process's side of a workspace's pace, which every process sending to that workspace shares
 * through its delivery_pace row (the model is rateLimiter.ts). Slack's limits are per workspace: N
 * replicas with a pace each would send N times the pace, and each would discover 429s on its own.
 *
 * - Slots: a sender asks `next()` for a send slot. Slots are reserved from the row a few at a time —
 *   as many as senders wait here or used lately, at most `batch`, within `leadMs` of the first — in one
 *   write, then handed to the waiting senders, each of which sleeps until its slot. A slot reserved
 *   but not used is budget no other replica can have, hence the short lead. A reservation starts as
 *   far ahead as its own round trip (measured) and what the sender needs before it can send exceed
 *   the grace: a slot already past by then would be late.
 * - A slot is used within `graceMs` of its instant (the spacing leaves room for that much lateness,
 *   see rateLimiter.ts). A sender that comes later (a stalled event loop) asks for a fresh slot, so
 *   the senders a stall held back go a slot apart again rather than all at once; if that one is late
 *   too (the loop stays slow), it first moves the slots not yet handed out back (`late`, one write),
 *   then sends: progress however slow the loop, and never early for anyone after it. Slots reserved but not handed out in time are dropped (lost budget, bounded
 *   by the lead).
 * - 429s (`limited`, `pause`) are written to the row at once: the next reservation of every other
 *   process finds the pause (and the slower pace). Slots another process already holds are at most
 *   those of the next `leadMs + graceMs` of the shared schedule. Successes are counted here and
 *   written with the next write (their instants: the evidence is the last second's).
 * - Writes: computed from the row as this process last saw it and written if its version is still
 *   that one — compare-and-set, one UPDATE … WHERE version = $seen, the database's own serialisation
 *   point (under READ COMMITTED a second writer of the same version waits for the first, then finds
 *   the version moved on and changes nothing). No lock is held across a round trip, and a writer
 *   that lost reads the row again and retries; this process's own writes go one at a time, so they
 *   never conflict with each other. Not a transaction around read + write: two SQLite
 *   stores in one process (tests) would deadlock on the file's write lock while one awaits.
 * - The conversations' own limits stay in this process (`ConversationScope`).
 */
import { Mutex } from '../db/mutex';
import type { PaceRow, PaceState } from '../db/queries/pace';
import type { PaceQueries, StoreOf } from '../db/store';
import { ConversationScope, grant, lateSlot, limited, newPace, pause, pausedFor, recordSent, takenAfter, type LimitScope, type PaceBounds } from './rateLimiter';

export interface PaceTuning {
  /** Most slots one reservation (one database write) takes. */
  batch: number;
  /** How far a reservation reaches past its first slot: about the longest a reserved slot waits for its sender. */
  leadMs: number;
  /** How late a slot may still be used (costs graceMs/1000 of the pace, see rateLimiter.ts). */
  graceMs: number;
  /** Room at DELIVERY_RATE_PER_SECOND for sends arriving closer together than they started (PaceBounds.arrivalJitterMs). */
  arrivalJitterMs: number;
}

/** Measured with `npm run bench:pace` (see docs/design/postgres.md, "Shared rate budget: as built"). */
export const DEFAULT_PACE_TUNING: PaceTuning = { batch: 4, leadMs: 100, graceMs: 10, arrivalJitterMs: 100 };

/** Weight of the newest round trip in the estimate a reservation starts after. */
const ROUND_TRIP_WEIGHT = 0.2;
/** Slots handed out this recently say how many the next reservation should take (demand goes on). */
const DEMAND_WINDOW_MS = 250;

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
  /** Senders inside `next()`, and when slots were handed out lately: how many slots to reserve. */
  private waiting = 0;
  private readonly handedAt: number[] = [];
  /** This process's writes of the row, one at a time: each computed from the one before, never in conflict with it. */
  private readonly writing = new Mutex();
  /** When sends went through that are not yet written to the row. */
  private readonly unreported: number[] = [];
  /** Estimated round trip of a write (ms): how far from now a reservation's first slot is, with the sender's `prepareMs`. */
  private roundTrip = 0;
  private prepareMs = 0;
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
    this.bounds = { maxRate: rates.maxRate, graceMs: tuning.graceMs, arrivalJitterMs: tuning.arrivalJitterMs };
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

  /** Until when `slot` may be used: its grace (see rateLimiter.ts). */
  usableUntil(slot: number): number {
    return slot + this.tuning.graceMs;
  }

  /**
   * Nobody here waits for a slot and no slot was handed out after `slot` (as last read): a late
   * `slot` then holds nobody back, so it is kept (`late`) rather than given up for one a spacing on.
   */
  lastInLine(slot: number): boolean {
    return this.waiting === 0 && this.slots.length === 0 && takenAfter(this.state(), slot) === 0;
  }

  /**
   * `slot` comes too late (a busy event loop): moves the slots not yet handed out back so it may
   * still be used — after this write, estimated by its round trip (see `lateSlot`). Returns until
   * when it may be used now.
   */
  async late(slot: number): Promise<number> {
    const started = this.now();
    const usedAt = started + this.roundTrip + 1;
    await this.write((s) => lateSlot(s, this.bounds, slot, usedAt));
    this.measured(started);
    return usedAt;
  }

  /**
   * A send slot of the shared pace, or how long to wait (a pause, or every slot within reach is
   * taken). `prepareMs`: how long the sender needs between getting a slot and sending (a new
   * reservation starts that much further ahead).
   */
  async next(prepareMs = 0): Promise<Turn> {
    this.prepareMs = prepareMs;
    this.waiting += 1;
    try {
      for (;;) {
        const t = this.now();
        const paused = this.pausedFor();
        if (paused > 0) {
          this.slots.length = 0;
          return { waitMs: paused };
        }
        // Slots whose grace ran out while nobody asked are gone.
        while (this.slots.length > 0 && t > this.slots[0]! + this.tuning.graceMs) this.slots.shift();
        const slot = this.slots.shift();
        if (slot !== undefined) {
          this.handedAt.push(t);
          return { slot };
        }
        if (t < this.notBefore) return { waitMs: this.notBefore - t };
        this.reserving ??= this.reserve().finally(() => (this.reserving = null));
        await this.reserving;
      }
    } finally {
      this.waiting -= 1;
    }
  }

  private async reserve(): Promise<void> {
    const want = Math.max(1, Math.min(this.tuning.batch, Math.max(this.waiting, this.recentDemand())));
    const started = this.now();
    const g = await this.write(
      (s, t) => {
        // Only as far ahead as the grace cannot absorb: an idle pace's first slot is now.
        const from = t + Math.min(Math.max(0, this.roundTrip + this.prepareMs - this.tuning.graceMs), this.tuning.leadMs);
        return grant(s, this.bounds, t, want, { from, until: from + this.tuning.leadMs });
      },
      (r) => r.slots.length === 0,
    );
    this.measured(started);
    if (g.slots.length > 0) this.slots.push(...g.slots);
    else this.notBefore = this.now() + g.waitMs;
  }

  /** Slots this process would use within a lead, going by the last DEMAND_WINDOW_MS. */
  private recentDemand(): number {
    const since = this.now() - DEMAND_WINDOW_MS;
    while (this.handedAt.length > 0 && this.handedAt[0]! < since) this.handedAt.shift();
    return Math.ceil((this.handedAt.length * this.tuning.leadMs) / DEMAND_WINDOW_MS);
  }

  private measured(started: number): void {
    this.roundTrip += (this.now() - started - this.roundTrip) * ROUND_TRIP_WEIGHT;
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
   * Applies `step` to the row and writes it back over the version this process last saw; if another
   * process wrote since, reads the row again and retries (after a short random wait from the second
   * time on, so two writers that keep meeting fall out of step). `unchanged(result)`: the step
   * decided nothing worth writing (unwritten evidence waits for the next write).
   */
  private write<R>(step: (s: PaceState, t: number) => R, unchanged?: (result: R) => boolean): Promise<R> {
    return this.writing.run(() => this.writeNow(step, unchanged));
  }

  private async writeNow<R>(step: (s: PaceState, t: number) => R, unchanged?: (result: R) => boolean): Promise<R> {
    for (let conflicts = 0; ; conflicts++) {
      if (conflicts >= 2) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** conflicts)));
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
