/**
 * What /healthz reports about PostgreSQL: the server answers a read of the applied migrations within
 * a short time, and how busy this process's pool is. Unhealthy (HTTP 503) when it does not answer, so
 * an orchestrator stops routing to a replica that cannot save anything. (Disk space is the server's
 * to watch, not a replica's.)
 */
import type { Pool } from 'pg';

export interface PostgresHealth {
  ok: boolean;
  database: {
    ok: boolean;
    backend: 'postgres';
    migrations: number;
    error?: string;
    pool: { total: number; idle: number; waiting: number };
  };
}

/** An answer slower than this counts as none: a health check must not hang with the database. */
const HEALTH_TIMEOUT_MS = 2000;

export async function postgresHealth(pool: Pool, timeoutMs = HEALTH_TIMEOUT_MS): Promise<PostgresHealth> {
  const poolFacts = { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const read = pool.query<{ n: string }>('select count(*) as n from drizzle.__drizzle_migrations');
    read.catch(() => undefined); // settled later by a timed-out check: nobody is waiting for it any more
    const result = await Promise.race([read, timeout]);
    return { ok: true, database: { ok: true, backend: 'postgres', migrations: Number(result.rows[0]?.n ?? 0), pool: poolFacts } };
  } catch (e) {
    return { ok: false, database: { ok: false, backend: 'postgres', migrations: 0, error: (e as Error).message, pool: poolFacts } };
  } finally {
    clearTimeout(timer);
  }
}
