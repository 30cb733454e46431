/**
 * The `detail` of a handoff event (JSON text in handoff_events.detail): written by the store with
 * the change, read back by the async-health report. One place for its shape, so writer and reader agree.
 *  - created:    { recipients, urgent, held? }
 *  - a decision: { added, removed, held? } when it changed who is on the ask, or { held } alone
 * `held` lists the people whose notification of this change waits for their working hours (they
 * were off work and it was not urgent): a ping at night avoided. Left out when nobody was held, so
 * older rows and rows without one read alike.
 */
export interface EventDetail {
  recipients?: string[];
  urgent?: boolean;
  added?: string[];
  removed?: string[];
  held?: string[];
}

const held = (people: readonly string[] | undefined): Pick<EventDetail, 'held'> => (people && people.length > 0 ? { held: [...people] } : {});

export function createdDetail(recipientIds: readonly string[], urgent: boolean, heldFor?: readonly string[]): string {
  return JSON.stringify({ recipients: [...recipientIds], urgent, ...held(heldFor) });
}

/** Null when the decision changed nobody and held nobody (most acknowledgements and completions). */
export function decisionDetail(added: readonly string[], removed: readonly string[], heldFor?: readonly string[]): string | null {
  const people = added.length > 0 || removed.length > 0 ? { added: [...added], removed: [...removed] } : {};
  const d = { ...people, ...held(heldFor) };
  return Object.keys(d).length > 0 ? JSON.stringify(d) : null;
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

/** What a stored detail says; anything unreadable reads as nothing. */
export function parseEventDetail(text: string | null): EventDetail {
  if (!text) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof v !== 'object' || v === null) return {};
  const o = v as Record<string, unknown>;
  const out: EventDetail = {};
  for (const key of ['recipients', 'added', 'removed', 'held'] as const) {
    const list = strings(o[key]);
    if (list) out[key] = list;
  }
  if (typeof o.urgent === 'boolean') out.urgent = o.urgent;
  return out;
}
