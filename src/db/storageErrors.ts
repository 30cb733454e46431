/**
 * Start-up storage failures in words an operator can act on: which file or folder, what is wrong
 * with it, and what to change. "disk I/O error" or "ENOENT: mkdir" alone says neither.
 */
import fs from 'node:fs';
import path from 'node:path';
import { diskFacts } from './disk';

export class StorageError extends Error {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

const WRITABLE_FIX = 'Set DATABASE_URL to a writable path such as file:./data/handoff.db';
const SPACE_FIX = 'Free some space on that disk, or set DATABASE_URL to a path on another disk (e.g. file:/var/lib/handoff/handoff.db)';
const DAMAGED_FIX = 'Restore it from a backup, or set DATABASE_URL to a new file such as file:./data/handoff.db';

type Action = 'create' | 'open' | 'write to';

interface Diagnosis {
  reason: string;
  fix: string;
}

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** The nearest existing folder above `target`, or undefined. */
function nearestExisting(target: string): string | undefined {
  for (let dir = target; ; dir = path.dirname(dir)) {
    if (fs.existsSync(dir)) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Why `dir` cannot be written, asked of the file system itself (root included: EROFS still applies). */
function writeProblem(dir: string): string | null {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return null;
  } catch (e) {
    return errnoReason(codeOf(e), dir);
  }
}

function errnoReason(code: string, where: string): string {
  switch (code) {
    case 'EROFS':
      return 'read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'ENOTDIR':
    case 'EEXIST':
      return `a file is in the way: ${where} is a file, not a folder`;
    case 'ENOENT':
      return 'that location does not exist and cannot be created';
    default:
      return code ? code.toLowerCase() : 'unknown error';
  }
}

function diskFull(target: string): Diagnosis | null {
  const disk = diskFacts(path.join(target, 'x'));
  if (disk && 'freeBytes' in disk && !disk.ok) {
    return { reason: `the disk is full: ${Math.floor(disk.freeBytes / 1024)} kB free`, fix: SPACE_FIX };
  }
  return null;
}

function diagnose(e: unknown, target: string, dir: string): Diagnosis {
  const code = codeOf(e);
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || code === 'EDQUOT') return diskFull(dir) ?? { reason: 'the disk is full', fix: SPACE_FIX };
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return { reason: 'it is not a Handoff database, or it is damaged', fix: DAMAGED_FIX };
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return diskFull(dir) ?? { reason: 'disk I/O error: the disk may be failing, or the file was changed by something else', fix: DAMAGED_FIX };
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) {
    const existing = nearestExisting(dir);
    const problem = existing ? writeProblem(existing) : null;
    if (problem) return { reason: problem, fix: WRITABLE_FIX };
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) return { reason: `${target} is a folder, not a file`, fix: WRITABLE_FIX };
    return { reason: code.startsWith('SQLITE_READONLY') ? 'the file is read-only' : 'the file cannot be opened', fix: WRITABLE_FIX };
  }
  if (code.startsWith('E')) {
    // A failed mkdir reports ENOENT when the folder it tried to create lies on a file system that
    // refuses it; asking the nearest existing folder gives the real reason (read-only, permissions).
    const existing = nearestExisting(target);
    const real = code === 'ENOENT' && existing ? writeProblem(existing) : null;
    // ENOTDIR/EEXIST: the nearest thing that exists on the way is a file where a folder should be.
    return { reason: real ?? errnoReason(code, existing ?? target), fix: WRITABLE_FIX };
  }
  return { reason: (e as Error)?.message ?? String(e), fix: WRITABLE_FIX };
}

/**
 * e.g. "Handoff cannot create /x/data (read-only file system). Set DATABASE_URL to a writable path
 * such as file:./data/handoff.db". `target` is the folder or file the action was on.
 */
export function storageError(action: Action, target: string, thrown: unknown): StorageError {
  // drizzle wraps a failed query; SQLite's own error (with its code) is the cause.
  const e = codeOf(thrown) ? thrown : ((thrown as { cause?: unknown } | null)?.cause ?? thrown);
  const dir = action === 'create' ? target : path.dirname(target);
  const { reason, fix } = diagnose(e, target, dir);
  const detail = e instanceof Error && e.message && !reason.includes(e.message) ? ` [${codeOf(e) || 'error'}: ${e.message}]` : '';
  return new StorageError(`Handoff cannot ${action} ${target} (${reason}). ${fix}.${detail}`, e);
}
