/**
 * Rolling deploys: two real processes (`node dist/index.js`) on ONE database (a SQLite file, or in
 * the reliability-postgres project a PostgreSQL database) against one fake Slack, the new one (B) started while the old one (A) is still working, then A stopped — gracefully
 * (SIGTERM) or not (kill -9). Whatever A was doing at that moment (posts in flight to a slow Slack,
 * rows claimed while it waits out a 429 Retry-After), every DM and digest reaches Slack exactly once.
 * And while both run, every modal submission is saved: neither process trips over the other's
 * writes ("database is locked").
 */
import { CallbackIds } from '../../src/ids';
import { CaseLog } from './support/cases';
import { buildApp, kill9, rng, type Child } from './support/child';
import { errorLines, modalValues, sleep } from './support/world';
import { sqlAll, sqlCount } from '../harness/testSql';
import { TEST_BACKEND } from '../harness/testBackend';
import { audit, type Audit, deployWorld, digestsPosted, openDeliveries, requester, sendingRows, startApp, until, WRITER, type DeployWorld } from './support/deployWorld';

const SEEDS = (process.env.DEPLOY_SEEDS ?? '11,29').split(',').map(Number);
// On PostgreSQL (reliability-postgres) each case runs one of the two seeds, alternately, so both
// stopping moments of the Retry-After cases (nth 0: just before the wait ends; nth 1: just after
// sending resumed) are still covered (SIGTERM before, kill -9 after). How the two processes overlap
// in time is the same code on both backends, run in full on SQLite; what depends on the database
// (claims handed back at SIGTERM, a dead process's claims taken over) runs on both.
const ALTERNATE_SEEDS = TEST_BACKEND === 'postgres' && process.env.DEPLOY_SEEDS === undefined;
let entry: string;

beforeAll(async () => {
  entry = await buildApp();
}, 120_000);

type Stop = 'SIGTERM' | 'kill -9';

async function stop(child: Child, how: Stop): Promise<void> {
  if (how === 'kill -9') return kill9(child);
  child.proc.kill('SIGTERM');
  await child.exited;
}

/** Inline handoffs from WRITER to two working recipients, each marked so the audit can find it. */
async function handOff(world: DeployWorld, child: Child, marker: string, random: () => number, count: number): Promise<void> {
  const slack = requester(world, child);
  await Promise.all(
    Array.from({ length: count }, async (_, k) => {
      const a = world.recipients[Math.floor(random() * world.recipients.length)]!;
      const b = world.recipients.find((r) => r !== a)!;
      const res = await slack.command({ userId: WRITER, text: `<@${a}> <@${b}> ${marker}-${k} numbers please` });
      if (res.status !== 200) throw new Error(`command answered ${res.status}`);
    }),
  );
}

interface Run {
  world: DeployWorld;
  outputs: string[];
  /** What A was doing when B started. */
  postsInFlightAtB: number;
  rowsSendingAtB: number;
  /** How long after B was ready A was stopped. */
  stoppedAfterMs: number;
  /** Nothing left pending or claimed in the outbox within the time allowed. */
  drained: boolean;
  /** What Slack received against what the database says, read before the database is closed. */
  result: Audit;
}

async function rollingDeploy(seed: number, nth: number, during: 'mid-wave' | 'retry-after', how: Stop): Promise<Run> {
  const random = rng(seed);
  const world = await deployWorld({ digests: 24, recipients: 6, random });
  const outputs: string[] = [];
  const children: Child[] = [];
  try {
    // Mid-wave: Slack answers in 1–3 s, so A always has posts in flight. Retry-After: a fast Slack
    // (100–300 ms) that suddenly answers 429 to everything for a few seconds.
    const latency = during === 'mid-wave' ? () => 1000 + random() * 2000 : () => 100 + random() * 200;
    world.fake.delay('chat.postMessage', latency);
    const a = await startApp(entry, world);
    children.push(a);
    await handOff(world, a, `deploy-${seed}-a1`, random, 3);
    await until('A is in the middle of its digest wave', () => digestsPosted(world) >= 4 && world.fake.inFlight('chat.postMessage') > 0);

    let pauseEnds = 0;
    if (during === 'retry-after') {
      const before = world.fake.callsTo('chat.postMessage').filter((c) => c.status === 429).length;
      world.fake.rateLimit({ method: 'chat.postMessage', retryAfterSec: 4, times: 6 });
      await until('A got its 429s', () => world.fake.callsTo('chat.postMessage').filter((c) => c.status === 429).length >= before + 6);
      pauseEnds = Date.now() + 4000;
      await until('A holds claimed rows while it waits', async () => (await sendingRows(world)) > 0, 5000);
    }
    const postsInFlightAtB = world.fake.inFlight('chat.postMessage');
    const rowsSendingAtB = await sendingRows(world);
    const b = await startApp(entry, world);
    children.push(b);
    const bReady = Date.now();
    await Promise.all([handOff(world, b, `deploy-${seed}-b`, random, 3), handOff(world, a, `deploy-${seed}-a2`, random, 2)]);
    // Stop A somewhere in the next second and a half — for Retry-After, alternately just before the
    // end of its wait and just after it resumed sending.
    const stopAt = during === 'retry-after' ? pauseEnds + (nth % 2 === 0 ? -900 : 300) + random() * 600 : Date.now() + random() * 1500;
    await sleep(Math.max(0, stopAt - Date.now()));
    const stoppedAfterMs = Date.now() - bReady;
    await stop(a, how);
    outputs.push(a.output());
    // The overlap is over: posts already on their way keep their 1–3 s; B's later ones are answered
    // in 100–300 ms, so B's catch-up (audited below) does not take a slow Slack's 10+ s.
    if (during === 'mid-wave') world.fake.delay('chat.postMessage', () => 100 + random() * 200);
    // What is still open after this is counted as missing by the audit.
    const drained = await until('B delivered everything', async () => (await openDeliveries(world)) === 0, 45_000).then(
      () => true,
      () => false,
    );
    await until('Slack answered every post', () => world.fake.inFlight() === 0, 10_000);
    await stop(b, 'SIGTERM');
    outputs.push(b.output());
    return { world, outputs, postsInFlightAtB, rowsSendingAtB, stoppedAfterMs, drained, result: await audit(world) };
  } catch (e) {
    for (const c of children) outputs.push(c.output());
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- app output (tail) ---\n${outputs.join('\n').slice(-4000)}`, { cause: e });
  } finally {
    for (const c of children) await kill9(c);
    await world.fake.close();
    await world.db.close();
  }
}

/** Every promise's value; or, once all have settled (so no deploy is still running), the first rejection. */
async function allOrFirstError<T>(promises: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

describe('rolling deploy: the new process starts while the old one still sends', () => {
  for (const during of ['mid-wave', 'retry-after'] as const) {
    for (const how of ['SIGTERM', 'kill -9'] as const) {
      it(`B starts ${during === 'mid-wave' ? 'while A has posts in flight (Slack 1–3 s)' : 'while A waits out a 429 Retry-After'}, then A gets ${how}: every DM and digest exactly once`, async () => {
        const log = new CaseLog('deploy');
        const caseIndex = (during === 'mid-wave' ? 0 : 2) + (how === 'SIGTERM' ? 0 : 1);
        const seeds = [...SEEDS.entries()].filter(([nth]) => !ALTERNATE_SEEDS || nth % 2 === caseIndex % 2);
        // The seeds' deploys run side by side, each with its own database, fake Slack and processes:
        // a deploy mostly waits on Slack's answers and timers, so two take hardly longer than one.
        const runs = await allOrFirstError(seeds.map(([nth, seed]) => rollingDeploy(seed, nth, during, how)));
        for (const [i, [, seed]] of seeds.entries()) {
          const run = runs[i]!;
          const { result } = run;
          await log.check(
            `seed ${seed}: the deploy overlapped A's work (${run.postsInFlightAtB} posts in flight, ${run.rowsSendingAtB} rows claimed when B started; A stopped ${run.stoppedAfterMs} ms after B was ready)`,
            () => {
              if (during === 'mid-wave') expect(run.postsInFlightAtB).toBeGreaterThan(0);
              else expect(run.rowsSendingAtB).toBeGreaterThan(0);
              expect(result.handoffs).toBeGreaterThanOrEqual(6);
            },
          );
          await log.check(
            `seed ${seed}: ${result.rows} deliveries (${run.world.digests.size} digests, DMs of ${result.handoffs} handoffs): ${result.duplicates} sent twice`,
            () => {
              expect({ duplicates: result.duplicates, detail: result.detail.filter((d) => d.includes('times') && !d.includes('posted 0')) }).toEqual({ duplicates: 0, detail: [] });
            },
          );
          await log.check(`seed ${seed}: ${result.missing} missing (${run.drained ? 'the outbox drained' : 'the outbox did not drain'})`, () => {
            expect({ missing: result.missing, detail: result.detail.filter((d) => !/posted [2-9]/.test(d)) }).toEqual({ missing: 0, detail: [] });
          });
          await log.check(`seed ${seed}: no listener error or unhandled rejection in either process`, () => {
            expect(errorLines(run.outputs.flatMap((o) => o.split('\n')))).toEqual([]);
          });
        }
        log.finish();
      }, 240_000);
    }
  }
});

describe('two processes writing one database', () => {
  it('modal submissions to both processes while both deliver: none fails, each is saved once; a command sent to both at once is one handoff', async () => {
    const log = new CaseLog('deploy');
    for (const seed of SEEDS) {
      const random = rng(seed);
      const world = await deployWorld({ digests: 40, recipients: 6, random });
      const children: Child[] = [];
      try {
        world.fake.delay('chat.postMessage', () => 20 + random() * 60);
        const [a, b] = await Promise.all([startApp(entry, world), startApp(entry, world)]);
        children.push(a!, b!);
        const SUBMISSIONS = 60;
        const results = await Promise.all(
          Array.from({ length: SUBMISSIONS }, async (_, i) => {
            await sleep(random() * 1500);
            const slack = requester(world, i % 2 === 0 ? a! : b!);
            const body = slack.viewSubmission({
              userId: WRITER,
              callbackId: CallbackIds.handoffModal,
              privateMetadata: JSON.stringify({ key: `modal-${seed}-${i}` }),
              values: modalValues({ recipients: [world.recipients[i % world.recipients.length]!], ask: `modal-${seed}-${i} review please` }),
            });
            const res = await slack.interaction(body);
            return { i, status: res.status, body: res.text };
          }),
        );
        await until('every submission was confirmed or refused by DM', () => world.fake.messagesIn(WRITER).length >= SUBMISSIONS, 20_000).catch(() => undefined);
        const dms = world.fake.messagesIn(WRITER).map((m) => m.text);
        const failed = results.filter((r) => r.status !== 200 || r.body.includes('"errors"'));
        const notSaved = dms.filter((t) => /not saved|went wrong|couldn’t save/i.test(t));
        const saved = await sqlAll<{ ask: string }>(world.db, "select ask from handoffs where author_id = ? and ask like 'modal-%'", WRITER);
        await log.check(`seed ${seed}: ${SUBMISSIONS} submissions, ${failed.length} answered with an error or not 200, ${notSaved.length} told “not saved”`, () => {
          expect({ failed: failed.map((f) => `${f.i}: ${f.status} ${f.body.slice(0, 200)}`), notSaved }).toEqual({ failed: [], notSaved: [] });
        });
        await log.check(`seed ${seed}: every submission saved exactly once (${saved.length} handoffs)`, () => {
          const markers = saved.map((s) => /modal-\d+-\d+/.exec(s.ask)?.[0]);
          expect(new Set(markers).size).toBe(markers.length);
          expect(markers.length).toBe(SUBMISSIONS);
        });
        // Double Enter across the deploy: the same inline command reaching A and B at the same moment.
        const pairs = await Promise.all(
          Array.from({ length: 10 }, async (_, i) => {
            const text = `<@${world.recipients[i % world.recipients.length]}> pair-${seed}-${i} numbers please`;
            const statuses = await Promise.all([a!, b!].map(async (c) => (await requester(world, c).command({ userId: WRITER, text })).status));
            return { i, statuses };
          }),
        );
        const pairCounts = () => Promise.all(pairs.map((p) => sqlCount(world.db, 'select count(*) n from handoffs where ask like ?', `pair-${seed}-${p.i} %`)));
        await until('both processes answered every pair', async () => (await pairCounts()).every((n) => n >= 1), 10_000).catch(() => undefined);
        const counts = await pairCounts();
        await log.check(`seed ${seed}: the same command sent to both processes at once, 10 times: ${counts.reduce((x, y) => x + y, 0)} handoffs`, () => {
          expect(pairs.flatMap((p) => p.statuses).every((s) => s === 200)).toBe(true);
          expect(counts).toEqual(Array.from({ length: 10 }, () => 1));
        });
        await log.check(`seed ${seed}: no listener error or unhandled rejection`, () => {
          expect(errorLines(children.flatMap((c) => c.output().split('\n')))).toEqual([]);
        });
      } finally {
        for (const c of children) await kill9(c);
        await world.fake.close();
        await world.db.close();
      }
    }
    log.finish();
  }, 240_000);
});
