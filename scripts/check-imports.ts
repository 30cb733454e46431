/**
 * Part of `npm run lint`: the import graph of src/ must have no cycle. (Which way imports may point
 * is checked by eslint's no-restricted-imports rules, layer by layer; see eslint.config.mjs.) Prints
 * each cycle found and exits 1.
 *
 *   npx tsx scripts/check-imports.ts
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '..', 'src');
const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

function resolve(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(candidate)) return candidate;
  return null; // JSON data and the like are leaves
}

/** Type-only imports are erased at run time but still tangle the design, so they count too. */
export function importGraph(root = SRC): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files(root)) {
    const text = fs.readFileSync(file, 'utf8');
    const deps = [...text.matchAll(IMPORT)].map((m) => resolve(file, m[1]!)).filter((d): d is string => d !== null);
    graph.set(file, [...new Set(deps)]);
  }
  return graph;
}

export function cyclesOf(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const d of graph.get(n) ?? []) {
      if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
  return cycles;
}

if (require.main === module) {
  const cycles = cyclesOf(importGraph());
  const rel = (p: string) => path.relative(SRC, p);
  for (const c of cycles) console.error(`import cycle: ${c.map(rel).join(' → ')}`);
  if (cycles.length > 0) process.exit(1);
  console.log(`no import cycles in src/ (${importGraph().size} files)`);
}
