/**
 * A rolling deploy on one machine: two real app processes (`node dist/index.js`) on ONE SQLite file
 * against one fake Slack. Seeds a morning wave that is already due plus people who are working now
 * (so a new handoff DMs them at once), and audits afterwards what Slack received: every DM and digest
 * exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { FakeSlack } from '../../harness/fakeSlack';
import { SlackRequester } from '../../harness/slackRequests';
import { MetadataEventTypes } from '../../../src/ids';
import { ALL_DAYS } from '../../../src/domain/workSchedule';
import { seedWave } from '../../../scripts/crash-digest-wave';
import { BOT_TOKEN, SIGNING_SECRET, startChild, type Child } from './child';

export const TEAM = 'T0001';
export const WRITER = 'U0WRITER';
export const recipientId = (i: number) => `U0RCPT${i}`;

export interface DeployWorld {
  dir: string;
  dbFile: string;
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
  const dbFile = path.join(dir, 'handoff.db');
  const fake = await FakeSlack.start({ botToken: BOT_TOKEN, teamId: TEAM });
  const digests = seedWave(dbFile, opts.digests, new Date(), opts.random);
  for (const userId of digests.keys()) fake.addUser({ id: userId, tz: 'UTC' });
  const recipients = Array.from({ length: opts.recipients }, (_, i) => recipientId(i));
  const db = new Database(dbFile);
  try {
    const t = Date.now();
    // Working every minute of every day (a shift from 00:00 to 00:00), digests off: DMs go out at once.
    const insert = db.prepare(`insert into users (team_id, user_id, display_name, slack_tz, workday_start_minute, workday_end_minute,
        working_days, digest_enabled, profile_fetched_at, created_at, updated_at) values (?, ?, ?, 'UTC', 0, 0, ?, 0, ?, ?, ?)`);
    for (const id of [...recipients, WRITER]) {
      insert.run(TEAM, id, id.toLowerCase(), ALL_DAYS, t, t, t);
      fake.addUser({ id, name: id.toLowerCase(), tz: 'UTC' });
    }
  } finally {
    db.close();
  }
  return { dir, dbFile, fake, digests, recipients };
}

export function appEnv(world: DeployWorld, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_API_URL: world.fake.url,
    DATABASE_URL: `file:${world.dbFile}`,
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

export function readDb<T>(world: DeployWorld, fn: (db: Database.Database) => T): T {
  const db = new Database(world.dbFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return fn(db);
  } finally {
    db.close();
  }
}

/** Polls `check` every 25 ms until it is true; throws with `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const openDeliveries = (world: DeployWorld) =>
  readDb(world, (db) => (db.prepare("select count(*) n from outbox where status in ('pending', 'sending') and kind in ('dm', 'digest')").get() as { n: number }).n);

export const sendingRows = (world: DeployWorld) => readDb(world, (db) => (db.prepare("select count(*) n from outbox where status = 'sending'").get() as { n: number }).n);

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
export function audit(world: DeployWorld): Audit {
  const rows = readDb(
    world,
    (db) =>
      db.prepare("select id, kind, status, user_id as userId, handoff_id as handoffId from outbox where kind in ('dm', 'digest')").all() as Array<{
        id: number;
        kind: string;
        status: string;
        userId: string;
        handoffId: number | null;
      }>,
  );
  const handoffs = readDb(
    world,
    (db) =>
      db.prepare('select h.id, r.user_id as userId from handoffs h join handoff_recipients r on r.handoff_id = h.id where h.author_id = ?').all(WRITER) as Array<{
        id: number;
        userId: string;
      }>,
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
