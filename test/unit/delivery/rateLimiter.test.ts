/** Telling a conversation's 429 from the workspace's (RateLimiter.limitedIn). */
import { SAFE_START_RATE } from '../../../src/delivery/rateLimiter';
import { RateLimiter } from '../../harness/memoryPace';

function limiterAt(t0 = 0) {
  const clock = { t: t0 };
  return { clock, limiter: new RateLimiter(100, () => clock.t) };
}

describe('RateLimiter: 429 scope', () => {
  it('a 429 in one conversation while others get through pauses that conversation only', () => {
    const { clock, limiter } = limiterAt();
    limiter.succeeded('U1');
    clock.t += 10;
    expect(limiter.limitedIn('U1', 3000)).toBe('conversation');
    clock.t += 10;
    limiter.succeeded('U2');
    expect(limiter.conversationWait('U1')).toBe(2990);
    expect(limiter.conversationWait('U2')).toBe(0);
    expect(limiter.tryTake()).toBe(0); // nobody else waits
    expect(limiter.currentRate).toBe(SAFE_START_RATE); // and the pace is unchanged
    clock.t += 3000;
    expect(limiter.conversationWait('U1')).toBe(0);
  });

  it('repeated 429s in the same conversation stay that conversation’s', () => {
    const { clock, limiter } = limiterAt();
    limiter.succeeded('U1');
    for (let i = 0; i < 5; i++) {
      expect(limiter.limitedIn('U1', 1000)).toBe('conversation');
      clock.t += 100;
    }
    expect(limiter.tryTake()).toBe(0);
  });

  it('429s in two conversations with nothing else getting through are the workspace’s limit: everyone waits', () => {
    const { clock, limiter } = limiterAt();
    limiter.succeeded('U1');
    limiter.succeeded('C9');
    clock.t += 5;
    expect(limiter.limitedIn('U1', 2000)).toBe('conversation');
    clock.t += 5;
    expect(limiter.limitedIn('C9', 2000)).toBe('workspace');
    expect(limiter.tryTake()).toBeGreaterThanOrEqual(1990);
  });

  it('a send to a third conversation getting through in between keeps them per-conversation', () => {
    const { clock, limiter } = limiterAt();
    limiter.succeeded('U1');
    limiter.succeeded('U2');
    clock.t += 5;
    expect(limiter.limitedIn('U1', 1000)).toBe('conversation');
    clock.t += 5;
    limiter.succeeded('U3');
    clock.t += 5;
    expect(limiter.limitedIn('U2', 1000)).toBe('conversation');
    expect(limiter.tryTake()).toBe(0);
  });

  it('429s far apart in time are judged on their own', () => {
    const { clock, limiter } = limiterAt();
    limiter.succeeded('U1');
    expect(limiter.limitedIn('U1', 1000)).toBe('conversation');
    clock.t += 5000;
    limiter.succeeded('U2');
    expect(limiter.limitedIn('U2', 1000)).toBe('conversation');
  });

  it('a 429 in a conversation nothing was just sent to is the workspace’s limit (a wave: one digest per DM)', () => {
    const { clock, limiter } = limiterAt();
    limiter.succeeded('U1');
    clock.t += 10;
    expect(limiter.limitedIn('U2', 1000)).toBe('workspace');
    expect(limiter.tryTake()).toBeGreaterThanOrEqual(990);
    clock.t += 3000;
    limiter.succeeded('U3'); // long after: U3's earlier traffic is forgotten too
    clock.t += 2500;
    expect(limiter.limitedIn('U3', 1000)).toBe('workspace');
  });
});
