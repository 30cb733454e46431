/** Free space on the volume holding the database: for /healthz and for start-up error messages. A leaf. */
import fs from 'node:fs';
import path from 'node:path';

/** Below this much free space SQLite cannot be relied on to finish a checkpoint or a migration. */
export const MIN_FREE_DISK_BYTES = 16 * 1024 * 1024;

export interface DiskFacts {
  path: string;
  freeBytes: number;
  totalBytes: number;
  ok: boolean;
}

export type StatFs = (dir: string) => { bavail: number | bigint; blocks: number | bigint; bsize: number | bigint };

/** Free space for unprivileged writers (bavail) on the volume holding `file`; null for :memory:. */
export function diskFacts(file: string, statfs: StatFs = (d) => fs.statfsSync(d)): DiskReport {
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

export type DiskReport = DiskFacts | { path: string; ok: boolean; error: string } | null;
