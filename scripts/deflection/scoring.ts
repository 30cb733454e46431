/** Confusion counts and the figures derived from them. Pure, so the maths is unit-tested on its own. */

export interface Scores {
  n: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

export function score(results: readonly { label: boolean; predicted: boolean }[]): Scores {
  let tp = 0,
    fp = 0,
    fn = 0,
    tn = 0;
  for (const r of results) {
    if (r.predicted && r.label) tp++;
    else if (r.predicted) fp++;
    else if (r.label) fn++;
    else tn++;
  }
  return fromCounts({ tp, fp, fn, tn });
}

export function fromCounts(c: { tp: number; fp: number; fn: number; tn: number }): Scores {
  const { tp, fp, fn, tn } = c;
  // With no predictions precision is vacuously perfect; with no positives recall is.
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { n: tp + fp + fn + tn, tp, fp, fn, tn, precision, recall, f1 };
}

/** Groups results by a key and scores each group, keys in the given order (others appended, sorted). */
export function scoreBy<T extends { label: boolean; predicted: boolean }>(results: readonly T[], key: (r: T) => string, order: readonly string[] = []): [string, Scores][] {
  const groups = new Map<string, T[]>();
  for (const r of results) {
    const k = key(r);
    const list = groups.get(k) ?? [];
    list.push(r);
    groups.set(k, list);
  }
  const keys = [...order.filter((k) => groups.has(k)), ...[...groups.keys()].filter((k) => !order.includes(k)).sort()];
  return keys.map((k) => [k, score(groups.get(k)!)]);
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(6);

export const TABLE_HEADER = ['set'.padEnd(22), '   n', '  TP', '  FP', '  FN', '  TN', ' prec.', 'recall', '    F1'].join('  ');

export function tableRow(name: string, s: Scores): string {
  return [name.padEnd(22), ...[s.n, s.tp, s.fp, s.fn, s.tn].map((x) => String(x).padStart(4)), pct(s.precision), pct(s.recall), pct(s.f1)].join('  ');
}
