/** The replica test's counting (scripts/replicas/audit.ts): what it calls missing, twice, not due and too fast. */
import { auditWave } from '../../../scripts/replicas/audit';
import type { PostRecord } from '../../../scripts/replicas/fakeSlackProcess';

const digest = (at: number, channel: string, localDate: string, via = 'r1', status = 200): PostRecord => ({
  at,
  status,
  ok: status === 200,
  via,
  channel,
  outboxId: at,
  localDate,
});

describe('auditing a replica wave', () => {
  const expected = new Map([
    ['W1', '2026-11-30'],
    ['W2', '2026-11-30'],
    ['W3', '2026-12-01'],
  ]);

  it('counts each due digest once, and the rest as missing, duplicate or not due', () => {
    const posts = [
      digest(1000, 'W1', '2026-11-30', 'r1'),
      digest(1100, 'W1', '2026-11-30', 'r2'), // the same digest again, from another replica
      digest(1200, 'W2', '2026-11-29', 'r2'), // a date that was not due
      digest(1300, 'W3', '2026-12-01', 'r3', 429), // refused: not in Slack
      { ...digest(1400, 'W2', '', 'r3'), outboxId: null, localDate: null }, // not a digest
    ];
    const a = auditWave(expected, posts);
    expect({ delivered: a.delivered, missing: a.missing, duplicates: a.duplicates, unexpected: a.unexpected }).toEqual({ delivered: 1, missing: 2, duplicates: 1, unexpected: 1 });
    expect(a.detail).toEqual(['W2 has no digest for 2026-11-30', 'W3 has no digest for 2026-12-01', 'W1:2026-11-30 posted 2 times', 'W2:2026-11-29 was not due']);
    expect({ postCalls: a.postCalls, accepted: a.accepted, limited: a.limited }).toEqual({ postCalls: 5, accepted: 4, limited: 1 });
    expect(a.share).toEqual({ r1: 1, r2: 2 });
    expect({ first: a.firstDigestAt, last: a.lastDigestAt }).toEqual({ first: 1000, last: 1200 });
  });

  it('counts every call in the busiest second, refused ones too, across replicas', () => {
    const posts = [digest(0, 'W1', '2026-11-30', 'r1'), digest(400, 'W2', '2026-11-30', 'r2'), digest(999, 'W3', '2026-12-01', 'r3', 429), digest(1000, 'W3', '2026-12-01', 'r3')];
    const a = auditWave(expected, posts);
    expect(a.busiestSecond).toEqual({ count: 3, startsAt: 0 });
    expect(a.busiestAcceptedSecond).toEqual({ count: 2, startsAt: 0 });
    expect({ missing: a.missing, duplicates: a.duplicates }).toEqual({ missing: 0, duplicates: 0 });
  });
});
