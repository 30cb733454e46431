/**
 * `npm run test:reliability`: runs the reliability suite (test/reliability: fuzz, security, faults,
 * crash, deploy) with jest and prints a summary table — per category the tests, the cases they ran (generated
 * inputs, request variants, kills…), and how many passed and failed. Extra arguments go to jest.
 *
 *   npm run test:reliability
 *   FUZZ_RUNS=2000 FUZZ_SEED=7 npm run test:reliability -- -t fuzz
 *
 * Exits with jest's exit code.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CaseRecord, MeasurementRecord } from '../test/reliability/support/cases';

interface JestAssertion {
  fullName: string;
  status: 'passed' | 'failed' | 'pending' | 'skipped' | 'todo' | 'disabled';
}
interface JestFile {
  name: string;
  status: string;
  message: string;
  assertionResults: JestAssertion[];
}
interface JestReport {
  testResults: JestFile[];
}

const CATEGORIES = ['fuzz', 'security', 'faults', 'crash', 'deploy'] as const;

interface Row {
  tests: number;
  cases: number;
  passed: number;
  failed: number;
}

export function summarise(report: JestReport, records: CaseRecord[]): Map<string, Row> {
  const rows = new Map<string, Row>(CATEGORIES.map((c) => [c, { tests: 0, cases: 0, passed: 0, failed: 0 }]));
  for (const file of report.testResults) {
    const base = path.basename(file.name);
    const category = CATEGORIES.find((c) => base.startsWith(c)) ?? base.replace(/\.test\.ts$/, '');
    const row = rows.get(category) ?? { tests: 0, cases: 0, passed: 0, failed: 0 };
    rows.set(category, row);
    if (file.assertionResults.length === 0 && file.status === 'failed') {
      // The file did not even load (or a hook failed before any test): one failed case.
      row.tests += 1;
      row.cases += 1;
      row.failed += 1;
      continue;
    }
    for (const a of file.assertionResults) {
      if (a.status !== 'passed' && a.status !== 'failed') continue;
      const mine = records.filter((r) => r.file === base && r.test === a.fullName);
      const cases = mine.reduce((n, r) => n + r.cases, 0);
      let failed = mine.reduce((n, r) => n + r.failed, 0);
      // A test that failed outside its recorded cases (an assertion after them, a timeout) counts one more.
      if (a.status === 'failed' && failed === 0) failed = 1;
      const total = Math.max(cases, failed, 1);
      row.tests += 1;
      row.cases += total;
      row.failed += failed;
      row.passed += total - failed;
    }
  }
  return rows;
}

export function table(rows: Map<string, Row>): string {
  const header = ['category', 'tests', 'cases', 'passed', 'failed'];
  const body = [...rows].map(([c, r]) => [c, r.tests, r.cases, r.passed, r.failed].map(String));
  const total = [...rows.values()].reduce((t, r) => ({ tests: t.tests + r.tests, cases: t.cases + r.cases, passed: t.passed + r.passed, failed: t.failed + r.failed }), {
    tests: 0,
    cases: 0,
    passed: 0,
    failed: 0,
  });
  const all = [header, ...body, ['total', total.tests, total.cases, total.passed, total.failed].map(String)];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...body.map(line), line(all.at(-1)!)].join('\n');
}

/** What the tests measured (e.g. /healthz latency under a flood), one line each, under the table. */
export function measurements(records: MeasurementRecord[]): string {
  if (records.length === 0) return '';
  const lines = records.map((m) => `- ${m.file}: ${m.name} = ${m.value} ${m.unit}`);
  return `Measured\n\n${lines.join('\n')}\n`;
}

function main(): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-reliability-'));
  const recordFile = path.join(dir, 'cases.jsonl');
  const reportFile = path.join(dir, 'jest.json');
  fs.writeFileSync(recordFile, '');
  const started = Date.now();
  const jest = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), 'test/reliability', '--json', `--outputFile=${reportFile}`, ...process.argv.slice(2)], {
    cwd: path.resolve(__dirname, '..'),
    stdio: 'inherit',
    env: { ...process.env, RELIABILITY_RECORD: recordFile },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!fs.existsSync(reportFile)) {
    console.error('jest wrote no report; see its output above.');
    return jest.status ?? 1;
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as JestReport;
  const lines = fs
    .readFileSync(recordFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CaseRecord | MeasurementRecord);
  const records = lines.filter((r): r is CaseRecord => !('kind' in r));
  const measured = lines.filter((r): r is MeasurementRecord => 'kind' in r && r.kind === 'measurement');
  console.log(`\nReliability suite (${seconds} s)\n\n${table(summarise(report, records))}\n`);
  const extra = measurements(measured);
  if (extra) console.log(extra);
  fs.rmSync(dir, { recursive: true, force: true });
  return jest.status ?? 1;
}

if (require.main === module) process.exit(main());
