/** Pieces of digest delivery: the adaptive rate limiter, retry backoff, and ambiguous-failure detection. */
import { CEILING_SHARE, SAFE_START_RATE } from '../../../src/delivery/rateLimiter';
import { RateLimiter } from '../../harness/memoryPace';
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

/** Sends through `limiter` to `slack` for `ms`, reporting each answer as the dispatcher does (`onRefused` first sees each 429). */
function driveAgainst(limiter: RateLimiter, clock: { t: number }, ms: number, slack: ReturnType<typeof slackAllowing>, retryAfterMs = 1000, onRefused = () => {}): number[] {
  const ok: number[] = [];
  drive(limiter, clock, ms, (t) => {
    if (slack.answer(t)) {
      ok.push(t);
      limiter.succeeded();
    } else {
      onRefused();
      limiter.limited(retryAfterMs);
    }
  });
  return ok;
}

/** The most sends in any one-second window of `sends` that ends in (from, to]. */
function maxPerSecondEndingIn(sends: number[], from: number, to: number): number {
  return maxPerSecond(sends.filter((t) => t > from - 1000 && t <= to));
}

describe('RateLimiter', () => {
  it('starts at a safe rate and, until Slack refuses anything, doubles it every second up to the configured bound', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t);
    expect(limiter.currentRate).toBe(SAFE_START_RATE);
    const rates: number[] = [];
    const sends = drive(limiter, clock, 1000, () => limiter.succeeded());
    rates.push(limiter.currentRate);
    sends.push(...drive(limiter, clock, 1000, () => limiter.succeeded()));
    rates.push(limiter.currentRate);
    // Slow start: doubling every second once its pace is in full use (after the first second's
    // sends), so above 10/s after one second and twice that after two — 10/s to a 50/s limit in
    // about 3 s, not 10 s.
    expect(rates[0]).toBeGreaterThan(SAFE_START_RATE);
    expect(rates[0]).toBeLessThan(20);
    expect(rates[1]! / rates[0]!).toBeGreaterThan(1.9);
    expect(rates[1]! / rates[0]!).toBeLessThan(2.1);
    // Never more sends in a second than the pace allowed by its end, so never a burst on top of it.
    expect(maxPerSecondEndingIn(sends, 0, 1000)).toBeLessThanOrEqual(Math.floor(rates[0]!));
    expect(maxPerSecondEndingIn(sends, 1000, 2000)).toBeLessThanOrEqual(Math.floor(rates[1]!));
    drive(limiter, clock, 3000, () => limiter.succeeded());
    expect(limiter.currentRate).toBe(100);
    const steady = drive(limiter, clock, 10_000, () => limiter.succeeded());
    expect(steady.length).toBeGreaterThanOrEqual(980);
    expect(maxPerSecond(steady)).toBeLessThanOrEqual(100);
  });

  it('slow start doubles only a pace in full use: sending at half of it proves nothing about twice it', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t, 40);
    // The app manages 20 sends a second (its own work, not the pace): no doubling to 80, 160.
    for (let i = 0; i < 200; i++) {
      expect(limiter.tryTake()).toBe(0);
      limiter.succeeded();
      clock.t += 50;
    }
    expect(limiter.currentRate).toBe(40);
  });

  it('once a limit has been seen, raises the pace additively, not by doubling', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(1000, () => clock.t, 40);
    driveAgainst(limiter, clock, 3000, slackAllowing(60));
    // Slack allows more now: past the settle pace only +0.5/s per second, and only after a quiet spell.
    const roomy = slackAllowing(1000);
    driveAgainst(limiter, clock, 5000, roomy);
    const settled = limiter.currentRate;
    expect(settled).toBeLessThan(60);
    driveAgainst(limiter, clock, 40_000, roomy);
    expect(limiter.currentRate).toBeGreaterThan(settled);
    expect(limiter.currentRate).toBeLessThan(settled + 0.5 * 40);
  });

  it('never sends more in any one second than the pace, even when late timers let the bucket refill', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t, 50);
    driveAgainst(limiter, clock, 10_000, slackAllowing(50)); // learns 50/s, settles just under it
    const pace = limiter.currentRate;
    const sends: number[] = [];
    // Wake-ups come 0–60 ms late (a busy event loop), each taking what the limiter allows then.
    let k = 0;
    const end = clock.t + 20_000;
    while (clock.t < end) {
      const wait = limiter.tryTake();
      if (wait === 0) {
        sends.push(clock.t);
        limiter.succeeded();
      } else clock.t += wait + ((k++ * 37) % 61);
    }
    expect(limiter.currentRate).toBe(pace);
    expect(maxPerSecond(sends)).toBeLessThanOrEqual(Math.floor(pace));
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
    let refusedAt = NaN;
    driveAgainst(limiter, clock, 1500, slack, 1000, () => {
      if (Number.isNaN(refusedAt)) refusedAt = limiter.currentRate;
    });
    expect(slack.refused).toBeGreaterThan(0);
    expect(refusedAt).toBeGreaterThanOrEqual(150);
    expect(limiter.currentRate).toBeCloseTo(refusedAt / 2, 0); // half of the pace it was refused at
    // Back to ≈97 % of Slack's 100/s within a few seconds, and steady there without further 429s.
    driveAgainst(limiter, clock, 5000, slack);
    const refusedBefore = slack.refused;
    const later = driveAgainst(limiter, clock, 15_000, slack);
    expect(slack.refused).toBe(refusedBefore);
    expect(later.length / 15).toBeGreaterThan(95);
    expect(maxPerSecond(later)).toBeLessThanOrEqual(100);
  });

  it('a probe that finds the same limit again goes straight back to the settle pace, and waits longer before the next', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t, 60);
    const slack = slackAllowing(50);
    driveAgainst(limiter, clock, 10_000, slack);
    const settle = limiter.currentRate;
    expect(settle).toBeCloseTo(50 * CEILING_SHARE, 0);
    const refusedBefore = slack.refused;
    // The probe creeps past the settle pace after 30 s without a 429 and is refused at ≈50/s.
    const rates: number[] = [];
    let refusals = 0;
    const limitedAt: number[] = [];
    drive(limiter, clock, 45_000, (t) => {
      if (slack.answer(t)) limiter.succeeded();
      else {
        if (refusals++ === 0) limitedAt.push(t);
        limiter.limited(1000);
        rates.push(limiter.currentRate);
      }
    });
    expect(slack.refused).toBeGreaterThan(refusedBefore);
    expect(rates[0]).toBeCloseTo(settle, 5); // not halved
    expect(limiter.settleShare).toBe(CEILING_SHARE); // a probe's 429 says nothing against the settle share
    // The next probe waits twice as long (60 s): none in the 40 s after this one.
    const after = slack.refused;
    driveAgainst(limiter, clock, 40_000, slack);
    expect(slack.refused).toBe(after);
  });

  it('429s at the settle pace less than a minute apart lower the settle share by 2 points each, never under 85 %; a lone one does not', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t, 60);
    driveAgainst(limiter, clock, 10_000, slackAllowing(50));
    expect(limiter.settleShare).toBe(CEILING_SHARE);
    const refusedAtSettle = () => {
      drive(limiter, clock, 2000, () => limiter.succeeded()); // settled, using its pace
      limiter.limited(1000); // refused anyway: arrivals jitter more than the share allows for
    };
    // A lone 429 costs its pause; lowering the share would cost more.
    refusedAtSettle();
    expect(limiter.settleShare).toBe(CEILING_SHARE);
    const shares: number[] = [];
    for (let i = 0; i < 10; i++) {
      refusedAtSettle(); // 2 s apart
      shares.push(limiter.settleShare);
    }
    expect(shares[0]).toBeCloseTo(CEILING_SHARE - 0.02, 5);
    expect(shares[1]).toBeCloseTo(CEILING_SHARE - 0.04, 5);
    expect(Math.min(...shares)).toBeCloseTo(0.85, 5);
    expect(limiter.currentRate).toBeLessThanOrEqual(50 * 0.85 + 1e-9);
    expect(limiter.currentRate).toBeGreaterThan(40); // not halved ten times
  });

  it('the limit it sees is never more than it sent in that second (answers come back jittered)', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t, 60);
    driveAgainst(limiter, clock, 10_000, slackAllowing(50));
    expect(limiter.limitSeen).toBeLessThanOrEqual(50);
    // A second of sends, then answers that were held up arrive together with a 429: 10 more
    // successes counted now than were sent in that second.
    drive(limiter, clock, 1000, () => limiter.succeeded());
    for (let i = 0; i < 10; i++) limiter.succeeded();
    limiter.limited(1000);
    expect(limiter.limitSeen).toBeLessThanOrEqual(50);
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
    expect(limiter.currentRate).toBeCloseTo(40 * CEILING_SHARE, 0);
    driveAgainst(limiter, clock, 30_000, roomy);
    expect(limiter.currentRate).toBeGreaterThan(45);
  });

  it('keeps over 93 % of an unknown workspace limit over a long wave (429s with Retry-After included)', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t);
    const slack = slackAllowing(50);
    const ok = driveAgainst(limiter, clock, 200_000, slack);
    // 10,000 digests at Slack's 50/s take 200 s; the slow start from 10/s, the settle share (97 %)
    // and the probes' pauses cost the rest.
    expect(ok.length / 200).toBeGreaterThan(0.93 * 50);
    expect(slack.refused).toBeLessThanOrEqual(5);
  });

  it('a limit that dropped well under the pace is a new limit: halves, as the first one did', () => {
    const clock = { t: 0 };
    const limiter = new RateLimiter(100, () => clock.t, 60);
    driveAgainst(limiter, clock, 10_000, slackAllowing(50));
    const settled = limiter.currentRate;
    clock.t += 2000; // a lull, then Slack allows only half as much
    let refusedAt = NaN;
    driveAgainst(limiter, clock, 1500, slackAllowing(25), 1000, () => {
      if (Number.isNaN(refusedAt)) refusedAt = limiter.currentRate;
    });
    expect(refusedAt).toBe(settled);
    expect(limiter.currentRate).toBeLessThanOrEqual(settled / 2);
    expect(limiter.settleShare).toBe(CEILING_SHARE);
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
