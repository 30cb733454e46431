/**
 * The async-health picture as SVG: week by week, the median time to unblock (bar, working hours,
 * with a tick at p90) and the meetings proposed, split by what became of them. A week whose group
 * is under five people shows a grey "–", never a zero bar. Hand-built (a few rects and texts): no
 * charting library to keep, and the output is the same on every machine.
 */
import { isSuppressed, type HealthReport, type MeetingFigures, type WeekPoint } from '../domain/asyncHealth';
import { workingTime } from './healthFormat';
import { periodLabel } from './healthSummary';

export const CHART_WIDTH = 960;
export const CHART_HEIGHT = 560;

const FONT = `font-family="DejaVu Sans, Arial, Helvetica, sans-serif"`;
const COLOURS = { bar: '#3b6fd8', p90: '#1d2f57', converted: '#2e9d5b', kept: '#e0a526', dismissed: '#b5bac4', axis: '#5b6270', grid: '#e6e8ec', muted: '#9aa0aa' };

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number): string => (Math.round(v * 10) / 10).toString();

function text(x: number, y: number, s: string, opts: { size?: number; anchor?: 'start' | 'middle' | 'end'; fill?: string; weight?: 'bold' } = {}): string {
  return `<text x="${n(x)}" y="${n(y)}" ${FONT} font-size="${opts.size ?? 12}" text-anchor="${opts.anchor ?? 'start'}" fill="${opts.fill ?? COLOURS.axis}"${opts.weight ? ` font-weight="${opts.weight}"` : ''}>${xml(s)}</text>`;
}

const rect = (x: number, y: number, w: number, h: number, fill: string): string =>
  `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, w))}" height="${n(Math.max(0, h))}" fill="${fill}"/>`;

/** A round top for the axis: 1, 2, 5 × 10ⁿ at or above `max`. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max)!;
}

interface Panel {
  top: number;
  height: number;
  left: number;
  width: number;
}

function axis(p: Panel, max: number, label: (v: number) => string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = p.top + p.height - (p.height * i) / 4;
    out.push(`<line x1="${p.left}" y1="${n(y)}" x2="${p.left + p.width}" y2="${n(y)}" stroke="${i === 0 ? COLOURS.axis : COLOURS.grid}" stroke-width="1"/>`);
    out.push(text(p.left - 8, y + 4, label(v), { anchor: 'end', size: 11 }));
  }
  return out;
}

function weekLabels(p: Panel, weeks: readonly WeekPoint[], slot: number): string[] {
  // Every label when they fit, else every other one.
  const step = slot >= 48 ? 1 : Math.ceil(48 / slot);
  return weeks.flatMap((w, i) => (i % step === 0 ? [text(p.left + slot * (i + 0.5), p.top + p.height + 16, w.weekStart.slice(5), { anchor: 'middle', size: 11 })] : []));
}

function unblockPanel(p: Panel, weeks: readonly WeekPoint[]): string[] {
  const shown = weeks.flatMap((w) => (isSuppressed(w.timeToUnblock) ? [] : [w.timeToUnblock]));
  const max = niceMax(Math.max(0, ...shown.map((d) => (d.p90Ms ?? 0) / 3_600_000)));
  const slot = p.width / Math.max(1, weeks.length);
  const bar = Math.min(40, slot * 0.6);
  const out = [text(p.left, p.top - 12, 'Time to unblock, median per week (bar) and p90 (tick), working hours of the person waiting', { size: 13, weight: 'bold' })];
  out.push(...axis(p, max, (v) => `${n(v)} h`));
  weeks.forEach((w, i) => {
    const cx = p.left + slot * (i + 0.5);
    const base = p.top + p.height;
    const d = w.timeToUnblock;
    if (isSuppressed(d)) {
      out.push(text(cx, base - 6, '–', { anchor: 'middle', fill: COLOURS.muted, size: 14 }));
      return;
    }
    if (d.medianMs === null || d.p90Ms === null) return;
    const h = (d.medianMs / 3_600_000 / max) * p.height;
    out.push(rect(cx - bar / 2, base - h, bar, h, COLOURS.bar));
    const y90 = base - (d.p90Ms / 3_600_000 / max) * p.height;
    out.push(`<line x1="${n(cx - bar / 2)}" y1="${n(y90)}" x2="${n(cx + bar / 2)}" y2="${n(y90)}" stroke="${COLOURS.p90}" stroke-width="3"/>`);
    out.push(text(cx, base - h - 6, workingTime(d.medianMs), { anchor: 'middle', size: 10, fill: COLOURS.p90 }));
  });
  out.push(...weekLabels(p, weeks, slot));
  return out;
}

const MEETING_PARTS: [keyof MeetingFigures, string, string][] = [
  ['converted', COLOURS.converted, 'turned into handoffs'],
  ['keptWithAgenda', COLOURS.kept, 'kept with an agenda'],
  ['dismissed', COLOURS.dismissed, 'dismissed'],
];

function meetingsPanel(p: Panel, weeks: readonly WeekPoint[]): string[] {
  const shown = weeks.flatMap((w) => (isSuppressed(w.meetings) ? [] : [w.meetings]));
  const max = niceMax(Math.max(0, ...shown.map((m) => m.proposed)));
  const slot = p.width / Math.max(1, weeks.length);
  const bar = Math.min(40, slot * 0.6);
  const out = [text(p.left, p.top - 12, 'Meetings proposed per week, and what became of them', { size: 13, weight: 'bold' })];
  out.push(...axis(p, max, (v) => n(v)));
  weeks.forEach((w, i) => {
    const cx = p.left + slot * (i + 0.5);
    let y = p.top + p.height;
    if (isSuppressed(w.meetings)) {
      out.push(text(cx, y - 6, '–', { anchor: 'middle', fill: COLOURS.muted, size: 14 }));
      return;
    }
    for (const [key, colour] of MEETING_PARTS) {
      const h = (w.meetings[key] / max) * p.height;
      out.push(rect(cx - bar / 2, y - h, bar, h, colour));
      y -= h;
    }
    // "Proposed" also counts prompts not answered yet: the rest of the bar is left open.
    const rest = ((w.meetings.proposed - w.meetings.converted - w.meetings.keptWithAgenda - w.meetings.dismissed) / max) * p.height;
    if (rest > 0) out.push(`<rect x="${n(cx - bar / 2)}" y="${n(y - rest)}" width="${n(bar)}" height="${n(rest)}" fill="none" stroke="${COLOURS.muted}" stroke-dasharray="3 2"/>`);
  });
  out.push(...weekLabels(p, weeks, slot));
  let lx = p.left;
  for (const [, colour, label] of [...MEETING_PARTS, ['proposed', 'none', 'no answer yet'] as const]) {
    out.push(
      colour === 'none'
        ? `<rect x="${lx}" y="${p.top + p.height + 30}" width="12" height="12" fill="none" stroke="${COLOURS.muted}" stroke-dasharray="3 2"/>`
        : rect(lx, p.top + p.height + 30, 12, 12, colour),
    );
    out.push(text(lx + 18, p.top + p.height + 40, label, { size: 11 }));
    lx += 40 + label.length * 6.5;
  }
  return out;
}

/** The weekly chart of a report, as a standalone SVG document; its period's days read in `tz`. */
export function healthChartSvg(r: HealthReport, title: string, tz = 'UTC'): string {
  const left = 70;
  const width = CHART_WIDTH - left - 30;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}">`,
    rect(0, 0, CHART_WIDTH, CHART_HEIGHT, '#ffffff'),
    text(left, 30, `${title}, ${periodLabel(r.period, tz)}`, { size: 17, weight: 'bold', fill: '#1f2430' }),
    ...unblockPanel({ top: 80, height: 170, left, width }, r.weeks),
    ...meetingsPanel({ top: 320, height: 150, left, width }, r.weeks),
    text(left, CHART_HEIGHT - 12, `“–”: fewer than ${r.minGroup} people that week, so not shown. Team totals only; nobody is ranked.`, { size: 11, fill: COLOURS.muted }),
    '</svg>',
  ];
  return parts.join('\n');
}
