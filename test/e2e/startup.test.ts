/** `npm start`'s real entry point as a process: setup guide, config errors, HTTP mode, graceful stop. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../harness/fakeSlack';
import { SlackRequester } from '../harness/slackRequests';
import { TEST_SIGNING_SECRET } from '../harness/testApp';
import { TEST_BACKEND } from '../harness/testBackend';
import { childDatabaseUrl } from '../reliability/support/child';

const root = path.resolve(__dirname, '..', '..');
const entry = path.join(root, 'dist', 'index.js');
// A clean working directory: no .env from the developer's checkout leaks in.
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-start-'));
const baseEnv = { PATH: process.env.PATH ?? '', HOME: cwd };

function run(env: Record<string, string>): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, [entry], { cwd, env: { ...baseEnv, ...env }, encoding: 'utf8', stdio: 'pipe', timeout: 20000 });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, out: `${err.stdout}${err.stderr}` };
  }
}

beforeAll(() => {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
}, 120000);

describe('starting Handoff as a process', () => {
  it('without configuration prints the setup guide and exits non-zero', () => {
    const { code, out } = run({});
    expect(code).not.toBe(0);
    expect(out).toContain('From an app manifest');
    expect(out).toContain('SLACK_BOT_TOKEN');
  });

  it('with a malformed variable names it and says where to get it', () => {
    const { code, out } = run({ SLACK_BOT_TOKEN: 'not-a-token', SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET });
    expect(code).not.toBe(0);
    expect(out).toMatch(/SLACK_BOT_TOKEN is invalid \(must start with xoxb-\)/);
    expect(out).toContain('OAuth & Permissions');
  });

  it('in HTTP mode without a signing secret names the missing variable', () => {
    const { code, out } = run({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(code).not.toBe(0);
    expect(out).toContain('SLACK_SIGNING_SECRET is missing');
  });

  describe('with fake credentials in HTTP mode', () => {
    let fake: FakeSlack;
    let child: ChildProcess;
    let port: number;
    const dataDir = path.join(cwd, 'data-dir');
    let output = '';

    beforeAll(async () => {
      fake = await FakeSlack.start({ botToken: 'xoxb-test-token' });
      const databaseUrl = await childDatabaseUrl(`${dataDir}/handoff.db`);
      port = 30000 + Math.floor(Math.random() * 20000);
      child = spawn(process.execPath, [entry], {
        cwd,
        env: {
          ...baseEnv,
          SLACK_BOT_TOKEN: 'xoxb-test-token',
          SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
          SLACK_API_URL: fake.url,
          PORT: String(port),
          DATABASE_URL: databaseUrl,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (d) => (output += String(d)));
      child.stderr!.on('data', (d) => (output += String(d)));
      for (let i = 0; i < 200 && !output.includes('Handoff is running'); i++) await new Promise((r) => setTimeout(r, 50));
    }, 20000);

    afterAll(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await fake.close();
    });

    it('creates the database directory, answers /healthz and signed requests', async () => {
      expect(output).toContain('Handoff is running');
      // The directory of a SQLite DATABASE_URL is made on start; PostgreSQL has no file.
      if (TEST_BACKEND === 'sqlite') expect(fs.existsSync(path.join(dataDir, 'handoff.db'))).toBe(true);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const slack = new SlackRequester({ baseUrl: `http://127.0.0.1:${port}`, signingSecret: TEST_SIGNING_SECRET, teamId: 'T0001' });
      const help = await slack.command({ userId: 'U0ANA', text: 'help' });
      expect(help.status).toBe(200);
      expect(help.text).toContain('/handoff list');
      const bad = await slack.raw('text=help', { contentType: 'application/x-www-form-urlencoded', signature: 'v0=00' });
      expect(bad.status).toBe(401);
    });

    it('never logs the bot token or the signing secret', () => {
      expect(output).not.toContain('xoxb-test-token');
      expect(output).not.toContain(TEST_SIGNING_SECRET);
    });

    it('stops gracefully on SIGTERM with exit code 0', async () => {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('Handoff stopped');
    });
  });
});
