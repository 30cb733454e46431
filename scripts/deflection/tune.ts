/**
 * Hyper-parameter and feature sweeps for the meeting model, on the training corpus only
 * (batch-grouped cross-validation, as eval:deflection). For each setting prints the recall the
 * out-of-fold scores allow at several precision levels, overall and on the train-NN batches
 * (written independently of the rules), so one lucky threshold does not decide.
 *
 *   npx tsx scripts/deflection/tune.ts '[{}, {"l2": 5}]'
 */
import { loadTrainingCorpus } from './corpus';
import { chooseThresholds, crossValidate, DEFAULT_SETTINGS, type Scored, type Settings } from './modelling';

export function recallAt(scored: readonly (Scored & { fresh: boolean })[], target: number, onlyFresh: boolean): string {
  // Thresholds chosen on the same messages that are scored (all of them, or the train-NN ones as the eval does).
  const t = chooseThresholds(onlyFresh ? scored.filter((s) => s.fresh) : scored, target);
  let tp = 0,
    fp = 0,
    fn = 0;
  for (const s of scored) {
    if (onlyFresh && !s.fresh) continue;
    const fire = s.p >= t.threshold || (s.rule && s.p >= t.ruleThreshold);
    if (fire && s.label) tp++;
    else if (fire) fp++;
    else if (s.label) fn++;
  }
  return `${(tp / Math.max(tp + fp, 1)).toFixed(3)}/${(tp / Math.max(tp + fn, 1)).toFixed(3)}`;
}

if (require.main === module) {
  const corpus = loadTrainingCorpus();
  // Each entry: training options, plus feature options under "features".
  const grid: (Partial<Settings['train']> & { features?: Partial<Settings['features']> })[] = JSON.parse(process.argv[2] ?? '[{}]');
  console.log('setting'.padEnd(40), 'P/R all @.95 @.97 @.98'.padEnd(36), 'P/R train-* @.95 @.97 @.98');
  for (const g of grid) {
    const { features, ...train } = g;
    const settings: Settings = { ...DEFAULT_SETTINGS, features: { ...DEFAULT_SETTINGS.features, ...features }, train: { ...DEFAULT_SETTINGS.train, ...train } };
    const cv = crossValidate(corpus, settings);
    const scored = cv.outOfFold.filter((o) => o.p !== undefined).map((o) => ({ p: o.p!, rule: o.rule, veto: o.veto, label: o.m.label, fresh: o.m.source === 'train' }));
    const cols = (fresh: boolean) => [0.95, 0.97, 0.98].map((t) => recallAt(scored, t, fresh)).join(' ');
    console.log(JSON.stringify(g).padEnd(40), cols(false).padEnd(36), cols(true));
  }
}
