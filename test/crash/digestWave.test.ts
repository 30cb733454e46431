/**
 * kill -9 during a wave of due digests, restart, repeat: every digest arrives exactly once.
 * A CI-sized run of scripts/crash-digest-wave.ts (`npm run crash:digest` runs 1,000 digests × 10 kills).
 */
import { runCrashWave } from '../../scripts/crash-digest-wave';
import { freshPostgresDatabase, TEST_BACKEND } from '../harness/testBackend';
import { buildApp } from '../reliability/support/child';

let entry: string;

// The build the other process tests share: node starts the app in a fraction of tsx's time.
beforeAll(async () => {
  entry = await buildApp();
}, 240_000);

describe('crash test: kill -9 during a digest wave', () => {
  // On PostgreSQL one seed: the kills, the restarts and the lookups in Slack are the same code on
  // both backends and run twice on SQLite; what the database does (claims, takeovers) runs on both.
  it.each(TEST_BACKEND === 'postgres' ? [7] : [7, 1234])(
    '200 digests, 3 kills (seed %i): none missing, none twice',
    async (seed) => {
      // reliability-postgres: the same wave on a PostgreSQL database of this file.
      const databaseUrl = TEST_BACKEND === 'postgres' ? await freshPostgresDatabase() : undefined;
      // A kill lands mid-post, and the restarted process waits out SLACK_API_TIMEOUT_MS before taking
      // such a row over: 2 s, still 130 times the fake's answer, instead of the app's 10 s.
      const r = await runCrashWave({ digests: 200, kills: 3, seed, ratePerSecond: 150, concurrency: 8, slackDelayMs: 15, apiTimeoutMs: 2000, databaseUrl, entry });
      expect({ missing: r.missing, duplicates: r.duplicates }).toEqual({ missing: 0, duplicates: 0 });
      expect(r.kills).toBe(3);
      expect(r.starts).toBe(4);
      expect(r.outbox).toEqual({ sent: 200 });
      // Every interrupted send was resolved by looking in Slack, not by sending blindly.
      expect(r.postMessageCalls).toBe(200);
    },
    // Only bounds how long a broken run takes to fail: at load 13 this run went past 60 s.
    120_000,
  );
});
