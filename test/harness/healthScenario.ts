/**
 * The async-health report's hand-computed fixture: two weeks of March 2027 in one workspace, as
 * steps. `scenarioEvents` turns them into event-log rows for the pure domain; `seedScenario` writes
 * them through the Store, as the app would, for the service and CLI tests. `EXPECTED` holds the
 * figures worked out by hand (see the comments beside each step).
 *
 * Everyone works 09:00–17:00, Monday to Friday: U1–U5 in UTC, U6 in Tokyo (00:00–08:00 UTC).
 * 2027-03-01 is a Monday. The period is [2027-03-01, 2027-03-15).
 */
import { decide, type LifecycleAction } from '../../src/domain/handoffLifecycle';
import { createdDetail, decisionDetail } from '../../src/domain/eventDetail';
import type { HealthDeflection, HealthEvent } from '../../src/domain/asyncHealth';
import type { DeflectionOutcome } from '../../src/db/queries/deflections';
import type { Store } from '../../src/db/store';

export const TEAM = 'T0HEALTH';
export const FROM = new Date('2027-03-01T00:00:00Z');
export const TO = new Date('2027-03-15T00:00:00Z');
export const ZONES: Record<string, string> = { U1: 'UTC', U2: 'UTC', U3: 'UTC', U4: 'UTC', U5: 'UTC', U6: 'Asia/Tokyo' };

type Step =
  | { kind: 'ask'; key: string; author: string; to: string[]; at: string; held?: string[] }
  | { kind: 'answer'; key: string; by: string; at: string; how: 'done' | 'declined' }
  | { kind: 'pass'; key: string; by: string; to: string; at: string; held?: string[] }
  | { kind: 'cancel'; key: string; by: string; at: string }
  | { kind: 'prompt'; user: string; at: string; outcome: Exclude<DeflectionOutcome, 'shown'> };

export const STEPS: Step[] = [
  // H7, before the period: U6 (Tokyo, shift ends 08:00 UTC) asks U1 on Fri 26 Feb at 08:00 UTC.
  { kind: 'ask', key: 'H7', author: 'U6', to: ['U1'], at: '2027-02-26T08:00:00Z' },
  { kind: 'prompt', user: 'U6', at: '2027-02-27T10:00:00Z', outcome: 'converted' },
  // H1: 5 h for U1; U2 answers within a day.
  { kind: 'ask', key: 'H1', author: 'U1', to: ['U2'], at: '2027-03-01T10:00:00Z' },
  // H7 answered Mon 09:30: U6 waited all of Mon's Tokyo shift (8 h); U1 had it 8 h 30 m of their time: not within a day.
  { kind: 'answer', key: 'H7', by: 'U1', at: '2027-03-01T09:30:00Z', how: 'done' },
  { kind: 'answer', key: 'H1', by: 'U2', at: '2027-03-01T15:00:00Z', how: 'done' },
  { kind: 'prompt', user: 'U1', at: '2027-03-01T11:00:00Z', outcome: 'converted' },
  // H2: Mon 16:00 → Tue 10:00 = 1 h + 1 h.
  { kind: 'ask', key: 'H2', author: 'U2', to: ['U3'], at: '2027-03-01T16:00:00Z' },
  { kind: 'answer', key: 'H2', by: 'U3', at: '2027-03-02T10:00:00Z', how: 'done' },
  { kind: 'prompt', user: 'U2', at: '2027-03-02T11:00:00Z', outcome: 'kept' },
  // H4: Tue 09:00 → Thu 13:00 declined = 8 + 8 + 4 = 20 h; not within a day.
  { kind: 'ask', key: 'H4', author: 'U4', to: ['U5'], at: '2027-03-02T09:00:00Z' },
  // H5: Wed 09:00 UTC is 18:00 in Tokyo: held for U6. U5 waits Wed 8 h (Thu 01:00 UTC is before U5's day).
  { kind: 'ask', key: 'H5', author: 'U5', to: ['U6'], at: '2027-03-03T09:00:00Z', held: ['U6'] },
  { kind: 'prompt', user: 'U3', at: '2027-03-03T11:00:00Z', outcome: 'dismissed' },
  { kind: 'answer', key: 'H5', by: 'U6', at: '2027-03-04T01:00:00Z', how: 'done' },
  { kind: 'answer', key: 'H4', by: 'U5', at: '2027-03-04T13:00:00Z', how: 'declined' },
  { kind: 'prompt', user: 'U4', at: '2027-03-04T11:00:00Z', outcome: 'muted' },
  // H3: Fri 16:00 → Mon 11:00 = 1 h + 2 h (the weekend counts nothing).
  { kind: 'ask', key: 'H3', author: 'U3', to: ['U4'], at: '2027-03-05T16:00:00Z' },
  { kind: 'prompt', user: 'U5', at: '2027-03-05T11:00:00Z', outcome: 'converted' },
  // H6: two recipients, one declines for themselves, the other answers: 3 h.
  { kind: 'ask', key: 'H6', author: 'U1', to: ['U2', 'U3'], at: '2027-03-08T09:00:00Z' },
  { kind: 'answer', key: 'H6', by: 'U2', at: '2027-03-08T10:00:00Z', how: 'declined' },
  { kind: 'answer', key: 'H3', by: 'U4', at: '2027-03-08T11:00:00Z', how: 'done' },
  { kind: 'answer', key: 'H6', by: 'U3', at: '2027-03-08T12:00:00Z', how: 'done' },
  { kind: 'prompt', user: 'U1', at: '2027-03-08T12:00:00Z', outcome: 'failed' },
  // H11: U1 passes it to U6 at 15:00 UTC (00:00 Tokyo: held); U6 answers at 10:00 Tokyo: 1 h of theirs. U5 waited 3 h.
  { kind: 'ask', key: 'H11', author: 'U5', to: ['U1'], at: '2027-03-08T14:00:00Z' },
  { kind: 'pass', key: 'H11', by: 'U1', to: 'U6', at: '2027-03-08T15:00:00Z', held: ['U6'] },
  { kind: 'answer', key: 'H11', by: 'U6', at: '2027-03-09T01:00:00Z', how: 'done' },
  // H9: still waiting at the end of the period.
  { kind: 'ask', key: 'H9', author: 'U3', to: ['U4'], at: '2027-03-09T10:00:00Z' },
  { kind: 'prompt', user: 'U2', at: '2027-03-09T11:00:00Z', outcome: 'converted' },
  // H8: asked after hours (held for U1), then cancelled: never unblocked.
  { kind: 'ask', key: 'H8', author: 'U2', to: ['U1'], at: '2027-03-11T18:00:00Z', held: ['U1'] },
  { kind: 'cancel', key: 'H8', by: 'U2', at: '2027-03-12T10:00:00Z' },
  // H10: answered just after the period: created in it, resolved in the next.
  { kind: 'ask', key: 'H10', author: 'U4', to: ['U5'], at: '2027-03-12T10:00:00Z' },
  { kind: 'answer', key: 'H10', by: 'U5', at: '2027-03-15T10:00:00Z', how: 'done' },
];

const HOUR = 3600_000;

/** The figures worked out by hand from the steps above. */
export const EXPECTED = {
  team: {
    people: 6,
    created: 10,
    resolved: 8,
    // Waits (h): H1 5, H2 2, H3 3, H4 20, H5 8, H6 3, H7 8, H11 3 → 2 3 3 3 5 8 8 20.
    timeToUnblock: { count: 8, medianMs: 4 * HOUR, p90Ms: 20 * HOUR },
    // Not within a day: H4, H7.
    resolvedWithinOneWorkingDay: { of: 8, within: 6, share: 0.75 },
    // Held: U6 (H5, H11) and U1 (H8): 3 pings but 2 people, so the count is not shown.
    nightPingsAvoided: { suppressed: true },
    // Prompts shown in the period: U1–U5, five people (U6's was before it, U1's second failed).
    meetings: { proposed: 6, converted: 3, keptWithAgenda: 1, dismissed: 2 },
  },
  weeks: [
    // H1 H2 H4 H5 H7 by U1–U6: 2 5 8 8 20; prompts by U1–U5.
    {
      weekStart: '2027-03-01',
      resolved: 5,
      timeToUnblock: { count: 5, medianMs: 8 * HOUR, p90Ms: 20 * HOUR },
      meetings: { proposed: 5, converted: 2, keptWithAgenda: 1, dismissed: 2 },
    },
    // H3 H6 H11 by U1 U3 U4 U5 U6: 3 3 3; one prompt shown (U2's): too few people.
    { weekStart: '2027-03-08', resolved: 3, timeToUnblock: { count: 3, medianMs: 3 * HOUR, p90Ms: 3 * HOUR }, meetings: { suppressed: true } },
  ],
  // UTC → UTC: H1 H2 H3 H4 H6 (U1–U5): 2 3 3 5 20. UTC → Tokyo (U5, U6) and Tokyo → UTC (U6, U1) are too small.
  zonePairs: [{ fromZone: 'UTC', toZone: 'UTC', people: 5, wait: { count: 5, medianMs: 3 * HOUR, p90Ms: 20 * HOUR } }],
  zonePairsSuppressed: 2,
  people: {
    U1: {
      userId: 'U1',
      created: 2,
      received: 2,
      resolved: 1,
      unblocked: 2,
      timeToUnblock: { count: 2, medianMs: 4 * HOUR, p90Ms: 5 * HOUR },
      resolvedWithinOneWorkingDay: { of: 1, within: 0, share: 0 },
      nightPingsAvoided: 1,
      meetings: { proposed: 1, converted: 1, keptWithAgenda: 0, dismissed: 0 },
    },
    U5: {
      userId: 'U5',
      created: 2,
      received: 2,
      resolved: 1,
      unblocked: 2,
      timeToUnblock: { count: 2, medianMs: 5.5 * HOUR, p90Ms: 8 * HOUR },
      resolvedWithinOneWorkingDay: { of: 1, within: 0, share: 0 },
      nightPingsAvoided: 0,
      meetings: { proposed: 1, converted: 1, keptWithAgenda: 0, dismissed: 0 },
    },
    U6: {
      userId: 'U6',
      created: 0,
      received: 2,
      resolved: 2,
      unblocked: 1,
      timeToUnblock: { count: 1, medianMs: 8 * HOUR, p90Ms: 8 * HOUR },
      resolvedWithinOneWorkingDay: { of: 2, within: 2, share: 1 },
      nightPingsAvoided: 2,
      meetings: { proposed: 0, converted: 0, keptWithAgenda: 0, dismissed: 0 },
    },
  },
};

const ms = (iso: string) => new Date(iso).getTime();

/** The steps as stored rows, in log order per handoff (ids are the step keys' numbers). */
export function scenarioEvents(until = Infinity): { events: HealthEvent[]; deflections: HealthDeflection[] } {
  const events: HealthEvent[] = [];
  const deflections: HealthDeflection[] = [];
  const id = (key: string) => Number(key.slice(1));
  for (const s of STEPS) {
    if (s.kind === 'prompt') {
      deflections.push({ userId: s.user, outcome: s.outcome, createdAt: ms(s.at) });
      continue;
    }
    if (ms(s.at) >= until) continue;
    if (s.kind === 'ask') events.push({ handoffId: id(s.key), kind: 'created', actorId: s.author, toState: 'open', detail: createdDetail(s.to, false, s.held), at: ms(s.at) });
    else if (s.kind === 'pass')
      events.push({ handoffId: id(s.key), kind: 'reassigned', actorId: s.by, toState: 'open', detail: decisionDetail([s.to], [s.by], s.held), at: ms(s.at) });
    else if (s.kind === 'cancel') events.push({ handoffId: id(s.key), kind: 'cancelled', actorId: s.by, toState: 'cancelled', detail: null, at: ms(s.at) });
    else {
      // A decline by one of several recipients leaves the ask open for the others.
      const others = STEPS.some((o) => o.kind === 'ask' && o.key === s.key && o.to.length > 1) && s.how === 'declined';
      events.push({
        handoffId: id(s.key),
        kind: others ? 'recipient_declined' : s.how,
        actorId: s.by,
        toState: others ? 'open' : s.how,
        detail: others ? decisionDetail([], [s.by]) : null,
        at: ms(s.at),
      });
    }
  }
  events.sort((a, b) => a.handoffId - b.handoffId || a.at - b.at);
  return { events, deflections };
}

/** Writes the steps through the Store, as the services would (people, handoffs, decisions, prompts). */
export async function seedScenario(store: Store, team = TEAM): Promise<void> {
  const start = new Date('2027-02-01T00:00:00Z');
  for (const [userId, tz] of Object.entries(ZONES)) await store.upsertProfile(team, userId, { displayName: `Person ${userId}`, isBot: false, deleted: false, slackTz: tz }, start);
  const ids = new Map<string, number>();
  let thread = 0;
  for (const s of STEPS) {
    const now = new Date(s.at);
    if (s.kind === 'prompt') {
      const threadTs = `1800000000.${String(++thread).padStart(6, '0')}`;
      const id = await store.reservePrompt({ teamId: team, userId: s.user, channelId: 'C0HEALTH', threadTs, messageTs: threadTs, reason: 'phrase' }, now, 0);
      if (id === null) throw new Error(`prompt for ${s.user} at ${s.at} not reserved`);
      await store.setOutcome(id, s.outcome, now);
      continue;
    }
    if (s.kind === 'ask') {
      const draft = {
        authorId: s.author,
        recipientIds: s.to,
        title: s.key,
        context: '',
        ask: `ask ${s.key}`,
        links: '',
        ifOffline: 'wait' as const,
        neededByAt: null,
        channelId: null,
        urgent: false,
      };
      const r = await store.createHandoff(team, draft, now, { idempotencyKey: null, sourcePermalink: null, heldFor: s.held ?? [] });
      if (r.status !== 'created') throw new Error(`${s.key} not created`);
      ids.set(s.key, r.handoff.id);
      continue;
    }
    const handoffId = ids.get(s.key)!;
    const h = (await store.loadHandoff(team, handoffId))!;
    const action: LifecycleAction =
      s.kind === 'pass'
        ? { kind: 'reassign', to: s.to }
        : s.kind === 'cancel'
          ? { kind: 'cancel' }
          : s.how === 'done'
            ? { kind: 'complete', note: '' }
            : { kind: 'decline', reason: '' };
    const decision = decide({ state: h.state, authorId: h.authorId, activeRecipients: h.recipients.filter((r) => r.active).map((r) => r.userId) }, s.by, action);
    if (!decision.ok) throw new Error(`${s.key}: ${decision.message}`);
    const heldFor = s.kind === 'pass' ? s.held : undefined;
    const event = await store.transaction((tx) =>
      tx.applyDecision({ teamId: team, handoffId, actorId: s.by, decision, expectedState: h.state, note: null, now, ...(heldFor ? { heldFor } : {}) }),
    );
    if (event === null) throw new Error(`${s.key}: decision not applied`);
  }
}
