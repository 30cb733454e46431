/**
 * What Slack (the fake) received during a replica wave, against what was due: pure, so the counting
 * itself is unit tested (test/unit/scripts/replicasAudit.test.ts).
 */
import { busiestWindow } from '../../test/harness/slidingWindow';
import type { PostRecord } from './fakeSlackProcess';

export interface WaveAudit {
  expected: number;
  /** People with their digest for the due date in Slack at least once. */
  delivered: number;
  missing: number;
  /** Digests beyond one per (person, local date). */
  duplicates: number;
  /** Digests for a person or date that was not due. */
  unexpected: number;
  /** Every chat.postMessage that reached Slack, whatever the answer; how many were accepted; 429s. */
  postCalls: number;
  accepted: number;
  limited: number;
  /** The most chat.postMessage calls in any sliding second, all replicas together (what Slack's limit counts), and accepted ones. */
  busiestSecond: { count: number; startsAt: number | null };
  busiestAcceptedSecond: { count: number; startsAt: number | null };
  /** First and last digest Slack accepted (epoch ms). */
  firstDigestAt: number | null;
  lastDigestAt: number | null;
  /** Digests Slack accepted, by replica tag. */
  share: Record<string, number>;
  /** The first few problems, for a failure message. */
  detail: string[];
}

export function auditWave(expected: ReadonlyMap<string, string>, posts: readonly PostRecord[]): WaveAudit {
  const perKey = new Map<string, number>();
  const share: Record<string, number> = {};
  let firstDigestAt: number | null = null;
  let lastDigestAt: number | null = null;
  for (const p of posts) {
    if (!p.ok || p.outboxId === null) continue;
    const key = `${p.channel}:${p.localDate}`;
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
    share[p.via ?? '?'] = (share[p.via ?? '?'] ?? 0) + 1;
    firstDigestAt = Math.min(firstDigestAt ?? p.at, p.at);
    lastDigestAt = Math.max(lastDigestAt ?? p.at, p.at);
  }
  const detail: string[] = [];
  let delivered = 0;
  for (const [userId, date] of expected) {
    if (perKey.has(`${userId}:${date}`)) delivered += 1;
    else if (detail.length < 20) detail.push(`${userId} has no digest for ${date}`);
  }
  let duplicates = 0;
  let unexpected = 0;
  for (const [key, n] of perKey) {
    const [userId, date] = key.split(':');
    if (expected.get(userId!) !== date) {
      unexpected += n;
      if (detail.length < 40) detail.push(`${key} was not due`);
      continue;
    }
    if (n <= 1) continue;
    duplicates += n - 1;
    if (detail.length < 40) detail.push(`${key} posted ${n} times`);
  }
  return {
    expected: expected.size,
    delivered,
    missing: expected.size - delivered,
    duplicates,
    unexpected,
    postCalls: posts.length,
    accepted: posts.filter((p) => p.ok).length,
    limited: posts.filter((p) => p.status === 429).length,
    busiestSecond: busiestWindow(posts.map((p) => p.at)),
    busiestAcceptedSecond: busiestWindow(posts.filter((p) => p.ok).map((p) => p.at)),
    firstDigestAt,
    lastDigestAt,
    share,
    detail,
  };
}
