/**
 * The handoff state machine: open → acknowledged → done / declined / cancelled, plus reassignment.
 * Pure: it decides, the caller persists. Every decision says whether the actor may act at all, so a
 * crafted payload from a non-participant is refused here, not by hiding buttons.
 */

export type HandoffState = 'open' | 'acknowledged' | 'done' | 'declined' | 'cancelled';

export interface HandoffFacts {
  state: HandoffState;
  authorId: string;
  /** Current recipients; reassigned-away people are not listed. */
  activeRecipients: readonly string[];
}

export type LifecycleAction =
  | { kind: 'acknowledge' }
  | { kind: 'complete'; note: string }
  | { kind: 'decline'; reason: string }
  | { kind: 'cancel'; reason?: string }
  | { kind: 'reassign'; to: string };

export type Decision =
  | {
      ok: true;
      /** Nothing to change (already in that state): acting twice is harmless. */
      noop: boolean;
      nextState: HandoffState;
      /** Recipients to deactivate / add (decline by one of several, reassignment). */
      removeRecipients: string[];
      addRecipients: string[];
      eventKind: 'acknowledged' | 'done' | 'declined' | 'recipient_declined' | 'cancelled' | 'reassigned';
      /** The author should hear about it ("you're unblocked"). */
      unblocksAuthor: boolean;
    }
  | { ok: false; reason: 'not_participant' | 'not_author' | 'not_recipient' | 'closed' | 'invalid'; message: string };

export const CLOSED_STATES: readonly HandoffState[] = ['done', 'declined', 'cancelled'];

export const isClosed = (state: HandoffState): boolean => CLOSED_STATES.includes(state);

const refuse = (reason: Extract<Decision, { ok: false }>['reason'], message: string): Decision => ({
  ok: false,
  reason,
  message,
});

const change = (
  nextState: HandoffState,
  eventKind: Extract<Decision, { ok: true }>['eventKind'],
  extra: Partial<Pick<Extract<Decision, { ok: true }>, 'removeRecipients' | 'addRecipients' | 'unblocksAuthor' | 'noop'>> = {},
): Decision => ({
  ok: true,
  noop: false,
  nextState,
  eventKind,
  removeRecipients: [],
  addRecipients: [],
  unblocksAuthor: false,
  ...extra,
});

const STATE_WORDS: Record<HandoffState, string> = {
  open: 'open',
  acknowledged: 'acknowledged',
  done: 'already done',
  declined: 'already declined',
  cancelled: 'cancelled',
};

export function decide(h: HandoffFacts, actorId: string, action: LifecycleAction): Decision {
  const isAuthor = actorId === h.authorId;
  const isRecipient = h.activeRecipients.includes(actorId);
  if (!isAuthor && !isRecipient) {
    return refuse('not_participant', 'Only the people on this handoff can change it.');
  }

  if (action.kind === 'cancel') {
    if (!isAuthor) return refuse('not_author', 'Only the person who wrote this handoff can cancel it.');
    if (h.state === 'cancelled') return change('cancelled', 'cancelled', { noop: true });
    // A declined ask can still be dropped for good by its author; a done one is finished.
    if (isClosed(h.state) && h.state !== 'declined') return refuse('closed', `This handoff is ${STATE_WORDS[h.state]}, so it can’t be cancelled.`);
    return change('cancelled', 'cancelled');
  }

  // After a decline the ask is back with its author, who may pass it to someone else.
  if (action.kind === 'reassign' && isAuthor && h.state === 'declined') {
    if (action.to === actorId) return refuse('invalid', 'Pick someone other than yourself.');
    return change('open', 'reassigned', { removeRecipients: h.activeRecipients.filter((r) => r !== action.to), addRecipients: [action.to] });
  }

  if (!isRecipient) {
    return refuse('not_recipient', 'Only the people this handoff is for can do that.');
  }

  switch (action.kind) {
    case 'acknowledge':
      if (h.state === 'acknowledged') return change('acknowledged', 'acknowledged', { noop: true });
      if (isClosed(h.state)) return refuse('closed', `This handoff is ${STATE_WORDS[h.state]}.`);
      return change('acknowledged', 'acknowledged');
    case 'complete':
      if (h.state === 'done') return change('done', 'done', { noop: true });
      if (isClosed(h.state)) return refuse('closed', `This handoff is ${STATE_WORDS[h.state]}.`);
      return change('done', 'done', { unblocksAuthor: true });
    case 'decline': {
      if (h.state === 'declined') return change('declined', 'declined', { noop: true });
      if (isClosed(h.state)) return refuse('closed', `This handoff is ${STATE_WORDS[h.state]}.`);
      const others = h.activeRecipients.filter((r) => r !== actorId);
      // With several recipients one "no" does not close the ask: the others may still help.
      if (others.length > 0) return change(h.state, 'recipient_declined', { removeRecipients: [actorId] });
      return change('declined', 'declined', { unblocksAuthor: true });
    }
    case 'reassign': {
      if (isClosed(h.state)) return refuse('closed', `This handoff is ${STATE_WORDS[h.state]}.`);
      if (action.to === actorId) return refuse('invalid', 'Pick someone other than yourself.');
      if (h.activeRecipients.includes(action.to)) {
        return refuse('invalid', 'That person is already on this handoff.');
      }
      // The new person has not seen it yet, so it is open again for them.
      return change('open', 'reassigned', { removeRecipients: [actorId], addRecipients: [action.to] });
    }
  }
}
