/** The replica test's summary table and its pass/fail checks (the jest test asserts the same). */
import type { ClickResult } from './clicks';
import type { WaveResult } from './wave';

export interface Check {
  what: string;
  ok: boolean;
}

export function checks(w: WaveResult, limit: number, c: ClickResult | null): Check[] {
  const a = w.audit;
  const out: Check[] = [
    { what: 'every digest in Slack (0 missing)', ok: a.missing === 0 && !w.timedOut },
    { what: 'no digest twice (0 duplicates)', ok: a.duplicates === 0 && a.unexpected === 0 },
    { what: 'every digest row sent', ok: Object.keys(w.outbox).length === 1 && w.outbox.sent === a.expected },
    { what: `combined chat.postMessage never above ${limit} in any second`, ok: a.busiestSecond.count <= limit },
    { what: 'a replica was killed mid-wave and its rows were sent by others', ok: w.kill !== null && w.kill.settledMs !== null },
  ];
  if (c) {
    out.push(
      { what: 'every click acknowledged with HTTP 200', ok: c.statuses[200] === c.clicks },
      { what: 'one state change, one event-log row', ok: c.handoff.stateBefore === 'open' && c.handoff.stateAfter === 'acknowledged' && c.events.length === 1 },
      {
        what: 'every click answered: one change, the rest "already/now acknowledged"',
        ok: c.answers.total === c.clicks && c.answers.changed === 1 && c.answers.repeats === c.clicks - 1,
      },
    );
  }
  return out;
}

/** Over the limit, or so far under it (CPU-bound replicas) that the limit was never tested. */
function overLimit(a: WaveResult['audit'], limit: number): string {
  if (a.busiestSecond.count > limit) return '  ✗ over the limit';
  if (a.limited === 0 && a.busiestSecond.count < 0.9 * limit) return '  (never near it: the replicas could not send faster, so this run does not test the limit)';
  return '';
}

const s = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);
const row = (label: string, value: string) => `  ${label.padEnd(34)} ${value}`;

export function summary(
  w: WaveResult,
  o: { limit: number; slackRate: number; replicas: number; slotAt: number; due: 'next-minute' | 'this-minute' },
  c: ClickResult | null,
): string[] {
  const a = w.audit;
  const lines = [
    `replica wave: ${a.expected} digests due at ${new Date(o.slotAt).toISOString().slice(11, 16)} UTC, ${o.replicas} replicas on one PostgreSQL, DELIVERY_RATE_PER_SECOND ${o.limit} each, fake Slack accepts ${o.slackRate}/s workspace-wide`,
    row('sent (digests in Slack)', `${a.delivered} of ${a.expected}${w.timedOut ? '  (gave up waiting)' : ''}`),
    row('missing', String(a.missing)),
    row('duplicates', `${a.duplicates}${a.unexpected ? `, ${a.unexpected} not due` : ''}`),
    row('busiest second, all replicas', `${a.busiestSecond.count} chat.postMessage calls (limit ${o.limit})${overLimit(a, o.limit)}`),
    row('busiest second, accepted', `${a.busiestAcceptedSecond.count}`),
    row('chat.postMessage calls / 429s', `${a.postCalls} / ${a.limited}`),
  ];
  if (a.firstDigestAt !== null && a.lastDigestAt !== null) {
    const span = a.lastDigestAt - a.firstDigestAt;
    lines.push(row('wave', `slot → first digest ${s(a.firstDigestAt - o.slotAt)}, first → last ${s(span)} (${span > 0 ? Math.round((a.delivered * 1000) / span) : '—'}/s)`));
  }
  if (o.due === 'next-minute') lines.push(row('planned before the slot', `${w.plannedBySlot} of ${a.expected}`));
  const total = Object.values(a.share).reduce((x, y) => x + y, 0);
  const share = Object.entries(a.share)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([tag, n]) => `${tag} ${n} (${Math.round((100 * n) / Math.max(1, total))} %)`);
  lines.push(row('per replica (digests sent)', share.join(', ')));
  lines.push(
    row(
      'CPU per replica',
      Object.entries(w.cpuSeconds)
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([tag, sec]) => `${tag} ${sec.toFixed(1)} s`)
        .join(', '),
    ),
  );
  const k = w.kill;
  if (k) {
    lines.push(
      row(
        'kill -9 mid-wave',
        `${k.tag} at ${k.digestsBefore} digests: held ${k.orphans} rows (${k.orphansPosting} mid-post, ${k.orphansInSlack} already in Slack); restarted as ${k.restartedAs} in ${s(k.restartReadyMs)}`,
      ),
    );
    lines.push(row('recovery after the kill', `its rows taken over after ${s(k.takenOverMs)}, all sent after ${s(k.settledMs)}`));
  } else lines.push(row('kill -9 mid-wave', 'did not happen (the wave did not reach the kill point)'));
  lines.push(
    row(
      'outbox (digests)',
      Object.entries(w.outbox)
        .map(([st, n]) => `${st} ${n}`)
        .join(', '),
    ),
  );
  if (c) {
    const spread = Object.entries(c.perReplica)
      .map(([tag, n]) => `${tag} ${n}`)
      .join(', ');
    lines.push(
      `clicks: ${c.clicks} × Acknowledge on handoff #${c.handoff.number} (${c.onDigest ? 'on the clicker’s digest' : 'on a stand-in message'}), all at once over ${spread}`,
      row('HTTP 200', `${c.statuses[200] ?? 0} of ${c.clicks} (ack p50 ${c.ackMs.p50.toFixed(0)} ms, max ${c.ackMs.max.toFixed(0)} ms)`),
      row('state', `${c.handoff.stateBefore} → ${c.handoff.stateAfter}; event-log rows: ${c.events.map(([kind, from, to]) => `${kind} (${from} → ${to})`).join(', ') || 'none'}`),
      row(
        'answers',
        `${c.answers.total}: ${c.answers.changed} “You acknowledged …”, ${c.answers.repeats} “already/now acknowledged”, ${c.answers.total - c.answers.changed - c.answers.repeats} other${c.answers.other.length ? `: ${JSON.stringify(c.answers.other[0])}` : ''}`,
      ),
      row('card refreshed in place', `${c.cardUpdates} chat.update`),
    );
  }
  return lines;
}
