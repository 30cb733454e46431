/**
 * Replicas (issue 14), CI-sized: three real app processes on one PostgreSQL share one fake Slack
 * that throttles chat.postMessage workspace-wide. A wave already due when they start (their own
 * start-up sweeps split it), one replica killed with SIGKILL mid-wave and restarted: every digest
 * arrives exactly once, and together they never post more than the configured limit in any second.
 * Then 200 Acknowledge clicks on one handoff at once, spread over the three: one state change, one
 * event-log row, and every click answered. Full size: `npm run test:replicas` (10,000 digests).
 * Skipped with one line when PostgreSQL is unreachable (a failure under CI=true): see
 * test/postgres/globalSetup.ts.
 */
import { createTestDatabase, describeOnPostgres, type TestDatabase } from '../postgres/support/databases';
import { runClicks, type ClickResult } from '../../scripts/replicas/clicks';
import { summary } from '../../scripts/replicas/report';
import { startReplicaRig, type ReplicaRig } from '../../scripts/replicas/rig';
import { runWave, type WaveResult } from '../../scripts/replicas/wave';

const DIGESTS = 600;
/**
 * DELIVERY_RATE_PER_SECOND of each replica, and what the fake Slack accepts per second. Low enough
 * that three replicas can exceed it together on a 2-core machine (each starts at 10/s and doubles),
 * so the check means something; the wave still takes well under a minute.
 */
const LIMIT = 30;

describeOnPostgres()('three replicas on one PostgreSQL', () => {
  let database: TestDatabase;
  let rig: ReplicaRig | undefined;
  let wave: WaveResult | undefined;
  let clicks: ClickResult | null = null;

  beforeAll(async () => {
    database = await createTestDatabase();
    rig = await startReplicaRig({ databaseUrl: database.url, digests: DIGESTS, ratePerSecond: LIMIT, due: 'this-minute' });
  }, 180_000);

  afterAll(async () => {
    if (rig && wave)
      console.log(summary(wave, { limit: LIMIT, slackRate: rig.slackRate, replicas: rig.replicas.length, slotAt: rig.slotAt, due: 'this-minute' }, clicks).join('\n'));
    await rig?.stop();
    await database?.drop();
  }, 60_000);

  it(`${DIGESTS} digests due at once, one replica kill -9ed mid-wave and restarted: none missing, none twice, never above ${LIMIT}/s together`, async () => {
    wave = await runWave(rig!, { killAfter: 0.4, timeoutMs: 5 * 60_000 });
    const a = wave.audit;
    expect({ timedOut: wave.timedOut, missing: a.missing, duplicates: a.duplicates, unexpected: a.unexpected, detail: a.detail }).toEqual({
      timedOut: false,
      missing: 0,
      duplicates: 0,
      unexpected: 0,
      detail: [],
    });
    expect(wave.outbox).toEqual({ sent: DIGESTS });
    // The kill happened mid-wave, and what the dead replica held was taken over and sent by the others.
    expect(wave.kill).not.toBeNull();
    expect(wave.kill!.digestsBefore).toBeLessThan(DIGESTS);
    expect(wave.kill!.settledMs).not.toBeNull();
    // Every replica sent part of the wave (the restarted one included, unless the wave ended first).
    expect(Object.keys(a.share).sort()).toEqual(expect.arrayContaining(['r1', 'r2', 'r3']));
    // Slack's workspace-wide limit counts every call, 429s included.
    expect(a.busiestSecond.count).toBeLessThanOrEqual(LIMIT);
  }, 360_000);

  it('200 Acknowledge clicks on one handoff at once over the three: one state change, one event-log row, every click answered', async () => {
    const c = (clicks = await runClicks(rig!, 200));
    expect(c.statuses).toEqual({ 200: 200 });
    expect(Object.values(c.perReplica)).toEqual([67, 67, 66]);
    expect(c.handoff).toMatchObject({ stateBefore: 'open', stateAfter: 'acknowledged' });
    expect(c.events).toEqual([['acknowledged', 'open', 'acknowledged']]);
    expect(c.answers).toEqual({ total: 200, changed: 1, repeats: 199, other: [] });
  }, 120_000);
});
