/** What another process's claim on an outbox row looks like, for tests of takeover and crash recovery. */
import { spawnSync } from 'node:child_process';
import { newClaimantId } from '../../src/delivery/claimant';
import { updateRows } from './testDb';
import type { TestApp } from './testApp';

/** Marks row `id` as being sent by `claim.by` (posting since `postingSince`, null: not yet posting). */
export async function claimAs(t: TestApp, id: number, claim: { by: string; leaseUntil: number; postingSince: number | null }): Promise<void> {
  await updateRows(t, 'outbox', { status: 'sending', claimedBy: claim.by, leaseUntil: claim.leaseUntil, postingSince: claim.postingSince, messageTs: null, sentAt: null }, { id });
}

/** A claimant id of a process that ran on this host and has exited (as after kill -9). */
export function deadClaimant(): string {
  const done = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const [host, ns] = newClaimantId().split('#');
  return [host, ns, done.stdout.trim(), 'dead0001'].join('#');
}
