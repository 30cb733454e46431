/** The weekly chart drawn in a worker thread (src/views/chartThread.ts). */
import { computeHealthReport, type HealthReport } from '../../../src/domain/asyncHealth';
import { healthChartPngOffThread } from '../../../src/views/chartThread';
import { FROM, scenarioEvents, TO, ZONES } from '../../harness/healthScenario';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const schedules = new Map(Object.entries(ZONES).map(([u, tz]) => [u, { tz, startMinute: 540, endMinute: 1020, workingDays: 0b0111110, awayUntil: null }]));
const report = computeHealthReport({ period: { from: FROM, to: TO }, ...scenarioEvents(), schedules });
/** The PNG's own width and height (its IHDR chunk). */
const size = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];

describe('the chart thread', () => {
  it('draws charts sent at once, each answered with its own PNG', async () => {
    const titles = ['One', 'Two', 'Three'];
    const pngs = await Promise.all(titles.map((t, i) => healthChartPngOffThread(report, t, i === 2 ? 'Asia/Tokyo' : 'UTC')));
    for (const png of pngs) {
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(size(png)).toEqual([960, 560]);
    }
    // Different titles draw different pictures: no answer went to another caller.
    expect(new Set(pngs.map((p) => p.toString('base64'))).size).toBe(3);
  });

  it('a chart that cannot be drawn fails with the reason, and the next one is drawn', async () => {
    const broken = { ...report, weeks: null } as unknown as HealthReport;
    await expect(healthChartPngOffThread(broken, 'Broken', 'UTC')).rejects.toThrow(/^chart not drawn: /);
    const png = await healthChartPngOffThread(report, 'After', 'UTC');
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });
});
