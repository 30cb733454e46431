/**
 * Hyper-parameter sweep for the meeting model, on the training corpus only (batch-grouped
 * cross-validation, as eval:deflection). Prints recall at the precision target for each setting.
 *
 *   npx tsx scripts/deflection/tune.ts
 */
import { loadTrainingCorpus } from './corpus';
import { crossValidate, DEFAULT_SETTINGS, type Settings } from './modelling';
import { score } from './scoring';

const corpus = loadTrainingCorpus();
const grid: Partial<Settings['train']>[] = JSON.parse(process.argv[2] ?? '[{}]');
for (const g of grid) {
  const settings: Settings = { ...DEFAULT_SETTINGS, train: { ...DEFAULT_SETTINGS.train, ...g } };
  const t0 = Date.now();
  const cv = crossValidate(corpus, settings);
  const all = score(cv.decisions.map((d) => ({ label: d.m.label, predicted: d.detection.isProposal })));
  const fresh = score(cv.decisions.filter((d) => d.m.batch.startsWith('train')).map((d) => ({ label: d.m.label, predicted: d.detection.isProposal })));
  console.log(`${JSON.stringify(g).padEnd(50)} all P ${all.precision.toFixed(3)} R ${all.recall.toFixed(3)} | train-* P ${fresh.precision.toFixed(3)} R ${fresh.recall.toFixed(3)} F1 ${fresh.f1.toFixed(3)} | t=${cv.thresholds.threshold.toFixed(3)}/${cv.thresholds.ruleThreshold} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}
