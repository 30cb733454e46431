/**
 * Case accounting for the reliability suite. Each test says how many cases it ran and how many
 * failed; `npm run test:reliability` (scripts/reliability-summary.ts) collects these lines through
 * RELIABILITY_RECORD and prints the summary table. Under plain `npm test` nothing is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';

export type Category = 'fuzz' | 'security' | 'faults' | 'crash' | 'deploy';

export interface CaseRecord {
  category: Category;
  file: string;
  test: string;
  cases: number;
  failed: number;
}

/** A number a test measured (a latency, a memory peak), printed under the summary table. */
export interface MeasurementRecord {
  kind: 'measurement';
  category: Category;
  file: string;
  test: string;
  name: string;
  value: number;
  unit: string;
}

function currentTestName(): string {
  return expect.getState().currentTestName ?? 'unknown test';
}

export function recordCases(category: Category, cases: number, failed: number): void {
  const out = process.env.RELIABILITY_RECORD;
  if (!out) return;
  const rec: CaseRecord = { category, file: path.basename(expect.getState().testPath ?? ''), test: currentTestName(), cases, failed };
  fs.appendFileSync(out, `${JSON.stringify(rec)}\n`);
}

/** Records a measurement for the summary (and logs it, so a plain jest run shows it too). */
export function recordMeasurement(category: Category, name: string, value: number, unit: string): void {
  const rounded = Math.round(value * 10) / 10;
  console.log(`${currentTestName()}: ${name} = ${rounded} ${unit}`);
  const out = process.env.RELIABILITY_RECORD;
  if (!out) return;
  const rec: MeasurementRecord = { kind: 'measurement', category, file: path.basename(expect.getState().testPath ?? ''), test: currentTestName(), name, value: rounded, unit };
  fs.appendFileSync(out, `${JSON.stringify(rec)}\n`);
}

/**
 * Runs many named cases inside one test, keeps going after a failure, and fails the test at the
 * end with every failing case listed — one broken route must not hide the others.
 */
export class CaseLog {
  private ran = 0;
  private readonly failures: string[] = [];
  private readonly labels: string[] = [];

  constructor(private readonly category: Category) {}

  async check(label: string, fn: () => void | Promise<void>): Promise<void> {
    this.ran += 1;
    this.labels.push(label);
    try {
      await fn();
    } catch (e) {
      this.failures.push(`${label}: ${e instanceof Error ? e.message.split('\n').slice(0, 12).join('\n') : String(e)}`);
    }
  }

  get count(): number {
    return this.ran;
  }

  /** Records the counts and throws if any case failed. Call once, at the end of the test. */
  finish(): void {
    recordCases(this.category, this.ran, this.failures.length);
    if (process.env.RELIABILITY_VERBOSE) console.log(`${currentTestName()}\n  ${this.labels.join('\n  ')}`);
    if (this.failures.length > 0) {
      throw new Error(`${this.failures.length} of ${this.ran} cases failed:\n\n${this.failures.slice(0, 15).join('\n\n')}`);
    }
    if (this.ran === 0) throw new Error('no cases ran');
  }
}

/** fc.check for an async property: records numRuns, then fails the test with fast-check's report. */
export async function checkProperty<Ts extends [unknown, ...unknown[]]>(category: Category, property: fc.IAsyncProperty<Ts>, params: fc.Parameters<Ts>): Promise<number> {
  const details = await fc.check(property, params);
  recordCases(category, details.numRuns, details.failed ? 1 : 0);
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`${fc.defaultReportMessage(details) ?? 'property failed'}\n\nFailure: ${cause}`);
  }
  if (details.interrupted) throw new Error(`property interrupted after ${details.numRuns} runs`);
  return details.numRuns;
}
