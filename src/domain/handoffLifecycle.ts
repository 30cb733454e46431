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

export type Refusal = Extract<Decision, { ok: false }>;

/**
 * Whether `actorId` may take an action of this kind on the handoff at all, whatever its details (a
 * note, whom to pass it to): asked before a form opens, so a non-participant is refused at once. An
 * action that would be a harmless repeat (completing what is done) is allowed. `decide` asks the
 * same question first, so the two never disagree.
 */
export function mayAct(h: HandoffFacts, actorId: string, kind: LifecycleAction['kind']): Refusal | null {
  const isAuthor = actorId === h.authorId;
  const isRecipient = h.activeRecipients.includes(actorId);
  if (!isAuthor && !isRecipient) return refuse('not_participant', 'Only the people on this handoff can change it.') as Refusal;
  if (kind === 'cancel') {
    if (!isAuthor) return refuse('not_author', 'Only the person who wrote this handoff can cancel it.') as Refusal;
    // A declined ask can still be dropped for good by its author; a done one is finished.
    if (isClosed(h.state) && h.state !== 'declined' && h.state !== 'cancelled') {
      return refuse('closed', `This handoff is ${STATE_WORDS[h.state]}, so it can’t be cancelled.`) as Refusal;
    }
    return null;
  }
  // After a decline the ask is back with its author, who may pass it to someone else.
  if (kind === 'reassign' && isAuthor && h.state === 'declined') return null;
  if (!isRecipient) return refuse('not_recipient', 'Only the people this handoff is for can do that.') as Refusal;
  const repeat = (kind === 'acknowledge' && h.state === 'acknowledged') || (kind === 'complete' && h.state === 'done') || (kind === 'decline' && h.state === 'declined');
  if (isClosed(h.state) && !repeat) return refuse('closed', `This handoff is ${STATE_WORDS[h.state]}.`) as Refusal;
  return null;
}

export function decide(h: HandoffFacts, actorId: string, action: LifecycleAction): Decision {
  const refusal = mayAct(h, actorId, action.kind);
  if (refusal) return refusal;
  const isAuthor = actorId === h.authorId;
  switch (action.kind) {
    case 'cancel':
      return h.state === 'cancelled' ? change('cancelled', 'cancelled', { noop: true }) : change('cancelled', 'cancelled');
    case 'acknowledge':
      return h.state === 'acknowledged' ? change('acknowledged', 'acknowledged', { noop: true }) : change('acknowledged', 'acknowledged');
    case 'complete':
      return h.state === 'done' ? change('done', 'done', { noop: true }) : change('done', 'done', { unblocksAuthor: true });
    case 'decline': {
      if (h.state === 'declined') return change('declined', 'declined', { noop: true });
      const others = h.activeRecipients.filter((r) => r !== actorId);
      // With several recipients one "no" does not close the ask: the others may still help.
      if (others.length > 0) return change(h.state, 'recipient_declined', { removeRecipients: [actorId] });
      return change('declined', 'declined', { unblocksAuthor: true });
    }
    case 'reassign': {
      if (action.to === actorId) return refuse('invalid', 'Pick someone other than yourself.');
      if (isAuthor && h.state === 'declined') {
        return change('open', 'reassigned', { removeRecipients: h.activeRecipients.filter((r) => r !== action.to), addRecipients: [action.to] });
      }
      if (h.activeRecipients.includes(action.to)) return refuse('invalid', 'That person is already on this handoff.');
      // The new person has not seen it yet, so it is open again for them.
      return change('open', 'reassigned', { removeRecipients: [actorId], addRecipients: [action.to] });
    }
  }
}
