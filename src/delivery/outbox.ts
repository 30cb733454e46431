/**
 * Drains the delivery outbox. Each worker claims one due row (pending → sending), lets the handler
 * build it and — right before the Slack call — take a rate-limiter token (`pace`), so rows that turn
 * out to have nothing to say cost no rate budget; at most `concurrency` rows are ever in 'sending'
 * (plus up to `claimBatch` claimed and not yet taken by a sender, when claims are batched). A
 * workspace holding half the senders is left out of claims while another has a row due (`busyTeams`).
 * Outcomes:
 *  - sent: markSent and the handler's bookkeeping (who was told what) in one transaction;
 *  - 429: its workspace (or, inferred, its conversation) pauses for Retry-After and the workspace's
 *    pace halves (see rateLimiter.ts; one pace per workspace, shared by every process through the
 *    database, see sharedPace.ts); the row retries then (not counted as an attempt). One row waits a
 *    pause out in place; others give their sender back meanwhile;
 *  - 5xx / network: retry with exponential backoff, up to MAX_ATTEMPTS or the row's deadline;
 *  - permanent errors (user_not_found, account_inactive, cannot_dm_bot, …): failed, no retry;
 *  - revoked token: the workspace is paused, the row waits for a reinstall.
 * A row whose earlier attempt may have reached Slack (a crash while 'sending', a timeout, a 5xx) is
 * marked unverified and looked up in Slack by its message metadata before it is sent again, so
 * crashes and ambiguous failures never produce a duplicate.
 *
 * Several processes may drain one outbox (a rolling deploy runs the old and the new one side by
 * side), so each claim is a lease held by this process start (`claimant`):
 *  - leases are renewed while this process works on its rows (also while a row waits out a
 *    Retry-After), and re-checked right before each post: a row taken over meanwhile is claimed
 *    again and checked in Slack first, or left to whoever holds it;
 *  - marking a row sent, retried or failed applies only while we still hold it;
 *  - another process's row is taken over only when its lease expired, or when its holder is provably
 *    gone (same host, pid no longer running) and any post it started has had time to land
 *    (SLACK_API_TIMEOUT_MS) — history cannot show a post that is still in flight;
 *  - on stop, rows not yet posted are handed back at once.
 */
import { UNVERIFIED, isUnverified, type ForeignClaim, type Lease, type OutboxRow } from '../db/queries/outbox';
import type { Store, Tx } from '../db/store';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { classifySlackError } from '../slack/errors';
import { SAFE_START_RATE } from './rateLimiter';
import { DEFAULT_PACE_TUNING, WorkspacePace, type PaceTuning } from './sharedPace';
import { isGone, newClaimantId } from './claimant';

export type DeliveryResult =
  /** `posted`: what to keep of the message (encoded, see postedMessage.ts), stored as it is marked sent. */
  { status: 'sent'; ts: string | null; posted?: string } | { status: 'skip'; reason: string };

/** Awaited by a handler right before each Slack write: waits for the rate limiter (and any 429 pause). */
export type Pace = () => Promise<void>;

/** Thrown by `pace` when the dispatcher stops while a row waits for its turn; the row goes back untouched. */
export class DispatcherStopped extends Error {
  readonly code = 'dispatcher_stopped';
}

/**
 * Thrown by `pace` when the row gives its sender back rather than wait: its conversation is paused by
 * a 429 of its own, or its workspace by a Retry-After that another row already waits out. Try later.
 */
class WaitLater extends Error {
  readonly code = 'wait_later';
  constructor(
    readonly waitMs: number,
    readonly scope: 'conversation' | 'workspace',
  ) {
    super(`${scope} rate limited`);
  }
}

/** Thrown by `pace` when our claim on the row was taken over before we posted it. */
class LeaseLost extends Error {
  readonly code = 'lease_lost';
}

export interface DeliveryHandlers {
  deliver(row: OutboxRow, pace: Pace): Promise<DeliveryResult>;
  /** Was this row already delivered? Its ts if so, null if not, undefined if it cannot be checked. */
  findDelivered(row: OutboxRow): Promise<string | null | undefined>;
  /** Bookkeeping for a delivered row, run in the transaction that marks it sent (also after recovery). */
  afterSent?(tx: Tx, row: OutboxRow, ts: string | null, now: Date): Promise<void>;
  /** Epoch ms after which the row is no longer worth sending (a digest past its catch-up window). */
  deadline?(row: OutboxRow): number | null;
  /** Called once a row reaches a final failure, so the author can be told in plain words. */
  onFailed?(row: OutboxRow, code: string): Promise<void>;
}

export type Outcome = 'sent' | 'skipped' | 'failed' | 'retry' | 'not_claimed';

/** Transient failures allowed for rows without a deadline. Rows with one retry until it passes. */
export const MAX_ATTEMPTS = 8;

export function backoffMs(attempts: number, random: () => number = Math.random): number {
  // 5 s, 10 s, 20 s … capped at 30 min, with ±20 % jitter so retries do not line up.
  const base = Math.min(5_000 * 2 ** attempts, 30 * 60_000);
  return Math.round(base * (0.8 + random() * 0.4));
}

/**
 * Could the failed call have reached Slack anyway? Not when Slack answered (`ok: false`, 429) or we
 * never called it; yes for timeouts, dropped connections and 5xx from Slack or a proxy.
 */
export function mayHaveReachedSlack(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'slack_webapi_request_error' || code === 'slack_webapi_http_error' || typeof code !== 'string';
}

export interface DispatcherOptions {
  concurrency: number;
  /** Upper bound on sends per second per workspace; the pace itself is discovered (see rateLimiter.ts). */
  ratePerSecond: number;
  /** Where each workspace's pace starts (default SAFE_START_RATE, at most ratePerSecond). */
  startRatePerSecond?: number;
  /** How slots of the shared pace are reserved (default DEFAULT_PACE_TUNING; benchmarks and tests vary it). */
  pace?: Partial<PaceTuning>;
  /** SLACK_API_TIMEOUT_MS: the longest one Slack call keeps a post in the air. */
  apiTimeoutMs?: number;
  /** How long a claim stays ours without renewal. Default: max(60 s, 2 × apiTimeoutMs). */
  leaseMs?: number;
  /** This process start in claims (tests set it); default host#pid-namespace#pid#random. */
  claimant?: string;
  /** Told every row's outcome (for /metrics). */
  observe?: (row: OutboxRow, outcome: Outcome, reason: string | undefined) => void;
  /**
   * Rows one claim takes (default 1). Above 1 — PostgreSQL, where a claim and every read before the
   * pace are round trips — claimed rows wait here for a sender, and a sender's claim turn ends once it
   * has its row, not when the row reaches the limiter (see `worker`).
   */
  claimBatch?: number;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** While other processes hold rows, look again this often (a stopping one hands rows back silently). */
const FOREIGN_CLAIMS_RECHECK_MS = 2000;
const DEFAULT_API_TIMEOUT_MS = 10_000;

/** Rows of one conversation share Slack's per-conversation limit: a DM or digest goes to its person. */
function conversationOf(row: OutboxRow): string | null {
  return row.kind === 'dm' || row.kind === 'digest' || row.kind === 'report' ? row.userId : row.channelId;
}

type Result = { outcome: Outcome; error?: string };

export class OutboxDispatcher {
  /** One pace per workspace (Slack limits each workspace on its own), shared with every other process. */
  private readonly limiters = new Map<string, WorkspacePace>();
  readonly claimant: string;
  private readonly leaseMs: number;
  /** After its holder died, a post it started is given this long to land before the row is taken over. */
  private readonly postGraceMs: number;
  private renewTimer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The senders' turns of the event loop (see `nextTurn`). */
  private turns: Promise<void> = Promise.resolve();
  private readonly sleepers = new Set<() => void>();
  /** Conversations a row is waiting for in place (see `paceFor`). */
  private readonly waitingOn = new Set<string>();
  /** Estimated round trip of startPosting (ms), which `paceFor` starts that far ahead of a slot. */
  private postingRoundTrip = 0;
  /** Workspaces a row is waiting out a Retry-After for in place (see `paceFor`). */
  private readonly waitingOnTeam = new Set<string>();
  /** Batched claims: rows claimed that no sender has taken yet, in due order. */
  private readonly claimed: OutboxRow[] = [];
  /** Batched claims: rows taken by a sender that have not reached the limiter yet, per workspace. */
  private readonly headingFor = new Map<string, number>();
  /** Senders busy with a row, per workspace (from the claim until the row settles). */
  private readonly sendersOf = new Map<string, number>();
  private timer: { handle: NodeJS.Timeout; at: number } | null = null;
  /** The next look at other processes' claims (see `scheduleRecheck`), and whether the last one found any still at work. */
  private recheck: NodeJS.Timeout | null = null;
  private othersWorking = false;

  constructor(
    private readonly store: Store,
    private readonly handlers: DeliveryHandlers,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: DispatcherOptions,
  ) {
    this.claimant = opts.claimant ?? newClaimantId();
    this.postGraceMs = opts.apiTimeoutMs ?? DEFAULT_API_TIMEOUT_MS;
    // Longer than any single Slack call, so a live holder mid-post never loses its row even if a
    // renewal is late; renewed every quarter of it.
    this.leaseMs = opts.leaseMs ?? Math.max(60_000, 2 * this.postGraceMs);
  }

  /** This process's side of the pace of `teamId`'s sends (created on first use). */
  limiterFor(teamId: string): WorkspacePace {
    let limiter = this.limiters.get(teamId);
    if (!limiter) {
      const rates = { maxRate: this.opts.ratePerSecond, startRate: this.opts.startRatePerSecond ?? SAFE_START_RATE };
      limiter = new WorkspacePace(this.store, teamId, rates, { ...DEFAULT_PACE_TUNING, ...this.opts.pace });
      this.limiters.set(teamId, limiter);
    }
    return limiter;
  }

  /**
   * Workspaces waiting out a Retry-After with a row already waiting in place (or, with batched
   * claims, on its way there): their other rows are not claimed until it ends (a drain wakes again then).
   */
  private pausedTeams(): string[] {
    const paused: string[] = [];
    for (const teamId of new Set([...this.waitingOnTeam, ...this.headingFor.keys()])) {
      const ms = this.limiterFor(teamId).pausedFor();
      if (ms > 0) {
        paused.push(teamId);
        this.scheduleWake(ms);
      }
    }
    return paused;
  }

  /**
   * Workspaces holding their share of the senders (half of them): the next claim looks for another
   * workspace's due row first. Slack's limits are per workspace, so a workspace's rows mostly wait on
   * its own pace; without a share, a 10,000-person wave at 09:00 held every sender and another
   * workspace's 09:00 digests waited for the whole wave. A workspace alone with rows due still gets
   * every sender (the claim falls back to it).
   */
  private busyTeams(paused: readonly string[]): string[] {
    const share = Math.max(1, Math.ceil(this.opts.concurrency / 2));
    return [...this.sendersOf].filter(([teamId, n]) => n >= share && !paused.includes(teamId)).map(([teamId]) => teamId);
  }

  /** One of this process's senders takes a row of `teamId` until the returned function is called. */
  private holdSender(teamId: string): () => void {
    this.sendersOf.set(teamId, (this.sendersOf.get(teamId) ?? 0) + 1);
    return () => {
      const left = (this.sendersOf.get(teamId) ?? 1) - 1;
      if (left > 0) this.sendersOf.set(teamId, left);
      else this.sendersOf.delete(teamId);
    };
  }

  /** One due row of a workspace not in `paused`, another workspace's than the `busy` ones' if any is due. */
  private async claimOne(paused: string[], busy: string[]): Promise<OutboxRow | undefined> {
    const claim = async (skip: string[]) => (await this.store.claimDue(this.clock.now(), 1, this.lease(), undefined, skip))[0];
    return (await claim([...paused, ...busy])) ?? (busy.length > 0 ? await claim(paused) : undefined);
  }

  /** A fresh lease for this process, from now. */
  private lease(): Lease {
    return { claimant: this.claimant, until: this.clock.now().getTime() + this.leaseMs };
  }

  private startRenewing(): void {
    if (this.renewTimer || this.stopped) return;
    this.renewTimer = setInterval(
      () => {
        this.store.renewLeases(this.lease()).catch((e: unknown) => {
          // The next renewal is a quarter lease away; three can fail before anyone may take over.
          this.logger.warn({ err: e }, 'could not renew delivery leases');
        });
      },
      Math.max(250, Math.floor(this.leaseMs / 4)),
    );
    this.renewTimer.unref();
  }

  /** Ask for a drain soon; calls coalesce. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drainLoop()
      .catch((e: unknown) => this.logger.error({ err: e }, 'outbox drain failed'))
      .finally(() => {
        this.draining = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when the current drain (if any) is finished. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Sends specific rows right away (e.g. the DMs of a just-created handoff) and reports each outcome. */
  async deliverNow(ids: number[]): Promise<Map<number, Result>> {
    const results = new Map<number, Result>();
    if (ids.length === 0 || this.stopped) return results;
    this.startRenewing();
    const rows = await this.store.claimDue(this.clock.now(), ids.length, this.lease(), ids);
    for (const id of ids) results.set(id, { outcome: 'not_claimed' });
    await Promise.all(rows.map(async (row) => results.set(row.id, await this.track(this.sendObserved(row)))));
    return results;
  }

  private async drainLoop(): Promise<void> {
    await this.recoverClaims();
    // A replica may die while this drain runs, however long: keep looking meanwhile.
    this.scheduleRecheck();
    this.startRenewing();
    const drain = { empty: false };
    await Promise.all(Array.from({ length: this.opts.concurrency }, () => this.worker(drain)));
    await this.wakeForNextDue();
  }

  /**
   * Nothing more is due now: wake when the next row becomes due — a wave planned ahead goes out at
   * its slot (each row in its turn, within the slot's first second), not at the next tick.
   */
  private async wakeForNextDue(): Promise<void> {
    const now = this.clock.now();
    const next = await this.store.nextDueAfter(now);
    if (next !== null) this.scheduleWake(next - now.getTime());
  }

  /**
   * Senders claim one at a time, each until its row reaches the rate limiter (or settles without
   * it): a row that waits out a workspace's Retry-After in place is then known before the next claim
   * decides which workspaces to skip (`pausedTeams`). Without the turn, the awaits between a claim and
   * its pace let every sender claim that workspace's rows at once, and all but one were handed back.
   * With batched claims the turn ends as soon as the sender has its row, which counts as on its way to
   * the limiter (`headingFor`) until it gets there: the next sender's choice knows of it all the same,
   * and a row's reads before its pace (a digest's several round trips) no longer hold up the others.
   */
  private claimTurn: Promise<void> = Promise.resolve();

  private get batched(): boolean {
    return (this.opts.claimBatch ?? 1) > 1;
  }

  /**
   * One sender. `drain.empty`: a sibling found nothing due when this drain began, so this one has
   * nothing to claim either. A kick with an empty outbox — every click — then costs one claim, not
   * one per sender.
   */
  private async worker(drain: { empty: boolean }): Promise<void> {
    if (drain.empty) return;
    while (!this.stopped) {
      // One sender per loop turn goes on to claim a row and read what it has to say: at a wave's slot
      // all sixteen start at once. Also, a row settled without I/O (a digest with nothing to say)
      // resolves in microtasks only: without a turn, a wave of them would never let a request run.
      await this.nextTurn();
      if (this.stopped || drain.empty) return;
      const previous = this.claimTurn;
      let pass!: () => void;
      this.claimTurn = new Promise<void>((resolve) => (pass = resolve));
      let row: OutboxRow | undefined;
      let paused: string[];
      try {
        await previous;
        // The sibling ahead in the turn may have found the outbox empty meanwhile.
        if (drain.empty) return;
        paused = this.pausedTeams();
        const busy = this.busyTeams(paused);
        row = this.batched ? await this.takeClaimed(paused, busy) : await this.claimOne(paused, busy);
      } finally {
        if (!row || this.batched) pass();
      }
      if (!row) {
        if (paused.length === 0) {
          drain.empty = true;
          return;
        }
        // What is left may be a paused workspace's rows: keep this sender for when its pause ends
        // (an exited sender comes back only with the next drain, and a wave has just the one).
        await this.sleep(Math.min(...paused.map((teamId) => this.limiterFor(teamId).pausedFor())) + 1);
        continue;
      }
      const reached = this.batched ? this.heading(row) : pass;
      const released = this.holdSender(row.teamId);
      await this.track(this.sendObserved(row, reached)).finally(() => {
        reached();
        released();
      });
    }
  }

  /**
   * Batched claims: the first claimed row of a workspace not in `paused` (nor `busy`, while another
   * workspace has a row), claiming up to `claimBatch` more when none is left. Claimed rows of the
   * paused workspaces go back to the queue, as a one-row claim would have left them there (another
   * process may send them meanwhile).
   */
  private async takeClaimed(paused: string[], busy: string[]): Promise<OutboxRow | undefined> {
    const take = (skip: string[]) => {
      const i = this.claimed.findIndex((r) => !skip.includes(r.teamId));
      return i < 0 ? undefined : this.claimed.splice(i, 1)[0];
    };
    for (let i = this.claimed.length - 1; i >= 0; i--) {
      const row = this.claimed[i]!;
      if (!paused.includes(row.teamId)) continue;
      await this.store.releaseClaim(row.id, this.claimant);
      this.claimed.splice(i, 1);
    }
    const claimMore = async (skip: string[]) => {
      this.claimed.push(...(await this.store.claimDue(this.clock.now(), this.opts.claimBatch ?? 1, this.lease(), undefined, skip)));
      return take(skip);
    };
    const others = [...paused, ...busy];
    return take(others) ?? (await claimMore(others)) ?? (busy.length > 0 ? (take(paused) ?? (await claimMore(paused))) : undefined);
  }

  /** Batched claims: `row` is on its way to the limiter until the returned function is called (once or more). */
  private heading(row: OutboxRow): () => void {
    this.headingFor.set(row.teamId, (this.headingFor.get(row.teamId) ?? 0) + 1);
    let arrived = false;
    return () => {
      if (arrived) return;
      arrived = true;
      const left = (this.headingFor.get(row.teamId) ?? 1) - 1;
      if (left > 0) this.headingFor.set(row.teamId, left);
      else this.headingFor.delete(row.teamId);
    };
  }

  /**
   * Awaited right before the row's Slack write: waits for a slot of the workspace's shared pace (and
   * any workspace-wide 429 pause), gives up the turn if the row's conversation is paused, and finally
   * confirms that the claim is still ours, recording that a post is starting. `reached` is told when
   * the row first reaches the limiter (the next sender may claim then).
   */
  private paceFor(row: OutboxRow, reached?: () => void): Pace {
    const conversation = conversationOf(row);
    const limiter = this.limiterFor(row.teamId);
    return async () => {
      reached?.();
      // A late slot (a stalled event loop) is given up once for a fresh one, so the senders a stall
      // held back go one slot apart again instead of all at once; a second late one is kept (below).
      let late = 0;
      for (;;) {
        if (this.stopped) throw new DispatcherStopped('stopped');
        const held = conversation ? limiter.conversationWait(conversation) : 0;
        if (held > 0 && conversation) {
          // One row per paused conversation may wait for it in place (a lone 429 costs no extra
          // round trip), and only up to half the senders; any more give up their turn, so a flood
          // to one person never occupies the senders everyone else needs.
          if (this.waitingOn.has(conversation) || this.waitingOn.size >= Math.floor(this.opts.concurrency / 2)) throw new WaitLater(held, 'conversation');
          this.waitingOn.add(conversation);
          try {
            await this.sleep(held);
          } finally {
            this.waitingOn.delete(conversation);
          }
          continue;
        }
        const turn = await limiter.next(this.postingRoundTrip);
        if ('slot' in turn) {
          const taken = await this.takeSlot(row, limiter, turn.slot, late > 0);
          if (taken === 'go') return;
          if (taken === 'late') late += 1;
          continue;
        }
        const paused = limiter.pausedFor();
        if (paused > 0) {
          // One row per paused workspace waits it out in place (it goes first when the pause ends);
          // the others give their sender back, so other workspaces' deliveries go on meanwhile.
          if (this.waitingOnTeam.has(row.teamId)) throw new WaitLater(paused, 'workspace');
          this.waitingOnTeam.add(row.teamId);
          try {
            await this.sleep(paused);
          } finally {
            this.waitingOnTeam.delete(row.teamId);
          }
          continue;
        }
        await this.sleep(turn.waitMs);
      }
    };
  }

  /**
   * Waits for `slot`, confirming the claim (startPosting) just ahead of it by that call's own round
   * trip, so the post goes at the slot and still right after posting_since. 'go': send now. 'paused':
   * a Retry-After was heard meanwhile (nothing goes during it). 'late': past the slot's grace; with
   * `keepLate`, or when the slot was the last handed out (a lone DM on a busy loop: a fresh one would
   * wait a spacing), the slot is kept instead, once the slots after it moved back (see sharedPace.ts).
   */
  private async takeSlot(row: OutboxRow, limiter: WorkspacePace, slot: number, keepLate: boolean): Promise<'go' | 'paused' | 'late'> {
    await this.sleepUntil(slot - this.postingRoundTrip);
    if (this.stopped) throw new DispatcherStopped('stopped');
    const asked = Date.now();
    if (!(await this.store.startPosting(row.id, this.lease(), this.clock.now()))) throw new LeaseLost(`outbox ${row.id}`);
    this.postingRoundTrip += (Date.now() - asked - this.postingRoundTrip) * 0.2;
    await this.sleepUntil(slot);
    if (this.stopped) throw new DispatcherStopped('stopped');
    // Checked last, so what goes to Slack is what the slot allowed: nothing later than its grace
    // unless the slots after it moved back first (the shared spacing counts on it).
    for (let until = limiter.usableUntil(slot); ; until = await limiter.late(slot)) {
      if (limiter.pausedFor() > 0) return 'paused';
      if (Date.now() <= until) return 'go';
      if (!keepLate && !limiter.lastInLine(slot)) return 'late';
    }
  }

  /** Sleeps until the wall clock reaches `at` (a timer may fire a millisecond early), or the dispatcher stops. */
  private async sleepUntil(at: number): Promise<void> {
    for (let wait = at - Date.now(); wait > 0 && !this.stopped; wait = at - Date.now()) await this.sleep(Math.ceil(wait));
  }

  private sleep(ms: number): Promise<void> {
    // `stop` wakes the sleepers it finds; a sender whose store call was still out then must not start
    // a new sleep (a paused workspace's, up to a minute) that `stop` would wait for.
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(handle);
        this.sleepers.delete(done);
        resolve();
      };
      const handle = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  /**
   * This sender's own turn of the event loop: one sender goes on (to claim a row and see whether it
   * has news) per loop iteration. A plain setImmediate lets every sender that queued one in the same
   * iteration go on in that iteration; at a wave's slot, sixteen of them each reading a digest's items
   * held the loop for 40 ms. Chained, each immediate is queued from the one before, and Node runs an
   * immediate queued by a running one in the next iteration: requests and timers get the loop in between.
   */
  private nextTurn(): Promise<void> {
    const turn = this.turns.then(yieldToLoop);
    this.turns = turn;
    return turn;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    return p.finally(() => this.inFlight.delete(p));
  }

  private async sendObserved(row: OutboxRow, reached?: () => void): Promise<Result> {
    const result = await this.send(row, reached);
    this.opts.observe?.(row, result.outcome, result.error);
    return result;
  }

  private async send(row: OutboxRow, reached?: () => void): Promise<Result> {
    if (isUnverified(row)) {
      // The lookup is a Slack call: the next sender need not wait for it.
      reached?.();
      const checked = await this.verify(row);
      if (checked) return checked;
    }
    const deadline = this.handlers.deadline?.(row) ?? null;
    if (deadline !== null && this.clock.now().getTime() > deadline) {
      await this.store.markFinal(row.id, this.claimant, 'skipped', 'missed: past its catch-up window', this.clock.now(), false);
      return { outcome: 'skipped', error: 'too late' };
    }
    try {
      const result = await this.handlers.deliver(row, this.paceFor(row, reached));
      if (result.status === 'sent') {
        this.limiterFor(row.teamId).succeeded(conversationOf(row) ?? undefined);
        await this.recordSent(row, result.ts, false, result.posted);
        return { outcome: 'sent' };
      }
      await this.store.markFinal(row.id, this.claimant, 'skipped', result.reason, this.clock.now());
      return { outcome: 'skipped', error: result.reason };
    } catch (e) {
      if (e instanceof DispatcherStopped) {
        await this.store.releaseClaim(row.id, this.claimant);
        return { outcome: 'not_claimed' };
      }
      if (e instanceof WaitLater) {
        // Not the row's fault and nothing was sent: its turn comes when the conversation or workspace is free.
        const now = this.clock.now();
        await this.store.markRetry(row.id, this.claimant, row.lastError, new Date(now.getTime() + e.waitMs), now, false);
        this.scheduleWake(e.waitMs);
        return { outcome: 'retry', error: 'ratelimited' };
      }
      if (e instanceof LeaseLost) return this.reclaim(row);
      return this.recordFailure(row, e, mayHaveReachedSlack(e), true);
    }
  }

  /**
   * Our claim was taken over before we posted (we were frozen past the lease, or a takeover raced a
   * late renewal). If the row is back in the queue we claim it again and start over — it is
   * unverified now, so Slack is checked before anything is posted; if someone else holds or finished
   * it, it is theirs.
   */
  private async reclaim(row: OutboxRow): Promise<Result> {
    this.logger.warn({ outboxId: row.id, kind: row.kind }, 'delivery claim was taken over while waiting to send; claiming it again, Slack is checked before posting');
    const [again] = await this.store.claimDue(this.clock.now(), 1, this.lease(), [row.id]);
    if (!again) return { outcome: 'not_claimed' };
    return this.send(again);
  }

  /**
   * Looks for an unverified row in Slack. Returns the outcome when it is settled (found → sent, or the
   * lookup must be retried), null when it is safe to send.
   */
  private async verify(row: OutboxRow): Promise<Result | null> {
    let ts: string | null | undefined;
    try {
      ts = await this.handlers.findDelivered(row);
    } catch (e) {
      const failure = classifySlackError(e);
      // The lookup's own limit (1 a minute per workspace for distributed apps): only this row waits for
      // it, still unchecked; the workspace's sends go on.
      if (failure.kind === 'rate_limited') return this.verifyLater(row, failure.retryAfterMs);
      if (failure.kind !== 'permanent') return this.recordFailure(row, e, true);
      // We may not read that conversation (scope, membership): better a possible repeat than a loss.
      this.logger.warn({ outboxId: row.id, error: failure.code }, 'cannot check whether an interrupted delivery arrived; sending it');
      return null;
    }
    if (!ts) return null;
    await this.recordSent(row, ts, true);
    this.logger.info({ outboxId: row.id, kind: row.kind }, 'interrupted delivery had arrived; not sending it again');
    return { outcome: 'sent' };
  }

  private async verifyLater(row: OutboxRow, waitMs: number): Promise<Result> {
    const now = this.clock.now();
    await this.store.markRetry(row.id, this.claimant, `${UNVERIFIED}: ratelimited`, new Date(now.getTime() + waitMs), now, false);
    this.scheduleWake(waitMs);
    this.logger.info(
      { outboxId: row.id, kind: row.kind, teamId: row.teamId, retryAfterMs: waitMs },
      'interrupted delivery: Slack’s history limit reached, checking it again later',
    );
    return { outcome: 'retry', error: 'ratelimited' };
  }

  private async recordSent(row: OutboxRow, ts: string | null, found: boolean, posted?: string): Promise<void> {
    const now = this.clock.now();
    // Marked sent and its bookkeeping in one transaction: "sent" and "told" never disagree.
    const recorded = await this.store.transaction(async (tx) => {
      const mine = found && ts ? await tx.markFoundSent(row.id, this.claimant, ts, now) : await tx.markSent(row.id, this.claimant, ts, now);
      if (mine && posted) await tx.setPosted(row.id, posted);
      if (mine) await this.handlers.afterSent?.(tx, row, ts, now);
      return mine;
    });
    // Whoever took the row over checks Slack before posting, finds this message and does the bookkeeping.
    if (!recorded) this.logger.warn({ outboxId: row.id, kind: row.kind }, 'delivered, but the claim had been taken over meanwhile; its new holder will find the message in Slack');
  }

  /** `paced`: the failed call was a send the limiter paced (its 429 says the pace is too high). */
  private async recordFailure(row: OutboxRow, e: unknown, unverified: boolean, paced = false): Promise<Result> {
    const failure = classifySlackError(e);
    const now = this.clock.now();
    const error = unverified ? `${UNVERIFIED}: ${failure.code}` : failure.code;
    const log = { outboxId: row.id, kind: row.kind, teamId: row.teamId, error, attempts: row.attempts + 1 };
    switch (failure.kind) {
      case 'rate_limited': {
        // A paced post's 429 may be its conversation's own limit (then only that one waits); a
        // lookup's 429 is its method's, and everyone waits as before.
        const conversation = conversationOf(row);
        const limiter = this.limiterFor(row.teamId);
        let scope: 'conversation' | 'workspace' = 'workspace';
        try {
          if (paced && conversation) scope = await limiter.limitedIn(conversation, failure.retryAfterMs);
          else if (paced) await limiter.limited(failure.retryAfterMs);
          else await limiter.pause(failure.retryAfterMs);
        } catch (err) {
          // This process still waits it out (the pause is kept here); the others learn of it from their own 429s.
          this.logger.warn({ err, teamId: row.teamId }, 'could not record a Retry-After in the shared pace');
        }
        // Not the row's fault: do not count it as an attempt.
        await this.store.markRetry(row.id, this.claimant, error, new Date(now.getTime() + failure.retryAfterMs), now, false);
        this.scheduleWake(failure.retryAfterMs);
        const pacePerSecond = Math.round(limiter.currentRate * 10) / 10;
        const limitPerSecond = limiter.limitSeen === null ? null : Math.round(limiter.limitSeen * 10) / 10;
        this.logger.warn(
          {
            ...log,
            retryAfterMs: failure.retryAfterMs,
            scope,
            ...(scope === 'conversation' ? { conversation } : { pacePerSecond, limitPerSecond, settleShare: limiter.settleShare }),
          },
          'rate limited by Slack; pausing delivery',
        );
        return { outcome: 'retry', error: failure.code };
      }
      case 'revoked':
        // Keep the row; the workspace is paused until the app is reinstalled.
        await this.store.setWorkspaceStatus(row.teamId, 'tokens_revoked', now);
        await this.store.markRetry(row.id, this.claimant, error, now, now, false);
        this.logger.error(log, 'Slack token no longer valid; delivery for this workspace is paused');
        return { outcome: 'retry', error: failure.code };
      case 'permanent':
        if (await this.store.markFinal(row.id, this.claimant, 'failed', failure.code, now)) await this.handlers.onFailed?.(row, failure.code);
        this.logger.warn(log, 'delivery failed permanently');
        return { outcome: 'failed', error: failure.code };
      case 'transient': {
        const delay = backoffMs(row.attempts);
        const deadline = this.handlers.deadline?.(row) ?? null;
        const giveUp = deadline !== null ? now.getTime() + delay > deadline : row.attempts + 1 >= MAX_ATTEMPTS;
        if (giveUp) {
          if (await this.store.markFinal(row.id, this.claimant, 'failed', error, now)) await this.handlers.onFailed?.(row, failure.code);
          this.logger.error(log, 'delivery failed after retries');
          return { outcome: 'failed', error: failure.code };
        }
        await this.store.markRetry(row.id, this.claimant, error, new Date(now.getTime() + delay), now);
        this.scheduleWake(delay);
        this.logger.warn({ ...log, retryInMs: delay }, 'delivery failed; will retry');
        return { outcome: 'retry', error: failure.code };
      }
    }
  }

  /** The cron tick also drains, but a short retry should not wait for it. Keeps the earliest wake. */
  private scheduleWake(ms: number): void {
    if (this.stopped || ms > 60_000) return;
    const at = Date.now() + ms;
    if (this.timer && this.timer.at <= at) return;
    if (this.timer) clearTimeout(this.timer.handle);
    const handle = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, ms + 50);
    handle.unref();
    this.timer = { handle, at };
  }

  /**
   * Start-up reconciliation, repeated before every drain: takes over other claimants' rows that
   * nobody will finish (see the top of this file), as unverified when a post may have started, so
   * they are looked up in Slack before being sent — through the rate limiter, with retries, not at
   * boot. Rows whose holder is alive and within its lease are left alone: it is still working on
   * them (mid-post, or waiting out a Retry-After).
   */
  async recoverStuck(): Promise<{ confirmed: number; requeued: number }> {
    this.startRenewing();
    const requeued = await this.recoverClaims();
    return { confirmed: 0, requeued };
  }

  private async recoverClaims(): Promise<number> {
    const now = this.clock.now();
    let requeued = 0;
    let othersWorking = false;
    const gone = new Map<string, boolean>();
    for (const claim of await this.store.foreignClaims(this.claimant)) {
      if (this.mayTakeOver(claim, now.getTime(), gone)) {
        // takeOver changes the row only while it still matches `claim` (compare-and-set), so a renewal
        // or a post landing between the read and this write keeps the row with its holder.
        if (await this.store.takeOver(claim, now)) requeued += 1;
      } else {
        othersWorking = true;
      }
    }
    if (requeued > 0) this.logger.info({ requeued }, 'took over deliveries another process can no longer finish; each is checked in Slack before sending');
    // Nothing tells us when those rows come free (a stopping process hands them back; a lease runs
    // out; a post lands): look again soon.
    this.othersWorking = othersWorking;
    if (othersWorking) this.scheduleRecheck();
    return requeued;
  }

  /**
   * Looks at other processes' claims again in FOREIGN_CLAIMS_RECHECK_MS. When idle, a new drain looks
   * (and sends what a stopping process handed back) if someone else still held rows. During a drain
   * it looks right away, and keeps looking while the drain lasts: a drain lasts until nothing is
   * due — a whole wave — and the rows of a replica that died mid-wave used to wait for its end
   * (minutes, in the replica test); taken over now, the senders still at work pick them up in turn.
   */
  private scheduleRecheck(): void {
    if (this.recheck || this.stopped) return;
    this.recheck = setTimeout(() => {
      this.recheck = null;
      if (this.stopped) return;
      if (!this.draining) {
        if (this.othersWorking) this.kick();
        return;
      }
      this.scheduleRecheck();
      this.recoverClaims().then(
        (requeued) => {
          if (requeued > 0) this.kick();
        },
        (e: unknown) => this.logger.warn({ err: e }, 'could not look at other processes’ delivery claims'),
      );
    }, FOREIGN_CLAIMS_RECHECK_MS);
    this.recheck.unref();
  }

  private mayTakeOver(claim: ForeignClaim, t: number, gone: Map<string, boolean>): boolean {
    // Claimed before leases existed: its holder was a process that has since been restarted.
    if (claim.claimedBy === null || claim.leaseUntil === null) return true;
    if (claim.leaseUntil <= t) return true;
    let dead = gone.get(claim.claimedBy);
    if (dead === undefined) gone.set(claim.claimedBy, (dead = isGone(claim.claimedBy)));
    if (!dead) return false;
    // Its holder was killed; a post it started may still be on its way to Slack, invisible to a
    // history lookup until it lands. Wait as long as that call could have taken.
    return claim.postingSince === null || claim.postingSince + this.postGraceMs <= t;
  }

  /** Stop taking work, wait for sends already in flight, and hand back every claim we still hold. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = null;
    if (this.recheck) clearTimeout(this.recheck);
    this.recheck = null;
    for (const wake of [...this.sleepers]) wake();
    await Promise.allSettled([...this.inFlight]);
    if (this.draining) await this.draining.catch(() => undefined);
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
    try {
      // Claimed in a batch and never taken by a sender: not started, so simply handed back.
      for (const row of this.claimed.splice(0)) await this.store.releaseClaim(row.id, this.claimant);
      // Normally none are left (rows waiting for their turn were handed back as they woke).
      const left = await this.store.releaseAll(this.claimant, this.clock.now());
      if (left > 0) this.logger.warn({ rows: left }, 'handed back deliveries still claimed at stop');
    } catch (e) {
      this.logger.warn({ err: e }, 'could not hand back delivery claims at stop; they are taken over when their lease ends');
    }
  }
}
