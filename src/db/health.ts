/**
 * What /healthz reports about storage: the database answers reads, the last write went through,
 * no statement met a damaged page, and the disk holding it has room. Unhealthy (HTTP 503) when writes fail — a full disk, a damaged
 * page, a file turned read-only — or the disk is all but full, so an orchestrator restarts the app
 * or alerts someone instead of routing traffic to a process that cannot save anything.
 */
import type { DbHandle } from './client';
import { diskFacts, type DiskReport, type StatFs } from './disk';
import type { WriteOutcome } from './writeMonitor';

export interface StorageHealth {
  ok: boolean;
  database: { ok: boolean; migrations: number; error?: string; lastWrite: WriteOutcome | null; damaged?: WriteOutcome };
  disk: DiskReport;
}

export function storageHealth(handle: DbHandle, file: string, statfs?: StatFs): StorageHealth {
  let read: { ok: boolean; migrations: number; error?: string };
  try {
    const row = handle.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    read = { ok: true, migrations: row.n };
  } catch (e) {
    read = { ok: false, migrations: 0, error: (e as Error).message };
  }
  const lastWrite = handle.writes.lastWrite();
  const damaged = handle.writes.damaged();
  const disk = diskFacts(file, statfs);
  const database = { ...read, ok: read.ok && lastWrite?.ok !== false && !damaged, lastWrite, ...(damaged ? { damaged } : {}) };
  return { ok: database.ok && (disk?.ok ?? true), database, disk };
}
