/**
 * Runs a describe block as if the server's own zone were `tz`, to prove nothing depends on it.
 * Jest hands each test file a *copy* of process.env, so `process.env.TZ = …` never reaches V8; the
 * real process (whose env setter resets V8's zone cache) is the global of the main context.
 */
import * as vm from 'node:vm';

const realProcess = vm.runInThisContext('process') as NodeJS.Process;

/** The zones tests run under, with their offset on 2026-01-01 (minutes, as getTimezoneOffset gives it). */
export const SERVER_ZONES: Record<string, number> = { UTC: 0, 'America/New_York': 300, 'Pacific/Auckland': -780 };

function setServerTz(tz: string | undefined): void {
  if (tz === undefined) delete realProcess.env.TZ;
  else realProcess.env.TZ = tz;
}

export function useServerTz(tz: string): void {
  const saved = realProcess.env.TZ;
  beforeAll(() => {
    setServerTz(tz);
    expect(new Date(2026, 0, 1).getTimezoneOffset()).toBe(SERVER_ZONES[tz]);
  });
  afterAll(() => setServerTz(saved));
}

/** Runs `fn` once under each of SERVER_ZONES and returns the results, in that order. */
export function underEachServerTz<T>(fn: () => T): T[] {
  const saved = realProcess.env.TZ;
  try {
    return Object.entries(SERVER_ZONES).map(([tz, expected]) => {
      setServerTz(tz);
      if (new Date(2026, 0, 1).getTimezoneOffset() !== expected) throw new Error(`server TZ did not switch to ${tz}`);
      return fn();
    });
  } finally {
    setServerTz(saved);
  }
}
