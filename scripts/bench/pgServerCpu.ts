/**
 * CPU time of the PostgreSQL server processes serving one database (one backend per connection),
 * read from /proc: on SQLite that work happens inside the app process, so a fair "CPU per digest"
 * on PostgreSQL adds it. Only for a server on this machine; NaN when its processes cannot be read.
 * Backends are looked up once a second: one that ends between two looks loses at most that second.
 */
import { Client } from 'pg';
import { cpuMs } from './proc';

export interface BackendCpu {
  /** Looks at the backends now (call once at the start, then regularly). */
  sample(): Promise<void>;
  /** CPU ms of the backends since the first sample. */
  ms(): number;
  stop(): Promise<void>;
}

export async function backendCpu(adminUrl: string, database: string): Promise<BackendCpu> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let started = false;
  let unreadable = false;
  return {
    async sample() {
      const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database]);
      for (const { pid } of rows) {
        let cpu: number;
        try {
          cpu = cpuMs(pid);
        } catch {
          unreadable = true; // another machine's server, or gone meanwhile
          continue;
        }
        // A backend born after the first sample started from nothing.
        if (!first.has(pid)) first.set(pid, started ? 0 : cpu);
        last.set(pid, cpu);
      }
      started = true;
    },
    ms() {
      if (unreadable && last.size === 0) return NaN;
      let total = 0;
      for (const [pid, cpu] of last) total += cpu - (first.get(pid) ?? 0);
      return total;
    },
    stop: () => admin.end(),
  };
}
