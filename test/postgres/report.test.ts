/**
 * `handoff report` on both backends: the hand-computed fixture seeded through the Store, then the
 * command's CSV, JSON, text and PNG (a real PNG: signature, IHDR size, more than a few KB).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli';
import { openSqlite } from '../../src/db/open';
import { openPgStore } from '../../src/db/pg/store';
import type { Store } from '../../src/db/store';
import { CHART_HEIGHT, CHART_WIDTH } from '../../src/views/healthChart';
import { PRIVACY_NOTE } from '../../src/views/healthSummary';
import { EXPECTED, seedScenario, TEAM } from '../harness/healthScenario';
import { createTestDatabase, postgresRun, type TestDatabase } from './support/databases';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PERIOD = ['--team', TEAM, '--from', '2027-03-01', '--to', '2027-03-14'];

interface Seeded {
  url: string;
  drop(): Promise<void>;
}

async function seededSqlite(): Promise<Seeded> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-report-'));
  const file = path.join(dir, 'handoff.db');
  const { store } = openSqlite(file);
  await seed(store);
  return { url: `file:${file}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function seededPostgres(): Promise<Seeded> {
  const database: TestDatabase = await createTestDatabase();
  await seed(await openPgStore(database.url));
  return { url: database.url, drop: () => database.drop() };
}

async function seed(store: Store): Promise<void> {
  try {
    await seedScenario(store);
  } finally {
    await store.close();
  }
}

const BACKENDS = [
  { name: 'sqlite', skip: false, open: seededSqlite },
  { name: 'postgres', skip: postgresRun() === null, open: seededPostgres },
];

for (const backend of BACKENDS) {
  (backend.skip ? describe.skip : describe)(`handoff report [${backend.name}]`, () => {
    let db: Seeded;
    let dir: string;
    beforeAll(async () => {
      db = await backend.open();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-report-out-'));
    });
    afterAll(async () => {
      await db.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const report = (...args: string[]) => runCli(['report', ...PERIOD, ...args], { env: { DATABASE_URL: db.url } });

    it('CSV: the hand-computed team figures, one a line, and "suppressed" where a group is too small', async () => {
      const r = await report('--format', 'csv');
      expect(r.exitCode).toBe(0);
      const lines = r.out.split('\n');
      expect(lines[0]).toBe('scope,key,metric,value');
      for (const line of [
        'team,,people,6',
        'team,,created,10',
        'team,,resolved,8',
        'team,,time_to_unblock_count,8',
        'team,,time_to_unblock_median_hours,4.00',
        'team,,time_to_unblock_p90_hours,20.00',
        'team,,resolved_within_one_working_day_share,0.7500',
        // Three pings, two people (U6, U1): not shown.
        'team,,night_pings_avoided,suppressed',
        'team,,meetings_proposed,6',
        'team,,meetings_converted,3',
        'team,,meetings_kept_with_agenda,1',
        'team,,meetings_dismissed,2',
        'zone_pair,UTC -> UTC,wait_median_hours,3.00',
        'zone_pair,,pairs_suppressed,2',
        'week,2027-03-01,time_to_unblock_median_hours,8.00',
        'week,2027-03-08,time_to_unblock_median_hours,3.00',
        'week,2027-03-08,meetings,suppressed',
      ])
        expect(lines).toContain(line);
      // Team aggregates only: nobody's own figures unless asked for.
      expect(lines.filter((l) => l.startsWith('person,'))).toEqual([]);
    });

    it('JSON: the same figures as the domain computes, and one person’s own only with --person', async () => {
      const r = await report('--format', 'json', '--person', 'U6');
      expect(r.exitCode).toBe(0);
      const doc = JSON.parse(r.out) as Record<string, unknown>;
      expect(doc).toMatchObject({ teamId: TEAM, from: '2027-03-01T00:00:00.000Z', to: '2027-03-15T00:00:00.000Z', minGroup: 5, privacy: PRIVACY_NOTE });
      expect(doc.team).toEqual(EXPECTED.team);
      expect(doc.weeks).toEqual(EXPECTED.weeks);
      expect(doc.zonePairs).toEqual(EXPECTED.zonePairs);
      expect(doc.person).toEqual(EXPECTED.people.U6);
    });

    it('text: the summary with the privacy rule', async () => {
      const r = await report();
      expect(r.exitCode).toBe(0);
      expect(r.out).toContain('Time to unblock (working hours of the person waiting): median 4 h, p90 20 h (8 answered)');
      expect(r.out).toContain(PRIVACY_NOTE);
    });

    it('PNG: a real PNG of the chart’s size, to a file or as bytes for standard output', async () => {
      const out = path.join(dir, 'health.png');
      const written = await report('--format', 'png', '--out', out);
      expect(written).toEqual({ exitCode: 0, out: `Wrote ${out} (png, 2027-03-01 to 2027-03-14).` });
      const png = fs.readFileSync(out);
      const stdout = await report('--format', 'png');
      expect(stdout.exitCode).toBe(0);
      expect(stdout.bytes!.equals(png)).toBe(true);
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
      expect(png.length).toBeGreaterThan(10_000);
    });

    it('refuses an unknown workspace, a bad date, a reversed period and an unknown format', async () => {
      const env = { DATABASE_URL: db.url };
      expect(await runCli(['report', '--team', 'T0NONE', '--from', '2027-03-01', '--to', '2027-03-02'], { env })).toEqual({
        exitCode: 1,
        out: 'No workspace T0NONE in this database.',
      });
      expect((await runCli(['report', '--team', TEAM, '--from', '2027-02-30', '--to', '2027-03-02'], { env })).out).toMatch(/^Error: --from must be a date as YYYY-MM-DD/);
      expect((await runCli(['report', '--team', TEAM, '--from', '2027-03-02', '--to', '2027-03-01'], { env })).out).toMatch(/^Error: --to must not be before --from/);
      expect((await runCli(['report', ...PERIOD, '--format', 'pdf'], { env })).exitCode).toBe(2);
    });
  });
}
