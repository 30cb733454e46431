/**
 * Records the first run of the current detector on a newly arrived corpus batch, BEFORE anything is
 * changed or retrained because of it: the honest estimate of how the detector does on wording it has
 * never seen. Appends one row to test/fixtures/deflection/first-runs.md (append-only).
 *
 *   npm run first-run:deflection -- test/fixtures/deflection/train/batch-03.jsonl [more files…]
 *
 * Refuses a batch that already has a row, and refuses the frozen split (scored only by the lead).
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { detectMeetingProposal } from '../src/domain/meetingDetection';
import { committedModel } from '../src/domain/meetingDetection/pipeline';
import { FIRST_RUNS_FILE, FROZEN_DIR, LANGS, readJsonl, toDetectionInput } from './deflection/corpus';
import { score, scoreBy, TABLE_HEADER, tableRow, type Scores } from './deflection/scoring';

const HEADER = `# First runs of the meeting detector on new corpus batches

Each row is the detector as committed at the time, run once on a batch it had never seen, before any
rule, feature or retraining informed by that batch. Append-only: rows are never edited or removed.
Per-language cells are precision / recall. Written by \`npm run first-run:deflection\`.

| batch | recorded | detector | n | TP | FP | FN | TN | precision | recall | en | es | de | fr | pt |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
`;

const TABLE_HEAD = `| batch | recorded | detector | n | TP | FP | FN | TN | precision | recall | en | es | de | fr | pt |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
`;

const f2 = (x: number): string => x.toFixed(2);

export function recordedBatches(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*([^|]+?)\s*\|\s*\d{4}-\d\d-\d\d/.exec(line);
    if (m?.[1]) names.add(m[1]);
  }
  return names;
}

function detectorCommit(): string {
  const root = path.join(__dirname, '..');
  // The last commit that touched the detector (a later merge of corpus batches does not change it).
  const sha = execSync('git log -1 --format=%h -- src/domain/meetingDetection', { cwd: root }).toString().trim();
  const dirty = execSync('git status --porcelain -- src/domain/meetingDetection', { cwd: root }).toString().trim() !== '';
  return dirty ? `${sha}+uncommitted` : sha;
}

function main(files: string[]): void {
  if (files.length === 0) throw new Error('Name the batch file(s) to score, e.g. test/fixtures/deflection/train/batch-03.jsonl');
  const existing = fs.existsSync(FIRST_RUNS_FILE) ? fs.readFileSync(FIRST_RUNS_FILE, 'utf8') : HEADER;
  const done = recordedBatches(existing);
  const rows: string[] = [];
  const commit = detectorCommit();
  const today = new Date().toISOString().slice(0, 10);
  for (const file of files) {
    if (path.resolve(file).startsWith(path.resolve(FROZEN_DIR))) throw new Error('The frozen split is not scored here.');
    const messages = readJsonl(file);
    const batch = [...new Set(messages.map((m) => m.batch))].join('+') || path.basename(file, '.jsonl');
    if (done.has(batch)) throw new Error(`${batch} already has a first run in ${path.relative(process.cwd(), FIRST_RUNS_FILE)}; first runs are recorded once.`);
    // A model that has seen the batch cannot give its first run (train:deflection reads every file present).
    const trainedOn = ((committedModel().data.meta.trainedOn ?? {}) as { batches?: string[] }).batches ?? [];
    if (trainedOn.includes(batch)) throw new Error(`The committed model was trained on ${batch}: its first run can no longer be measured.`);
    const results = messages.map((m) => ({ m, label: m.label, predicted: detectMeetingProposal(toDetectionInput(m)).isProposal }));
    const all = score(results);
    const perLang = new Map(scoreBy(results, (r) => r.m.lang, LANGS));
    const cell = (s: Scores | undefined) => (s ? `${f2(s.precision)} / ${f2(s.recall)}` : '–');
    rows.push(
      `| ${batch} | ${today} | ${commit} | ${all.n} | ${all.tp} | ${all.fp} | ${all.fn} | ${all.tn} | ${f2(all.precision)} | ${f2(all.recall)} | ${LANGS.map((l) => cell(perLang.get(l))).join(' | ')} |`,
    );
    console.log(`First run on ${batch} (detector ${commit})`);
    console.log(TABLE_HEADER);
    console.log(tableRow('overall', all));
    for (const [lang, s] of perLang) console.log(tableRow(lang, s));
    for (const [cat, s] of scoreBy(results, (r) => `${r.label ? '+' : '-'} ${r.m.category}`)) console.log(tableRow(cat, s));
    done.add(batch);
  }
  // After a note or section below the last table, a new table starts, so the rows render as one.
  const lastLine = existing.trimEnd().split('\n').pop() ?? '';
  const header = rows.length > 0 && !lastLine.startsWith('|') ? `\n${TABLE_HEAD}` : '';
  fs.writeFileSync(FIRST_RUNS_FILE, existing + header + rows.map((r) => `${r}\n`).join(''));
  console.log(`\nAppended ${rows.length} row(s) to ${path.relative(process.cwd(), FIRST_RUNS_FILE)}`);
}

if (require.main === module) main(process.argv.slice(2));
