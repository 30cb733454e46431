/**
 * Evaluates the meeting-deflection detector on the labelled set.
 *
 *   npx tsx scripts/eval-deflection.ts
 *
 * Prints TP/FP/FN/TN, precision, recall and F1 overall and per language, then every misclassified
 * message so errors can be inspected rather than hidden.
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

function main(): void {
  const evaluated = meetingMessages.map((m) => {
    const d = detectMeetingProposal(m);
    return { m, d, label: m.label, predicted: d.isProposal };
  });

  console.log(`Meeting-deflection detector: ${evaluated.length} labelled messages\n`);
  console.log(['set'.padEnd(8), '   n', '  TP', '  FP', '  FN', '  TN', ' prec.', 'recall', '    F1'].join('  '));
  console.log(row('overall', score(evaluated), evaluated.length));
  const langs: FixtureLang[] = ['en', 'es', 'de', 'fr', 'pt'];
  for (const lang of langs) {
    const subset = evaluated.filter((e) => e.m.lang === lang);
    console.log(row(lang, score(subset), subset.length));
  }
  // Batches written after tuning passes (see LabelledMessage.split) estimate generalisation.
  for (const split of ['dev', 'holdout', 'holdout2', 'holdout3', 'holdout4'] as const) {
    const subset = evaluated.filter((e) => (e.m.split ?? 'dev') === split);
    console.log(row(split, score(subset), subset.length));
  }

  const fps = evaluated.filter((e) => e.predicted && !e.label);
  const fns = evaluated.filter((e) => !e.predicted && e.label);
  console.log(`\nFalse positives (${fps.length}):`);
  for (const e of fps) console.log(`  ${describe(e.m, e.d)}`);
  console.log(`\nFalse negatives (${fns.length}):`);
  for (const e of fns) console.log(`  ${describe(e.m, e.d)}`);
}

main();
