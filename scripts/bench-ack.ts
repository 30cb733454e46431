/**
 * Ack latency and CPU per request of the running app, next to a bare Bolt app acking the same
 * traffic: each in its own process, fed by an open-loop load generator in a third (requests signed
 * ahead, fired at intended instants, latency measured from the intended instant), against a fake
 * Slack in a fourth. For each kind: CPU per request at `--cpu-rate`, then a ramp over `--rates`,
 * bare app and Handoff alternating point by point, until p99 > 100 ms or an ack over 3 s.
 *
 *   npm run bench:ack -- [--kinds create,list,click,proposal] [--rates 25,50,100,150,200,300]
 *     [--seconds 5] [--cpu-rate 20] [--cpu-seconds 8] [--cpu-rounds 3] [--warmup-seconds 3] [--kind-warmup-seconds 10] [--kind-warmup-rate 100] [--app-env KEY=VALUE]… [--app-node-arg ARG]… [--app-entry DIR/dist/index.js]
 *
 * `--bare-answers`: the bare app also sends each request's one answer (a response_url post, or a
 * chat.postEphemeral for a message), as every Handoff request does: the floor under Handoff's cost.
 *
 * A CPU profile of the app: `--app-node-arg --cpu-prof --app-node-arg --cpu-prof-dir=/tmp/prof`.
 *
 * No wave here (nobody is due): see `npm run bench:waves` for acks during a morning wave.
 */
import { benchArgs, describeEnv } from './bench/args';
import { KINDS, STEADY_MIX, type Kind } from './bench/requests';
import { kindTable, log, measureKind, startRig, TARGETS, type KindResult } from './bench/rig';
import { cell } from './bench/stats';
import { nextSlot } from './bench/world';

function parse(argv: string[]) {
  const { get, num, list, flag, appEnv, appNodeArgs, appEntry, kindWarmup } = benchArgs(argv);
  return {
    kinds: (get('kinds') ?? KINDS.join(',')).split(',') as Kind[],
    rates: list('rates', '25,50,100,150,200,300'),
    stepSeconds: num('seconds', 5),
    rate: num('cpu-rate', 20),
    kindSeconds: num('cpu-seconds', 8),
    cpuRounds: num('cpu-rounds', 3),
    kindWarmup,
    /** The steady mix at 20 req/s before the first kind (a longer one lets the JIT finish compiling the request paths). */
    warmupSeconds: num('warmup-seconds', 3),
    appEnv,
    appNodeArgs,
    appEntry,
    bareAnswers: flag('bare-answers'),
  };
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  for (const k of o.kinds) if (!KINDS.includes(k)) throw new Error(`unknown kind ${k}; one of ${KINDS.join(', ')}`);
  log('building and starting the app, the bare app, the fake Slack and the generator…');
  const rig = await startRig({
    wave: 0,
    slotAt: nextSlot(Date.now(), 6 * 3600_000),
    workspaceRate: 50,
    appEnv: o.appEnv,
    appNodeArgs: o.appNodeArgs,
    appEntry: o.appEntry,
    bareAnswers: o.bareAnswers,
  });
  const results: KindResult[] = [];
  let outcome: string;
  try {
    await rig.gen.run({ targets: rig.targets, rate: 20, durationMs: o.warmupSeconds * 1000, mix: STEADY_MIX, fakeSlackBase: rig.fake.base }); // warm-up
    for (const kind of o.kinds) results.push(await measureKind(rig, kind, o));
    outcome = rig.outcome();
  } finally {
    await rig.stop();
  }
  const lines = [
    `bench:ack — ${new Date().toISOString()}; ${o.bareAnswers ? 'bare app sends one answer per request; ' : ''}app settings: ${describeEnv(o.appEnv)} (and HANDOFFS_PER_PERSON_PER_MINUTE=1000); ack latency ms from the intended instant, ${o.stepSeconds} s per point`,
  ];
  lines.push(
    `  ${'kind'.padEnd(10)} ${'rate'.padStart(5)} ${'app'.padEnd(10)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)} ${'>3s'.padStart(5)} ${'fail'.padStart(5)}`,
  );
  for (const k of results) {
    for (const pt of k.points) {
      lines.push(
        `  ${k.kind.padEnd(10)} ${String(pt.rate).padStart(5)} ${TARGETS[pt.target]!.padEnd(10)} ${cell(pt.s.p50)} ${cell(pt.s.p99)} ${cell(pt.s.max)} ${String(pt.s.over3s).padStart(5)} ${String(pt.failed).padStart(5)}${pt.ok ? '' : '  ✗'}`,
      );
    }
  }
  lines.push('', ...kindTable(results, o), '', outcome);
  console.log(lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
