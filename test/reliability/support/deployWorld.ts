/**
 * A rolling deploy on one machine: two real app processes (`node dist/index.js`) on ONE database (a
 * SQLite file, or with HANDOFF_TEST_DB=postgres a PostgreSQL database) against one fake Slack. Seeds a morning wave that is already due plus people who are working now
 * (so a new handoff DMs them at once), and audits afterwards what Slack received: every DM and digest
 * exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../../harness/fakeSlack';
import { SlackRequester } from '../../harness/slackRequests';
import { openSql, sqlAll, sqlCount, type SqlDatabase } from '../../harness/testSql';
import { MetadataEventTypes } from '../../../src/ids';
import { ALL_DAYS } from '../../../src/domain/workSchedule';
import { openWaveDatabase, waveRows, writeWave, type WaveRows } from '../../../scripts/crash-digest-wave';
import { BOT_TOKEN, childDatabaseUrl, SIGNING_SECRET, startChild, type Child } from './child';

export const TEAM = 'T0001';
export const WRITER = 'U0WRITER';
export const recipientId = (i: number) => `U0RCPT${i}`;

export interface DeployWorld {
  dir: string;
  /** The processes' DATABASE_URL. */
  databaseUrl: string;
  /** Reads the database beside the processes. */
  db: SqlDatabase;
  fake: FakeSlack;
  /** Digest people and the local date of the digest each is due. */
  digests: Map<string, string>;
  recipients: string[];
}

/**
 * `digests` people whose digest fell due minutes ago (each with an open handoff, so each digest has
 * something to say), `recipients` people working around the clock, and the author of new handoffs.
 */
export async function deployWorld(opts: { digests: number; recipients: number; random: () => number }): Promise<DeployWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-deploy-'));
  const databaseUrl = await childDatabaseUrl(path.join(dir, 'handoff.db'));
  const fake = await FakeSlack.start({ botToken: BOT_TOKEN, teamId: TEAM });
  const wave = waveRows(opts.digests, new Date(), opts.random);
  for (const userId of wave.expected.keys()) fake.addUser({ id: userId, tz: 'UTC' });
  const recipients = Array.from({ length: opts.recipients }, (_, i) => recipientId(i));
  const t = Date.now();
  // Working every minute of every day (a shift from 00:00 to 00:00), digests off: DMs go out at once.
  const working = [...recipients, WRITER].map((id) => {
    fake.addUser({ id, name: id.toLowerCase(), tz: 'UTC' });
    return {
      teamId: TEAM,
      userId: id,
      displayName: id.toLowerCase(),
      slackTz: 'UTC',
      workdayStartMinute: 0,
      workdayEndMinute: 0,
      workingDays: ALL_DAYS,
      digestEnabled: false,
      profileFetchedAt: t,
      createdAt: t,
      updatedAt: t,
    };
  });
  await seed(databaseUrl, wave, working);
  return { dir, databaseUrl, db: openSql(databaseUrl), fake, digests: wave.expected, recipients };
}

/** Migrates the database as the app would, and writes the wave and the working people into it. */
async function seed(databaseUrl: string, wave: WaveRows, working: Parameters<typeof writeWave>[2]): Promise<void> {
  const database = await openWaveDatabase(databaseUrl);
  try {
    await writeWave(database, wave, working);
  } finally {
    await database.store.close();
  }
}

export function appEnv(world: DeployWorld, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_API_URL: world.fake.url,
    DATABASE_URL: world.databaseUrl,
    DELIVERY_RATE_PER_SECOND: '50',
    DELIVERY_CONCURRENCY: '6',
    // Above the fake's slowest answer (3 s), so only a dead process leaves a post unanswered.
    SLACK_API_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

export async function startApp(entry: string, world: DeployWorld, extra: Record<string, string> = {}): Promise<Child> {
  const child = await startChild(entry, appEnv(world, extra));
  await child.ready();
  return child;
}

export function requester(world: DeployWorld, child: Child): SlackRequester {
  return new SlackRequester({ baseUrl: `http://127.0.0.1:${child.port}`, signingSecret: SIGNING_SECRET, teamId: TEAM, responseUrl: () => world.fake.responseUrl() });
}

/** Polls `check` every 25 ms until it is true; throws with `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const openDeliveries = (world: DeployWorld) => sqlCount(world.db, "select count(*) n from outbox where status in ('pending', 'sending') and kind in ('dm', 'digest')");

export const sendingRows = (world: DeployWorld) => sqlCount(world.db, "select count(*) n from outbox where status = 'sending'");

/** Digests that reached the fake, recorded when it answered. */
export const digestsPosted = (world: DeployWorld) =>
  world.fake.callsTo('chat.postMessage').filter((c) => c.status === 200 && (c.args.metadata as { event_type?: string } | undefined)?.event_type === MetadataEventTypes.digest)
    .length;

export interface Audit {
  /** Outbox rows (DMs and digests) and how many of them ended sent. */
  rows: number;
  sent: number;
  /** Messages Slack holds beyond one per outbox row / per (person, local date) digest. */
  duplicates: number;
  /** Rows not in Slack exactly once, or not sent; digest people without their digest. */
  missing: number;
  /** Handoffs the commands created, and how many of them lack a DM to a recipient. */
  handoffs: number;
  detail: string[];
}

/** What Slack holds against what the database says was to be delivered. */
export async function audit(world: DeployWorld): Promise<Audit> {
  // Quoted aliases: PostgreSQL folds unquoted ones to lower case.
  const rows = await sqlAll<{ id: number; kind: string; status: string; userId: string; handoffId: number | null }>(
    world.db,
    `select id, kind, status, user_id as "userId", handoff_id as "handoffId" from outbox where kind in ('dm', 'digest')`,
  );
  const handoffs = await sqlAll<{ id: number; userId: string }>(
    world.db,
    'select h.id, r.user_id as "userId" from handoffs h join handoff_recipients r on r.handoff_id = h.id where h.author_id = ?',
    WRITER,
  );
  const posted = new Map<number, number>();
  const digestsPer = new Map<string, number>();
  const people = [...world.digests.keys(), ...world.recipients];
  for (const userId of people) {
    for (const m of world.fake.messagesIn(userId)) {
      const payload = m.metadata?.event_payload as { outbox_id?: unknown; local_date?: unknown } | undefined;
      const id = Number(payload?.outbox_id);
      if (id) posted.set(id, (posted.get(id) ?? 0) + 1);
      if (m.metadata?.event_type === MetadataEventTypes.digest) {
        const key = `${userId}:${String(payload?.local_date ?? '')}`;
        digestsPer.set(key, (digestsPer.get(key) ?? 0) + 1);
      }
    }
  }
  const detail: string[] = [];
  let duplicates = 0;
  for (const [id, n] of posted) {
    if (n > 1) {
      duplicates += n - 1;
      const row = rows.find((r) => r.id === id);
      detail.push(`outbox ${id} (${row?.kind} to ${row?.userId}) posted ${n} times`);
    }
  }
  let missing = 0;
  for (const r of rows) {
    if (r.status !== 'sent' || !posted.has(r.id)) {
      missing += 1;
      detail.push(`outbox ${r.id} (${r.kind} to ${r.userId}) is ${r.status}, posted ${posted.get(r.id) ?? 0} times`);
    }
  }
  for (const [userId, date] of world.digests) {
    if (!digestsPer.has(`${userId}:${date}`)) {
      missing += 1;
      detail.push(`${userId} has no digest for ${date}`);
    }
  }
  // Every recipient of every new handoff has a DM row (and the loop above checked each row).
  const dmFor = new Set(rows.filter((r) => r.kind === 'dm').map((r) => `${r.handoffId}:${r.userId}`));
  for (const h of handoffs) {
    if (!dmFor.has(`${h.id}:${h.userId}`)) {
      missing += 1;
      detail.push(`handoff ${h.id}: no DM for ${h.userId}`);
    }
  }
  return { rows: rows.length, sent: rows.filter((r) => r.status === 'sent').length, duplicates, missing, handoffs: new Set(handoffs.map((h) => h.id)).size, detail };
}
