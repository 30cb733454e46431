/**
 * Trains the meeting detector's model on the training corpus (legacy + train batches; never the
 * frozen split) and writes src/domain/meetingDetection/model/weights.json.
 *
 *   npm run train:deflection
 *
 * Deterministic: the same corpus and settings (seed included) give the same file, byte for byte.
 * The thresholds come from batch-grouped cross-validation (see scripts/deflection/modelling.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadTrainingCorpus } from './deflection/corpus';
import { DEFAULT_SETTINGS, fitFinal } from './deflection/modelling';
import { score } from './deflection/scoring';

export const WEIGHTS_FILE = path.join(__dirname, '..', 'src', 'domain', 'meetingDetection', 'model', 'weights.json');

/** Compact but diff-friendly: one line per top-level field. */
export function serialiseModel(data: object): string {
  const lines = Object.entries(data).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

function main(): void {
  const started = Date.now();
  const corpus = loadTrainingCorpus();
  const { data, cv } = fitFinal(corpus, DEFAULT_SETTINGS);
  const s = score(cv.decisions.map((d) => ({ label: d.m.label, predicted: d.detection.isProposal })));
  const text = serialiseModel(data);
  fs.writeFileSync(WEIGHTS_FILE, text);
  console.log(`Trained on ${corpus.length} messages (${corpus.filter((m) => m.label).length} proposals) from ${new Set(corpus.map((m) => m.batch)).size} batches.`);
  console.log(
    `Thresholds (cross-validated, precision >= ${DEFAULT_SETTINGS.targetPrecision} on train-NN and >= ${DEFAULT_SETTINGS.allCorpusPrecision} on the whole corpus): model ${data.threshold}, rule ${data.ruleThreshold}`,
  );
  console.log(`Cross-validated: precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}, F1 ${s.f1.toFixed(3)} (n=${s.n})`);
  console.log(
    `Wrote ${path.relative(process.cwd(), WEIGHTS_FILE)}: ${data.weight.length} weights, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KB, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

if (require.main === module) main();
