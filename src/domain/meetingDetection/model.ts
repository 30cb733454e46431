/**
 * The learned component's inference: a logistic regression over hashed features (features.ts),
 * with weights trained by `npm run train:deflection` and committed as data in model/weights.json.
 * Plain arithmetic over a typed array: a few microseconds per message, no dependency.
 */
import type { FeatureOptions, FeatureVector } from './features';

/** The committed weights file. Weights are quantised to integers (×1/scale) and pruned of tiny ones. */
export interface ModelData {
  version: 1;
  features: FeatureOptions;
  bias: number;
  /** Probability at or above which the model alone fires (chosen by cross-validation). */
  threshold: number;
  /** Probability at or above which a matched rule is allowed to fire (the model can veto a rule). */
  ruleThreshold: number;
  /** Weight = weight[i] / scale. */
  scale: number;
  /** Bucket indexes, ascending, delta-encoded (first value absolute). */
  index: number[];
  weight: number[];
  /** How it was trained: corpus, seed, hyper-parameters, cross-validated figures. Not read at inference. */
  meta: Record<string, unknown>;
}

export interface LoadedModel {
  data: ModelData;
  weights: Float32Array;
}

export function loadModel(data: ModelData): LoadedModel {
  if (data.version !== 1) throw new Error(`Unknown meeting model version ${String(data.version)}`);
  const { dim } = data.features;
  if (!Number.isInteger(dim) || dim <= 0 || (dim & (dim - 1)) !== 0) throw new Error('Meeting model: dim must be a power of two');
  if (data.index.length !== data.weight.length) throw new Error('Meeting model: index and weight lengths differ');
  const weights = new Float32Array(dim);
  let at = 0;
  for (let i = 0; i < data.index.length; i++) {
    at = i === 0 ? data.index[0]! : at + data.index[i]!;
    if (at >= dim) throw new Error('Meeting model: index out of range');
    weights[at] = data.weight[i]! / data.scale;
  }
  return { data, weights };
}

export interface Contribution {
  feature: string;
  weight: number;
}

export interface ModelScore {
  probability: number;
  /** The features that pushed hardest towards "proposal", strongest first. */
  top: Contribution[];
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function logit(model: LoadedModel, fv: FeatureVector): number {
  let z = model.data.bias;
  for (let i = 0; i < fv.index.length; i++) z += model.weights[fv.index[i]!]! * fv.value[i]!;
  return z;
}

export function scoreMessage(model: LoadedModel, fv: FeatureVector, topN = 4): ModelScore {
  const probability = sigmoid(logit(model, fv));
  if (topN <= 0) return { probability, top: [] };
  const contributions: Contribution[] = [];
  for (let i = 0; i < fv.index.length; i++) {
    const c = model.weights[fv.index[i]!]! * fv.value[i]!;
    if (c > 0) contributions.push({ feature: fv.names[i]!, weight: c });
  }
  // Words and rules read better than character fragments, so they are listed first at equal weight.
  contributions.sort((a, b) => b.weight - a.weight || a.feature.localeCompare(b.feature));
  return { probability, top: contributions.slice(0, topN) };
}

const CONCEPT_WORDS: Record<string, string> = {
  MEET: 'a meeting word',
  CALLV: 'calling someone',
  TALK: 'talking it through',
  JOIN: 'joining',
  TIME: 'asking for time',
  WHEN: 'a time',
  CAL: 'calendar',
  RECUR: 'recurring',
  SUGGEST: 'a suggestion',
  VOICE: 'live / by voice',
  EASY: 'faster than writing',
  OTHER3: 'someone else',
  TOGETHER: 'together',
  SCREEN: 'screen sharing',
  ROOM: 'a room',
  TASK: 'a task for someone',
  SOLO: 'time for oneself',
  REMAIN: 'time left',
  DURATION: 'how long something takes',
  REPORT: 'reporting back',
  WHENFREE2: 'when someone is free',
  '?': 'a question',
};

/** One feature as words a person can read, or '' when it has none (character fragments, guards). */
export function readableFeature(name: string): string {
  const colon = name.indexOf(':');
  const kind = name.slice(0, colon);
  const body = name.slice(colon + 1);
  if (kind === 'w' || kind === 'b') {
    // Lone short words ("a", "?") explain nothing on their own.
    if (kind === 'w' && body.length < 3) return '';
    return body
      .replace(/<\/?s>/g, '')
      .replace(/\bx(user|channel|here|meetlink|doclink|link|lookalike)\b/g, '<$1>')
      .trim();
  }
  if (kind === 'r') return body === 'rule' ? 'a phrase rule' : '';
  if (kind === 'l') return body === 'meetlink' ? 'a meeting link' : '';
  if (kind === 'e') return `:${body}:`;
  // Concept features: k:MEET, kb:SUGGEST MEET, cku:TIME, ckbu:TIME ?, kp:MEET+WHEN.
  if (/^(?:k|kb|kp|ck[ug]|ckb[ug])$/.test(kind)) {
    const parts = body
      .split(/[ +]/)
      .map((c) => CONCEPT_WORDS[c])
      .filter((w): w is string => !!w);
    return [...new Set(parts)].sort().join(' + ');
  }
  return '';
}

/** Why the model leaned towards "proposal": its strongest readable contributions, at most `n`, no repeats. */
export function explain(top: readonly Contribution[], n = 4): string[] {
  const out: string[] = [];
  for (const c of top) {
    const text = readableFeature(c.feature);
    if (text && !out.includes(text)) out.push(text);
    if (out.length === n) break;
  }
  return out;
}
