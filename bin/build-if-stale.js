#!/usr/bin/env node
'use strict';
/**
 * Builds dist/ with tsc only when it is older than its sources (src/, the tsconfigs), so `npm start`
 * does not spend ~12 s compiling on every restart. Runs at install (`prepare`) and before every start
 * (`prestart`); a fresh dist costs one directory walk. The stamp is our own file, written after a
 * successful build, because tsc leaves dist/.tsbuildinfo untouched when it had nothing to emit.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json'].map((p) => path.join(root, p));

/** The newest mtime under `p` (ms), or 0 when it does not exist. */
function newest(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs; // a deleted or renamed file changes its directory's mtime
  for (const entry of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, entry)));
  return max;
}

/** The sources' time the last successful build saw (kept in the stamp, not as its mtime: no rounding). */
function builtFrom() {
  try {
    return Number(fs.readFileSync(stamp, 'utf8')) || -1;
  } catch {
    return -1;
  }
}

const sourcesAt = Math.max(...inputs.map(newest));
if (builtFrom() >= sourcesAt && fs.existsSync(path.join(root, 'dist', 'index.js'))) process.exit(0);

const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!fs.existsSync(tsc)) {
  process.stderr.write('handoff: dist/ is missing or older than src/, and TypeScript is not installed to rebuild it: run "npm install" (with dev dependencies) first.\n');
  process.exit(1);
}
process.stderr.write('handoff: building dist/ (missing, or older than src/)…\n');
const startedAt = Date.now();
const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: ['ignore', 2, 2] });
if (build.status !== 0) {
  process.stderr.write(`handoff: the TypeScript build failed (${build.error ? build.error.message : `tsc exited with ${build.status}`}).\n`);
  process.exit(1);
}
// The sources' time as seen before the build, so an edit made during it is not missed.
fs.writeFileSync(stamp, String(sourcesAt));
process.stderr.write(`handoff: built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
