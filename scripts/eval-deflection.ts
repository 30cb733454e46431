/**
 * Evaluates the meeting-deflection detector on the labelled set.
 *
 *   npx tsx scripts/eval-deflection.ts
 *
 * Prints TP/FP/FN/TN, precision, recall and F1 overall and per language, then per batch (the
 * development set and each held-out batch, see LabelledMessage.split) with a per-language breakdown
 * of the held-out batches, then every misclassified message so errors can be inspected rather than
 * hidden. Current numbers on a held-out batch are optimistic once it has been tuned on: the honest
 * generalisation estimate is its FIRST run, recorded below and printed next to the current one.
 *
 * First-run record, holdout4 (90 messages: 46 proposals / 44 look-alikes, written before the
 * detector ever ran on them; scored with the labels as written):
 *
 *   holdout4   n=90  TP 32  FP 1  FN 14  TN 43   precision 97.0%  recall 69.6%  F1 81.0%
 *     en  n=30  TP 9  FP 1  FN 5  TN 15   precision  90.0%  recall 64.3%
 *     es  n=15  TP 6  FP 0  FN 2  TN 7    precision 100.0%  recall 75.0%
 *     de  n=15  TP 5  FP 0  FN 3  TN 7    precision 100.0%  recall 62.5%
 *     fr  n=15  TP 5  FP 0  FN 3  TN 7    precision 100.0%  recall 62.5%
 *     pt  n=15  TP 7  FP 0  FN 1  TN 7    precision 100.0%  recall 87.5%
 *
 *   The one false positive was the Zoom app's "Zoom meeting started: <link>" (written as bot noise).
 *   The set's own convention counts a meeting app announcing a started meeting as a proposal, so it
 *   was relabelled afterwards (noted on the fixture); with that label the first run is
 *   TP 33  FP 0  FN 14  TN 43, precision 100%, recall 70.2%. (In the product it never matters:
 *   DeflectionService ignores every bot message before the detector runs.)
 *   The 14 misses were all phrasings no rule covered (e.g. "got 10 min? easier to explain live",
 *   "Kurzer Huddle nach dem Mittag?", "On s'appelle 5 min pour trancher ?", "Dá pra gente fazer um
 *   alinhamento rapidinho por call?"). They led to general rules, each pinned in
 *   test/unit/meetingDetection.test.ts together with look-alikes written against it.
 *
 * Earlier batches (holdout, holdout2, holdout3) predate this record; their first-run numbers were
 * not kept.
 */
import { detectMeetingProposal, type Detection } from '../src/domain/meetingDetection';
import { meetingMessages, type FixtureLang, type LabelledMessage } from '../test/fixtures/meetingMessages';

export interface Scores {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

export function score(results: { label: boolean; predicted: boolean }[]): Scores {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (const r of results) {
    if (r.predicted && r.label) tp++;
    else if (r.predicted) fp++;
    else if (r.label) fn++;
    else tn++;
  }
  // With no predictions precision is vacuously perfect; with no positives recall is.
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, tn, precision, recall, f1 };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(6);

function row(name: string, s: Scores, n: number): string {
  return [
    name.padEnd(8),
    String(n).padStart(4),
    String(s.tp).padStart(4),
    String(s.fp).padStart(4),
    String(s.fn).padStart(4),
    String(s.tn).padStart(4),
    pct(s.precision),
    pct(s.recall),
    pct(s.f1),
  ].join('  ');
}

function describe(m: LabelledMessage, d: Detection): string {
  const meta = [m.subtype && `subtype=${m.subtype}`, m.appName && `app=${m.appName}`, m.hasHuddleRoom && 'room'].filter(Boolean);
  const why = d.isProposal ? ` -> ${d.reason}: "${d.matched ?? ''}"` : '';
  const note = m.note ? `  (${m.note})` : '';
  return `[${m.lang}${m.split ? ` ${m.split}` : ''}] ${JSON.stringify(m.text)}${meta.length ? ` {${meta.join(', ')}}` : ''}${why}${note}`;
}

type Split = NonNullable<LabelledMessage['split']> | 'dev';
const SPLITS: Split[] = ['dev', 'holdout', 'holdout2', 'holdout3', 'holdout4'];
const LANGS: FixtureLang[] = ['en', 'es', 'de', 'fr', 'pt'];

/** First runs recorded when a held-out batch was scored for the first time (see the header). */
export const FIRST_RUNS: Partial<Record<Split, { n: number; tp: number; fp: number; fn: number; tn: number }>> = {
  // The first three were noted as precision / recall when first run; the counts follow from those
  // and the batch sizes (e.g. holdout: 40 proposals, 72.5 % recall = 29 found, 96.7 % precision = 1 false alarm).
  holdout: { n: 80, tp: 29, fp: 1, fn: 11, tn: 39 },
  holdout2: { n: 58, tp: 19, fp: 3, fn: 9, tn: 27 },
  holdout3: { n: 48, tp: 19, fp: 2, fn: 5, tn: 22 },
  holdout4: { n: 90, tp: 32, fp: 1, fn: 14, tn: 43 },
};

function main(): void {
  const evaluated = meetingMessages.map((m) => {
    const d = detectMeetingProposal(m);
    return { m, d, label: m.label, predicted: d.isProposal };
  });

  const header = ['set'.padEnd(8), '   n', '  TP', '  FP', '  FN', '  TN', ' prec.', 'recall', '    F1'].join('  ');
  const table = (subset: typeof evaluated, name: string): string => row(name, score(subset), subset.length);

  console.log(`Meeting-deflection detector: ${evaluated.length} labelled messages\n`);
  console.log('All batches, overall and per language');
  console.log(header);
  console.log(table(evaluated, 'overall'));
  for (const lang of LANGS) console.log(table(evaluated.filter((e) => e.m.lang === lang), lang));

  // Batches written after tuning passes (see LabelledMessage.split) estimate generalisation.
  console.log('\nPer batch (current detector)');
  console.log(header);
  for (const split of SPLITS) console.log(table(evaluated.filter((e) => (e.m.split ?? 'dev') === split), split));

  const heldOut = evaluated.filter((e) => e.m.split !== undefined);
  console.log('\nHeld-out batches only, per language (current detector; tuned on since, so optimistic)');
  console.log(header);
  console.log(table(heldOut, 'held-out'));
  for (const lang of LANGS) console.log(table(heldOut.filter((e) => e.m.lang === lang), lang));

  console.log('\nFirst runs of held-out batches (recorded before any tuning on them)');
  console.log(header);
  const firstRun = (r: { tp: number; fp: number; fn: number; tn: number }) => [...rep(r.tp, true, true), ...rep(r.fp, false, true), ...rep(r.fn, true, false), ...rep(r.tn, false, false)];
  const pooled: ReturnType<typeof firstRun> = [];
  for (const [split, r] of Object.entries(FIRST_RUNS)) {
    if (!r) continue;
    console.log(row(split, score(firstRun(r)), r.n));
    pooled.push(...firstRun(r));
  }
  // The honest estimate for wording the detector has never seen.
  console.log(row('pooled', score(pooled), pooled.length));

  const fps = evaluated.filter((e) => e.predicted && !e.label);
  const fns = evaluated.filter((e) => !e.predicted && e.label);
  console.log(`\nFalse positives (${fps.length}):`);
  for (const e of fps) console.log(`  ${describe(e.m, e.d)}`);
  console.log(`\nFalse negatives (${fns.length}):`);
  for (const e of fns) console.log(`  ${describe(e.m, e.d)}`);
}

function rep(n: number, label: boolean, predicted: boolean): { label: boolean; predicted: boolean }[] {
  return Array.from({ length: n }, () => ({ label, predicted }));
}

if (require.main === module) main();
