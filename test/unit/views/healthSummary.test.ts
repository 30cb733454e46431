/** The async-health text, CSV and chart from the hand-computed fixture (test/harness/healthScenario.ts). */
import { computeHealthReport } from '../../../src/domain/asyncHealth';
import { createdDetail } from '../../../src/domain/eventDetail';
import { healthChartOption, healthChartSvg } from '../../../src/views/healthChart';
import { healthCsv, healthJson } from '../../../src/views/healthExport';
import { workingTime } from '../../../src/views/healthFormat';
import { personalHealthText, PRIVACY_NOTE, teamHealthText } from '../../../src/views/healthSummary';
import { homeHealthBlocks } from '../../../src/views/weeklyReport';
import { EXPECTED, FROM, scenarioEvents, TO, ZONES } from '../../harness/healthScenario';

const schedules = new Map(Object.entries(ZONES).map(([u, tz]) => [u, { tz, startMinute: 540, endMinute: 1020, workingDays: 0b0111110, awayUntil: null }]));
const report = computeHealthReport({ period: { from: FROM, to: TO }, ...scenarioEvents(), schedules });

it('team text: the hand-computed figures, the zone pair shown, the pairs not shown, and the privacy rule', () => {
  expect(teamHealthText(report)).toBe(
    [
      '*Async health, 2027-03-01 to 2027-03-14 (UTC days)*',
      '• Handoffs created: 10; answered: 8',
      '• Time to unblock (working hours of the person waiting): median 4 h, p90 20 h (8 answered)',
      '• Answered within one of the recipient’s working days: 75 % (6 of 8)',
      // Three pings held, but for two people (U6, U1): their count is not shown.
      '• Night pings avoided (messages held for working hours): not shown (fewer than 5 people)',
      '• Meetings: 6 proposed, 3 turned into handoffs, 1 kept with an agenda, 2 dismissed',
      '*Longest waits between time zones* (median, working hours of the person waiting)',
      '• UTC → UTC: median 3 h, p90 20 h (5 answered)',
      '_2 pairs of time zones not shown: fewer than 5 people each._',
      `_${PRIVACY_NOTE}_`,
    ].join('\n'),
  );
});

it('personal text: the person’s own figures only', () => {
  const u5 = report.people.find((p) => p.userId === 'U5')!;
  expect(u5).toEqual(EXPECTED.people.U5);
  const text = personalHealthText(u5, report.period);
  expect(text).toContain('• Your time to unblock (your working hours): median 5 h 30 m, p90 8 h (2 answered)');
  expect(text).toContain('• Asks you received: 2; answered: 1, 0 % (0 of 1) within one of your working days');
  expect(text).toContain(PRIVACY_NOTE);
  expect(text).not.toMatch(/U[1-6]/);
});

it('a team under five people says so instead of showing figures', () => {
  const small = computeHealthReport({ period: { from: FROM, to: TO }, events: [], deflections: [], schedules });
  expect(teamHealthText(small)).toContain('Fewer than 5 people took part in this period, so there are no team figures to show.');
  expect(healthCsv(small).split('\n')).toContain('team,,figures,suppressed');
});

it('a week in which two people answered each other shows no count of it; the CSV carries the privacy rule', () => {
  const twoPeople = computeHealthReport({
    period: { from: FROM, to: TO },
    events: [
      { handoffId: 1, kind: 'created', actorId: 'U1', toState: 'open', detail: createdDetail(['U2'], false), at: FROM.getTime() + 3_600_000 },
      { handoffId: 1, kind: 'done', actorId: 'U2', toState: 'done', detail: null, at: FROM.getTime() + 2 * 3_600_000 },
    ],
    deflections: [],
    schedules,
  });
  const csv = healthCsv(twoPeople).split('\n');
  const firstWeek = twoPeople.weeks[0]!.weekStart;
  expect(csv).toContain(`week,${firstWeek},resolved,suppressed`);
  expect(csv.filter((l) => /^week,[^,]*,resolved,\d/.test(l))).toEqual([]);
  expect(csv.at(-1)).toMatch(/^note,,privacy,"?Privacy: each person sees only their own figures/);
  // The full report's weeks, with five or more people, still count.
  expect(
    healthCsv(report)
      .split('\n')
      .some((l) => /^week,[^,]*,resolved,\d+$/.test(l)),
  ).toBe(true);
});

it('the second week: the one person prompted and the two held are hidden alike in the text, App Home, the CSV and the chart', () => {
  const week2 = computeHealthReport({ period: { from: new Date('2027-03-08T00:00:00Z'), to: TO }, ...scenarioEvents(), schedules });
  const text = teamHealthText(week2);
  expect(text).toContain('• Handoffs created: 5; answered: 3');
  expect(text).toContain('• Night pings avoided (messages held for working hours): not shown (fewer than 5 people)');
  expect(text).toContain('• Meetings: not shown (fewer than 5 people)');
  const me = week2.people.find((p) => p.userId === 'U1')!;
  const home = JSON.stringify(homeHealthBlocks({ report: week2, me, getsReport: true, reportLink: null }));
  expect(home).toContain('Team: created 5, answered 3, time to unblock median 3 h, p90 3 h (3 answered); night pings avoided: not shown (fewer than 5 people).');
  const csv = healthCsv(week2).split('\n');
  expect(csv).toEqual(expect.arrayContaining(['team,,created,5', 'team,,night_pings_avoided,suppressed', 'team,,meetings,suppressed', 'week,2027-03-08,meetings,suppressed']));
  expect(csv.filter((l) => /^team,,(meetings_|night_pings_avoided,\d)/.test(l))).toEqual([]);
  expect(JSON.parse(healthJson(week2, 'T1')).team).toMatchObject({ nightPingsAvoided: { suppressed: true }, meetings: { suppressed: true } });
  // The chart's point for the week is the same dash.
  expect(healthChartOption(week2, 'Health').series).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'meetings suppressed', data: [0] })]));
});

it('working time reads in hours, never days', () => {
  expect([workingTime(0), workingTime(45 * 60_000), workingTime(3_600_000), workingTime(20 * 3_600_000 + 30 * 60_000), workingTime(50 * 3_600_000)]).toEqual([
    '0 m',
    '45 m',
    '1 h',
    '20 h 30 m',
    '50 h',
  ]);
});

describe('chart (drawn by ECharts)', () => {
  const svg = healthChartSvg(report, 'Health <&> "team"');
  const option = healthChartOption(report, 'Health');
  const series = option.series as { name: string; type: string; data: unknown[] }[];
  const dataOf = (name: string): unknown[] => series.find((s) => s.name === name)!.data;
  // ECharts' SVG texts: `<text … fill="colour">words</text>`; its own scene classes name the renderer.
  const texts = [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

  it('is ECharts’ SSR output: the title escaped, in DejaVu Sans, with both weeks on both axes', () => {
    expect(svg.startsWith('<svg width="960" height="560" xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('zr0-cls'); // zrender, ECharts' renderer
    expect(texts).toContain('Health &lt;&amp;&gt; &quot;team&quot;, 2027-03-01 to 2027-03-14 (UTC days)');
    expect(svg).not.toContain('<&>');
    expect(svg).toContain('font-family:DejaVu Sans;');
    expect(texts.filter((t) => t === '03-01' || t === '03-08')).toEqual(['03-01', '03-08', '03-01', '03-08']);
    expect(texts).toContain('“–”: fewer than 5 people that week, so not shown. Team totals only; nobody is ranked.');
  });

  it('draws the series’ values: medians 8 h and 3 h labelled, p90 20 h and 3 h, week 1’s meetings stacked 2 + 1 + 2', () => {
    expect(dataOf('median')).toEqual([
      { value: 8, label: expect.any(Object) },
      { value: 3, label: expect.any(Object) },
    ]);
    expect(dataOf('p90')).toEqual([20, 3]);
    expect(texts).toEqual(expect.arrayContaining(['8 h', '3 h', '20 h']));
    expect(dataOf('turned into handoffs')[0]).toBe(2);
    expect(dataOf('kept with an agenda')[0]).toBe(1);
    expect(dataOf('dismissed')[0]).toBe(2);
    expect(dataOf('no answer yet')[0]).toBe(0);
  });

  it('a suppressed week is a dash with no bar, never a zero', () => {
    // Week 2's meetings are suppressed: ECharts' empty value, not 0, in every stacked series.
    for (const name of ['turned into handoffs', 'kept with an agenda', 'dismissed', 'no answer yet']) expect(dataOf(name)[1]).toBe('-');
    expect(dataOf('meetings suppressed')).toEqual(['-', 0]);
    expect(dataOf('unblock suppressed')).toEqual(['-', '-']);
    expect(texts.filter((t) => t === '–')).toHaveLength(1);
    // In the picture: one green bar (week 1) and the legend's swatch, nothing at week 2's place.
    expect(svg.match(/fill="#2e9d5b"/g)).toHaveLength(2);
  });
});
