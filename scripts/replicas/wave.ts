/**
 * The wave with a kill: waits until a share of the digests is in Slack, kill -9s one replica while it
 * has a post in flight (or as close to that as it comes), restarts it at once, follows the rows it
 * left claimed until another replica has taken them over and sent them, and waits until every digest
 * row is settled. Then audits what the fake Slack received.
 */
import { cpuMs } from '../bench/proc';
import { auditWave, type WaveAudit } from './audit';
import { outboxByStatus, sleep, until, type ReplicaRig } from './rig';

export interface WaveOptions {
  /** Kill when this share of the digests has reached Slack (default 0.4). */
  killAfter?: number;
  /** Which replica (index) to kill (default 1). */
  victim?: number;
  /** Gives up waiting (and reports what is missing) after this long (default 15 min). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface KillReport {
  tag: string;
  restartedAs: string;
  at: number;
  /** Digests in Slack when it was killed. */
  digestsBefore: number;
  /** Rows it held ('sending') when it died, and of those the ones whose post had started. */
  orphanIds: number[];
  orphans: number;
  orphansPosting: number;
  /** Of the orphans, those Slack had already accepted (a post that landed before, or as, it died). */
  orphansInSlack: number;
  /** From the kill: the restarted process answering /healthz; every orphan out of the dead process's hands; every orphan sent. Null: not within the run. */
  restartReadyMs: number;
  takenOverMs: number | null;
  settledMs: number | null;
}

export interface WaveResult {
  audit: WaveAudit;
  kill: KillReport | null;
  /** Digest rows by status at the end (all 'sent' when nothing is missing). */
  outbox: Record<string, number>;
  /** Digest rows the replicas had planned before the slot (the 'next-minute' wave is planned ahead). */
  plannedBySlot: number;
  /** CPU seconds each replica process used (the killed one until its death). */
  cpuSeconds: Record<string, number>;
  timedOut: boolean;
  elapsedMs: number;
}

const pidOf = (claimedBy: string | null) => claimedBy?.split('#')[2] ?? null;

async function heldBy(rig: ReplicaRig, pid: number): Promise<Array<{ id: number; posting: boolean }>> {
  const { rows } = await rig.pg.query<{ id: string; posting: boolean }>(
    `select id, posting_since is not null as posting from outbox where status = 'sending' and split_part(claimed_by, '#', 3) = $1`,
    [String(pid)],
  );
  return rows.map((r) => ({ id: Number(r.id), posting: r.posting }));
}

/** Every digest row planned and settled, and no post still on its way to Slack. */
async function settled(rig: ReplicaRig): Promise<boolean> {
  const { rows } = await rig.pg.query<{ rows: number; open: number; unplanned: number }>(
    `select (select count(*)::int from outbox where kind = 'digest') as rows,
            (select count(*)::int from outbox where kind = 'digest' and status in ('pending', 'sending')) as open,
            (select count(*)::int from users where next_digest_at <= $1) as unplanned`,
    [new Date(rig.slotAt)],
  );
  const r = rows[0]!;
  if (r.rows < rig.wave.expected.size || r.open > 0 || r.unplanned > 0) return false;
  return (await rig.fake.progress()).inFlight === 0;
}

async function killMidWave(rig: ReplicaRig, o: Required<Pick<WaveOptions, 'killAfter' | 'victim'>>, deadline: number, log: (l: string) => void): Promise<KillReport | null> {
  const n = rig.wave.expected.size;
  const threshold = Math.floor(n * o.killAfter);
  const reached = await until(async () => (await rig.fake.progress()).digestsAccepted >= threshold, deadline - Date.now(), 20);
  if (!reached) return null;
  const victim = rig.replicas[o.victim]!;
  // Kill while one of its posts is in flight if that happens within a second or so (the fake holds each post a little).
  await until(async () => (await heldBy(rig, victim.pid)).some((r) => r.posting), 1500, 2);
  await rig.kill(o.victim);
  const at = Date.now();
  const digestsBefore = (await rig.fake.progress()).digestsAccepted;
  const orphans = await heldBy(rig, victim.pid);
  log(
    `killed ${victim.tag} (pid ${victim.pid}) at ${digestsBefore} digests in Slack; it held ${orphans.length} rows, ${orphans.filter((r) => r.posting).length} with a post started`,
  );
  const restartedAs = `${victim.tag}b`;
  // Restarted at once; its rows are followed meanwhile (a survivor may take them over first).
  const restarted = rig.restart(o.victim, restartedAs).then(() => Date.now() - at);
  const ids = orphans.map((r) => r.id);
  let takenOverMs: number | null = null;
  let settledMs: number | null = null;
  await until(
    async () => {
      const { rows } = await rig.pg.query<{ status: string; claimed_by: string | null }>('select status, claimed_by from outbox where id = any($1::bigint[])', [ids]);
      const t = Date.now() - at;
      if (takenOverMs === null && rows.every((r) => r.status !== 'sending' || pidOf(r.claimed_by) !== String(victim.pid))) takenOverMs = t;
      if (settledMs === null && rows.every((r) => r.status === 'sent')) settledMs = t;
      return takenOverMs !== null && settledMs !== null;
    },
    deadline - Date.now(),
    25,
  );
  const restartReadyMs = await restarted;
  log(`restarted as ${restartedAs} in ${restartReadyMs} ms; its rows taken over after ${takenOverMs ?? '—'} ms, sent after ${settledMs ?? '—'} ms`);
  return {
    tag: victim.tag,
    restartedAs,
    at,
    digestsBefore,
    orphanIds: ids,
    orphans: ids.length,
    orphansPosting: orphans.filter((r) => r.posting).length,
    orphansInSlack: 0,
    restartReadyMs,
    takenOverMs,
    settledMs,
  };
}

export async function runWave(rig: ReplicaRig, o: WaveOptions = {}): Promise<WaveResult> {
  const started = Date.now();
  const log = o.log ?? (() => undefined);
  const deadline = started + (o.timeoutMs ?? 15 * 60_000) + Math.max(0, rig.slotAt - started);
  const kill = await killMidWave(rig, { killAfter: o.killAfter ?? 0.4, victim: o.victim ?? 1 }, deadline, log);
  const done = await until(() => settled(rig), deadline - Date.now(), 100);
  // The fake drains its calls every 100 ms; `records` drains once more before answering.
  await sleep(150);
  const records = await rig.fake.records();
  if (kill) {
    // Posted by the dead process itself: Slack had them before anyone took the rows over.
    const posted = new Set(records.posts.filter((p) => p.ok && p.via === kill.tag && p.outboxId !== null).map((p) => p.outboxId));
    kill.orphansInSlack = kill.orphanIds.filter((id) => posted.has(id)).length;
  }
  const planned = await rig.pg.query<{ n: number }>(`select count(*)::int as n from outbox where kind = 'digest' and created_at < $1`, [new Date(rig.slotAt)]);
  // A replica that exited on its own (not killed by the rig) is a failure of the app: say why it went.
  const died = rig.replicas.filter((r) => r.child.proc.exitCode !== null || r.child.proc.signalCode !== null);
  if (died.length > 0)
    throw new Error(
      died
        .map(
          (r) =>
            `replica ${r.tag} (pid ${r.pid}) exited on its own (code ${r.child.proc.exitCode}, signal ${r.child.proc.signalCode}); its last output:\n${r.child.output().slice(-3000)}`,
        )
        .join('\n\n'),
    );
  const cpuSeconds: Record<string, number> = {};
  for (const r of [...rig.gone, ...rig.replicas]) cpuSeconds[r.tag] = (r.cpuMs ?? cpuMs(r.pid)) / 1000;
  return {
    audit: auditWave(rig.wave.expected, records.posts),
    kill,
    outbox: await outboxByStatus(rig.pg, 'digest'),
    plannedBySlot: planned.rows[0]!.n,
    cpuSeconds,
    timedOut: !done,
    elapsedMs: Date.now() - started,
  };
}
