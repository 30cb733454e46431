/** Pieces of digest delivery: the adaptive rate limiter, retry backoff, and ambiguous-failure detection. */
import { RateLimiter } from '../../src/scheduler/rateLimiter';
import { backoffMs, mayHaveReachedSlack } from '../../src/scheduler/outbox';

/** Drives a limiter on a fake clock: takes tokens as fast as allowed for `ms`, returns the send times. */
function drive(limiter: RateLimiter, clock: { t: number }, ms: number, onSend: (t: number) => void = () => undefined): number[] {
  const sends: number[] = [];
  const end = clock.t + ms;
  while (clock.t < end) {
    const wait = limiter.tryTake();
    if (wait === 0) {
      sends.push(clock.t);
      onSend(clock.t);
    } else clock.t += wait;
  }
  return sends;
}

/** The most sends in any sliding one-second window (what a Slack-like limit counts). */
function maxPerSecond(sends: number[]): number {
  let best = 0;
  for (let i = 0, j = 0; i < sends.length; i++) {
    while (sends[i]! - sends[j]! >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('RateLimiter', () => {
  it('paces evenly just under the configured rate, with no start-up burst a sliding window would refuse', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t);
    const sends = drive(limiter, clock, 10_000);
    expect(sends.length).toBeGreaterThanOrEqual(960);
    expect(sends.length).toBeLessThanOrEqual(1000);
    expect(maxPerSecond(sends)).toBeLessThanOrEqual(100);
  });

  it('honours a pause (Retry-After) for everyone', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(10, () => clock.t);
    expect(limiter.tryTake()).toBe(0);
    limiter.pause(2000);
    expect(limiter.tryTake()).toBe(2000);
    clock.t = 1500;
    expect(limiter.tryTake()).toBe(500);
    clock.t = 2000;
    expect(limiter.tryTake()).toBe(0);
  });

  it('after a 429 slows to what Slack evidently allows, then settles just under it', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(200, () => clock.t);
    // Slack allows 100/s: record successes until the window is full, then the 429.
    const accepted: number[] = [];
    let limitedAt = -1;
    const sends = drive(limiter, clock, 3000, (t) => {
      while (accepted.length && t - accepted[0]! >= 1000) accepted.shift();
      if (accepted.length >= 100) {
        if (limitedAt < 0) limitedAt = t;
        limiter.limited(1000);
      } else {
        accepted.push(t);
        limiter.succeeded();
      }
    });
    expect(limitedAt).toBeGreaterThan(0);
    expect(limiter.currentRate).toBeGreaterThan(85);
    expect(limiter.currentRate).toBeLessThanOrEqual(97);
    // After the pause, steady delivery at ≈97 % of Slack's limit without further 429s.
    const later = drive(limiter, clock, 15_000, () => limiter.succeeded());
    expect(later.length / 15).toBeGreaterThan(90);
    expect(maxPerSecond(later)).toBeLessThanOrEqual(100);
    expect(sends.length).toBeGreaterThan(0);
  });

  it('one burst of 429s (several sends in flight) counts once', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t);
    drive(limiter, clock, 1000, () => limiter.succeeded());
    limiter.limited(1000);
    const after = limiter.currentRate;
    expect(after).toBeLessThan(97);
    limiter.limited(1000);
    limiter.limited(1000);
    expect(limiter.currentRate).toBe(after);
  });

  it('never more than halves the pace on one 429, and probes back up after a quiet spell', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t);
    drive(limiter, clock, 1000, (t) => t < 500 && limiter.succeeded()); // only half got through
    limiter.limited(1000);
    expect(limiter.currentRate).toBeCloseTo(97 / 2 * 0.9, 0);
    drive(limiter, clock, 10_000);
    expect(limiter.currentRate).toBeCloseTo((97 / 2) * 0.97, 0);
    drive(limiter, clock, 80_000);
    expect(limiter.currentRate).toBeCloseTo(97, 0);
  });

  it('a 429 while sending slowly (not our pace: per-channel, per-minute, a one-off) only pauses', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(1000, () => clock.t);
    for (let i = 0; i < 12; i++) {
      expect(limiter.tryTake()).toBe(0);
      limiter.limited(1000);
      clock.t += 1000;
    }
    expect(limiter.currentRate).toBe(970);
  });

  it('works for slow rates below one per second', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(0.5, () => clock.t);
    const sends = drive(limiter, clock, 20_000);
    expect(sends.length).toBeGreaterThanOrEqual(9);
    expect(sends.length).toBeLessThanOrEqual(11);
  });
});

describe('backoffMs', () => {
  it('doubles from 5 s with ±20 % jitter and caps at 30 minutes', () => {
    expect(backoffMs(0, () => 0)).toBe(4000);
    expect(backoffMs(0, () => 1)).toBe(6000);
    expect(backoffMs(3, () => 0.5)).toBe(40_000);
    expect(backoffMs(20, () => 0.5)).toBe(30 * 60_000);
  });
});

describe('mayHaveReachedSlack', () => {
  it('is true only when the call may have been processed without us hearing back', () => {
    expect(mayHaveReachedSlack({ code: 'slack_webapi_request_error' })).toBe(true); // timeout, reset
    expect(mayHaveReachedSlack({ code: 'slack_webapi_http_error', statusCode: 502 })).toBe(true);
    expect(mayHaveReachedSlack(new Error('socket hang up'))).toBe(true);
    expect(mayHaveReachedSlack({ code: 'slack_webapi_platform_error', data: { error: 'internal_error' } })).toBe(false); // Slack answered
    expect(mayHaveReachedSlack({ code: 'slack_webapi_rate_limited_error', retryAfter: 1 })).toBe(false);
    expect(mayHaveReachedSlack({ code: 'not_yet' })).toBe(false);
  });
});
