/**
 * Fairness between workspaces (issue 15): Slack's rate limits are per workspace, so one workspace's
 * big 09:00 wave must not hold up another's 09:00 digests. A scaled-down case on the real outbox
 * (claims, leases, the shared per-workspace pace) on either backend: 500 people of one workspace and 5
 * of another are due at the same slot, each workspace paced at 100 sends a second; the small
 * workspace's digests all go out while most of the big one's are still waiting. The 10,000 + 10 case
 * at Slack's pace is measured by `npm run bench:fairness`.
 */
import { startTestApp, eventually, type TestApp } from '../harness/testApp';
import { OutboxDispatcher } from '../../src/delivery/outbox';
import { countingDispatcher } from '../harness/countingDispatcher';
import { waveTurn } from '../../src/scheduler/digestSweep';

// Named so the big workspace's rows are enqueued (and numbered) first, as a sweep ordered by team would.
const BIG = 'T0AAABIG';
const SMALL = 'T0ZZSMALL';
const RATE = 100;
const DATE = '2026-11-26';

async function enqueueWave(t: TestApp, teamId: string, people: number, slot: number): Promise<void> {
  for (let i = 0; i < people; i++) {
    const userId = `U${teamId.slice(2)}${i}`;
    // Each person's turn in the wave, as the sweep plans it: its slot plus 0–999 ms.
    const due = new Date(slot + waveTurn(teamId, userId, DATE));
    await t.handoff.store.enqueue({ teamId, kind: 'digest', dedupeKey: `digest:${userId}:${DATE}`, userId, localDate: DATE }, due);
  }
}

describe('outbox fairness between workspaces', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('a 500-person wave does not hold up another workspace’s 5 digests due at the same slot', async () => {
    t = await startTestApp({ now: '2026-11-26T00:00:00Z' });
    await t.handoff.dispatcher.stop();
    const slot = t.clock.now().getTime() - 1000;
    await enqueueWave(t, BIG, 500, slot);
    await enqueueWave(t, SMALL, 5, slot);
    const sent: { teamId: string; at: number }[] = [];
    const d = new OutboxDispatcher(
      t.handoff.store,
      {
        deliver: async (row, pace) => {
          await pace();
          await new Promise((r) => setTimeout(r, 20)); // Slack's round trip
          sent.push({ teamId: row.teamId, at: Date.now() });
          return { status: 'sent', ts: null };
        },
        findDelivered: async () => null,
      },
      t.clock,
      t.handoff.logger,
      // As the app runs it: 16 senders, PostgreSQL claiming 8 rows at a time.
      { concurrency: 16, ratePerSecond: RATE, startRatePerSecond: RATE, claimBatch: t.handoff.database.kind === 'postgres' ? 8 : 1 },
    );
    try {
      d.kick();
      await eventually(() => expect(sent.filter((s) => s.teamId === SMALL)).toHaveLength(5), 20_000);
      const bigSoFar = sent.filter((s) => s.teamId === BIG).length;
      // At 100 a second the big wave takes 5 s; the small one is done within its first second.
      expect(bigSoFar).toBeLessThan(100);
      const started = Math.min(...sent.map((s) => s.at));
      const smallLast = Math.max(...sent.filter((s) => s.teamId === SMALL).map((s) => s.at));
      expect(smallLast - started).toBeLessThan(1000);
    } finally {
      await d.stop();
    }
  }, 30_000);

  it('a workspace alone with rows due still gets every sender (its share is only given up to others)', async () => {
    t = await startTestApp({ now: '2026-11-26T00:00:00Z' });
    await t.handoff.dispatcher.stop();
    await enqueueWave(t, BIG, 40, t.clock.now().getTime() - 1000);
    // A slow Slack (every sender is needed) that answers nobody until 8 sends are in flight at once.
    const counting = countingDispatcher(t, 50, t.clock, { concurrency: 8, claimBatch: t.handoff.database.kind === 'postgres' ? 8 : 1 }, 8);
    const d = counting.d;
    try {
      d.kick();
      await eventually(() => expect(counting.sent()).toBe(40), 20_000);
      expect(counting.mostInFlight()).toBe(8);
    } finally {
      await d.stop();
    }
  }, 30_000);
});
