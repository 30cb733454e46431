/** The eval's maths: confusion counts, precision/recall/F1, grouping, folds and thresholds. */
import fc from 'fast-check';
import { fromCounts, score, scoreBy } from '../../../scripts/deflection/scoring';
import { chooseThresholds, foldsByBatch } from '../../../scripts/deflection/modelling';
import { recordedBatches } from '../../../scripts/deflection-first-run';
import type { CorpusMessage } from '../../../scripts/deflection/corpus';

const r = (label: boolean, predicted: boolean) => ({ label, predicted });

describe('score', () => {
  it('counts a worked example', () => {
    // 3 TP, 1 FP, 2 FN, 4 TN.
    const s = score([
      r(true, true),
      r(true, true),
      r(true, true),
      r(false, true),
      r(true, false),
      r(true, false),
      r(false, false),
      r(false, false),
      r(false, false),
      r(false, false),
    ]);
    expect(s).toEqual({ n: 10, tp: 3, fp: 1, fn: 2, tn: 4, precision: 0.75, recall: 0.6, f1: expect.closeTo((2 * 0.75 * 0.6) / 1.35, 12) });
  });

  it('is vacuously perfect without predictions or positives, and 0 F1 when nothing is right', () => {
    expect(score([r(false, false)])).toMatchObject({ precision: 1, recall: 1 });
    expect(score([r(true, false), r(false, true)])).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(score([])).toMatchObject({ n: 0, precision: 1, recall: 1 });
  });

  it('agrees with the definitions for any results', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ label: fc.boolean(), predicted: fc.boolean() })), (results) => {
        const s = score(results);
        expect(s.tp + s.fp + s.fn + s.tn).toBe(results.length);
        expect(s.tp).toBe(results.filter((x) => x.label && x.predicted).length);
        expect(s.fp).toBe(results.filter((x) => !x.label && x.predicted).length);
        if (s.tp + s.fp > 0) expect(s.precision).toBeCloseTo(s.tp / (s.tp + s.fp), 12);
        if (s.tp + s.fn > 0) expect(s.recall).toBeCloseTo(s.tp / (s.tp + s.fn), 12);
        expect(s.f1).toBeGreaterThanOrEqual(0);
        expect(s.f1).toBeLessThanOrEqual(Math.max(s.precision, s.recall) + 1e-12);
        expect(fromCounts(s)).toEqual(s);
      }),
    );
  });

  it('groups by a key, known keys first in the given order', () => {
    const rows = [
      { ...r(true, true), k: 'fr' },
      { ...r(true, false), k: 'en' },
      { ...r(false, false), k: 'zz' },
      { ...r(true, true), k: 'en' },
    ];
    const groups = scoreBy(rows, (x) => x.k, ['en', 'es', 'fr']);
    expect(groups.map(([k]) => k)).toEqual(['en', 'fr', 'zz']);
    expect(groups[0]![1]).toMatchObject({ n: 2, tp: 1, fn: 1, recall: 0.5 });
  });
});

describe('folds and thresholds', () => {
  const msg = (batch: string, i: number): CorpusMessage => ({
    id: `${batch}-${i}`,
    text: 'x',
    label: i % 2 === 0,
    lang: 'en',
    category: 'c',
    batch,
    author: 'a',
    written: '2026-11-30',
  });

  it('never splits a batch across folds, and balances fold sizes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 2, max: 6 }), (sizes, k) => {
        const corpus = sizes.flatMap((n, b) => Array.from({ length: n }, (_, i) => msg(`b${b}`, i)));
        const folds = foldsByBatch(corpus, k);
        const all = folds.flat();
        expect(new Set(all).size).toBe(all.length); // each batch in exactly one fold
        expect(all.sort()).toEqual(sizes.map((_, b) => `b${b}`).sort());
        expect(folds.length).toBe(Math.min(k, sizes.length));
        // Largest batch first into the lightest fold: loads differ by at most one batch.
        const load = folds.map((f) => f.reduce((sum, b) => sum + sizes[Number(b.slice(1))]!, 0));
        expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(Math.max(...sizes));
      }),
    );
  });

  it('chooses thresholds that reach the precision on the scores it was given, with the most recall', () => {
    const scored = [
      { p: 0.95, rule: false, label: true },
      { p: 0.9, rule: false, label: false },
      { p: 0.8, rule: false, label: true },
      { p: 0.3, rule: true, label: true },
      { p: 0.2, rule: true, label: false },
      { p: 0.1, rule: false, label: true },
    ];
    const t = chooseThresholds(scored, 0.75);
    const fired = scored.filter((s) => s.p >= t.threshold || (s.rule && s.p >= t.ruleThreshold));
    const tp = fired.filter((s) => s.label).length;
    expect(tp / fired.length).toBeGreaterThanOrEqual(0.75);
    // 3 of 4 proposals is the best any pair of thresholds can do at 0.75 here.
    expect(tp).toBe(3);
  });
});

describe('first-run history', () => {
  it('knows which batches already have a row', () => {
    const md = '| batch | recorded |\n|---|---|\n| train-01 | 2026-11-30 | abc |\n| dx-02 | 2026-11-30 | def |\nprose | not a row\n';
    expect([...recordedBatches(md)]).toEqual(['train-01', 'dx-02']);
  });
});
