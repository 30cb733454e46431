/**
 * The replica rig: N real app processes (`node dist/index.js`, built once into a private directory)
 * on ONE PostgreSQL database, sharing one fake Slack process that throttles chat.postMessage
 * workspace-wide. Seeds the wave into PostgreSQL before the replicas start, then lets their own
 * scheduler (the start-up sweep and the 30-second cron) plan and send it. Kills and restarts a
 * replica on request, and reads the outbox for the orchestrator.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Pool } from 'pg';
import { BOT_TOKEN, buildApp, kill9, startChild, type Child } from '../../test/reliability/support/child';
import { cpuMs } from '../bench/proc';
import type { Progress, Records, Reply, Request, SetupMessage } from './fakeSlackProcess';
import { seedWave, TEAM, type SeededWave } from './seed';

export interface RigOptions {
  /** A fresh, empty database; the rig migrates and seeds it. */
  databaseUrl: string;
  digests: number;
  replicas?: number;
  /** DELIVERY_RATE_PER_SECOND of every replica: the configured limit the replicas share. */
  ratePerSecond: number;
  /** What the fake Slack accepts per sliding second, workspace-wide (default: ratePerSecond). */
  slackRate?: number;
  /** Latency of each chat.postMessage, so a kill lands while posts are in flight (default 20 ms). */
  postDelayMs?: number;
  /** SLACK_API_TIMEOUT_MS: also how long a dead replica's started post is given to land before another takes it over. */
  apiTimeoutMs?: number;
  /** DATABASE_POOL_SIZE of each replica (default 8). */
  poolSize?: number;
  /**
   * 'next-minute': the wave is due at the next whole minute at least `leadMs` away, and the replicas'
   * own sweeps plan it ahead; 'this-minute': at the minute that has just begun, so it is already due
   * when the replicas start (a restart's catch-up), which keeps a CI run short.
   */
  due: 'next-minute' | 'this-minute';
  leadMs?: number;
  /** More environment for every replica. */
  appEnv?: Record<string, string>;
  log?: (line: string) => void;
}

export interface Replica {
  tag: string;
  child: Child;
  pid: number;
  startedAt: number;
  /** CPU ms it used, read when it was stopped or killed (null while it runs). */
  cpuMs: number | null;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it yields a value; null after `timeoutMs` (the caller reports what is missing). */
export async function until<T>(check: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 50): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) return null;
    await sleep(everyMs);
  }
}

class FakeSlackChild {
  private nextId = 0;
  private readonly waiting = new Map<number, (r: Reply) => void>();

  constructor(
    readonly proc: ChildProcess,
    readonly base: string,
  ) {
    proc.on('message', (m: Reply) => {
      this.waiting.get(m.id)?.(m);
      this.waiting.delete(m.id);
    });
  }

  private ask<T extends Reply['type']>(req: Omit<Extract<Request, { type: T }>, 'id'>): Promise<Extract<Reply, { type: T }>> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error('the fake Slack process exited'));
      this.proc.once('exit', onExit);
      this.waiting.set(id, (r) => {
        this.proc.off('exit', onExit);
        resolve(r as Extract<Reply, { type: T }>);
      });
      this.proc.send({ ...req, id });
    });
  }

  progress = async (): Promise<Progress> => (await this.ask<'progress'>({ type: 'progress' })).progress;
  records = async (): Promise<Records> => (await this.ask<'records'>({ type: 'records' })).records;
  digestOf = async (userId: string) => (await this.ask<'digestOf'>({ type: 'digestOf', userId })).message;
}

async function startFakeSlack(setup: Omit<SetupMessage, 'type'>): Promise<FakeSlackChild> {
  const proc = fork(path.join(__dirname, 'fakeSlackProcess.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise<string>((resolve, reject) => {
    proc.once('message', (m: { type: string; base: string }) => resolve(m.base));
    proc.once('exit', (code) => reject(new Error(`the fake Slack process exited (${code}) before it was ready`)));
  });
  proc.send({ type: 'setup', ...setup } satisfies SetupMessage);
  return new FakeSlackChild(proc, await ready);
}

export interface ReplicaRig {
  fake: FakeSlackChild;
  /** The orchestrator's own connections (reads, never the app's writes). */
  pg: Pool;
  replicas: Replica[];
  /** Replicas killed along the way (their last state). */
  gone: Replica[];
  wave: SeededWave;
  slotAt: number;
  ratePerSecond: number;
  slackRate: number;
  apiTimeoutMs: number;
  /** kill -9 of replica `i` (waits until it is really gone). */
  kill(i: number): Promise<Replica>;
  /** Starts a new process in slot `i` under `tag`; resolves once /healthz answers. */
  restart(i: number, tag: string): Promise<Replica>;
  /** Everything each replica wrote, by tag. */
  output(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startReplicaRig(o: RigOptions): Promise<ReplicaRig> {
  const log = o.log ?? (() => undefined);
  const entry = await buildApp();
  const now = Date.now();
  const slotAt = o.due === 'next-minute' ? Math.ceil((now + (o.leadMs ?? 20_000)) / 60_000) * 60_000 : Math.floor(now / 60_000) * 60_000;
  const wave = await seedWave(o.databaseUrl, o.digests, slotAt, now);
  log(`seeded ${o.digests} digests due at ${new Date(slotAt).toISOString()} (${Math.round((slotAt - Date.now()) / 1000)} s from now)`);
  const slackRate = o.slackRate ?? o.ratePerSecond;
  const apiTimeoutMs = o.apiTimeoutMs ?? 5000;
  const fake = await startFakeSlack({ botToken: BOT_TOKEN, teamId: TEAM, users: wave.users, workspaceRate: slackRate, postDelayMs: o.postDelayMs ?? 20 });
  const pg = new Pool({ connectionString: o.databaseUrl, max: 3 });
  pg.on('error', () => {});
  const env = (tag: string): Record<string, string> => ({
    SLACK_API_URL: `${fake.base}/via/${tag}/api/`,
    DATABASE_URL: o.databaseUrl,
    DATABASE_POOL_SIZE: String(o.poolSize ?? 8),
    DELIVERY_RATE_PER_SECOND: String(o.ratePerSecond),
    SLACK_API_TIMEOUT_MS: String(apiTimeoutMs),
    LOG_LEVEL: 'info',
    ...o.appEnv,
  });
  const outputs: Record<string, () => string> = {};
  const launch = async (tag: string): Promise<Replica> => {
    const child = await startChild(entry, env(tag));
    outputs[tag] = child.output;
    await child.ready(60_000);
    return { tag, child, pid: child.proc.pid!, startedAt: Date.now(), cpuMs: null };
  };
  const started = await Promise.allSettled(Array.from({ length: o.replicas ?? 3 }, (_, i) => launch(`r${i + 1}`)));
  const replicas = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const gone: Replica[] = [];
  const stopAll = async () => {
    await Promise.all(
      replicas.map(async (r) => {
        if (r.child.proc.exitCode !== null || r.child.proc.signalCode !== null) return;
        r.cpuMs = cpuMs(r.pid);
        r.child.proc.kill('SIGTERM');
        const timer = setTimeout(() => r.child.proc.kill('SIGKILL'), 15_000);
        await r.child.exited;
        clearTimeout(timer);
      }),
    );
    fake.proc.kill('SIGTERM');
    await pg.end();
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stopAll();
    throw (failed as PromiseRejectedResult).reason;
  }
  log(`${replicas.length} replicas ready: ${replicas.map((r) => `${r.tag} pid ${r.pid}`).join(', ')}`);
  return {
    fake,
    pg,
    replicas,
    gone,
    wave,
    slotAt,
    ratePerSecond: o.ratePerSecond,
    slackRate,
    apiTimeoutMs,
    async kill(i) {
      const r = replicas[i]!;
      r.cpuMs = cpuMs(r.pid);
      await kill9(r.child);
      gone.push(r);
      return r;
    },
    async restart(i, tag) {
      const r = await launch(tag);
      replicas[i] = r;
      return r;
    },
    output: () => Object.fromEntries(Object.entries(outputs).map(([tag, out]) => [tag, out()])),
    stop: stopAll,
  };
}

/** Outbox rows of one kind by status. */
export async function outboxByStatus(pg: Pool, kind: string): Promise<Record<string, number>> {
  const { rows } = await pg.query<{ status: string; n: number }>('select status, count(*)::int as n from outbox where kind = $1 group by status order by status', [kind]);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
