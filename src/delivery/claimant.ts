/**
 * Who holds an outbox claim: one id per process start, `host#pid-namespace#pid#random`. The random
 * part keeps two starts apart even when a pid is reused; host and pid namespace say whether this
 * process can see the holder's pid at all.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';

/** The pid namespace we run in (Linux); platforms without pid namespaces use their name. */
function pidNamespace(): string {
  if (process.platform !== 'linux') return process.platform;
  try {
    return fs.readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

const here = { host: os.hostname(), ns: pidNamespace() };

export function newClaimantId(): string {
  return [here.host, here.ns, process.pid, randomBytes(4).toString('hex')].join('#');
}

/**
 * True only when the holder is provably no longer running: it ran on this host, in this pid
 * namespace, and its pid is gone. Anything we cannot see (another host or container, another start
 * in this very process, a reused pid) counts as alive — its claim then ends only when its lease does.
 */
export function isGone(claimant: string): boolean {
  const [host, ns, pidText] = claimant.split('#');
  if (host !== here.host || !ns || ns !== here.ns) return false;
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    // EPERM: the pid exists (someone else's process); only ESRCH says nobody has it.
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
