/**
 * The real app as a child process: `npm run build` (into a private output directory, so suites that
 * build or run dist/ at the same time never read a half-written file), then `node <out>/index.js`
 * with the production entry point, environment and signal handling.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { prng as rng } from '../../../src/domain/prng';
import { freshPostgresDatabase, TEST_BACKEND } from '../../harness/testBackend';
export { rng };

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-token';

let built: Promise<string> | null = null;

/**
 * Builds the app once for everything that runs it as a process, shared by every test file and jest
 * worker: the output sits in the temp directory under a hash of what goes into it (the sources, the
 * compiler settings, the dependencies, this checkout), so a file finds the build another made, and
 * a changed source is a new build. `npm run build` took 15 s of CPU, once for each of six files.
 * The output sits next to symlinks to migrations/ and node_modules/, so `<out>/dist/index.js` finds
 * both exactly as `dist/index.js` does in the repository.
 */
export function buildApp(): Promise<string> {
  built ??= sharedBuild();
  return built;
}

async function sharedBuild(): Promise<string> {
  const out = path.join(os.tmpdir(), `handoff-build-${buildKey()}`);
  const entry = path.join(out, 'dist', 'index.js');
  const lock = `${out}.lock`;
  const start = Date.now();
  for (;;) {
    if (fs.existsSync(entry)) return entry;
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // Another file builds it now; a builder that died (its lock older than a build can take) is replaced.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() - start > 240_000) throw new Error(`waited 240 s for another test file's build at ${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    // Built beside the final place and renamed into it: a reader never sees half a build.
    const tmp = fs.mkdtempSync(`${out}.tmp-`);
    fs.symlinkSync(path.join(ROOT, 'migrations'), path.join(tmp, 'migrations'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'));
    const dist = path.join(tmp, 'dist');
    await promisify(execFile)('npm', ['run', 'build', '--silent', '--', '--outDir', dist, '--tsBuildInfoFile', path.join(dist, '.tsbuildinfo')], { cwd: ROOT });
    if (!fs.existsSync(entry)) fs.renameSync(tmp, out);
    return entry;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** A hash of everything the build's output depends on. */
function buildKey(): string {
  const hash = createHash('sha256').update(ROOT);
  const files = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]))
      .sort();
  for (const f of [...files(path.join(ROOT, 'src')), ...['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'].map((f) => path.join(ROOT, f))]) {
    hash.update(`\0${path.relative(ROOT, f)}\0`);
    if (fs.existsSync(f)) hash.update(fs.readFileSync(f));
  }
  return hash.digest('hex').slice(0, 16);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The DATABASE_URL for the app processes a test starts: the SQLite file given, or with
 * HANDOFF_TEST_DB=postgres a new PostgreSQL database of this test file (dropped after its last test).
 * Processes given the same URL share the database, as replicas or a rolling deploy do.
 */
export async function childDatabaseUrl(sqliteFile: string): Promise<string> {
  return TEST_BACKEND === 'postgres' ? freshPostgresDatabase() : `file:${sqliteFile}`;
}

export interface Child {
  proc: ChildProcess;
  port: number;
  /** Everything the process wrote to stdout and stderr. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when /healthz answers 200; rejects if the process exits first. */
  ready: (timeoutMs?: number) => Promise<void>;
}

export async function startChild(entry: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<Child> {
  const port = Number(env.PORT) || (await freePort());
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-child-'));
  const proc = spawn(process.execPath, [...nodeArgs, entry], {
    cwd,
    // Load tests send many handoffs from one person; the per-person cap has its own tests.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: cwd,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: String(port),
      LOG_LEVEL: 'info',
      HANDOFFS_PER_PERSON_PER_MINUTE: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout!.on('data', (d) => (output += String(d)));
  proc.stderr!.on('data', (d) => (output += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => (gone = true));
  return {
    proc,
    port,
    output: () => output,
    exited,
    async ready(timeoutMs = 15_000) {
      const start = Date.now();
      for (;;) {
        if (gone) throw new Error(`the app exited before it was ready:\n${output.slice(-2000)}`);
        const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) return;
        if (Date.now() - start > timeoutMs) throw new Error(`the app was not ready after ${timeoutMs} ms:\n${output.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** kill -9, and wait until the process is really gone. */
export async function kill9(child: Child): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
  await child.exited;
}
