/**
 * Training for the learned component: logistic regression fitted with FTRL-Proximal (per-coordinate
 * learning rates, L1 + L2), a few passes over the examples in a seeded shuffled order. Same examples,
 * options and seed → identical weights, byte for byte. Pure: callers load the corpus and write files.
 */
import type { FeatureOptions, FeatureVector } from './features';
import type { ModelData } from './model';
import { prng } from '../prng';

export interface TrainOptions {
  seed: number;
  epochs: number;
  alpha: number;
  beta: number;
  l1: number;
  l2: number;
  /** Weights below this (absolute) are dropped from the committed file. */
  prune: number;
  /** Quantisation: weights are stored as round(w × scale). */
  scale: number;
  /** Feature dropout while training (each feature of each example skipped with this probability per pass). */
  dropout: number;
  /**
   * Models averaged: each trained on the same examples in its own seeded order (seed, seed+1, …), and
   * their weights averaged into one vector, so inference costs the same as for one model. Averaging
   * evens out the order a single online pass depends on. 1 (or absent) = one model.
   */
  bags?: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { seed: 20261130, epochs: 12, alpha: 0.3, beta: 1, l1: 0.3, l2: 1, prune: 0.002, scale: 10_000, dropout: 0.3, bags: 3 };

export interface Example {
  features: FeatureVector;
  label: boolean;
}

function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Fits the weights. Positives and negatives are weighted so each class counts the same in total:
 * the corpus is roughly balanced, but a batch-grouped fold need not be.
 */
export function train(examples: readonly Example[], features: FeatureOptions, opts: TrainOptions = DEFAULT_TRAIN_OPTIONS): ModelData {
  const dim = features.dim;
  const bags = Math.max(1, opts.bags ?? 1);
  const sum = new Float64Array(dim + 1);
  for (let b = 0; b < bags; b++) {
    const w = fitOnce(examples, dim, { ...opts, seed: opts.seed + b });
    for (let i = 0; i <= dim; i++) sum[i]! += w[i]!;
  }
  const index: number[] = [];
  const weight: number[] = [];
  let last = 0;
  for (let i = 0; i < dim; i++) {
    const wi = sum[i]! / bags;
    if (Math.abs(wi) < opts.prune) continue;
    index.push(index.length === 0 ? i : i - last);
    weight.push(Math.round(wi * opts.scale));
    last = i;
  }
  return {
    version: 1,
    features,
    bias: Math.round((sum[dim]! / bags) * opts.scale) / opts.scale,
    threshold: 0.5,
    ruleThreshold: 0.5,
    scale: opts.scale,
    index,
    weight,
    meta: {},
  };
}

/** One FTRL-Proximal fit: the weights (slot dim is the bias), unpruned and unquantised. */
function fitOnce(examples: readonly Example[], dim: number, opts: TrainOptions): Float64Array {
  // Slot dim is the bias (never regularised).
  const z = new Float64Array(dim + 1);
  const n = new Float64Array(dim + 1);
  const pos = examples.filter((e) => e.label).length;
  const neg = examples.length - pos;
  const weightOf = (label: boolean) => (label ? examples.length / (2 * Math.max(pos, 1)) : examples.length / (2 * Math.max(neg, 1)));
  const rand = prng(opts.seed);

  const w = (i: number): number => {
    const zi = z[i]!;
    const l1 = i === dim ? 0 : opts.l1;
    const l2 = i === dim ? 0 : opts.l2;
    if (Math.abs(zi) <= l1) return 0;
    return -(zi - Math.sign(zi) * l1) / ((opts.beta + Math.sqrt(n[i]!)) / opts.alpha + l2);
  };

  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (const ex of shuffled(examples, rand)) {
      let { index, value } = ex.features;
      if (opts.dropout > 0) {
        // Dropout regularises: no single n-gram can carry a message, so the weight spreads over its cues.
        const keep = index.map(() => rand() >= opts.dropout);
        const scale = 1 / (1 - opts.dropout);
        index = index.filter((_, k) => keep[k]);
        value = value.filter((_, k) => keep[k]).map((v) => v * scale);
      }
      let logit = w(dim);
      const wi = index.map((i) => w(i));
      for (let k = 0; k < index.length; k++) logit += wi[k]! * value[k]!;
      const p = 1 / (1 + Math.exp(-Math.max(-35, Math.min(35, logit))));
      const g = (p - (ex.label ? 1 : 0)) * weightOf(ex.label);
      const update = (i: number, gi: number, wCur: number) => {
        const sigma = (Math.sqrt(n[i]! + gi * gi) - Math.sqrt(n[i]!)) / opts.alpha;
        z[i] = z[i]! + gi - sigma * wCur;
        n[i] = n[i]! + gi * gi;
      };
      update(dim, g, w(dim));
      for (let k = 0; k < index.length; k++) update(index[k]!, g * value[k]!, wi[k]!);
    }
  }

  const out = new Float64Array(dim + 1);
  for (let i = 0; i <= dim; i++) out[i] = w(i);
  return out;
}

/**
 * The lowest threshold whose precision on the given (out-of-fold) scores is at least `minPrecision`,
 * i.e. the most recall that precision allows; 1 when no threshold reaches it.
 */
export function thresholdForPrecision(scored: readonly { p: number; label: boolean }[], minPrecision: number): number {
  const sorted = [...scored].sort((a, b) => b.p - a.p);
  let tp = 0;
  let fp = 0;
  let best = 1;
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i]!;
    if (s.label) tp++;
    else fp++;
    // Only cut between distinct scores: ties fall on the same side of any threshold.
    const next = sorted[i + 1];
    if (next && next.p === s.p) continue;
    if (tp / (tp + fp) >= minPrecision) best = s.p;
  }
  return best;
}
