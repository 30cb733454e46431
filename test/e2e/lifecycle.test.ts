/**
 * The process lifecycle, with the real entry point as a process: Socket Mode over the fake's socket
 * until SIGTERM, a busy PORT or a refused app-level token as one clear line, a shutdown whose stdout
 * reader vanished, and `npm start` itself (signals to npm, the shell or node; build once, not on
 * every start).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../harness/fakeSlack';
import { SlackRequester } from '../harness/slackRequests';
import { BOT_TOKEN, buildApp, childDatabaseUrl, freePort, ROOT, SIGNING_SECRET, startChild, type Child } from '../reliability/support/child';

/** Generous: a healthy shutdown takes well under a second; the bug this guards against never ends. */
const EXIT_BOUND_MS = 20_000;

let entry: string;
beforeAll(async () => {
  entry = await buildApp();
}, 180_000);

const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

function exitOf(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Resolves with the exit, or with 'hung' after `ms` (the process is then killed). */
async function exitWithin(proc: ChildProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([exitOf(proc), new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)))]);
  clearTimeout(timer);
  if (outcome === 'hung') proc.kill('SIGKILL');
  return outcome;
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The threads of `pid` blocked in the kernel writing to a pipe (Linux: /proc/…/wchan); [] once it is gone. */
function threadsWritingPipe(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .filter((tid) => {
        try {
          return fs.readFileSync(`/proc/${pid}/task/${tid}/wchan`, 'utf8').includes('pipe_write');
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

const status = (port: number, p: string): Promise<number> =>
  fetch(`http://127.0.0.1:${port}${p}`).then(
    (r) => r.status,
    () => 0,
  );

/** Lines that look like a stack trace. */
const stackLines = (out: string): string[] => out.split('\n').filter((l) => /^\s+at\s/.test(l));

describe('Socket Mode as a process', () => {
  let fake: FakeSlack;
  let child: Child | undefined;
  beforeEach(async () => {
    fake = await FakeSlack.start({ botToken: BOT_TOKEN });
  });
  afterEach(async () => {
    if (child && child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
    child = undefined;
    await fake.close();
  });

  it('connects over the socket, answers envelopes, and on SIGTERM closes the socket and exits 0', async () => {
    child = await startChild(entry, {
      SLACK_APP_TOKEN: fake.appToken,
      SLACK_SIGNING_SECRET: '',
      SLACK_API_URL: fake.url,
      DATABASE_URL: await childDatabaseUrl(`${tmp('handoff-sm-')}/h.db`),
    });
    await child.ready();
    await waitFor(async () => (await status(child!.port, '/readyz')) === 200, '/readyz 200');
    const payloads = new SlackRequester({ baseUrl: 'http://unused', signingSecret: SIGNING_SECRET, teamId: fake.teamId });
    const envelope = fake.socketMode.push('slash_commands', payloads.commandPayload({ userId: 'U0ANA', text: 'help' }));
    const ack = await fake.socketMode.waitForAck(envelope.envelope_id);
    expect(String((ack.payload as { text?: string }).text)).toContain('/handoff list');

    child.proc.kill('SIGTERM');
    expect(await exitWithin(child.proc, EXIT_BOUND_MS)).toEqual({ code: 0, signal: null });
    expect(child.output()).toContain('Slack Socket Mode connected');
    expect(child.output()).toContain('Handoff stopped');
    await waitFor(() => fake.socketMode.openConnections === 0, 'the socket to close');
  });

  it('a refused app-level token stops start-up with one line naming SLACK_APP_TOKEN, no stack trace', async () => {
    fake.appTokenScopes = ['authorizations:read'];
    child = await startChild(entry, {
      SLACK_APP_TOKEN: fake.appToken,
      SLACK_SIGNING_SECRET: '',
      SLACK_API_URL: fake.url,
      DATABASE_URL: await childDatabaseUrl(`${tmp('handoff-sm-')}/h.db`),
    });
    const exit = await exitWithin(child.proc, EXIT_BOUND_MS);
    expect(exit).toEqual({ code: 1, signal: null });
    const out = child.output();
    expect(out).toMatch(/^Handoff failed to start: SLACK_APP_TOKEN lacks the connections:write scope \(missing_scope\).*App-Level Tokens.*$/m);
    expect(stackLines(out)).toEqual([]);
  });
});

describe('a busy PORT', () => {
  let blocker: net.Server;
  let port: number;
  let fake: FakeSlack;
  beforeEach(async () => {
    fake = await FakeSlack.start({ botToken: BOT_TOKEN });
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    port = (blocker.address() as net.AddressInfo).port;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await fake.close();
  });

  it.each([
    ['HTTP mode', {}],
    ['Socket Mode', { SLACK_APP_TOKEN: 'app' }],
  ])('%s: one line naming PORT on stderr, exit 1, no stack trace, Slack never contacted', async (_mode, extra: Record<string, string>) => {
    const env = {
      SLACK_API_URL: fake.url,
      PORT: String(port),
      DATABASE_URL: await childDatabaseUrl(`${tmp('handoff-port-')}/h.db`),
      ...(extra.SLACK_APP_TOKEN ? { SLACK_APP_TOKEN: fake.appToken } : {}),
    };
    const child = await startChild(entry, env);
    expect(await exitWithin(child.proc, EXIT_BOUND_MS)).toEqual({ code: 1, signal: null });
    const out = child.output();
    expect(out).toContain(
      `Handoff failed to start: PORT ${port} is already in use (another Handoff, or another program, is listening on it): stop that process or set PORT to a free port.`,
    );
    expect(stackLines(out)).toEqual([]);
    expect(out).not.toContain('EADDRINUSE');
    expect(fake.socketMode.connectionsOpened).toBe(0);
  });
});

describe('logging never blocks exit', () => {
  /**
   * stdout is a FIFO that the test opens and never reads. Traffic fills it until one of the app's
   * threads waits in the kernel to write; then SIGTERM; then the reader goes away, at `when`.
   */
  async function shutdownWithVanishingReader(when: 'server closed' | 'final flush'): Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'hung'> {
    const fake = await FakeSlack.start({ botToken: BOT_TOKEN });
    const dir = tmp('handoff-pipe-');
    const fifo = path.join(dir, 'stdout');
    execFileSync('mkfifo', [fifo]);
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writer = fs.openSync(fifo, 'w');
    const port = await freePort();
    const proc = spawn(process.execPath, [entry], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.url,
        PORT: String(port),
        DATABASE_URL: await childDatabaseUrl(`${dir}/h.db`),
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', writer, 'pipe'],
    });
    fs.closeSync(writer);
    let readerOpen = true;
    try {
      // Read stdout until the app says it runs on our port (not /healthz: on a busy machine another
      // test's app may hold a port freePort() gave us); from then on nobody reads it.
      let seen = '';
      const chunk = Buffer.alloc(65536);
      await waitFor(() => {
        try {
          seen += chunk.toString('utf8', 0, fs.readSync(reader, chunk));
        } catch (e) {
          if ((e as { code?: string }).code !== 'EAGAIN') throw e;
        }
        return seen.includes(`"port":${port},"msg":"Handoff is running"`);
      }, 'the app to run');
      const slack = new SlackRequester({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: SIGNING_SECRET, teamId: fake.teamId });
      // Each malformed request logs a line of at least 80 bytes: 1,600 of them are twice what a pipe
      // holds (64 KiB). A logger that writes with blocking calls shows it sooner: a thread stuck in the kernel.
      for (let sent = 0; sent < 1600 && !threadsWritingPipe(proc.pid!).length; sent++) {
        expect((await slack.raw('payload=null', { contentType: 'application/x-www-form-urlencoded' })).status).toBe(400);
      }
      proc.kill('SIGTERM');
      await waitFor(async () => (await status(port, '/healthz')) === 0, 'the server to close');
      if (when === 'final flush') {
        // The state the old logger reached on exit: its main thread writing stdout synchronously.
        await waitFor(() => proc.exitCode !== null || threadsWritingPipe(proc.pid!).includes(proc.pid!), 'exit, or the final synchronous flush');
      }
      fs.closeSync(reader); // from now on every write to stdout fails with EPIPE
      readerOpen = false;
      return await exitWithin(proc, EXIT_BOUND_MS);
    } finally {
      if (readerOpen) fs.closeSync(reader);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await fake.close();
    }
  }

  it('SIGTERM exits 0 when stdout is full and its reader goes away during shutdown', async () => {
    expect(await shutdownWithVanishingReader('server closed')).toEqual({ code: 0, signal: null });
  });

  it('SIGTERM exits 0 when stdout is full and its reader goes away at the final flush (pino + sonic-boom hung here)', async () => {
    expect(await shutdownWithVanishingReader('final flush')).toEqual({ code: 0, signal: null });
  });
});

describe('npm start', () => {
  /**
   * A private copy of the package (sources, scripts, configs; node_modules and migrations linked), so
   * its prestart builds its own dist/ and never a file another test is reading.
   */
  let pkg: string;
  let fake: FakeSlack;
  beforeAll(async () => {
    pkg = tmp('handoff-npm-');
    for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) fs.copyFileSync(path.join(ROOT, f), path.join(pkg, f));
    for (const d of ['src', 'bin']) fs.cpSync(path.join(ROOT, d), path.join(pkg, d), { recursive: true });
    for (const d of ['node_modules', 'migrations']) fs.symlinkSync(path.join(ROOT, d), path.join(pkg, d));
    fake = await FakeSlack.start({ botToken: BOT_TOKEN });
  });
  afterAll(async () => fake?.close());

  interface Started {
    npm: ChildProcess;
    port: number;
    output: () => string;
    /** The processes npm started, down to node: [child, grandchild, …]. */
    tree: number[];
  }

  const childrenOf = (pid: number): number[] => fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  const commandOf = (pid: number): string => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  async function npmStart(): Promise<Started> {
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: pkg,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: pkg,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.url,
        PORT: String(port),
        DATABASE_URL: await childDatabaseUrl(`${pkg}/data/h.db`),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout!.on('data', (d) => (output += String(d)));
    npm.stderr!.on('data', (d) => (output += String(d)));
    // Its own log line, not /healthz: on a busy machine another test's app may sit on a port freePort() gave us.
    await waitFor(() => output.includes(`"port":${port},"msg":"Handoff is running"`) || npm.exitCode !== null, 'npm start to run', 120_000);
    const tree: number[] = [];
    for (let pid = npm.pid!; ; ) {
      const [next] = childrenOf(pid);
      if (next === undefined) break;
      tree.push(next);
      pid = next;
    }
    return { npm, port, output: () => output, tree };
  }

  async function expectCleanStop(s: Started, signalled: number, signal: NodeJS.Signals): Promise<void> {
    process.kill(signalled, signal);
    const exit = await exitWithin(s.npm, EXIT_BOUND_MS);
    for (const pid of s.tree) if (alive(pid)) process.kill(pid, 'SIGKILL');
    // The output rides along so a failure shows what npm and node said.
    expect({ exit, output: s.output() }).toEqual({ exit: { code: 0, signal: null }, output: expect.any(String) as string });
    expect(s.tree.filter(alive)).toEqual([]);
    expect(await status(s.port, '/healthz')).toBe(0);
    expect(s.output()).toContain(`"signal":"${signal}"`);
    expect(s.output()).toContain('Handoff stopped');
  }

  it('builds dist once, then starts without rebuilding; npm execs node, so no shell sits between them', async () => {
    const first = await npmStart();
    expect(first.output()).toContain('handoff: building dist/');
    expect(first.tree).toHaveLength(1);
    expect(commandOf(first.tree[0]!)).toBe('node dist/index.js');
    await expectCleanStop(first, first.npm.pid!, 'SIGTERM');

    const second = await npmStart();
    expect(second.output()).not.toContain('handoff: building dist/');
    await expectCleanStop(second, second.npm.pid!, 'SIGTERM');

    // A changed source is built again on the next start.
    const changed = path.join(pkg, 'src', 'ids.ts');
    fs.appendFileSync(changed, '\n');
    const third = await npmStart();
    expect(third.output()).toContain('handoff: building dist/');
    await expectCleanStop(third, third.npm.pid!, 'SIGTERM');
  }, 240_000);

  it('SIGINT to npm (Ctrl-C) stops node and exits 0', async () => {
    const s = await npmStart();
    await expectCleanStop(s, s.npm.pid!, 'SIGINT');
  }, 120_000);

  it('SIGTERM to node (the process the shell became) stops it and npm exits 0', async () => {
    const s = await npmStart();
    await expectCleanStop(s, s.tree[s.tree.length - 1]!, 'SIGTERM');
  }, 120_000);
});

it('the repository start script is the one tested here', () => {
  const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  expect(scripts.start).toBe('exec node dist/index.js');
  expect(scripts.prestart).toBe('node bin/build-if-stale.js');
});
