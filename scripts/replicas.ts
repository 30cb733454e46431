/**
 * The replica test at full size (issue 14): 3 real app processes on one PostgreSQL, a wave of digests
 * due in the same minute, one replica killed with SIGKILL mid-wave and restarted, then 200 concurrent
 * clicks on one handoff spread over the replicas. Prints a summary table; exits 1 if a check fails.
 *
 *   npm run test:replicas -- [--digests 10000] [--rate 100] [--slack-rate <rate>] [--kill-after 0.4]
 *     [--due next-minute|this-minute] [--lead-ms 20000] [--clicks 200] [--post-delay-ms 20]
 *     [--api-timeout-ms 5000] [--keep-logs]
 *
 * PostgreSQL: HANDOFF_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test); the run
 * creates a database of its own and drops it. The CI-sized run is test/reliability/replicas.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgresProblem, TEST_POSTGRES_URL } from './check-postgres';
import { redactedUrl } from '../src/db/postgres';
import { dropDatabase, urlOf, withAdmin } from '../test/postgres/support/databases';
import { benchArgs } from './bench/args';
import { runClicks, type ClickResult } from './replicas/clicks';
import { checks, summary } from './replicas/report';
import { startReplicaRig } from './replicas/rig';
import { runWave } from './replicas/wave';

const log = (line: string) => process.stderr.write(`[replicas ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(): Promise<void> {
  const args = benchArgs(process.argv.slice(2));
  const problem = await postgresProblem(TEST_POSTGRES_URL);
  if (problem !== null) {
    console.error(`PostgreSQL is not reachable at ${redactedUrl(TEST_POSTGRES_URL)} (${problem}): the replica test needs it (set HANDOFF_TEST_POSTGRES_URL).`);
    process.exit(1);
  }
  const rate = args.num('rate', 100);
  const clicks = args.num('clicks', 200);
  const due = args.get('due') === 'this-minute' ? 'this-minute' : 'next-minute';
  const name = `handoff_replicas_${Date.now().toString(36)}`;
  await withAdmin((admin) => admin.query(`create database "${name}"`));
  let rig: Awaited<ReturnType<typeof startReplicaRig>> | undefined;
  try {
    rig = await startReplicaRig({
      databaseUrl: urlOf(name),
      digests: args.num('digests', 10_000),
      ratePerSecond: rate,
      slackRate: args.num('slack-rate', rate),
      postDelayMs: args.num('post-delay-ms', 20),
      apiTimeoutMs: args.num('api-timeout-ms', 5000),
      due,
      leadMs: args.num('lead-ms', 20_000),
      log,
    });
    const wave = await runWave(rig, { killAfter: args.num('kill-after', 0.4), log });
    log(`wave settled in ${(wave.elapsedMs / 1000).toFixed(1)} s; ${clicks} clicks next`);
    const clicked: ClickResult | null = clicks > 0 ? await runClicks(rig, clicks) : null;
    const results = checks(wave, rate, clicked);
    const o = { limit: rate, slackRate: rig.slackRate, replicas: rig.replicas.length, slotAt: rig.slotAt, due } as const;
    console.log(summary(wave, o, clicked).join('\n'));
    console.log(
      `load: ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} (1/5/15 min, ${os.cpus().length} cores)`,
    );
    for (const c of results) console.log(`${c.ok ? 'PASS' : 'FAIL'}  ${c.what}`);
    if (wave.audit.detail.length) console.log(`first problems:\n  ${wave.audit.detail.slice(0, 10).join('\n  ')}`);
    if (args.flag('keep-logs') || results.some((c) => !c.ok)) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-replicas-'));
      for (const [tag, out] of Object.entries(rig.output())) fs.writeFileSync(path.join(dir, `${tag}.log`), out);
      console.log(`replica logs: ${dir}`);
    }
    process.exitCode = results.every((c) => c.ok) ? 0 : 1;
  } finally {
    await rig?.stop();
    await dropDatabase(name);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
