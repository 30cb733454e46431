/**
 * Evaluates the meeting-deflection detector. Four separate reports:
 *
 *   (a) cross-validated figures on the training corpus (legacy + train batches): folds grouped by
 *       batch, the model retrained for every fold, the full pipeline (rules, guards, model) scored on
 *       the fold it never saw; overall, per language, per category, per batch; then every
 *       misclassified training message, so errors are inspected rather than hidden;
 *   (b) each frozen test file (test/fixtures/deflection/frozen/*.jsonl), when present, scored on its
 *       own with the committed model: precision, recall, F1 and confusion counts, overall, per language
 *       and per category. Aggregates only: no frozen message is ever printed, so nobody tunes on them.
 *       A file listed in frozen/SEALED is not opened at all ("sealed: not scored") unless the caller
 *       passes `--unseal <name>`: a sealed split gets exactly one run, by the project lead;
 *   (c) per-language and per-category tables inside (a) and (b);
 *   (d) the first-run history (test/fixtures/deflection/first-runs.md).
 *
 *   npm run eval:deflection            all of it
 *   npm run eval:deflection -- --quiet without the list of misclassified training messages
 *   npm run eval:deflection -- --unseal frozen-test-2   also score that sealed split (the lead, once)
 */
import fs from 'node:fs';
import path from 'node:path';
import { detectMeetingProposal, type Detection } from '../src/domain/meetingDetection';
import { committedModel } from '../src/domain/meetingDetection/pipeline';
import { CORPUS_DIR, FIRST_RUNS_FILE, FROZEN_DIR, jsonlFiles, LANGS, loadTrainingCorpus, readJsonl, toDetectionInput, type CorpusMessage } from './deflection/corpus';
import { readSealedList, SEALED_LIST, selectFrozenFiles, splitName, unsealedFromArgs } from './deflection/sealed';
import { crossValidate, DEFAULT_SETTINGS, detectWith } from './deflection/modelling';
import { score, scoreBy, TABLE_HEADER, tableRow } from './deflection/scoring';

interface Judged {
  m: CorpusMessage;
  label: boolean;
  predicted: boolean;
  d: Detection;
}

function tables(title: string, results: readonly Judged[], opts: { batches?: boolean } = {}): void {
  console.log(`\n${title}`);
  console.log(TABLE_HEADER);
  console.log(tableRow('overall', score(results)));
  console.log('-- per language');
  for (const [lang, s] of scoreBy(results, (r) => r.m.lang, LANGS)) console.log(tableRow(lang, s));
  console.log('-- per category (+ proposals: recall matters; - look-alikes: FP count matters)');
  for (const [cat, s] of scoreBy(results, (r) => `${r.label ? '+' : '-'} ${r.m.category}`)) console.log(tableRow(cat, s));
  if (opts.batches) {
    console.log('-- per batch');
    for (const [batch, s] of scoreBy(results, (r) => r.m.batch)) console.log(tableRow(batch, s));
  }
}

function describe(j: Judged): string {
  const m = j.m;
  const meta = [m.subtype && `subtype=${m.subtype}`, m.appName && `app=${m.appName}`, m.threadReply && 'reply'].filter(Boolean);
  const why = j.d.isProposal ? ` -> ${j.d.reason}${j.d.rule ? ` ${j.d.rule}` : ''}: ${JSON.stringify(j.d.why ?? [])}` : '';
  const p = j.d.score !== undefined ? ` p=${j.d.score.toFixed(3)}` : '';
  return `[${m.lang} ${m.batch} ${m.category}]${p} ${JSON.stringify(m.text)}${meta.length ? ` {${meta.join(', ')}}` : ''}${why}${m.note ? `  (${m.note})` : ''}`;
}

function trainingReport(): Judged[] {
  const corpus = loadTrainingCorpus();
  const started = Date.now();
  const cv = crossValidate(corpus, DEFAULT_SETTINGS);
  const judged: Judged[] = cv.decisions.map(({ m, detection }) => ({ m, label: m.label, predicted: detection.isProposal, d: detection }));
  console.log(`(a) Training corpus, ${cv.folds.length}-fold cross-validation grouped by batch (${corpus.length} messages, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  for (const f of cv.folds) console.log(`    fold ${f.fold + 1}: ${f.batches.join(', ')}`);
  console.log(
    `    thresholds: the stricter of precision >= ${DEFAULT_SETTINGS.targetPrecision} on the train-NN batches' out-of-fold scores and >= ${DEFAULT_SETTINGS.allCorpusPrecision} on the whole corpus's: model ${cv.thresholds.threshold.toFixed(4)}, rule ${cv.thresholds.ruleThreshold.toFixed(4)}`,
  );
  console.log('    note: the legacy batches were used to write the rules, so their folds flatter the rules; dx-NN batches were written on this');
  console.log("    branch against the model's weak spots; the train-NN batches (another writer) are the fairest read, shown separately below.");
  tables('Cross-validated, full pipeline (rules + guards + model)', judged, { batches: true });
  tables(
    'Cross-validated, train-NN batches only (another writer; the estimate closest to the frozen split)',
    judged.filter((j) => j.m.source === 'train'),
  );

  // The same folds with the rules alone, to show what the model adds.
  const rulesOnly: Judged[] = cv.decisions.map(({ m }) => {
    const d = detectWith(m, RULES_ONLY);
    return { m, label: m.label, predicted: d.isProposal, d };
  });
  console.log('\nRules alone on the same messages (no model)');
  console.log(TABLE_HEADER);
  console.log(tableRow('overall', score(rulesOnly)));
  for (const [lang, s] of scoreBy(rulesOnly, (r) => r.m.lang, LANGS)) console.log(tableRow(lang, s));

  return judged;
}

/** Misclassified training messages (never frozen ones), last so the tables above stay together. */
function trainingErrors(judged: readonly Judged[]): void {
  const fps = judged.filter((j) => j.predicted && !j.label);
  const fns = judged.filter((j) => !j.predicted && j.label);
  console.log(`\nTraining false positives, cross-validated (${fps.length}):`);
  for (const j of fps) console.log(`  ${describe(j)}`);
  console.log(`\nTraining false negatives, cross-validated (${fns.length}):`);
  for (const j of fns) console.log(`  ${describe(j)}`);
}

const RULES_ONLY = (() => {
  const base = committedModel();
  // Rules fire whatever the model says; the model never fires alone.
  return { data: { ...base.data, threshold: 2, ruleThreshold: 0 }, weights: new Float32Array(base.weights.length) };
})();

function frozenReport(unsealed: readonly string[]): void {
  const files = jsonlFiles(FROZEN_DIR);
  console.log(`\n(b) Frozen test splits (${path.relative(process.cwd(), FROZEN_DIR)}/*.jsonl), committed model, aggregates only, one file at a time`);
  if (files.length === 0) {
    console.log('    not present: no frozen split in this checkout, nothing to score.');
    return;
  }
  const selection = selectFrozenFiles(files, readSealedList(FROZEN_DIR), unsealed);
  const names = new Set(files.map(splitName));
  for (const u of unsealed) if (!names.has(u)) console.log(`    --unseal ${u}: no frozen file of that name.`);
  for (const file of files) {
    const name = splitName(file);
    if (selection.sealed.includes(file)) {
      // Never opened: not read, not parsed, not counted.
      console.log(`\n  ${name}: sealed: not scored (listed in frozen/${SEALED_LIST}; the lead scores it once with --unseal ${name})`);
      continue;
    }
    frozenFileReport(file);
  }
}

function frozenFileReport(file: string): void {
  const name = splitName(file);
  const messages = readJsonl(file);
  const model = committedModel();
  const trainedOn = (model.data.meta.trainedOn ?? {}) as { batches?: string[] };
  const leaked = new Set(messages.map((m) => m.batch).filter((b) => trainedOn.batches?.includes(b)));
  if (leaked.size) console.log(`    WARNING: the committed model was trained on batch(es) ${[...leaked].join(', ')} of ${name}.`);
  const judged: Judged[] = messages.map((m) => {
    const d = detectMeetingProposal(toDetectionInput(m), model);
    return { m, label: m.label, predicted: d.isProposal, d };
  });
  console.log(`\n  ${name}: ${messages.length} messages, ${messages.filter((m) => m.label).length} proposals`);
  tables(`Frozen test split ${name}`, judged);
  const s = score(judged);
  const langs = scoreBy(judged, (r) => r.m.lang, LANGS);
  const worst = langs.reduce((a, b) => (b[1].recall < a[1].recall ? b : a));
  const met = s.precision >= 0.97 && s.recall >= 0.9 && langs.every(([, l]) => l.recall >= 0.85);
  console.log(
    `\nGoal on ${name} (precision >= 0.97, recall >= 0.90, every language recall >= 0.85): ${met ? 'MET' : 'NOT MET'}` +
      ` (precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}, lowest language recall ${worst[0]} ${worst[1].recall.toFixed(3)})`,
  );
}

function historyReport(): void {
  console.log(`\n(d) First runs on new batches (${path.relative(process.cwd(), FIRST_RUNS_FILE)}), before any change they informed`);
  if (!fs.existsSync(FIRST_RUNS_FILE)) {
    console.log('    none recorded yet.');
    return;
  }
  // Everything from the first table on: the rows, and any correction appended below them.
  const lines = fs.readFileSync(FIRST_RUNS_FILE, 'utf8').split('\n');
  const from = lines.findIndex((l) => l.startsWith('|'));
  for (const line of lines.slice(Math.max(from, 0))) if (line.trim() !== '' && !/^\|---/.test(line)) console.log(`    ${line}`);
}

function main(argv: string[]): void {
  const quiet = argv.includes('--quiet');
  console.log(`Meeting-deflection detector evaluation (corpus in ${path.relative(process.cwd(), CORPUS_DIR)})\n`);
  const judged = trainingReport();
  frozenReport(unsealedFromArgs(argv));
  historyReport();
  if (!quiet) trainingErrors(judged);
}

if (require.main === module) main(process.argv.slice(2));
