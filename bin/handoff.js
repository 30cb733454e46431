#!/usr/bin/env node
'use strict';
/**
 * The `handoff` operator CLI (package.json "bin"). Runs the built CLI, dist/cli/index.js; when it is
 * missing (fresh checkout, or dist from before the CLI existed) builds it first with
 * `npm run build --silent`. Usage: handoff help.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'dist', 'cli', 'index.js');

if (!fs.existsSync(entry)) {
  process.stderr.write('handoff: dist/cli is missing, building it (npm run build)…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // Build output goes to stderr, so the command's own output stays clean on stdout.
  const build = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
  if (!fs.existsSync(entry)) {
    const why = build.error ? build.error.message : `npm run build exited with ${build.status}`;
    process.stderr.write(`handoff: could not build the CLI (${why}). Run "npm run build" and try again.\n`);
    process.exit(1);
  }
}

require(entry).main(process.argv.slice(2));
