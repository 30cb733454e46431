/**
 * The async-health report's reads through the Store contract, on SQLite and PostgreSQL: one
 * workspace's facts of one period (with the earlier events of handoffs the period touches), the
 * people named, and the same figures from both backends as worked out by hand.
 */
import { healthReport } from '../../../src/services/asyncHealthReport';
import { EXPECTED, FROM, scenarioEvents, seedScenario, TEAM, TO } from '../../harness/healthScenario';
import { describeStores } from '../support/stores';

describeStores('async-health reads', (ctx) => {
  it('reads the period’s events with the older events of the handoffs they touch, and nothing of another workspace', async () => {
    const { store } = ctx();
    await seedScenario(store);
    await seedScenario(store, 'T0OTHER');
    const events = await store.healthEvents(TEAM, FROM, TO);
    // The rows the domain test uses, minus ids: events before TO of handoffs with one in [FROM, TO).
    const expected = scenarioEvents(TO.getTime()).events;
    const byKey = (e: { kind: string; actorId: string; at: number }) => `${e.at} ${e.kind} ${e.actorId}`;
    expect(events.map(byKey).sort()).toEqual(expected.map(byKey).sort());
    expect(events.map((e) => e.detail && JSON.parse(e.detail))).toEqual([...events].map((e) => expected.find((x) => byKey(x) === byKey(e))!.detail).map((d) => d && JSON.parse(d)));
    // The handoff asked before the period and answered in it comes with its creation.
    expect(events.filter((e) => e.at < FROM.getTime()).map((e) => e.kind)).toEqual(['created']);
    // In log order per handoff.
    for (let i = 1; i < events.length; i++) if (events[i]!.handoffId === events[i - 1]!.handoffId) expect(events[i]!.at).toBeGreaterThanOrEqual(events[i - 1]!.at);
    expect(await store.healthEvents(TEAM, new Date('2027-04-01T00:00:00Z'), new Date('2027-05-01T00:00:00Z'))).toEqual([]);
  });

  it('reads the period’s deflection prompts (outcome and person only) and the people asked for', async () => {
    const { store } = ctx();
    await seedScenario(store);
    await seedScenario(store, 'T0OTHER');
    const prompts = await store.healthDeflections(TEAM, FROM, TO);
    expect(prompts).toEqual(
      scenarioEvents()
        .deflections.filter((d) => d.createdAt >= FROM.getTime() && d.createdAt < TO.getTime())
        .sort((a, b) => a.createdAt - b.createdAt),
    );
    const people = await store.healthPeople(TEAM, ['U6', 'U1', 'U1', 'U9']);
    expect(people.map((u) => [u.userId, u.slackTz, u.workdayStartMinute, u.workingDays])).toEqual([
      ['U1', 'UTC', 540, 0b0111110],
      ['U6', 'Asia/Tokyo', 540, 0b0111110],
    ]);
    expect(await store.healthPeople(TEAM, [])).toEqual([]);
  });

  it('gives the hand-computed figures', async () => {
    const { store } = ctx();
    await seedScenario(store);
    const r = await healthReport(store, TEAM, { from: FROM, to: TO });
    expect(r.team).toEqual(EXPECTED.team);
    expect(r.weeks).toEqual(EXPECTED.weeks);
    expect(r.zonePairs).toEqual(EXPECTED.zonePairs);
    for (const [userId, figures] of Object.entries(EXPECTED.people)) expect(r.people.find((p) => p.userId === userId)).toEqual(figures);
  });
});
