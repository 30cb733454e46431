/**
 * Starts the real Handoff app (HTTP mode, real Bolt receiver) against a fresh fake Slack, plus a signed
 * requester. What e2e tests use; nothing here bypasses the production request path. Each app gets a
 * database of its own: a temp SQLite file, or with HANDOFF_TEST_DB=postgres an emptied PostgreSQL
 * database (see testBackend.ts); `databaseUrl` runs it on a given one instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { openHandoff, type Handoff } from '../../src/app';
import { FakeSlack } from './fakeSlack';
import { SlackRequester } from './slackRequests';
import { SocketSlack } from './socketSlack';
import { ManualClock } from './manualClock';
import { freshPostgresDatabase, holdPostgresDatabase, releasePostgresDatabase, TEST_BACKEND } from './testBackend';

export const TEST_SIGNING_SECRET = '8f742231b10e8888abcd99aa0cc085a5';
export const TEST_BOT_TOKEN = 'xoxb-test-token';
export const TEAM = 'T0001';

export interface TestApp {
  fake: FakeSlack;
  slack: SlackRequester;
  /** Envelopes over the fake's Socket Mode connection (apps started with `socketMode: true`). */
  socket: SocketSlack;
  handoff: Handoff;
  clock: ManualClock;
  /** The SQLite file ('' on PostgreSQL). */
  dbFile: string;
  /** The app's DATABASE_URL; a second app started with it shares this one's database (a second process). */
  databaseUrl: string;
  logs: string[];
  /** PORT: Slack requests in HTTP mode; /healthz and /readyz in both modes. */
  port: number;
  /** Runs one scheduler sweep and waits until the outbox drained. */
  tick(): Promise<void>;
  /**
   * What the person sees after `/handoff <text>`: the ack's own message, or the message the app posted
   * to the command's response_url (apps that ack first and answer after, as Slack recommends).
   */
  reply(userId: string, text: string, via?: SlackRequester): Promise<Record<string, unknown>>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  now?: string;
  env?: Record<string, string>;
  /** A SQLite file to run on (on SQLite only; `databaseUrl: t.databaseUrl` shares a database on either backend). */
  dbFile?: string;
  /** A DATABASE_URL (`file:…` or `postgres://…`) to run on instead of a new database; `dbFile` is then unused. */
  databaseUrl?: string;
  fake?: FakeSlack;
  /** Socket Mode (SLACK_APP_TOKEN set to the fake's app-level token) instead of HTTP mode. */
  socketMode?: boolean;
}

export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const fake = opts.fake ?? (await FakeSlack.start({ botToken: TEST_BOT_TOKEN, teamId: TEAM }));
  const { databaseUrl, dbFile, release } = await databaseFor(opts);
  const clock = new ManualClock(opts.now ?? '2026-11-25T12:00:00Z');
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const config = safely(fake, opts.fake, release, () =>
    loadConfig({
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: fake.url,
      PORT: '0',
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'debug',
      DELIVERY_RATE_PER_SECOND: '1000',
      // Most tests are not about pacing: full speed from the first send (pacing tests set their own).
      DELIVERY_START_RATE_PER_SECOND: '1000',
      // Tests seed many handoffs from one person at one instant; the per-person cap has its own tests.
      HANDOFFS_PER_PERSON_PER_MINUTE: '1000',
      ...(opts.socketMode ? { SLACK_APP_TOKEN: fake.appToken } : {}),
      ...opts.env,
    }),
  );
  const boot = async () => {
    const handoff = await openHandoff(config, { clock, logDestination: { write: (s: string) => logDestination.write(s) }, startScheduler: false }).catch(async (e: unknown) => {
      // A database that cannot be opened (a test of start-up errors) leaves no fake Slack behind it.
      release();
      if (!opts.fake) await fake.close();
      throw e;
    });
    try {
      return { handoff, port: await handoff.start() };
    } catch (e) {
      // A start that fails (a test of start-up errors) leaves nothing open behind it.
      await handoff.stop();
      release();
      if (!opts.fake) await fake.close();
      throw e;
    }
  };
  let { handoff, port } = await boot();
  const makeRequester = (p: number) =>
    new SlackRequester({
      baseUrl: `http://127.0.0.1:${p}`,
      signingSecret: TEST_SIGNING_SECRET,
      teamId: TEAM,
      issueTriggerId: (u) => fake.issueTriggerId(u),
      responseUrl: () => fake.responseUrl(),
    });
  const t: TestApp = {
    fake,
    slack: makeRequester(port),
    socket: new SocketSlack(fake, makeRequester(port)),
    handoff,
    clock,
    dbFile,
    databaseUrl,
    logs,
    port,
    async tick() {
      await t.handoff.tick.runOnce();
      await t.handoff.dispatcher.idle();
    },
    async reply(userId, text, via = t.slack) {
      const responseUrl = fake.responseUrl();
      const res = await via.command({ userId, text, responseUrl });
      const acked = res.json as Record<string, unknown> | undefined;
      if (acked && (acked.text || acked.blocks)) return acked;
      const call = await fake.waitFor('response_url', (c) => c.args.response_url === responseUrl);
      const { response_url: _url, ...message } = call.args as Record<string, unknown>;
      return message;
    },
    async restart() {
      await t.handoff.stop();
      ({ handoff, port } = await boot());
      t.handoff = handoff;
      t.port = port;
      t.slack = makeRequester(port);
    },
    async close() {
      await t.handoff.stop();
      release();
      if (!opts.fake) await fake.close();
    },
  };
  return t;
}

/** The database an app runs on: the one asked for, else a new temp SQLite file or an emptied PostgreSQL database. */
async function databaseFor(opts: TestAppOptions): Promise<{ databaseUrl: string; dbFile: string; release: () => void }> {
  const sqlite = (file: string) => ({ databaseUrl: `file:${file}`, dbFile: file, release: () => {} });
  let released = false;
  const held = (url: string) => ({
    databaseUrl: url,
    dbFile: '',
    release: () => {
      if (!released) releasePostgresDatabase(url);
      released = true;
    },
  });
  if (opts.databaseUrl !== undefined) {
    if (!/^postgres(ql)?:/.test(opts.databaseUrl)) return sqlite(opts.databaseUrl.replace(/^file:/, ''));
    holdPostgresDatabase(opts.databaseUrl);
    return held(opts.databaseUrl);
  }
  if (opts.dbFile !== undefined) return sqlite(opts.dbFile);
  if (TEST_BACKEND === 'postgres') return held(await freshPostgresDatabase());
  return sqlite(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-test-')), 'handoff.db'));
}

/** Sends `/handoff <text>` and returns what the person was told: the ack's text, else the text posted to its response_url. */
export async function commandText(t: TestApp, userId: string, text: string): Promise<string> {
  const responseUrl = t.fake.responseUrl();
  const res = await t.slack.command({ userId, text, responseUrl });
  expect(res.status).toBe(200);
  const acked = (res.json as { text?: string } | undefined)?.text;
  if (acked) return acked;
  const call = await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl);
  return String(call.args.text ?? '');
}

/**
 * Waits until `check` passes (for work that continues after Slack got its ack). The cap only bounds
 * how long a failing test takes to fail: a busy CI machine, or PostgreSQL's round trips, may need
 * several seconds for what takes milliseconds when quiet.
 */
/** Waits until no listener is still working after its ack (fails after 30 s: a listener stuck that long is a bug). */
export async function listenersSettled(t: TestApp): Promise<void> {
  if (!(await t.handoff.inFlight.drain(30_000))) throw new Error(`${t.handoff.inFlight.count} listener(s) still running 30 s after their ack`);
}

export async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() - start > timeoutMs) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Closes a fake this helper started (and hands back its database) when set-up fails, so a broken test does not hang jest. */
function safely<T>(fake: FakeSlack, given: FakeSlack | undefined, release: () => void, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    release();
    if (!given) void fake.close();
    throw e;
  }
}
