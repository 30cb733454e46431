/**
 * Crash test for the morning digest: runs the real app as a child process against a fake Slack,
 * seeds N people whose digest is due (each with an open handoff, so each has something to say),
 * kill -9s the process at random points while the wave is being delivered, restarts it, and at the
 * end counts digests per (person, local date) at the fake: missing and duplicates should both be 0.
 *
 *   npx tsx scripts/crash-digest-wave.ts [--digests 1000] [--kills 10] [--seed 42] [--rate 200]
 *     [--concurrency 8] [--slack-delay-ms 15] [--runner tsx|dist] [--verbose]
 *
 * (`npm run crash:digest -- --digests 1000`.) The child is `node --require tsx/cjs src/index.ts`
 * (one process, so kill -9 leaves no orphan) or, with --runner dist, `node dist/index.js`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../test/harness/fakeSlack';
import { count, eq, lte, sql } from 'drizzle-orm';
import { loadConfig } from '../src/config';
import { openConfiguredDatabase, type OpenedDatabase } from '../src/db/open';
import * as sqliteSchema from '../src/db/schema';
import * as pgSchema from '../src/db/pgSchema';
import { MetadataEventTypes } from '../src/ids';
import { ALL_DAYS } from '../src/domain/workSchedule';
import { localInstant, localParts } from '../src/time';
import { prng } from '../src/domain/prng';

export interface CrashWaveOptions {
  digests: number;
  kills: number;
  seed?: number;
  /** DELIVERY_RATE_PER_SECOND of the child. */
  ratePerSecond?: number;
  concurrency?: number;
  /** Latency the fake adds to chat.postMessage, so kills land while requests are in flight. */
  slackDelayMs?: number;
  /**
   * SLACK_API_TIMEOUT_MS of the child (default: the app's, 10 s). Also how long a killed process's
   * started post is given to land before the restarted one takes its row over.
   */
  apiTimeoutMs?: number;
  runner?: 'tsx' | 'dist';
  /** A built entry point to run with node instead (the tests' shared build); overrides `runner`. */
  entry?: string;
  /** Gives up (and reports what is missing) after this long. */
  timeoutMs?: number;
  /** The DATABASE_URL of an empty database to run on (default: a new SQLite file). */
  databaseUrl?: string;
  log?: (line: string) => void;
}

export interface CrashWaveResult {
  expected: number;
  /** Distinct (person, local date) pairs with at least one digest at the fake. */
  delivered: number;
  missing: number;
  duplicates: number;
  /** kill -9s that happened (a kill is skipped if the wave finished first). */
  kills: number;
  /** Of those, how many hit while the fake still had a digest request in flight. */
  killsMidRequest: number;
  starts: number;
  postMessageCalls: number;
  historyLookups: number;
  outbox: Record<string, number>;
  elapsedMs: number;
}

const TEAM = 'T0001';
const BOT_TOKEN = 'xoxb-test-token';
const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const ZONES = ['Asia/Tokyo', 'America/New_York', 'Europe/Lisbon', 'Asia/Kolkata', 'Australia/Sydney', 'America/Los_Angeles', 'Asia/Kathmandu', 'UTC'];
const ROOT = path.resolve(__dirname, '..');

export const userIdOf = (i: number) => `U${String(i).padStart(6, '0')}`;

/** The rows of a wave (see `waveRows`), with the JavaScript values of both schemas (instants as epoch ms). */
export interface WaveRows {
  workspace: { teamId: string; status: 'active'; nextHandoffNumber: number; createdAt: number };
  users: Array<{
    teamId: string;
    userId: string;
    displayName: string;
    slackTz: string;
    workdayStartMinute: number;
    workdayEndMinute: number;
    workingDays: number;
    nextDigestAt: number;
    nextDigestLocalDate: string;
    profileFetchedAt: number;
    createdAt: number;
    updatedAt: number;
  }>;
  /** Handoff i has id i + 1. */
  handoffs: Array<{ id: number; teamId: string; number: number; authorId: string; title: string; ask: string; createdAt: number; updatedAt: number }>;
  recipients: Array<{ handoffId: number; teamId: string; userId: string; recipientTeamId: string; addedAt: number; handoffCreatedAt: number }>;
  /** Each person's expected digest local date. */
  expected: Map<string, string>;
}

/**
 * People whose digest fell due 1–20 minutes ago, in several zones, each with one open handoff from
 * the next person.
 */
export function waveRows(n: number, now: Date, random: () => number): WaveRows {
  const t = now.getTime();
  const rows: WaveRows = { workspace: { teamId: TEAM, status: 'active', nextHandoffNumber: n + 1, createdAt: t }, users: [], handoffs: [], recipients: [], expected: new Map() };
  for (let i = 0; i < n; i++) {
    const userId = userIdOf(i);
    const tz = ZONES[i % ZONES.length]!;
    // The digest slot: a whole minute 1–20 minutes ago, local date and start minute to match.
    const target = new Date(t - 60_000 - Math.floor(random() * 19 * 60_000));
    const { date, minuteOfDay } = localParts(tz, target);
    const at = localInstant(tz, date, minuteOfDay).getTime();
    rows.users.push({
      teamId: TEAM,
      userId,
      displayName: `person ${i}`,
      slackTz: tz,
      workdayStartMinute: minuteOfDay,
      workdayEndMinute: (minuteOfDay + 480) % 1440,
      workingDays: ALL_DAYS,
      nextDigestAt: at,
      nextDigestLocalDate: date,
      profileFetchedAt: t,
      createdAt: t,
      updatedAt: t,
    });
    const created = t - 3600_000 - i;
    rows.handoffs.push({
      id: i + 1,
      teamId: TEAM,
      number: i + 1,
      authorId: userIdOf((i + 1) % n),
      title: `crash test ask ${i}`,
      ask: `please look at item ${i}`,
      createdAt: created,
      updatedAt: created,
    });
    rows.recipients.push({ handoffId: i + 1, teamId: TEAM, userId, recipientTeamId: TEAM, addedAt: created, handoffCreatedAt: created });
    rows.expected.set(userId, date);
  }
  return rows;
}

/** Opens (and migrates, as the app would) the database of a DATABASE_URL, either backend. */
export function openWaveDatabase(databaseUrl: string): Promise<OpenedDatabase> {
  return openConfiguredDatabase(loadConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, DATABASE_URL: databaseUrl }).database);
}

/** Writes a wave (see `waveRows`) and any other people into a new database, in one transaction. */
export async function writeWave(database: OpenedDatabase, wave: WaveRows, others: Array<typeof sqliteSchema.users.$inferInsert> = []): Promise<void> {
  if (database.kind === 'sqlite') {
    database.handle.db.transaction((tx) => {
      tx.insert(sqliteSchema.workspaces).values(wave.workspace).run();
      tx.insert(sqliteSchema.users)
        .values([...wave.users, ...others])
        .run();
      tx.insert(sqliteSchema.handoffs).values(wave.handoffs).run();
      tx.insert(sqliteSchema.handoffRecipients).values(wave.recipients).run();
    });
    return;
  }
  await database.handle.db.transaction(async (tx) => {
    await tx.insert(pgSchema.workspaces).values(wave.workspace);
    await tx.insert(pgSchema.users).values([...wave.users, ...others]);
    await tx.insert(pgSchema.handoffs).values(wave.handoffs);
    await tx.insert(pgSchema.handoffRecipients).values(wave.recipients);
    // The ids were given: the identity goes on after them, as SQLite's rowid does.
    await tx.execute(sql`select setval(pg_get_serial_sequence('handoffs', 'id'), (select max(id) from handoffs))`);
  });
}

function childCommand(runner: 'tsx' | 'dist'): string[] {
  if (runner === 'dist') {
    const entry = path.join(ROOT, 'dist', 'index.js');
    if (!fs.existsSync(entry)) throw new Error('dist/index.js is missing: run `npm run build` first, or use --runner tsx');
    return [entry];
  }
  return ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'src', 'index.ts')];
}

/** Digest rows by status, and people whose digest is still due. */
async function outboxCounts(database: OpenedDatabase): Promise<{ byStatus: Record<string, number>; dueUsers: number }> {
  const now = Date.now();
  let rows: { status: string; n: number }[];
  let due: { n: number }[];
  if (database.kind === 'sqlite') {
    const { outbox, users } = sqliteSchema;
    const db = database.handle.db;
    rows = db.select({ status: outbox.status, n: count() }).from(outbox).where(eq(outbox.kind, 'digest')).groupBy(outbox.status).all();
    due = db.select({ n: count() }).from(users).where(lte(users.nextDigestAt, now)).all();
  } else {
    const { outbox, users } = pgSchema;
    const db = database.handle.db;
    rows = await db.select({ status: outbox.status, n: count() }).from(outbox).where(eq(outbox.kind, 'digest')).groupBy(outbox.status);
    due = await db.select({ n: count() }).from(users).where(lte(users.nextDigestAt, now));
  }
  return { byStatus: Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])), dueUsers: Number(due[0]?.n ?? 0) };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runCrashWave(opts: CrashWaveOptions): Promise<CrashWaveResult> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const random = prng(opts.seed ?? 42);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-crash-'));
  const databaseUrl = opts.databaseUrl ?? `file:${path.join(dir, 'handoff.db')}`;
  const fake = await FakeSlack.start({ botToken: BOT_TOKEN, teamId: TEAM });
  let child: ChildProcess | null = null;
  // Opened once: it seeds, then watches the outbox while the app (restarted after each kill) works.
  const database = await openWaveDatabase(databaseUrl);
  try {
    for (let i = 0; i < opts.digests; i++) fake.addUser({ id: userIdOf(i), tz: ZONES[i % ZONES.length] });
    const wave = waveRows(opts.digests, new Date(), random);
    await writeWave(database, wave);
    const expected = wave.expected;
    if (opts.slackDelayMs) fake.delay('chat.postMessage', opts.slackDelayMs);

    const delivered = () =>
      fake.callsTo('chat.postMessage').filter((c) => c.status === 200 && (c.args.metadata as { event_type?: string } | undefined)?.event_type === MetadataEventTypes.digest).length;
    const env = {
      ...process.env,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: fake.url,
      PORT: '0',
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: process.env.CRASH_LOG_LEVEL ?? 'warn',
      DELIVERY_RATE_PER_SECOND: String(opts.ratePerSecond ?? 200),
      DELIVERY_CONCURRENCY: String(opts.concurrency ?? 8),
      ...(opts.apiTimeoutMs === undefined ? {} : { SLACK_API_TIMEOUT_MS: String(opts.apiTimeoutMs) }),
    };
    const args = opts.entry ? [opts.entry] : childCommand(opts.runner ?? 'tsx');
    const logFile = fs.openSync(path.join(dir, 'app.log'), 'a');
    let starts = 0;
    const startChild = () => {
      starts += 1;
      const c = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', logFile, logFile] });
      child = c;
      return c;
    };
    const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())));

    // Kill points: a spread of delivery counts across the wave, some before the first delivery.
    const thresholds = Array.from({ length: opts.kills }, () => Math.floor(random() * opts.digests * 0.95)).sort((a, b) => a - b);
    let kills = 0;
    let killsMidRequest = 0;
    for (const threshold of thresholds) {
      const c = startChild();
      const deadline = Date.now() + 30_000;
      // Wait for the threshold, plus a random 0–40 ms so the kill lands anywhere in a send.
      while (delivered() < threshold && c.exitCode === null && Date.now() < deadline) await sleep(2);
      await sleep(Math.floor(random() * 40));
      if (c.exitCode !== null) throw new Error(`the app exited by itself (code ${c.exitCode}); see ${path.join(dir, 'app.log')}`);
      const inFlight = fake.callsTo('chat.postMessage').length; // recorded on reply, so compare after the delay
      c.kill('SIGKILL');
      await exited(c);
      kills += 1;
      await sleep((opts.slackDelayMs ?? 0) + 5);
      if (fake.callsTo('chat.postMessage').length > inFlight) killsMidRequest += 1;
      log(`kill ${kills}/${opts.kills} at ${delivered()} digests delivered`);
    }

    // Final run: until every digest row is settled.
    const c = startChild();
    const until = Date.now() + (opts.timeoutMs ?? 10 * 60_000);
    for (;;) {
      await sleep(200);
      const { byStatus, dueUsers } = await outboxCounts(database);
      const rows = Object.values(byStatus).reduce((a, b) => a + b, 0);
      const open = (byStatus.pending ?? 0) + (byStatus.sending ?? 0);
      if ((rows >= opts.digests && open === 0 && dueUsers === 0) || Date.now() > until || c.exitCode !== null) break;
    }
    c.kill('SIGTERM');
    await exited(c);
    child = null;

    // Count at the fake: digests per (person, local date) as Slack stored them.
    const perKey = new Map<string, number>();
    for (const [userId, date] of expected) {
      for (const m of fake.messagesIn(userId)) {
        if (m.metadata?.event_type !== MetadataEventTypes.digest) continue;
        // (Builds before the digest metadata carried local_date: one wave has one date per person.)
        const localDate = String((m.metadata.event_payload as { local_date?: unknown }).local_date ?? date);
        const key = `${userId}:${localDate}`;
        perKey.set(key, (perKey.get(key) ?? 0) + 1);
      }
    }
    let missing = 0;
    for (const [userId, date] of expected) if (!perKey.has(`${userId}:${date}`)) missing += 1;
    let duplicates = 0;
    for (const n of perKey.values()) duplicates += Math.max(0, n - 1);
    const result: CrashWaveResult = {
      expected: expected.size,
      delivered: perKey.size,
      missing,
      duplicates,
      kills,
      killsMidRequest,
      starts,
      postMessageCalls: fake.callsTo('chat.postMessage').length,
      historyLookups: fake.callsTo('conversations.history').length,
      outbox: (await outboxCounts(database)).byStatus,
      elapsedMs: Date.now() - started,
    };
    fs.closeSync(logFile);
    fs.rmSync(dir, { recursive: true, force: true });
    return result;
  } finally {
    (child as ChildProcess | null)?.kill('SIGKILL');
    await fake.close();
    await database.store.close();
  }
}

function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const num = (name: string, def: number) => Number(argValue(argv, name) ?? def);
  const opts: CrashWaveOptions = {
    digests: num('digests', 1000),
    kills: num('kills', 10),
    seed: num('seed', 42),
    ratePerSecond: num('rate', 200),
    concurrency: num('concurrency', 8),
    slackDelayMs: num('slack-delay-ms', 15),
    runner: argValue(argv, 'runner') === 'dist' ? 'dist' : 'tsx',
    log: argv.includes('--verbose') ? (l) => console.log(l) : undefined,
  };
  console.log(`crash wave: ${opts.digests} due digests, ${opts.kills} × kill -9, seed ${opts.seed}, runner ${opts.runner}`);
  const r = await runCrashWave(opts);
  console.log(`kills: ${r.kills} (${r.killsMidRequest} with a digest request in flight), starts: ${r.starts}`);
  console.log(`chat.postMessage calls: ${r.postMessageCalls}, history lookups: ${r.historyLookups}, outbox: ${JSON.stringify(r.outbox)}`);
  console.log(`expected: ${r.expected}  delivered: ${r.delivered}  missing: ${r.missing}  duplicates: ${r.duplicates}  (${(r.elapsedMs / 1000).toFixed(1)} s)`);
  process.exitCode = r.missing === 0 && r.duplicates === 0 ? 0 : 1;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
