/** The learned component: committed weights, inference, explanations, and deterministic training. */
import { detectMeetingProposal } from '../../../../src/domain/meetingDetection';
import { DEFAULT_FEATURE_OPTIONS, extractFeatures, hashFeature, modelTokens } from '../../../../src/domain/meetingDetection/features';
import { explain, loadModel, readableFeature, scoreMessage, type ModelData } from '../../../../src/domain/meetingDetection/model';
import { normalizeSlackText } from '../../../../src/domain/meetingDetection/normalize';
import { committedModel } from '../../../../src/domain/meetingDetection/pipeline';
import { phraseEvidence } from '../../../../src/domain/meetingDetection/rules';
import { respell, withinOneEdit } from '../../../../src/domain/meetingDetection/spelling';
import { DEFAULT_TRAIN_OPTIONS, thresholdForPrecision, train, type Example } from '../../../../src/domain/meetingDetection/training';
import { prng } from '../../../../src/domain/prng';
import { examplesOf } from '../../../../scripts/deflection/modelling';
import { LEGACY_DIR, readFolder, TRAIN_DIR } from '../../../../scripts/deflection/corpus';
import { serialiseModel } from '../../../../scripts/train-deflection';
import weights from '../../../../src/domain/meetingDetection/model/weights.json';

const featuresOf = (text: string) => {
  const norm = normalizeSlackText(text);
  return extractFeatures(norm, phraseEvidence(norm.prose));
};

describe('the committed model', () => {
  const data = weights as unknown as ModelData;

  it('is compact, versioned, and records how it was trained', () => {
    expect(data.version).toBe(1);
    expect(data.index.length).toBe(data.weight.length);
    expect(data.index.length).toBeGreaterThan(1000);
    expect(JSON.stringify(data).length).toBeLessThan(400_000);
    expect(data.threshold).toBeGreaterThan(0);
    expect(data.threshold).toBeLessThanOrEqual(1);
    const meta = data.meta as { trainedOn: { batches: string[]; messages: number } };
    expect(meta.trainedOn.messages).toBeGreaterThan(2000);
    // Never the frozen split: every training batch is a legacy, train or extra one.
    for (const b of meta.trainedOn.batches) expect(b).toMatch(/^(?:dev|holdout\d?|train-\d\d|dx-\d\d)$/);
  });

  it('gives the same score and explanation every time for the same message', () => {
    const text = 'honestly this would be a 5 minute conversation instead of this thread';
    const a = detectMeetingProposal({ text });
    const b = detectMeetingProposal({ text });
    expect(a).toEqual(b);
    const fv = featuresOf(text);
    expect(scoreMessage(committedModel(), fv, 5)).toEqual(scoreMessage(committedModel(), fv, 5));
  });

  it('explains a model decision with readable cues, and a rule decision with the rule’s words', () => {
    const byModel = detectMeetingProposal({ text: 'this feels like a 5-minute conversation' });
    expect(byModel).toMatchObject({ isProposal: true, reason: 'model' });
    expect(byModel.why!.length).toBeGreaterThan(0);
    for (const w of byModel.why!) expect(w).toMatch(/^[\p{L}<>?' +/-]+$/u);
    expect(byModel.score).toBeGreaterThanOrEqual(committedModel().data.threshold);

    const byRule = detectMeetingProposal({ text: 'can we hop on a quick call?' });
    expect(byRule).toMatchObject({ isProposal: true, reason: 'phrase', why: ['hop on a quick call'] });
    expect(byRule.rule).toMatch(/^(?:en\.\d+|terse)$/);
  });

  it('scores non-proposals too, so logs can show how close a call was', () => {
    const d = detectMeetingProposal({ text: 'merged, thanks for the review' });
    expect(d.isProposal).toBe(false);
    expect(d.score).toBeGreaterThanOrEqual(0);
    expect(d.score).toBeLessThan(committedModel().data.threshold);
  });
});

describe('inference', () => {
  const tiny: ModelData = {
    version: 1,
    features: DEFAULT_FEATURE_OPTIONS,
    bias: -1,
    threshold: 0.5,
    ruleThreshold: 0.2,
    scale: 100,
    // Two weights, delta-encoded: bucket of "w:call" gets +3, bucket of "w:deadline" gets -2.
    ...(() => {
      const a = hashFeature('w:call', DEFAULT_FEATURE_OPTIONS.dim);
      const b = hashFeature('w:deadline', DEFAULT_FEATURE_OPTIONS.dim);
      const [lo, hi] =
        a < b
          ? [
              [a, 300],
              [b, -200],
            ]
          : [
              [b, -200],
              [a, 300],
            ];
      return { index: [lo![0]!, hi![0]! - lo![0]!], weight: [lo![1]!, hi![1]!] };
    })(),
    meta: {},
  };

  it('is the logistic function of bias plus weighted features, with the strongest cue first', () => {
    const model = loadModel(tiny);
    const fv = featuresOf('call');
    const callValue = fv.value[fv.names.indexOf('w:call')]!;
    const s = scoreMessage(model, fv, 3);
    expect(s.probability).toBeCloseTo(1 / (1 + Math.exp(-(-1 + 3 * callValue))), 6);
    expect(s.top[0]).toEqual({ feature: 'w:call', weight: expect.closeTo(3 * callValue, 5) });
  });

  it('refuses malformed weight files', () => {
    expect(() => loadModel({ ...tiny, version: 2 as 1 })).toThrow(/version/);
    expect(() => loadModel({ ...tiny, index: [1] })).toThrow(/lengths/);
    expect(() => loadModel({ ...tiny, features: { ...tiny.features, dim: 1000 } })).toThrow(/power of two/);
    expect(() => loadModel({ ...tiny, index: [tiny.features.dim, 1] })).toThrow(/out of range/);
  });

  it('reads features as words for explanations', () => {
    expect(readableFeature('b:hop on')).toBe('hop on');
    expect(readableFeature('w:xuser')).toBe('<user>');
    expect(readableFeature('kb:SUGGEST MEET')).toBe('a meeting word + a suggestion');
    expect(readableFeature('c:cal')).toBe('');
    expect(
      explain([
        { feature: 'c:cal', weight: 3 },
        { feature: 'b:quick call', weight: 2 },
        { feature: 'k:MEET', weight: 1 },
        { feature: 'w:a', weight: 1 },
      ]),
    ).toEqual(['quick call', 'a meeting word']);
  });
});

describe('model text', () => {
  it('replaces mentions, links and numbers by placeholders and reads Slack spelling', () => {
    const tokens = modelTokens(normalizeSlackText('<@U1> cn u hop on <https://zoom.us/j/123|zoom> b4 3pm? the hudle link is <https://docs.google.com/d/1|here>'));
    expect(tokens).toEqual(['xuser', 'can', 'you', 'hop', 'on', 'xmeetlink', 'before', '0pm', '?', 'the', 'huddle', 'link', 'is', 'xdoclink']);
  });

  it('corrects only one-letter typos of key words, never real words next to them', () => {
    expect(withinOneEdit('meetign', 'meeting')).toBe(true);
    expect(withinOneEdit('zooom', 'zoom')).toBe(true);
    expect(withinOneEdit('meet', 'meeting')).toBe(false);
    expect(respell(['llamda', 'lugar', 'hurdle', 'telefoniern'])).toEqual(['llamada', 'lugar', 'hurdle', 'telefonieren']);
  });
});

describe('training', () => {
  // A slice of the real corpus keeps the test fast while exercising real features.
  const corpus = [...readFolder(LEGACY_DIR), ...readFolder(TRAIN_DIR)].filter((_, i) => i % 4 === 0);
  const examples: Example[] = examplesOf(corpus, DEFAULT_FEATURE_OPTIONS);
  const opts = { ...DEFAULT_TRAIN_OPTIONS, epochs: 3 };

  it('is deterministic: the same seed gives byte-identical weights', () => {
    const a = serialiseModel(train(examples, DEFAULT_FEATURE_OPTIONS, opts));
    const b = serialiseModel(train(examples, DEFAULT_FEATURE_OPTIONS, opts));
    expect(a).toBe(b);
    // And the seed matters (it orders the passes), so the test above is not vacuous.
    const c = serialiseModel(train(examples, DEFAULT_FEATURE_OPTIONS, { ...opts, seed: opts.seed + 1 }));
    expect(c).not.toBe(a);
  });

  it('learns: the trained model separates its own training messages far better than chance', () => {
    const model = loadModel(train(examples, DEFAULT_FEATURE_OPTIONS, opts));
    const scored = examples.map((e) => ({ p: scoreMessage(model, e.features, 0).probability, label: e.label }));
    const correct = scored.filter((s) => s.p >= 0.5 === s.label).length;
    expect(correct / scored.length).toBeGreaterThan(0.9);
  });

  it('the seeded PRNG repeats its sequence', () => {
    const a = prng(7);
    const b = prng(7);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
  });

  it('picks the lowest threshold that keeps the precision', () => {
    const scored = [
      { p: 0.9, label: true },
      { p: 0.8, label: true },
      { p: 0.7, label: false },
      { p: 0.6, label: true },
      { p: 0.5, label: true },
      { p: 0.4, label: false },
    ];
    // At 0.5: 4 TP, 1 FP → precision 0.8. At 0.8: 2 TP → 1.0.
    expect(thresholdForPrecision(scored, 0.8)).toBe(0.5);
    expect(thresholdForPrecision(scored, 0.9)).toBe(0.8);
    expect(thresholdForPrecision([{ p: 0.3, label: false }], 0.9)).toBe(1);
  });
});
