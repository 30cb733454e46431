/** Pieces of digest delivery: the adaptive rate limiter, retry backoff, and ambiguous-failure detection. */
import { RateLimiter, SAFE_START_RATE } from '../../../src/delivery/rateLimiter';
import { backoffMs, mayHaveReachedSlack } from '../../../src/delivery/outbox';

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

/** A Slack-like sliding-window limit: `perSecond` accepted in any one second, 429 beyond. */
function slackAllowing(perSecond: number) {
  const accepted: number[] = [];
  let refused = 0;
  return {
    get refused() {
      return refused;
    },
    answer(t: number): boolean {
      while (accepted.length && t - accepted[0]! >= 1000) accepted.shift();
      if (accepted.length >= perSecond) {
        refused += 1;
        return false;
      }
      accepted.push(t);
      return true;
    },
  };
}

/** Sends through `limiter` to `slack` for `ms`, reporting each answer as the dispatcher does. */
function driveAgainst(limiter: RateLimiter, clock: { t: number }, ms: number, slack: ReturnType<typeof slackAllowing>, retryAfterMs = 1000): number[] {
  const ok: number[] = [];
  drive(limiter, clock, ms, (t) => {
    if (slack.answer(t)) {
      ok.push(t);
      limiter.succeeded();
    } else limiter.limited(retryAfterMs);
  });
  return ok;
}

describe('RateLimiter', () => {
  it('starts at a safe rate and raises it additively while Slack accepts, up to the configured bound', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t);
    expect(limiter.currentRate).toBe(SAFE_START_RATE);
    const sends = drive(limiter, clock, 10_000, () => limiter.succeeded());
    // +4/s every second: ≈46/s after ten seconds, never a burst a sliding window would refuse.
    expect(limiter.currentRate).toBeGreaterThan(44);
    expect(limiter.currentRate).toBeLessThan(51);
    expect(maxPerSecond(sends)).toBeLessThanOrEqual(51);
    drive(limiter, clock, 30_000, () => limiter.succeeded());
    expect(limiter.currentRate).toBe(100);
    const steady = drive(limiter, clock, 10_000, () => limiter.succeeded());
    expect(steady.length).toBeGreaterThanOrEqual(980);
    expect(maxPerSecond(steady)).toBeLessThanOrEqual(100);
  });

  it('does not raise a pace it is not using (no evidence Slack would accept more)', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t);
    for (let i = 0; i < 60; i++) {
      expect(limiter.tryTake()).toBe(0);
      limiter.succeeded();
      clock.t += 1000; // one send a second: the app, not the pace, is what limits
    }
    expect(limiter.currentRate).toBe(SAFE_START_RATE);
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

  it('halves on a 429, climbs back fast to just under the limit it saw, and settles there', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(200, () => clock.t, 150);
    const slack = slackAllowing(100);
    driveAgainst(limiter, clock, 1500, slack);
    expect(slack.refused).toBeGreaterThan(0);
    expect(limiter.currentRate).toBeCloseTo(75, 0); // half of the ≈150/s it was refused at
    // Back to ≈93 % of Slack's 100/s within a few seconds, and steady there without further 429s.
    driveAgainst(limiter, clock, 5000, slack);
    const refusedBefore = slack.refused;
    const later = driveAgainst(limiter, clock, 15_000, slack);
    expect(slack.refused).toBe(refusedBefore);
    expect(later.length / 15).toBeGreaterThan(91);
    expect(maxPerSecond(later)).toBeLessThanOrEqual(100);
  });

  it('one burst of 429s (several sends in flight) halves once', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t, 40);
    drive(limiter, clock, 1000, () => limiter.succeeded());
    const before = limiter.currentRate;
    limiter.limited(1000);
    expect(limiter.currentRate).toBe(before / 2);
    limiter.limited(1000);
    limiter.limited(1000);
    expect(limiter.currentRate).toBe(before / 2);
  });

  it('probes past the limit it saw only after a quiet spell, and finds a limit that rose', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t, 60);
    driveAgainst(limiter, clock, 3000, slackAllowing(40));
    expect(limiter.currentRate).toBeLessThanOrEqual(40);
    // Slack now allows more. Nothing changes for 20 s, then the pace creeps up past 40.
    const roomy = slackAllowing(80);
    driveAgainst(limiter, clock, 15_000, roomy);
    expect(limiter.currentRate).toBeCloseTo(40 * 0.93, 0);
    driveAgainst(limiter, clock, 30_000, roomy);
    expect(limiter.currentRate).toBeGreaterThan(45);
  });

  it('keeps about 90 % of an unknown workspace limit over a long wave (429s with Retry-After included)', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t);
    const slack = slackAllowing(50);
    const ok = driveAgainst(limiter, clock, 200_000, slack);
    // 10,000 digests at Slack's 50/s take 200 s; the ramp from 10/s and the probing cost the rest.
    expect(ok.length / 200).toBeGreaterThan(0.88 * 50);
    expect(slack.refused).toBeLessThan(15);
  });

  it('a 429 while sending slowly (not our pace: per-channel, per-minute, a one-off) only pauses', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(1000, () => clock.t, 970);
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
