/** Which frozen test files eval:deflection may open: sealed splits stay unread unless unsealed by name. */
import fs from 'node:fs';
import path from 'node:path';
import { FROZEN_DIR, jsonlFiles } from '../../../scripts/deflection/corpus';
import { parseSealedList, readSealedList, selectFrozenFiles, splitName, unsealedFromArgs } from '../../../scripts/deflection/sealed';

const DIR = '/repo/test/fixtures/deflection/frozen';
const one = `${DIR}/frozen-test.jsonl`;
const two = `${DIR}/frozen-test-2.jsonl`;

describe('selectFrozenFiles', () => {
  it('skips a sealed file and scores the others', () => {
    expect(selectFrozenFiles([one, two], ['frozen-test-2.jsonl'], [])).toEqual({ score: [one], sealed: [two] });
  });

  it('scores a sealed file only when the caller unseals it by name, with or without .jsonl', () => {
    expect(selectFrozenFiles([one, two], ['frozen-test-2.jsonl'], ['frozen-test-2'])).toEqual({ score: [one, two], sealed: [] });
    expect(selectFrozenFiles([one, two], ['frozen-test-2'], ['frozen-test-2.jsonl'])).toEqual({ score: [one, two], sealed: [] });
  });

  it('does not let a prefix or another name unseal a file', () => {
    expect(selectFrozenFiles([one, two], ['frozen-test-2.jsonl'], ['frozen-test'])).toEqual({ score: [one], sealed: [two] });
    expect(selectFrozenFiles([one, two], ['frozen-test-2.jsonl'], ['frozen-test-22', 'frozen'])).toEqual({ score: [one], sealed: [two] });
  });

  it('scores everything when nothing is sealed, and seals several files independently', () => {
    expect(selectFrozenFiles([one, two], [], [])).toEqual({ score: [one, two], sealed: [] });
    expect(selectFrozenFiles([one, two], ['frozen-test', 'frozen-test-2'], ['frozen-test'])).toEqual({ score: [one], sealed: [two] });
  });
});

describe('the SEALED list and --unseal', () => {
  it('parses names, ignoring comments and blank lines', () => {
    expect(parseSealedList('# sealed splits\n\nfrozen-test-2.jsonl  # lead only\n  other.jsonl\n')).toEqual(['frozen-test-2', 'other']);
    expect(splitName('test/fixtures/deflection/frozen/frozen-test-2.jsonl')).toBe('frozen-test-2');
  });

  it('reads --unseal NAME and --unseal=NAME, repeated or comma-separated', () => {
    expect(unsealedFromArgs(['--quiet'])).toEqual([]);
    expect(unsealedFromArgs(['--unseal', 'frozen-test-2'])).toEqual(['frozen-test-2']);
    expect(unsealedFromArgs(['--unseal=frozen-test-2.jsonl', '--unseal', 'a,b'])).toEqual(['frozen-test-2', 'a', 'b']);
    expect(unsealedFromArgs(['--unseal'])).toEqual([]);
  });

  it('every frozen split in this checkout is either sealed or has its one first run recorded (file names only; no frozen file is read)', () => {
    const sealed = readSealedList(FROZEN_DIR);
    const history = fs.readFileSync(path.join(FROZEN_DIR, '..', 'first-runs.md'), 'utf8');
    // The first split was recorded as frozen-test-1 before the second existed.
    const recordedAs = (name: string) => (name === 'frozen-test' ? 'frozen-test-1' : name);
    const names = jsonlFiles(FROZEN_DIR).map(splitName);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const isSealed = sealed.includes(name) || sealed.includes(`${name}.jsonl`);
      expect([name, isSealed || history.includes(`| ${recordedAs(name)} |`)]).toEqual([name, true]);
    }
  });
});
