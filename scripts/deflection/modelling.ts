/**
 * Training and cross-validation of the meeting detector's model, shared by train:deflection and
 * eval:deflection. Folds are grouped by batch (one writer's style never sits on both sides of a
 * fold), the model is retrained for every fold, and the thresholds are chosen on out-of-fold scores.
 */
import { DEFAULT_FEATURE_OPTIONS, extractFeatures, type FeatureOptions, type FeatureVector } from '../../src/domain/meetingDetection/features';
import { loadModel, scoreMessage, type LoadedModel, type ModelData } from '../../src/domain/meetingDetection/model';
import { normalizeSlackText } from '../../src/domain/meetingDetection/normalize';
import { detectMeetingProposal, isPersonMessage } from '../../src/domain/meetingDetection/pipeline';
import { phraseEvidence } from '../../src/domain/meetingDetection/rules';
import { DEFAULT_TRAIN_OPTIONS, train, type Example, type TrainOptions } from '../../src/domain/meetingDetection/training';
import type { Detection } from '../../src/domain/meetingDetection';
import { toDetectionInput, type CorpusMessage } from './corpus';
import { fromCounts } from './scoring';

export const FOLDS = 5;
/**
 * Precision the thresholds must reach on out-of-fold scores of the independent batches. A little
 * above the 0.97 goal: a new writer's look-alikes cost some precision on first contact.
 */
export const TARGET_PRECISION = 0.98;

export interface Settings {
  features: FeatureOptions;
  train: TrainOptions;
  folds: number;
  targetPrecision: number;
  /** Precision the thresholds must also reach on the out-of-fold scores of the whole corpus (absent: not checked). */
  allCorpusPrecision?: number;
}

/** The whole corpus, hard look-alikes included, must reach this precision too (see crossValidate). */
export const ALL_CORPUS_PRECISION = 0.97;

export const DEFAULT_SETTINGS: Settings = {
  features: DEFAULT_FEATURE_OPTIONS,
  train: DEFAULT_TRAIN_OPTIONS,
  folds: FOLDS,
  targetPrecision: TARGET_PRECISION,
  allCorpusPrecision: ALL_CORPUS_PRECISION,
};

/** The features of a person's message (what the model reads); undefined for apps, huddles and system messages. */
export function featuresOf(m: CorpusMessage, opts: FeatureOptions): FeatureVector | undefined {
  const input = toDetectionInput(m);
  if (!isPersonMessage(input)) return undefined;
  const raw = input.text.trim() !== '' ? input.text : (input.blocksText ?? []).join('\n');
  const norm = normalizeSlackText(raw);
  if (norm.text === '') return undefined;
  return extractFeatures(norm, phraseEvidence(norm.prose), opts);
}

export function examplesOf(corpus: readonly CorpusMessage[], opts: FeatureOptions): Example[] {
  const out: Example[] = [];
  for (const m of corpus) {
    const features = featuresOf(m, opts);
    if (features) out.push({ features, label: m.label });
  }
  return out;
}

/**
 * Batches assigned to folds: largest batch first, each into the currently smallest fold (ties to
 * the lower fold number). Deterministic for a given corpus.
 */
export function foldsByBatch(corpus: readonly CorpusMessage[], k: number): string[][] {
  const sizes = new Map<string, number>();
  for (const m of corpus) sizes.set(m.batch, (sizes.get(m.batch) ?? 0) + 1);
  const batches = [...sizes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const folds: string[][] = Array.from({ length: Math.min(k, batches.length) }, () => []);
  const load = folds.map(() => 0);
  for (const [batch, size] of batches) {
    const i = load.indexOf(Math.min(...load));
    folds[i]!.push(batch);
    load[i]! += size;
  }
  return folds;
}

export interface Thresholds {
  threshold: number;
  ruleThreshold: number;
}

/** A scored message: the model's probability and whether a rule (phrase or link) would fire. */
export interface Scored {
  p: number;
  rule: boolean;
  label: boolean;
  /** A guard vetoes the model on this message (it may still fire through a rule). */
  veto?: boolean;
}

const RULE_FLOORS = [0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3];

/**
 * Picks the pair (ruleThreshold, threshold) with the most recall at precision ≥ target on the given
 * out-of-fold scores: a rule fires when p ≥ ruleThreshold, the model alone when p ≥ threshold.
 */
export function chooseThresholds(scored: readonly Scored[], targetPrecision: number): Thresholds {
  const candidates = [...new Set(scored.map((s) => s.p))].sort((a, b) => a - b);
  let best: (Thresholds & { recall: number; precision: number }) | undefined;
  for (const ruleThreshold of RULE_FLOORS) {
    // Lowest model threshold that keeps precision; scanning upwards, the first hit has the most recall.
    for (const t of [...candidates, 1.000001]) {
      if (t < ruleThreshold) continue;
      let tp = 0,
        fp = 0,
        fn = 0,
        tn = 0;
      for (const s of scored) {
        const fire = (s.p >= t && !s.veto) || (s.rule && s.p >= ruleThreshold);
        if (fire && s.label) tp++;
        else if (fire) fp++;
        else if (s.label) fn++;
        else tn++;
      }
      const f = fromCounts({ tp, fp, fn, tn });
      if (f.precision < targetPrecision) continue;
      if (!best || f.recall > best.recall + 1e-12 || (Math.abs(f.recall - best.recall) <= 1e-12 && f.precision > best.precision)) {
        best = { threshold: Math.min(t, 1), ruleThreshold, recall: f.recall, precision: f.precision };
      }
      break;
    }
  }
  return best ? { threshold: best.threshold, ruleThreshold: best.ruleThreshold } : { threshold: 1, ruleThreshold: 1 };
}

function ruleFires(m: CorpusMessage, opts: FeatureOptions): boolean {
  // The rule path as the pipeline runs it, with a model that never vetoes.
  return !!featuresOf(m, opts) && detectWith(m, ALWAYS_MODEL(opts)).isProposal;
}

/** A model that lets every rule fire and never fires alone: the rules' own verdict. */
const ALWAYS_MODEL = (features: FeatureOptions): LoadedModel =>
  loadModel({ version: 1, features, bias: 0, threshold: 2, ruleThreshold: 0, scale: 1, index: [], weight: [], meta: {} });

export function detectWith(m: CorpusMessage, model: LoadedModel): Detection {
  return detectMeetingProposal(toDetectionInput(m), model);
}

export interface FoldResult {
  fold: number;
  batches: string[];
  model: LoadedModel;
}

export interface CrossValidation {
  folds: FoldResult[];
  /** Out-of-fold: every message scored by the model of the fold that did not train on it. */
  outOfFold: { m: CorpusMessage; fold: number; p: number | undefined; rule: boolean; veto: boolean }[];
  thresholds: Thresholds;
  /** Out-of-fold decisions of the full pipeline (rules, guards, model) at the chosen thresholds. */
  decisions: { m: CorpusMessage; fold: number; detection: Detection }[];
}

export function crossValidate(corpus: readonly CorpusMessage[], settings: Settings = DEFAULT_SETTINGS): CrossValidation {
  const folds = foldsByBatch(corpus, settings.folds);
  const results: FoldResult[] = [];
  const outOfFold: CrossValidation['outOfFold'] = [];
  folds.forEach((batches, fold) => {
    const held = new Set(batches);
    const data = train(
      examplesOf(
        corpus.filter((m) => !held.has(m.batch)),
        settings.features,
      ),
      settings.features,
      settings.train,
    );
    const model = loadModel(data);
    results.push({ fold, batches, model });
    for (const m of corpus) {
      if (!held.has(m.batch)) continue;
      const fv = featuresOf(m, settings.features);
      outOfFold.push({ m, fold, p: fv ? scoreMessage(model, fv, 0).probability : undefined, rule: ruleFires(m, settings.features), veto: !!fv?.veto });
    }
  });
  // Thresholds from the train batches: written by someone else, balanced, realistic, like the frozen
  // split is meant to be. The legacy set flatters the rules (they were tuned on it); the extra
  // batches are written against the model's known weaknesses and lean on hard look-alikes.
  // The whole corpus must also hold ALL_CORPUS_PRECISION: its dx-NN batches are hard look-alikes written
  // against the model, so a threshold that only just suits the train-NN batches is raised until it
  // suits them too. Each threshold is the stricter of the two choices.
  const scoredOf = (os: typeof outOfFold): Scored[] => os.filter((o) => o.p !== undefined).map((o) => ({ p: o.p!, rule: o.rule, label: o.m.label, veto: o.veto }));
  const independent = outOfFold.filter((o) => o.m.source === 'train');
  const fromIndependent = chooseThresholds(scoredOf(independent.length > 0 ? independent : outOfFold), settings.targetPrecision);
  const fromAll = settings.allCorpusPrecision !== undefined ? chooseThresholds(scoredOf(outOfFold), settings.allCorpusPrecision) : fromIndependent;
  const thresholds: Thresholds = {
    threshold: Math.max(fromIndependent.threshold, fromAll.threshold),
    ruleThreshold: Math.max(fromIndependent.ruleThreshold, fromAll.ruleThreshold),
  };
  const decisions = outOfFold.map(({ m, fold }) => {
    const model = withThresholds(results[fold]!.model, thresholds);
    return { m, fold, detection: detectWith(m, model) };
  });
  return { folds: results, outOfFold, thresholds, decisions };
}

export function withThresholds(model: LoadedModel, t: Thresholds): LoadedModel {
  return { data: { ...model.data, threshold: t.threshold, ruleThreshold: t.ruleThreshold }, weights: model.weights };
}

/** The committed model: trained on the whole training corpus, thresholds from cross-validation. */
export function fitFinal(corpus: readonly CorpusMessage[], settings: Settings = DEFAULT_SETTINGS): { data: ModelData; cv: CrossValidation } {
  const cv = crossValidate(corpus, settings);
  const data = train(examplesOf(corpus, settings.features), settings.features, settings.train);
  const batches = [...new Set(corpus.map((m) => m.batch))].sort();
  return {
    cv,
    data: {
      ...data,
      threshold: round(cv.thresholds.threshold),
      ruleThreshold: round(cv.thresholds.ruleThreshold),
      meta: {
        trainedOn: { messages: corpus.length, positives: corpus.filter((m) => m.label).length, batches },
        train: settings.train,
        folds: cv.folds.map((f) => f.batches),
        targetPrecision: settings.targetPrecision,
        allCorpusPrecision: settings.allCorpusPrecision,
      },
    },
  };
}

// Rounded down, so the committed thresholds never drop a message the cross-validated ones kept.
const round = (x: number): number => Math.floor(x * 10_000) / 10_000;
