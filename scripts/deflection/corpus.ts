/**
 * The meeting-deflection corpus: JSONL files under test/fixtures/deflection/, one labelled message
 * per line. `legacy/`, `train/` and `extra/` are the training corpus; `frozen/` is the test split, which is
 * only ever scored in aggregate (see scripts/eval-deflection.ts) and never trained or tuned on.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DetectionLanguage, MessageForDetection } from '../../src/domain/meetingDetection';

export const LANGS: DetectionLanguage[] = ['en', 'es', 'de', 'fr', 'pt'];
export const CORPUS_DIR = path.join(__dirname, '..', '..', 'test', 'fixtures', 'deflection');
export const LEGACY_DIR = path.join(CORPUS_DIR, 'legacy');
export const TRAIN_DIR = path.join(CORPUS_DIR, 'train');
/** Batches written on the detector's branch (same format, first runs recorded like the others). */
export const EXTRA_DIR = path.join(CORPUS_DIR, 'extra');
export const FROZEN_DIR = path.join(CORPUS_DIR, 'frozen');
export const FIRST_RUNS_FILE = path.join(CORPUS_DIR, 'first-runs.md');

export interface CorpusMessage {
  id: string;
  text: string;
  /** true: proposes or starts a synchronous call/meeting. */
  label: boolean;
  lang: DetectionLanguage;
  category: string;
  batch: string;
  author: string;
  written: string;
  note?: string;
  threadReply?: boolean;
  subtype?: string;
  botId?: string;
  appName?: string;
  attachmentsText?: string[];
  blocksText?: string[];
  hasHuddleRoom?: boolean;
  /** Which folder it came from (set by the loader, not stored in the files). */
  source?: 'legacy' | 'train' | 'extra' | 'frozen';
}

const optionalStrings = ['note', 'subtype', 'botId', 'appName'] as const;

/** Parses one JSONL file, failing loudly (file and line) on anything malformed. */
export function readJsonl(file: string): CorpusMessage[] {
  const out: CorpusMessage[] = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path.basename(file)}:${i + 1}`;
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${where}: not valid JSON`);
    }
    for (const k of ['id', 'text', 'lang', 'category', 'batch', 'author', 'written']) {
      if (typeof raw[k] !== 'string') throw new Error(`${where}: "${k}" must be a string`);
    }
    if (typeof raw.label !== 'boolean') throw new Error(`${where}: "label" must be true or false`);
    if (!LANGS.includes(raw.lang as DetectionLanguage)) throw new Error(`${where}: unknown lang "${String(raw.lang)}"`);
    for (const k of optionalStrings) if (raw[k] !== undefined && typeof raw[k] !== 'string') throw new Error(`${where}: "${k}" must be a string`);
    for (const k of ['attachmentsText', 'blocksText']) {
      const v = raw[k];
      if (v !== undefined && !(Array.isArray(v) && v.every((s) => typeof s === 'string'))) throw new Error(`${where}: "${k}" must be a list of strings`);
    }
    out.push(raw as unknown as CorpusMessage);
  });
  return out;
}

/** Every `*.jsonl` file of a folder, in file-name order; [] when the folder does not exist. */
export function readFolder(dir: string): CorpusMessage[] {
  return jsonlFiles(dir).flatMap(readJsonl);
}

export function jsonlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The training corpus: legacy, train and extra batches. Never the frozen split. */
export function loadTrainingCorpus(): CorpusMessage[] {
  const tag =
    (source: CorpusMessage['source']) =>
    (m: CorpusMessage): CorpusMessage => ({ ...m, source });
  const all = [...readFolder(LEGACY_DIR).map(tag('legacy')), ...readFolder(TRAIN_DIR).map(tag('train')), ...readFolder(EXTRA_DIR).map(tag('extra'))];
  const seen = new Set<string>();
  for (const m of all) {
    if (seen.has(m.id)) throw new Error(`duplicate corpus id ${m.id}`);
    seen.add(m.id);
  }
  return all;
}

export function toDetectionInput(m: CorpusMessage): MessageForDetection {
  return {
    text: m.text,
    ...(m.subtype ? { subtype: m.subtype } : {}),
    ...(m.botId ? { botId: m.botId } : {}),
    ...(m.appName ? { appName: m.appName } : {}),
    ...(m.attachmentsText ? { attachmentsText: m.attachmentsText } : {}),
    ...(m.blocksText ? { blocksText: m.blocksText } : {}),
    ...(m.hasHuddleRoom ? { hasHuddleRoom: true } : {}),
  };
}
