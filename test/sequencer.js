'use strict';
/**
 * Longest files first, so that with `--maxWorkers=2` a long file never starts last and runs alone at
 * the end. Jest orders by the durations it cached on the previous run, but CI runs in a fresh clone
 * (no cache: it falls back to file size, and the rolling deploy, the longest file, is a small one).
 * So: the duration jest remembers if it has one, else the seconds below (measured in a CI run on a
 * 2-core machine; only their order matters), else 0 — and among equals jest's own order (files that
 * failed last time first, then by size).
 */
const Sequencer = require('@jest/test-sequencer').default;

/** Seconds per `project path`, from `npm run test:all` (files under 5 s are left to jest). */
const KNOWN_SECONDS = {
  'reliability test/reliability/deploy.test.ts': 133,
  'reliability-postgres test/reliability/deploy.test.ts': 65,
  'reliability test/reliability/crash.test.ts': 37,
  'reliability test/crash/digestWave.test.ts': 36,
  'reliability test/reliability/replicas.test.ts': 30,
  'postgres test/postgres/sharedPace.test.ts': 26,
  'reliability test/reliability/faults-flood.test.ts': 26,
  'reliability test/e2e/lifecycle.test.ts': 23,
  'reliability-postgres test/reliability/crash.test.ts': 23,
  'reliability test/reliability/fuzz.test.ts': 23,
  'reliability-postgres test/crash/digestWave.test.ts': 21,
  'reliability-postgres test/reliability/faults.test.ts': 20,
  'e2e-postgres test/e2e/digest.test.ts': 20,
  'reliability test/reliability/faults.test.ts': 19,
  'e2e-postgres test/e2e/outbox.test.ts': 19,
  'e2e-postgres test/e2e/socketMode.test.ts': 17,
  'e2e test/e2e/outbox.test.ts': 16,
  'e2e test/e2e/socketMode.test.ts': 16,
  'e2e-postgres test/e2e/outboxLeases.test.ts': 15,
  'e2e test/e2e/outboxLeases.test.ts': 14,
  'reliability-postgres test/reliability/faults-noisy.test.ts': 13,
  'reliability-postgres test/reliability/fuzz.test.ts': 12,
  'reliability test/reliability/faults-noisy.test.ts': 11,
  'e2e test/e2e/digest.test.ts': 10,
  'reliability-postgres test/reliability/faults-repeats.test.ts': 10,
  'reliability test/reliability/faults-repeats.test.ts': 10,
  'e2e-postgres test/e2e/deflection.test.ts': 9,
  'reliability-postgres test/reliability/security.test.ts': 9,
  'reliability test/reliability/security.test.ts': 8,
  'reliability test/e2e/startup.test.ts': 7,
  'postgres test/postgres/replicas.test.ts': 7,
  'unit test/unit/time/resolver.test.ts': 7,
  'e2e test/e2e/deflection.test.ts': 7,
  'unit test/unit/domain/meetingDetection/model.test.ts': 6,
  'e2e-postgres test/e2e/handoffs.test.ts': 6,
  'unit test/harness/fakeSocketMode.test.ts': 5,
};

const keyOf = (test) => {
  const { displayName, rootDir } = test.context.config;
  const relative = test.path.slice(rootDir.length + 1).split('\\').join('/');
  return `${displayName?.name ?? ''} ${relative}`;
};

class LongestFirst extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const seconds = new Map(ordered.map((t) => [t, t.duration != null ? t.duration / 1000 : (KNOWN_SECONDS[keyOf(t)] ?? 0)]));
    // Array.prototype.sort is stable: equal estimates keep jest's order (failed first, then size).
    return [...ordered].sort((a, b) => Number(this.hasFailed(b)) - Number(this.hasFailed(a)) || seconds.get(b) - seconds.get(a));
  }
}

module.exports = LongestFirst;
