/**
 * Meeting deflection and processed events through the Store contract, on SQLite and PostgreSQL:
 * one prompt per thread and person under a cooldown, outcomes that only move forward, mutes,
 * purges, and each Slack event id acted on once.
 */
import type { DeflectionOutcome } from '../../../src/db/queries/deflections';
import type { Store } from '../../../src/db/store';
import { describeOnPostgres } from '../support/databases';
import { describeStores, withBothStores } from '../support/stores';

const T = 'T1';
const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
const at = (ms: number) => new Date(NOW.getTime() + ms);
const HOUR = 3600_000;
const prompt = (threadTs: string, userId = 'U1') => ({ teamId: T, userId, channelId: 'C1', threadTs, messageTs: `${threadTs}9`, reason: 'meeting' });

async function person(store: Store, userId = 'U1') {
  await store.upsertProfile(T, userId, { displayName: userId, isBot: false, deleted: false, slackTz: null }, NOW);
}

describeStores('deflections', (ctx) => {
  it('acts on each event id once per workspace', async () => {
    const { store } = ctx();
    expect(await store.firstSightOfEvent(T, 'Ev1', NOW)).toBe(true);
    expect(await store.firstSightOfEvent(T, 'Ev1', at(1))).toBe(false);
    expect(await store.firstSightOfEvent('T2', 'Ev1', NOW)).toBe(true);
  });

  it('mutes and unmutes a channel for a person, idempotently', async () => {
    const { store } = ctx();
    expect(await store.isMuted(T, 'U1', 'C1')).toBe(false);
    await store.mute(T, 'U1', 'C1', NOW);
    await store.mute(T, 'U1', 'C1', at(1));
    expect([await store.isMuted(T, 'U1', 'C1'), await store.isMuted(T, 'U2', 'C1'), await store.isMuted(T, 'U1', 'C2')]).toEqual([true, false, false]);
    await store.unmute(T, 'U1', 'C1');
    expect(await store.isMuted(T, 'U1', 'C1')).toBe(false);
  });

  it('deflection is on for a workspace until switched off', async () => {
    const { store } = ctx();
    expect(await store.workspaceDeflectionEnabled(T)).toBe(true);
    await store.ensureWorkspace(T, NOW);
    await store.setWorkspaceDeflection(T, false);
    expect(await store.workspaceDeflectionEnabled(T)).toBe(false);
    await store.setWorkspaceDeflection(T, true);
    expect(await store.workspaceDeflectionEnabled(T)).toBe(true);
  });

  it('reserves one prompt per thread and person, under the person’s cooldown', async () => {
    const { store } = ctx();
    await person(store, 'U1');
    await person(store, 'U2');
    const id = await store.reservePrompt(prompt('1.100'), NOW, HOUR);
    expect(id).not.toBeNull();
    expect(await store.getDeflection(T, id!)).toEqual({
      id,
      ...prompt('1.100'),
      pendingText: null,
      pendingMentions: null,
      outcome: 'shown',
      handoffId: null,
      createdAt: NOW.getTime(),
      updatedAt: NOW.getTime(),
    });
    expect((await store.getUser(T, 'U1'))?.lastDeflectionAt).toBe(NOW.getTime());
    // Cooling down: no prompt, the cooldown is not restarted.
    expect(await store.reservePrompt(prompt('1.200'), at(HOUR - 1), HOUR)).toBeNull();
    expect((await store.getUser(T, 'U1'))?.lastDeflectionAt).toBe(NOW.getTime());
    // The same thread again after the cooldown: no prompt, and the cooldown is rolled back with it.
    expect(await store.reservePrompt(prompt('1.100'), at(HOUR), HOUR)).toBeNull();
    expect((await store.getUser(T, 'U1'))?.lastDeflectionAt).toBe(NOW.getTime());
    expect(await store.reservePrompt(prompt('1.200'), at(HOUR), HOUR)).not.toBeNull();
    expect(await store.reservePrompt(prompt('1.100', 'U2'), NOW, HOUR)).not.toBeNull();
    // Someone Handoff does not know yet has no cooldown row: no prompt.
    expect(await store.reservePrompt(prompt('1.300', 'U9'), NOW, HOUR)).toBeNull();
  });

  it('keeps the message text only while the prompt waits for an answer', async () => {
    const { store } = ctx();
    await person(store);
    const id = (await store.reservePrompt(prompt('1.100'), NOW, HOUR))!;
    await store.setPending(id, 'can we meet about X?', ['U2', 'U3']);
    const pending = await store.getDeflectionById(id);
    expect(pending?.pendingText).toBe('can we meet about X?');
    expect(JSON.parse(pending!.pendingMentions!)).toEqual(['U2', 'U3']);
    await store.forgetPending(id);
    expect(await store.getDeflectionById(id)).toMatchObject({ pendingText: null, pendingMentions: null, outcome: 'shown' });
    expect(await store.getDeflection('T2', id)).toBeUndefined();
    expect(await store.getDeflection(T, Number.MAX_SAFE_INTEGER + 2)).toBeUndefined();
    expect(await store.getDeflectionById(1.5)).toBeUndefined();
  });

  it('records outcomes forward only, links the handoff, and forgets the text either way', async () => {
    const { store } = ctx();
    await person(store);
    const id = (await store.reservePrompt(prompt('1.100'), NOW, HOUR))!;
    await store.setPending(id, 'text', ['U2']);
    expect(await store.setOutcome(id, 'kept', at(1))).toBe(true);
    expect(await store.getDeflectionById(id)).toMatchObject({ outcome: 'kept', pendingText: null, updatedAt: NOW.getTime() + 1 });
    await store.setPending(id, 'text again', ['U2']);
    expect(await store.setOutcome(id, 'dismissed', at(2))).toBe(false);
    expect(await store.getDeflectionById(id)).toMatchObject({ outcome: 'kept', pendingText: null, pendingMentions: null, updatedAt: NOW.getTime() + 1 });
    expect(await store.setOutcome(id, 'converted', at(3), 42)).toBe(true);
    expect(await store.getDeflectionById(id)).toMatchObject({ outcome: 'converted', handoffId: 42 });
    expect(await store.setOutcome(id, 'muted', at(4))).toBe(false);
  });

  it('purges day-old unanswered text and week-old event ids', async () => {
    const { store } = ctx();
    await person(store);
    const old = (await store.reservePrompt(prompt('1.100'), at(-25 * HOUR), HOUR))!;
    await store.setPending(old, 'old text', []);
    const fresh = (await store.reservePrompt(prompt('1.200'), NOW, HOUR))!;
    await store.setPending(fresh, 'fresh text', []);
    await store.firstSightOfEvent(T, 'old', at(-8 * 24 * HOUR));
    await store.firstSightOfEvent(T, 'recent', at(-6 * 24 * HOUR));
    await store.purgeStale(NOW);
    expect((await store.getDeflectionById(old))?.pendingText).toBeNull();
    expect((await store.getDeflectionById(fresh))?.pendingText).toBe('fresh text');
    expect(await store.firstSightOfEvent(T, 'old', NOW)).toBe(true);
    expect(await store.firstSightOfEvent(T, 'recent', NOW)).toBe(false);
  });
});

const OUTCOMES: Exclude<DeflectionOutcome, 'shown'>[] = ['converted', 'kept', 'muted', 'dismissed', 'failed'];

/** Every (first outcome, second outcome) pair on a fresh prompt: [changed first, changed second, final outcome]. */
async function transitions(store: Store): Promise<string[]> {
  await person(store);
  const out: string[] = [];
  let n = 0;
  for (const first of OUTCOMES) {
    for (const second of OUTCOMES) {
      const id = (await store.reservePrompt(prompt(`2.${n++}`), at(n * HOUR), 0))!;
      const a = await store.setOutcome(id, first, NOW);
      const b = await store.setOutcome(id, second, NOW);
      out.push(`${first}→${second}: ${a} ${b} ${(await store.getDeflectionById(id))?.outcome}`);
    }
  }
  return out;
}

describeOnPostgres()('deflection outcomes on both backends', () => {
  it('every pair of outcomes ends the same way on SQLite and PostgreSQL (PostgreSQL copies the transition table)', async () => {
    const [lite, pg] = await withBothStores(async (sqlite, postgres) => [await transitions(sqlite), await transitions(postgres)]);
    expect(lite).toHaveLength(25);
    // Spot checks that the table is the product's, not merely the same twice.
    expect(lite).toContain('kept→dismissed: true false kept');
    expect(lite).toContain('dismissed→converted: true true converted');
    expect(lite).toContain('converted→muted: true false converted');
    expect(pg).toEqual(lite);
  });
});
