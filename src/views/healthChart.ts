/**
 * The async-health picture as SVG, drawn by Apache ECharts on the server (its SSR mode: no DOM, no
 * browser): week by week, the median time to unblock (bar, working hours, with a tick at p90) and the
 * meetings proposed, stacked by what became of them. A week whose group is under five people shows a
 * grey "–" and no bar: its value is ECharts' empty '-', never a zero. The only file importing echarts.
 */
import * as echarts from 'echarts';
import { isSuppressed, type HealthReport, type MeetingFigures, type WeekPoint } from '../domain/asyncHealth';
import { workingTime } from './healthFormat';
import { periodLabel } from './healthSummary';

export const CHART_WIDTH = 960;
export const CHART_HEIGHT = 560;

// The rasteriser loads only the repository's fonts (views/rasterise.ts): name that family alone.
const FONT = 'DejaVu Sans';
const COLOURS = {
  bar: '#3b6fd8',
  p90: '#1d2f57',
  converted: '#2e9d5b',
  kept: '#e0a526',
  dismissed: '#b5bac4',
  axis: '#5b6270',
  grid: '#e6e8ec',
  muted: '#9aa0aa',
  title: '#1f2430',
};
const LEFT = 70;
const RIGHT = 30;
const UNBLOCK = { top: 80, height: 170 };
const MEETINGS = { top: 320, height: 150 };
/** ECharts' "no value here": no bar at all, unlike 0. */
const EMPTY = '-';
const HOUR = 3_600_000;

const hours = (ms: number): number => Math.round((ms / HOUR) * 10) / 10;
/** Bars as wide as a week's slot allows (and the p90 tick as wide as its bar). */
const barWidth = (weeks: number): number => Math.round(Math.min(48, ((CHART_WIDTH - LEFT - RIGHT) / Math.max(1, weeks)) * 0.6));
const dash = (suppressed: boolean): number | typeof EMPTY => (suppressed ? 0 : EMPTY);

const MEETING_PARTS: [Exclude<keyof MeetingFigures, 'proposed'>, string, string][] = [
  ['converted', COLOURS.converted, 'turned into handoffs'],
  ['keptWithAgenda', COLOURS.kept, 'kept with an agenda'],
  ['dismissed', COLOURS.dismissed, 'dismissed'],
];
const NO_ANSWER = 'no answer yet';

function axes(weeks: readonly WeekPoint[], gridIndex: number, unit: string): { x: echarts.XAXisComponentOption; y: echarts.YAXisComponentOption } {
  return {
    x: {
      type: 'category',
      gridIndex,
      data: weeks.map((w) => w.weekStart.slice(5)),
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: COLOURS.axis } },
      // ECharts drops labels that would overlap (a long CLI period), keeping a regular interval.
      axisLabel: { color: COLOURS.axis, fontSize: 11, hideOverlap: true },
    },
    y: {
      type: 'value',
      gridIndex,
      splitNumber: 4,
      minInterval: unit === '' ? 1 : 0,
      splitLine: { lineStyle: { color: COLOURS.grid } },
      axisLabel: { color: COLOURS.axis, fontSize: 11, formatter: (v: number) => `${v}${unit}` },
    },
  };
}

/** A grey "–" on the baseline of each suppressed week (a symbol-less point carrying a label). */
function suppressedMarks(name: string, axis: number, flags: boolean[]): echarts.ScatterSeriesOption {
  return {
    name,
    type: 'scatter',
    xAxisIndex: axis,
    yAxisIndex: axis,
    symbolSize: 0,
    silent: true,
    data: flags.map(dash),
    label: { show: true, position: 'top', distance: 2, formatter: '–', color: COLOURS.axis, fontSize: 18, fontWeight: 'bold' },
    // Full strength: ECharts fades scatter labels by default, which made the dash hard to see.
    itemStyle: { opacity: 1 },
  };
}

function unblockSeries(weeks: readonly WeekPoint[]): echarts.SeriesOption[] {
  const stats = weeks.map((w) => (isSuppressed(w.timeToUnblock) ? null : w.timeToUnblock));
  const medianMs = stats.map((d) => d?.medianMs ?? null);
  const width = barWidth(weeks.length);
  // The median's label sits inside the top of its bar (above a p90 tick drawn level with it); a bar
  // too short to hold it gets it above instead, where its p90 tick is then well clear.
  const top = Math.max(0, ...stats.map((d) => d?.p90Ms ?? 0));
  const inside: echarts.BarSeriesOption['label'] = { position: 'insideTop', color: '#ffffff', distance: 4 };
  const above: echarts.BarSeriesOption['label'] = { position: 'top', color: COLOURS.p90, distance: 4 };
  return [
    {
      name: 'median',
      type: 'bar',
      barWidth: width,
      itemStyle: { color: COLOURS.bar },
      data: medianMs.map((ms) => (ms === null ? EMPTY : { value: hours(ms), label: ms >= top * 0.2 ? inside : above })),
      // A year of weeks leaves bars too narrow for words: the axis tells the values then.
      label: { show: width >= 28, fontSize: 10, formatter: (p) => workingTime(medianMs[p.dataIndex] ?? 0) },
      labelLayout: { hideOverlap: true },
    },
    {
      name: 'p90',
      type: 'scatter',
      // A flat dark tick as wide as the bar, like a box plot's whisker.
      symbol: 'rect',
      symbolSize: [width, 3],
      itemStyle: { color: COLOURS.p90 },
      z: 3,
      data: stats.map((d) => (d?.p90Ms == null ? EMPTY : hours(d.p90Ms))),
    },
    suppressedMarks(
      'unblock suppressed',
      0,
      stats.map((d) => d === null),
    ),
  ];
}

function meetingSeries(weeks: readonly WeekPoint[]): echarts.SeriesOption[] {
  const figures = weeks.map((w) => (isSuppressed(w.meetings) ? null : w.meetings));
  const stacked = (name: string, style: echarts.BarSeriesOption['itemStyle'], value: (m: MeetingFigures) => number): echarts.BarSeriesOption => ({
    name,
    type: 'bar',
    stack: 'meetings',
    xAxisIndex: 1,
    yAxisIndex: 1,
    barWidth: barWidth(weeks.length),
    itemStyle: style,
    data: figures.map((m) => (m === null ? EMPTY : value(m))),
  });
  return [
    ...MEETING_PARTS.map(([key, colour, label]) => stacked(label, { color: colour }, (m) => m[key])),
    // "Proposed" also counts prompts not answered yet: the rest of the bar is left open.
    stacked(NO_ANSWER, { color: 'rgba(0,0,0,0)', borderColor: COLOURS.muted, borderType: [3, 2], borderWidth: 1 }, (m) =>
      Math.max(0, m.proposed - m.converted - m.keptWithAgenda - m.dismissed),
    ),
    suppressedMarks(
      'meetings suppressed',
      1,
      figures.map((m) => m === null),
    ),
  ];
}

/** The ECharts option of the chart; exported for tests, which read the series rather than pixels. */
export function healthChartOption(r: HealthReport, title: string, tz = 'UTC'): echarts.EChartsOption {
  const unblock = axes(r.weeks, 0, ' h');
  const meetings = axes(r.weeks, 1, '');
  const heading = (text: string, top: number, size: number, color: string): echarts.TitleComponentOption => ({
    text,
    left: LEFT,
    top,
    padding: 0,
    textStyle: { fontSize: size, fontWeight: size > 12 ? 'bold' : 'normal', color, fontFamily: FONT },
  });
  return {
    // One still frame: no entry animation in the SVG (resvg would not play it anyway).
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT },
    title: [
      heading(`${title}, ${periodLabel(r.period, tz)}`, 16, 17, COLOURS.title),
      heading('Time to unblock, median per week (bar) and p90 (tick), working hours of the person waiting', UNBLOCK.top - 26, 13, COLOURS.axis),
      heading('Meetings proposed per week, and what became of them', MEETINGS.top - 26, 13, COLOURS.axis),
      heading(`“–”: fewer than ${r.minGroup} people that week, so not shown. Team totals only; nobody is ranked.`, CHART_HEIGHT - 24, 11, COLOURS.muted),
    ],
    legend: {
      left: LEFT,
      top: MEETINGS.top + MEETINGS.height + 28,
      itemWidth: 12,
      itemHeight: 12,
      // ECharts measures text with its own estimate in SSR; DejaVu Sans is wider: room to spare.
      itemGap: 36,
      textStyle: { color: COLOURS.axis, fontSize: 11 },
      data: [...MEETING_PARTS.map(([, , label]) => label), NO_ANSWER],
    },
    grid: [
      { left: LEFT, right: RIGHT, top: UNBLOCK.top, height: UNBLOCK.height },
      { left: LEFT, right: RIGHT, top: MEETINGS.top, height: MEETINGS.height },
    ],
    xAxis: [unblock.x, meetings.x],
    yAxis: [unblock.y, meetings.y],
    series: [...unblockSeries(r.weeks), ...meetingSeries(r.weeks)],
  };
}

/** The weekly chart of a report, as a standalone SVG document; its period's days read in `tz`. */
export function healthChartSvg(r: HealthReport, title: string, tz = 'UTC'): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    chart.setOption(healthChartOption(r, title, tz));
    return chart.renderToSVGString();
  } finally {
    // SSR instances hold their scene until disposed: one chart per call, none kept.
    chart.dispose();
  }
}
