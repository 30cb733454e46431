/** The import-cycle check that `npm run lint` runs: it finds cycles (type-only ones too), and src/ has none. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cyclesOf, importGraph } from '../../../scripts/check-imports';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'imports-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe('check-imports', () => {
  it('finds a cycle through a type-only import and an index module', () => {
    const root = tree({
      'a.ts': "import { b } from './b';\nexport const a = b;",
      'b.ts': "import type { C } from './c';\nexport const b = 1 as unknown as C;",
      'c/index.ts': "import { a } from '../a';\nexport type C = typeof a;",
      'leaf.ts': "import data from './data.json';\nexport const l = data;",
    });
    const cycles = cyclesOf(importGraph(root)).map((c) => c.map((p) => path.relative(root, p)));
    expect(cycles).toEqual([['a.ts', 'b.ts', 'c/index.ts', 'a.ts']]);
  });

  it('finds none in a tree without cycles, and none in src/', () => {
    const root = tree({ 'a.ts': "import { b } from './b';\nexport const a = b;", 'b.ts': 'export const b = 1;' });
    expect(cyclesOf(importGraph(root))).toEqual([]);
    expect(cyclesOf(importGraph())).toEqual([]);
  });
});
