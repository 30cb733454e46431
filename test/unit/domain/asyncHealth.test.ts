/** The async-health figures (issue 16, part 3): a hand-computed fixture, the privacy rule, and properties of working-time waits. */
import fc from 'fast-check';
import { computeHealthReport, durationStats, isSuppressed, MIN_GROUP, type HealthEvent, type HealthFacts } from '../../../src/domain/asyncHealth';
import { createdDetail } from '../../../src/domain/eventDetail';
import { isShiftDay, type WorkSchedule } from '../../../src/domain/workSchedule';
import { addDays, localDateOf, localInstant } from '../../../src/time';
import { EXPECTED, FROM, scenarioEvents, TO, ZONES } from '../../harness/healthScenario';

const HOUR = 3600_000;
const schedule = (tz: string, over: Partial<WorkSchedule> = {}): WorkSchedule => ({ tz, startMinute: 540, endMinute: 1020, workingDays: 0b0111110, awayUntil: null, ...over });
const scenarioSchedules = () => new Map(Object.entries(ZONES).map(([u, tz]) => [u, schedule(tz)]));

function scenarioFacts(): HealthFacts {
  return { period: { from: FROM, to: TO }, ...scenarioEvents(), schedules: scenarioSchedules() };
}

describe('computeHealthReport on the hand-computed fixture', () => {
  const report = computeHealthReport(scenarioFacts());

  it('team figures', () => {
    expect(report.team).toEqual(EXPECTED.team);
  });

  it('each person’s own figures, ordered by id and never by a figure', () => {
    expect(report.people.map((p) => p.userId)).toEqual(['U1', 'U2', 'U3', 'U4', 'U5', 'U6']);
    for (const [userId, figures] of Object.entries(EXPECTED.people)) expect(report.people.find((p) => p.userId === userId)).toEqual(figures);
  });

  it('weekly series: a week whose group is too small shows `suppressed`, not zeros', () => {
    expect(report.weeks).toEqual(EXPECTED.weeks);
  });

  it('zone pairs that wait longest, only for groups of five or more', () => {
    expect(report.zonePairs).toEqual(EXPECTED.zonePairs);
    expect(report.zonePairsSuppressed).toBe(EXPECTED.zonePairsSuppressed);
  });

  it('gives the same figures whether or not events after the period are passed in', () => {
    const facts = scenarioFacts();
    expect(computeHealthReport({ ...facts, ...scenarioEvents(TO.getTime()) })).toEqual(report);
  });
});

describe('privacy: groups smaller than five', () => {
  it('suppresses every team aggregate of four people, but each person still has their own figures', () => {
    const facts = scenarioFacts();
    const four = new Set(['U1', 'U2', 'U3', 'U4']);
    const events = facts.events.filter((e) => {
      const d = e.kind === 'created' ? (JSON.parse(e.detail!) as { recipients: string[] }) : null;
      return four.has(e.actorId) && (!d || d.recipients.every((r) => four.has(r)));
    });
    const r = computeHealthReport({ ...facts, events, deflections: facts.deflections.filter((d) => four.has(d.userId)) });
    expect(MIN_GROUP).toBe(5);
    expect(r.team).toEqual({ suppressed: true });
    expect(r.weeks.every((w) => isSuppressed(w.timeToUnblock) && isSuppressed(w.meetings))).toBe(true);
    expect(r.zonePairs).toEqual([]);
    expect(r.people.map((p) => p.userId)).toEqual(['U1', 'U2', 'U3', 'U4']);
    expect(r.people.find((p) => p.userId === 'U1')!.timeToUnblock).toEqual({ count: 2, medianMs: 4 * HOUR, p90Ms: 5 * HOUR });
  });

  it('an empty period has no team figures to show and one week of suppressed points per week', () => {
    const r = computeHealthReport({ period: { from: FROM, to: TO }, events: [], deflections: [], schedules: new Map() });
    expect(r.team).toEqual({ suppressed: true });
    expect(r.people).toEqual([]);
    expect(r.weeks.map((w) => [w.weekStart, isSuppressed(w.resolved), isSuppressed(w.timeToUnblock)])).toEqual([
      ['2027-03-01', true, true],
      ['2027-03-08', true, true],
    ]);
  });

  it('weeks are the period’s own: Tokyo’s Monday 00:00 (Sunday 15:00 UTC) to the next is one week, not two UTC ones', () => {
    // Tokyo's week of Mon 8 March 2027: Sun 7 March 15:00 UTC to Sun 14 March 15:00 UTC.
    const period = { from: new Date('2027-03-07T15:00:00Z'), to: new Date('2027-03-14T15:00:00Z') };
    const facts = { events: [], deflections: [], schedules: new Map() };
    expect(computeHealthReport({ period: { ...period, tz: 'Asia/Tokyo' }, ...facts }).weeks.map((w) => w.weekStart)).toEqual(['2027-03-08']);
    // Without a zone the same period is cut into two UTC weeks.
    expect(computeHealthReport({ period, ...facts }).weeks.map((w) => w.weekStart)).toEqual(['2027-03-01', '2027-03-08']);
  });
});

describe('privacy: each team figure is guarded by the people behind it, not by the team', () => {
  const WEEK2 = { from: new Date('2027-03-08T00:00:00Z'), to: TO };
  const deflection = (userId: string, iso: string, outcome: string) => ({ userId, outcome, createdAt: new Date(iso).getTime() });

  it('a week of six people: the one person prompted and the two held are not shown; the counts of five are', () => {
    const r = computeHealthReport({ ...scenarioFacts(), period: WEEK2 });
    if (isSuppressed(r.team)) throw new Error('the team of six is shown');
    expect(r.team.people).toBe(6);
    // Only U2 was prompted (U1's prompt failed): a count of one person's meetings.
    expect(r.team.meetings).toEqual({ suppressed: true });
    // H11 held for U6, H8 for U1: three people short.
    expect(r.team.nightPingsAvoided).toEqual({ suppressed: true });
    // Created by and for U1–U5; answered between U1 U3 U4 U5 U6: five people each.
    expect(r.team.created).toBe(5);
    expect(r.team.resolved).toBe(3);
  });

  it('meetings and night pings are shown once five people are behind them', () => {
    const facts = scenarioFacts();
    const deflections = [...facts.deflections, ...['U3', 'U4', 'U5', 'U6'].map((u, i) => deflection(u, `2027-03-1${i}T11:00:00Z`, i === 0 ? 'kept' : 'dismissed'))];
    // H8 held for U1 and three more (U2, U3, U4); with U6 (H11), five people.
    const events = facts.events.map((e) => (e.handoffId === 8 && e.kind === 'created' ? { ...e, detail: createdDetail(['U1'], false, ['U1', 'U2', 'U3', 'U4']) } : e));
    const r = computeHealthReport({ ...facts, period: WEEK2, events, deflections });
    if (isSuppressed(r.team)) throw new Error('the team of six is shown');
    expect(r.team.meetings).toEqual({ proposed: 5, converted: 1, keptWithAgenda: 1, dismissed: 3 });
    expect(r.team.nightPingsAvoided).toBe(5);
  });

  it('asks made and answered between two people of a team of seven show no count of them', () => {
    const at = (iso: string) => new Date(iso).getTime();
    const r = computeHealthReport({
      period: WEEK2,
      events: [
        { handoffId: 1, kind: 'created', actorId: 'U1', toState: 'open', detail: createdDetail(['U2'], false), at: at('2027-03-08T10:00:00Z') },
        { handoffId: 1, kind: 'done', actorId: 'U2', toState: 'done', detail: null, at: at('2027-03-08T12:00:00Z') },
      ],
      // Five others prompted: enough for the team and for its meetings, not for the asks of two.
      deflections: ['U3', 'U4', 'U5', 'U6', 'U7'].map((u) => deflection(u, '2027-03-09T11:00:00Z', 'converted')),
      schedules: new Map(),
    });
    if (isSuppressed(r.team)) throw new Error('the team of seven is shown');
    expect(r.team.people).toBe(7);
    expect(r.team.created).toEqual({ suppressed: true });
    expect(r.team.resolved).toEqual({ suppressed: true });
    expect(r.team.timeToUnblock).toEqual({ suppressed: true });
    expect(r.team.resolvedWithinOneWorkingDay).toEqual({ suppressed: true });
    expect(r.team.meetings).toEqual({ proposed: 5, converted: 5, keptWithAgenda: 0, dismissed: 0 });
  });

  it('a one-week report’s team meetings and time to unblock are hidden or shown exactly as that week’s chart point', () => {
    // The weekly DM (team figures) and its chart (the week's point) must never disagree.
    for (const from of [FROM, WEEK2.from]) {
      const r = computeHealthReport({ ...scenarioFacts(), period: { from, to: new Date(from.getTime() + 7 * 24 * HOUR) } });
      if (isSuppressed(r.team)) throw new Error('the team is shown');
      expect(r.weeks).toHaveLength(1);
      expect(r.team.meetings).toEqual(r.weeks[0]!.meetings);
      expect(r.team.timeToUnblock).toEqual(r.weeks[0]!.timeToUnblock);
      expect(r.team.resolved).toEqual(r.weeks[0]!.resolved);
    }
  });
});

describe('zone pairs', () => {
  it('with two pairs of five or more people, the longest median wait comes first, whatever the order of the log or the names', () => {
    const at = (iso: string) => new Date(iso).getTime();
    const events: HealthEvent[] = [];
    let id = 0;
    const ask = (author: string, to: string, askedAt: string, answeredAt: string) => {
      id++;
      events.push(
        { handoffId: id, kind: 'created', actorId: author, toState: 'open', detail: createdDetail([to], false), at: at(askedAt) },
        { handoffId: id, kind: 'done', actorId: to, toState: 'done', detail: null, at: at(answeredAt) },
      );
    };
    // New York → UTC, first in the log and by name: 09:00 in New York (14:00 UTC), answered an hour later.
    const nyPairs: Array<[string, string]> = [
      ['N1', 'B1'],
      ['N2', 'B2'],
      ['N3', 'B1'],
    ];
    for (const [a, b] of nyPairs) ask(a, b, '2027-03-01T14:00:00Z', '2027-03-01T15:00:00Z');
    // UTC → UTC, later in the log: 09:00 to 15:00, six hours.
    const utcPairs: Array<[string, string]> = [
      ['A1', 'B3'],
      ['A2', 'B4'],
      ['A3', 'B3'],
    ];
    for (const [a, b] of utcPairs) ask(a, b, '2027-03-02T09:00:00Z', '2027-03-02T15:00:00Z');
    const schedules = new Map<string, WorkSchedule>([
      ...['N1', 'N2', 'N3'].map((u): [string, WorkSchedule] => [u, schedule('America/New_York')]),
      ...['A1', 'A2', 'A3', 'B1', 'B2', 'B3', 'B4'].map((u): [string, WorkSchedule] => [u, schedule('UTC')]),
    ]);
    const r = computeHealthReport({ period: { from: FROM, to: TO }, events, deflections: [], schedules });
    expect(r.zonePairs).toEqual([
      { fromZone: 'UTC', toZone: 'UTC', people: 5, wait: { count: 3, medianMs: 6 * HOUR, p90Ms: 6 * HOUR } },
      { fromZone: 'America/New_York', toZone: 'UTC', people: 5, wait: { count: 3, medianMs: 1 * HOUR, p90Ms: 1 * HOUR } },
    ]);
    expect(r.zonePairsSuppressed).toBe(0);
  });
});

describe('durationStats', () => {
  it('median of an even count is the mean of the middle two; p90 is the nearest rank', () => {
    expect(durationStats([])).toEqual({ count: 0, medianMs: null, p90Ms: null });
    expect(durationStats([7])).toEqual({ count: 1, medianMs: 7, p90Ms: 7 });
    expect(durationStats([4, 1, 3, 2])).toEqual({ count: 4, medianMs: 3, p90Ms: 4 });
    expect(durationStats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).toEqual({ count: 11, medianMs: 6, p90Ms: 10 });
  });
});

describe('properties of working-time waits', () => {
  const ZONE = fc.constantFrom('UTC', 'Asia/Tokyo', 'America/New_York', 'Europe/Lisbon', 'Asia/Kolkata', 'Pacific/Chatham', 'Australia/Adelaide');
  // Day shifts (no midnight crossing), so every working minute lies on its own shift day.
  const arbSchedule = fc
    .record({ tz: ZONE, start: fc.integer({ min: 0, max: 1380 }), length: fc.integer({ min: 30, max: 600 }), days: fc.integer({ min: 0, max: 127 }) })
    .filter((s) => s.start + s.length < 1440)
    .map((s) => schedule(s.tz, { startMinute: s.start, endMinute: s.start + s.length, workingDays: s.days }));
  const arbInstant = fc.integer({ min: Date.UTC(2027, 0, 1), max: Date.UTC(2027, 11, 31) });

  /** One ask from U1 (schedule `s`) to U2, answered at `answeredAt`, as the only thing in the period. */
  function oneAnswer(s: WorkSchedule, askedAt: number, answeredAt: number) {
    const events: HealthEvent[] = [
      { handoffId: 1, kind: 'created', actorId: 'U1', toState: 'open', detail: createdDetail(['U2'], false), at: askedAt },
      { handoffId: 1, kind: 'done', actorId: 'U2', toState: 'done', detail: null, at: answeredAt },
    ];
    const r = computeHealthReport({
      period: { from: new Date(Date.UTC(2026, 11, 1)), to: new Date(Date.UTC(2029, 0, 1)) },
      events,
      deflections: [],
      schedules: new Map([
        ['U1', s],
        ['U2', s],
      ]),
    });
    return r.people.find((p) => p.userId === 'U1')!.timeToUnblock.medianMs!;
  }

  it('a wait is never negative and never longer than the shifts on working days between ask and answer', () => {
    fc.assert(
      fc.property(arbSchedule, arbInstant, fc.integer({ min: 0, max: 40 * 24 * HOUR }), (s, askedAt, span) => {
        const waited = oneAnswer(s, askedAt, askedAt + span);
        expect(waited).toBeGreaterThanOrEqual(0);
        expect(waited).toBeLessThanOrEqual(span);
        // Only shift days between the two local dates can contribute, each at most its own shift: as long
        // as it really lasts that day (a shift that spans the autumn change of clocks is an hour longer).
        let shiftsMs = 0;
        const last = localDateOf(s.tz, new Date(askedAt + span));
        for (let d = localDateOf(s.tz, new Date(askedAt)); d <= last; d = addDays(d, 1)) {
          if (isShiftDay(s, d)) shiftsMs += localInstant(s.tz, d, s.endMinute).getTime() - localInstant(s.tz, d, s.startMinute).getTime();
        }
        expect(waited).toBeLessThanOrEqual(shiftsMs);
      }),
      { numRuns: 300 },
    );
  });

  it('counts the hour the clocks repeat: a Lisbon shift 00:46–02:00 on 31 Oct 2027 lasts 2 h 14 m (found by the property above)', () => {
    const s = schedule('Europe/Lisbon', { startMinute: 46, endMinute: 120, workingDays: 0b0000001 });
    // Asked before the shift, answered at 01:00:00.001 UTC: 74 minutes and 1 ms of the shift had passed.
    expect(oneAnswer(s, Date.UTC(2027, 9, 30, 12), Date.UTC(2027, 9, 31, 1, 0, 0, 1))).toBe(74 * 60_000 + 1);
    expect(oneAnswer(s, Date.UTC(2027, 9, 30, 12), Date.UTC(2027, 9, 31, 6))).toBe(134 * 60_000);
  });

  it('an ask made and answered on non-working days waits nothing', () => {
    fc.assert(
      fc.property(arbSchedule, arbInstant, fc.nat(1439), fc.nat(1439), fc.nat(6), (s, anchor, m1, m2, extraDays) => {
        // Runs of consecutive non-working local dates, starting at the first at or after `anchor`'s date.
        let d = localDateOf(s.tz, new Date(anchor));
        let guard = 0;
        while (isShiftDay(s, d) && guard++ < 8) d = addDays(d, 1);
        fc.pre(!isShiftDay(s, d));
        let end = d;
        for (let i = 0; i < extraDays && !isShiftDay(s, addDays(end, 1)); i++) end = addDays(end, 1);
        const askedAt = localInstant(s.tz, d, Math.min(m1, m2)).getTime();
        const answeredAt = localInstant(s.tz, end, end === d ? Math.max(m1, m2) : m2).getTime();
        fc.pre(answeredAt >= askedAt);
        expect(oneAnswer(s, askedAt, answeredAt)).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('every duration in a report is a whole, non-negative number of milliseconds', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbInstant, fc.integer({ min: 0, max: 20 * 24 * HOUR }), fc.nat(6), fc.nat(6)), { maxLength: 30 }), arbSchedule, (asks, s) => {
        const events: HealthEvent[] = asks.flatMap(([at, span, a, b], i) => [
          { handoffId: i + 1, kind: 'created', actorId: `U${a}`, toState: 'open', detail: createdDetail([`U${b}`], false), at },
          { handoffId: i + 1, kind: 'done', actorId: `U${b}`, toState: 'done', detail: null, at: at + span },
        ]);
        const r = computeHealthReport({
          period: { from: new Date(Date.UTC(2027, 0, 1)), to: new Date(Date.UTC(2028, 0, 1)) },
          events,
          deflections: [],
          schedules: new Map([['U0', s]]),
        });
        const stats = [
          ...r.people.map((p) => p.timeToUnblock),
          ...r.weeks.flatMap((w) => (isSuppressed(w.timeToUnblock) ? [] : [w.timeToUnblock])),
          ...r.zonePairs.map((z) => z.wait),
          ...(isSuppressed(r.team) || isSuppressed(r.team.timeToUnblock) ? [] : [r.team.timeToUnblock]),
        ];
        for (const st of stats) {
          for (const v of [st.medianMs, st.p90Ms]) {
            if (st.count === 0) expect(v).toBeNull();
            else {
              expect(Number.isInteger(v)).toBe(true);
              expect(v).toBeGreaterThanOrEqual(0);
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
