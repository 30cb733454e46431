/**
 * Which frozen test files the eval may score. A frozen split stays sealed until the one run that is
 * allowed on it: `test/fixtures/deflection/frozen/SEALED` lists the sealed files (one name a line,
 * `#` comments), and the eval skips them, without opening them, unless the caller names them with
 * `--unseal <name>` (with or without `.jsonl`). Pure, so the selection is unit-tested on its own.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SEALED_LIST = 'SEALED';

/** A frozen file's short name: the base name without `.jsonl` ("frozen-test-2"). */
export const splitName = (file: string): string => path.basename(file.trim()).replace(/\.jsonl$/, '');

/** The names in a SEALED list: one per line, blank lines and `#` comments ignored. */
export function parseSealedList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '')
    .map(splitName);
}

/** The split names passed as `--unseal NAME` or `--unseal=NAME` (repeatable, or comma-separated). */
export function unsealedFromArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  argv.forEach((a, i) => {
    let value: string | undefined;
    if (a === '--unseal') value = argv[i + 1];
    else if (a.startsWith('--unseal=')) value = a.slice('--unseal='.length);
    if (value !== undefined)
      out.push(
        ...value
          .split(',')
          .map(splitName)
          .filter((s) => s !== ''),
      );
  });
  return out;
}

export interface FrozenSelection {
  /** Files to score, in the order given. */
  score: string[];
  /** Files listed as sealed and not unsealed: never opened. */
  sealed: string[];
}

/** Splits the frozen files into those to score and those that stay sealed. */
export function selectFrozenFiles(files: readonly string[], sealedNames: readonly string[], unsealed: readonly string[]): FrozenSelection {
  const sealed = new Set(sealedNames.map(splitName));
  const open = new Set(unsealed.map(splitName));
  const out: FrozenSelection = { score: [], sealed: [] };
  for (const f of files) {
    const name = splitName(f);
    if (sealed.has(name) && !open.has(name)) out.sealed.push(f);
    else out.score.push(f);
  }
  return out;
}

/** The sealed names of a frozen folder ([] when it has no SEALED list). Reads only the list. */
export function readSealedList(frozenDir: string): string[] {
  const file = path.join(frozenDir, SEALED_LIST);
  return fs.existsSync(file) ? parseSealedList(fs.readFileSync(file, 'utf8')) : [];
}
