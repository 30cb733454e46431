import fc from 'fast-check';
import { decide, isClosed, mayAct, type HandoffFacts, type HandoffState, type LifecycleAction } from '../../../src/domain/handoffLifecycle';

const base: HandoffFacts = { state: 'open', authorId: 'UA', activeRecipients: ['UR1', 'UR2'] };
const at = (state: HandoffState, over: Partial<HandoffFacts> = {}): HandoffFacts => ({ ...base, state, ...over });

describe('handoff lifecycle', () => {
  it('lets a recipient acknowledge, then complete; completing unblocks the author', () => {
    const ack = decide(at('open'), 'UR1', { kind: 'acknowledge' });
    expect(ack).toMatchObject({ ok: true, noop: false, nextState: 'acknowledged', eventKind: 'acknowledged', unblocksAuthor: false });
    const done = decide(at('acknowledged'), 'UR1', { kind: 'complete', note: 'x' });
    expect(done).toMatchObject({ ok: true, nextState: 'done', unblocksAuthor: true });
  });

  it('makes acting twice harmless', () => {
    expect(decide(at('acknowledged'), 'UR1', { kind: 'acknowledge' })).toMatchObject({ ok: true, noop: true });
    expect(decide(at('done'), 'UR2', { kind: 'complete', note: '' })).toMatchObject({ ok: true, noop: true });
    expect(decide(at('cancelled'), 'UA', { kind: 'cancel' })).toMatchObject({ ok: true, noop: true });
  });

  it('only the author cancels; only recipients act on the ask', () => {
    expect(decide(at('open'), 'UR1', { kind: 'cancel' })).toMatchObject({ ok: false, reason: 'not_author' });
    expect(decide(at('open'), 'UA', { kind: 'acknowledge' })).toMatchObject({ ok: false, reason: 'not_recipient' });
    expect(decide(at('open'), 'UA', { kind: 'cancel' })).toMatchObject({ ok: true, nextState: 'cancelled' });
  });

  it('refuses strangers whatever they try', () => {
    const actions: LifecycleAction[] = [
      { kind: 'acknowledge' },
      { kind: 'complete', note: '' },
      { kind: 'decline', reason: '' },
      { kind: 'cancel' },
      { kind: 'reassign', to: 'UX' },
    ];
    for (const a of actions) expect(decide(at('open'), 'USTRANGER', a)).toMatchObject({ ok: false, reason: 'not_participant' });
  });

  it('a decline by one of several recipients removes only them', () => {
    expect(decide(at('open'), 'UR1', { kind: 'decline', reason: 'no' })).toMatchObject({ ok: true, nextState: 'open', eventKind: 'recipient_declined', removeRecipients: ['UR1'] });
    expect(decide(at('open', { activeRecipients: ['UR2'] }), 'UR2', { kind: 'decline', reason: 'no' })).toMatchObject({ ok: true, nextState: 'declined', unblocksAuthor: true });
  });

  it('reassignment swaps the actor for the new person and reopens', () => {
    expect(decide(at('acknowledged'), 'UR1', { kind: 'reassign', to: 'UR3' })).toMatchObject({ ok: true, nextState: 'open', removeRecipients: ['UR1'], addRecipients: ['UR3'] });
    expect(decide(at('open'), 'UR1', { kind: 'reassign', to: 'UR2' })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(decide(at('open'), 'UR1', { kind: 'reassign', to: 'UR1' })).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('a declined ask is back with its author: they may pass it on or drop it; nobody else may', () => {
    expect(decide(at('declined'), 'UA', { kind: 'reassign', to: 'UR3' })).toMatchObject({
      ok: true,
      noop: false,
      nextState: 'open',
      eventKind: 'reassigned',
      removeRecipients: ['UR1', 'UR2'],
      addRecipients: ['UR3'],
    });
    expect(decide(at('declined'), 'UA', { kind: 'reassign', to: 'UA' })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(decide(at('declined'), 'UA', { kind: 'cancel' })).toMatchObject({ ok: true, noop: false, nextState: 'cancelled' });
    expect(decide(at('declined'), 'UR1', { kind: 'reassign', to: 'UR3' })).toMatchObject({ ok: false, reason: 'closed' });
    expect(decide(at('done'), 'UA', { kind: 'reassign', to: 'UR3' })).toMatchObject({ ok: false });
    expect(decide(at('done'), 'UA', { kind: 'cancel' })).toMatchObject({ ok: false, reason: 'closed' });
  });

  it('never leaves a closed state, except the author acting on a decline (property)', () => {
    const state = fc.constantFrom<HandoffState>('open', 'acknowledged', 'done', 'declined', 'cancelled');
    const actor = fc.constantFrom('UA', 'UR1', 'UR2', 'UX');
    const action = fc.oneof(
      fc.constant<LifecycleAction>({ kind: 'acknowledge' }),
      fc.constant<LifecycleAction>({ kind: 'complete', note: '' }),
      fc.constant<LifecycleAction>({ kind: 'decline', reason: '' }),
      fc.constant<LifecycleAction>({ kind: 'cancel' }),
      fc.constantFrom('UR1', 'UR3', 'UA').map<LifecycleAction>((to) => ({ kind: 'reassign', to })),
    );
    fc.assert(
      fc.property(state, actor, action, (s, who, a) => {
        const d = decide(at(s), who, a);
        const authorOnDecline = s === 'declined' && who === 'UA' && (a.kind === 'cancel' || a.kind === 'reassign');
        if (isClosed(s) && d.ok && !authorOnDecline) expect(d.noop).toBe(true);
        if (d.ok && !d.noop) expect(['UA', 'UR1', 'UR2']).toContain(who);
      }),
    );
  });

  it('mayAct (asked before a form opens) agrees with decide: a refusal is the same refusal, an allowed action never is (property)', () => {
    const state = fc.constantFrom<HandoffState>('open', 'acknowledged', 'done', 'declined', 'cancelled');
    const actor = fc.constantFrom('UA', 'UR1', 'UR2', 'UX');
    const action = fc.oneof(
      fc.constant<LifecycleAction>({ kind: 'acknowledge' }),
      fc.constant<LifecycleAction>({ kind: 'complete', note: '' }),
      fc.constant<LifecycleAction>({ kind: 'decline', reason: '' }),
      fc.constant<LifecycleAction>({ kind: 'cancel' }),
      fc.constantFrom('UR1', 'UR3', 'UA', 'UX').map<LifecycleAction>((to) => ({ kind: 'reassign', to })),
    );
    fc.assert(
      fc.property(state, actor, action, (s, who, a) => {
        const refusal = mayAct(at(s), who, a.kind);
        const d = decide(at(s), who, a);
        if (refusal) expect(d).toEqual(refusal);
        // Only the details of a reassignment (whom to) can still be refused once the form is allowed.
        else if (!d.ok) expect([a.kind, d.reason]).toEqual(['reassign', 'invalid']);
      }),
    );
  });
});
