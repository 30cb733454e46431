/**
 * What /healthz reports about storage: the database answers reads, the last write went through,
 * no statement met a damaged page, and the disk holding it has room. Unhealthy (HTTP 503) when writes fail — a full disk, a damaged
 * page, a file turned read-only — or the disk is all but full, so an orchestrator restarts the app
 * or alerts someone instead of routing traffic to a process that cannot save anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DbHandle } from './client';
import type { WriteOutcome } from './writeMonitor';

/** Below this much free space SQLite cannot be relied on to finish a checkpoint or a migration. */
export const MIN_FREE_DISK_BYTES = 16 * 1024 * 1024;

export interface DiskFacts {
  path: string;
  freeBytes: number;
  totalBytes: number;
  ok: boolean;
}

export interface StorageHealth {
  ok: boolean;
  database: { ok: boolean; migrations: number; error?: string; lastWrite: WriteOutcome | null; damaged?: WriteOutcome };
  disk: DiskFacts | { path: string; ok: boolean; error: string } | null;
}

type StatFs = (dir: string) => { bavail: number | bigint; blocks: number | bigint; bsize: number | bigint };

/** Free space for unprivileged writers (bavail) on the volume holding `file`; null for :memory:. */
export function diskFacts(file: string, statfs: StatFs = (d) => fs.statfsSync(d)): StorageHealth['disk'] {
  if (file === ':memory:') return null;
  const dir = path.dirname(path.resolve(file));
  try {
    const s = statfs(dir);
    const freeBytes = Number(s.bavail) * Number(s.bsize);
    return { path: dir, freeBytes, totalBytes: Number(s.blocks) * Number(s.bsize), ok: freeBytes >= MIN_FREE_DISK_BYTES };
  } catch (e) {
    return { path: dir, ok: false, error: (e as Error).message };
  }
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
