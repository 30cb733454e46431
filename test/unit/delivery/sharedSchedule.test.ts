/**
 * The shared pace's schedule (src/delivery/rateLimiter.ts) as several processes use it: each reserves
 * a few slots ahead at a time and sends at each slot — usually a little late, sometimes (a busy event
 * loop) far later than the grace. Simulated on one clock, in time order, with the state shared as the
 * delivery_pace row is: the sends never exceed floor(pace) in any sliding second, because a slot used
 * past its grace first moves the slots not yet handed out back (`lateSlot`). Without that step, the same
 * lateness breaks the limit.
 */
import { prng } from '../../../src/domain/prng';
import { grant, lateSlot, newPace, slotSpacing, type PaceBounds } from '../../../src/delivery/rateLimiter';
import { busiestWindow } from '../../harness/slidingWindow';

const RATE = 20;
const BOUNDS: PaceBounds = { maxRate: RATE, graceMs: 10 };
const LEAD_MS = 100;
const BATCH = 4;

type Event = { at: number; process: number } & ({ kind: 'reserve' } | { kind: 'send'; slot: number });

/** Sends of `processes` sharing one pace for `ms`; `moveBack`: whether a late send first delays the later slots. */
function simulate(seed: number, processes: number, ms: number, moveBack: boolean): number[] {
  const random = prng(seed);
  const state = newPace(RATE, RATE, 0);
  // Mostly a few ms late; one send in ten far past the grace.
  const lateness = () => (random() < 0.1 ? 10 + random() * 190 : random() * 8);
  const events: Event[] = Array.from({ length: processes }, (_, process) => ({ at: random() * 50, process, kind: 'reserve' as const }));
  const sends: number[] = [];
  while (events.length > 0) {
    events.sort((a, b) => a.at - b.at);
    const e = events.shift()!;
    if (e.at > ms) continue;
    if (e.kind === 'send') {
      if (e.at > e.slot + BOUNDS.graceMs && moveBack) lateSlot(state, BOUNDS, e.slot, e.at);
      sends.push(e.at);
      continue;
    }
    const g = grant(state, BOUNDS, e.at, BATCH, { from: e.at, until: e.at + LEAD_MS });
    for (const slot of g.slots) events.push({ at: slot + lateness(), process: e.process, kind: 'send', slot });
    // The next reservation when this one's slots are used up (or when the pace says).
    events.push({ at: g.slots.length > 0 ? g.slots[g.slots.length - 1]! : e.at + g.waitMs, process: e.process, kind: 'reserve' });
  }
  return sends;
}

describe('the shared schedule', () => {
  it('keeps every sliding second at floor(pace) across processes, late sends included, and near the pace', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const sends = simulate(seed, 3, 30_000, true);
      // The seed in the comparison, so a failure names the one to replay.
      expect({ seed, withinLimit: busiestWindow(sends).count <= RATE }).toEqual({ seed, withinLimit: true });
      // What it costs: the grace's share of the pace, and the time the late sends moved the slots
      // back by (one send in ten ≈ 0.1 s late, each alone: 11–16 % here).
      expect(sends.length / 30).toBeGreaterThan((1000 / slotSpacing(RATE, BOUNDS.graceMs)) * 0.8);
    }
  });

  it('without moving later slots back, the same late sends break the limit', () => {
    const worst = Math.max(...Array.from({ length: 10 }, (_, i) => busiestWindow(simulate(i + 1, 3, 30_000, false)).count));
    expect(worst).toBeGreaterThan(RATE);
  });

  it('at the configured bound leaves room for arrival jitter: sends bunched up by less than it still fit the limit', () => {
    const bounds: PaceBounds = { ...BOUNDS, arrivalJitterMs: 40 };
    const slotsAt = (b: PaceBounds, rate: number) => grant(newPace(RATE, rate, 0), b, 0, 200, { from: 0, until: 10_000 }).slots;
    // Sends alternately a grace late plus 39 ms slower on the way to Slack, and on time and fast:
    // a send floor(pace) slots after a slow one arrives closer to it than the spacing allows for.
    const arrivals = (slots: number[]) => slots.map((x, i) => x + (i % (2 * RATE) < RATE ? BOUNDS.graceMs + 39 : 0));
    expect(busiestWindow(arrivals(slotsAt(bounds, RATE))).count).toBeLessThanOrEqual(RATE);
    expect(busiestWindow(arrivals(slotsAt(BOUNDS, RATE))).count).toBeGreaterThan(RATE);
    // A discovered pace under the bound keeps its own spacing (its settle share is learned from 429s).
    const below = slotsAt(bounds, RATE / 2);
    expect(below[1]! - below[0]!).toBe(slotSpacing(RATE / 2, BOUNDS.graceMs));
  });
});
