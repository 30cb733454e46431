/**
 * Event-loop delay: how long ready callbacks (a Slack request, a timer) waited for the loop. Slack
 * gives up on an ack after 3 s, so a sweep or a build that holds the loop shows up here first.
 *
 * One perf_hooks.monitorEventLoopDelay for the whole process, sampling every LOOP_DELAY_RESOLUTION_MS.
 * Each of its samples wakes the process: at 10 ms (prom-client's default, which ran a second monitor
 * beside this one) the two cost about 10 ms of CPU a second on an idle bot, about all it spent idle.
 * At 20 ms a hold of 20 ms or more is always seen, whole; shorter ones (which no person notices) only
 * when a sample falls in them.
 *
 * The monitor records the time between two samples, so a free loop reads about the resolution: the
 * delay reported here is what exceeds it. Its figures are read once a second; the seconds are
 * gathered into windows (default 30 s) that are kept for `latest()` and logged — at info when
 * notable, at debug otherwise, so a quiet bot does not fill its logs — and, separately, into what
 * the metrics scrape reads (`sinceLastRead`), so neither reader cuts the other's window.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Logger } from './logger';

/** Milliseconds between two samples of the loop. */
export const LOOP_DELAY_RESOLUTION_MS = 20;

export interface LoopDelayWindow {
  /** Milliseconds a callback waited beyond the sampling interval. The worst second's p99 (≥ the window's own p99). */
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Samples in the window (one per resolution interval the loop got round to). */
  samples: number;
  /** When the window ended (epoch ms). */
  at: number;
}

/** The part of IntervalHistogram read here (values in nanoseconds). */
export type DelayHistogram = Pick<IntervalHistogram, 'percentile' | 'max' | 'mean' | 'count' | 'reset'>;

export interface LoopDelayThresholds {
  /** A window whose p99 reaches this (ms) is logged at info. */
  p99Ms: number;
  /** A window whose max reaches this (ms) is logged at info. */
  maxMs: number;
}

/** Notable: a request arriving then could have waited long enough to be felt. */
export const DEFAULT_THRESHOLDS: LoopDelayThresholds = { p99Ms: 20, maxMs: 50 };

const NS_PER_MS = 1e6;
const round = (ms: number) => Math.round(ms * 100) / 100;

/** A histogram's figures in milliseconds beyond `resolutionMs` (zeros when it has no sample). */
export function summarize(h: DelayHistogram, at: number, resolutionMs: number): LoopDelayWindow {
  const ms = (ns: number) => (Number.isFinite(ns) && h.count > 0 ? round(Math.max(0, ns / NS_PER_MS - resolutionMs)) : 0);
  return { p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), meanMs: ms(h.mean), samples: h.count, at };
}

/** Two stretches as one: worst p99 and max, mean weighted by samples, ending at the later one. */
export function combine(a: LoopDelayWindow | null, b: LoopDelayWindow): LoopDelayWindow {
  if (!a || a.samples === 0) return b;
  if (b.samples === 0) return { ...a, at: Math.max(a.at, b.at) };
  const samples = a.samples + b.samples;
  return {
    p99Ms: Math.max(a.p99Ms, b.p99Ms),
    maxMs: Math.max(a.maxMs, b.maxMs),
    meanMs: round((a.meanMs * a.samples + b.meanMs * b.samples) / samples),
    samples,
    at: Math.max(a.at, b.at),
  };
}

export function isNotable(w: LoopDelayWindow, t: LoopDelayThresholds = DEFAULT_THRESHOLDS): boolean {
  return w.p99Ms >= t.p99Ms || w.maxMs >= t.maxMs;
}

export interface LoopDelayOptions {
  windowMs?: number;
  /** Sampling resolution (ms); the smallest hold that is always seen. */
  resolutionMs?: number;
  /** How often the figures move out of the monitor (ms; default 1 s). */
  foldMs?: number;
  thresholds?: LoopDelayThresholds;
}

const SECOND_MS = 1000;

export class LoopDelayMonitor {
  /** The monitor sampling now; `next` is the one taking over from it (see `handOver`). */
  private histogram: IntervalHistogram | null = null;
  private next: IntervalHistogram | null = null;
  /** The monitor that last handed over, read and stopped, kept for the next hand-over (see `newHistogram`). */
  private spare: IntervalHistogram | null = null;
  private timer: NodeJS.Timeout | null = null;
  private handOverTimer: NodeJS.Timeout | null = null;
  /** The open window, and the seconds since the metrics last read. */
  private window: LoopDelayWindow | null = null;
  private windowStartedAt = 0;
  private unread: LoopDelayWindow | null = null;
  private last: LoopDelayWindow | null = null;
  /** The worst window since start, for a bench or an operator's "since boot". */
  private worst: LoopDelayWindow | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly opts: LoopDelayOptions = {},
  ) {}

  private get resolutionMs(): number {
    return this.opts.resolutionMs ?? LOOP_DELAY_RESOLUTION_MS;
  }

  /**
   * A monitor sampling from now on. The one that last handed over is reused, emptied: a new one each
   * second allocated fresh memory for its histogram's buckets (page faults, then zeroing), a fifth of the
   * JS time the bot spent awake while idle (a CPU profile of an idle app); emptying one in place only
   * zeroes memory already there. Emptied, its first sample only marks a start, as a new one's does.
   */
  private newHistogram(): IntervalHistogram {
    const h = this.spare ?? monitorEventLoopDelay({ resolution: this.resolutionMs });
    this.spare = null;
    h.reset();
    h.enable();
    return h;
  }

  start(): void {
    if (this.histogram) return;
    this.histogram = this.newHistogram();
    this.windowStartedAt = Date.now();
    this.timer = setInterval(() => this.beginHandOver(), this.opts.foldMs ?? SECOND_MS);
    this.timer.unref(); // measuring never keeps the process alive
  }

  /**
   * Once a second the figures move out of the monitor. Resetting it would hide a hold that begins
   * before its next sample (its first sample after a reset only marks a start), so a fresh monitor
   * starts instead, and the old one is read and dropped only once the new one has sampled: the two
   * overlap for a couple of samples, and no moment goes unwatched.
   */
  private beginHandOver(): void {
    if (!this.histogram || this.next) return;
    this.next = this.newHistogram();
    const finish = (): void => {
      if (!this.next) return;
      if (this.next.count === 0) {
        this.handOverTimer = setTimeout(finish, this.resolutionMs);
        this.handOverTimer.unref();
        return;
      }
      const old = this.histogram!;
      this.histogram = this.next;
      this.next = null;
      this.handOverTimer = null;
      old.disable();
      this.fold(summarize(old, Date.now(), this.resolutionMs));
      this.spare = old;
      if (Date.now() - this.windowStartedAt >= (this.opts.windowMs ?? 30_000) - SECOND_MS / 2) this.endWindow();
    };
    this.handOverTimer = setTimeout(finish, 2 * this.resolutionMs);
    this.handOverTimer.unref();
  }

  private fold(s: LoopDelayWindow): void {
    this.window = combine(this.window, s);
    this.unread = combine(this.unread, s);
  }

  /** Ends the current window now, with what the monitor holds so far: summarizes, logs, starts the next. Returns it (null when not started). */
  closeWindow(): LoopDelayWindow | null {
    if (!this.histogram) return null;
    // Read in place (on demand only: the reset hides a hold that begins before the next sample).
    this.fold(summarize(this.histogram, Date.now(), this.resolutionMs));
    this.histogram.reset();
    return this.endWindow();
  }

  private endWindow(): LoopDelayWindow {
    const w = this.window ?? { p99Ms: 0, maxMs: 0, meanMs: 0, samples: 0, at: Date.now() };
    this.window = null;
    this.windowStartedAt = Date.now();
    this.last = w;
    if (!this.worst || w.maxMs > this.worst.maxMs) this.worst = w;
    const notable = isNotable(w, this.opts.thresholds ?? DEFAULT_THRESHOLDS);
    this.logger[notable ? 'info' : 'debug']({ loopDelay: w }, notable ? 'event loop was held up' : 'event loop delay');
    return w;
  }

  /**
   * The whole seconds read since the previous call (for a metrics scrape; up to a second behind);
   * null when not started. Does not touch the logged windows.
   */
  sinceLastRead(): LoopDelayWindow | null {
    if (!this.histogram) return null;
    const u = this.unread ?? { p99Ms: 0, maxMs: 0, meanMs: 0, samples: 0, at: Date.now() };
    this.unread = null;
    return u;
  }

  /** Samples taken so far in the open window (0 when not started). */
  openWindowSamples(): number {
    return (this.window?.samples ?? 0) + (this.histogram?.count ?? 0);
  }

  /** The last completed window, or null before the first one ends. */
  latest(): LoopDelayWindow | null {
    return this.last;
  }

  /** The window with the highest max since start. */
  worstSinceStart(): LoopDelayWindow | null {
    return this.worst;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.handOverTimer) clearTimeout(this.handOverTimer);
    this.timer = null;
    this.handOverTimer = null;
    this.histogram?.disable();
    this.next?.disable();
    this.histogram = null;
    this.next = null;
    this.spare = null;
  }
}
