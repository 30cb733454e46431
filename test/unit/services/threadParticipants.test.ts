/** The batching of thread participants' writes: after the ack, many messages to one write, read-your-writes for deflection. */
import type { DeflectionQueries, StoreOf, ThreadParticipantQueries } from '../../../src/db/store';
import type { ThreadParticipant, ThreadSighting } from '../../../src/domain/threadParticipants';
import { createLogger } from '../../../src/logger';
import { ThreadParticipants } from '../../../src/services/threadParticipants';

const NOW = new Date('2026-11-25T12:00:00Z');

/** A store that keeps what it was asked to write, batch by batch; `fail` makes the next write throw. */
function memoryStore() {
  const batches: ThreadSighting[][] = [];
  const rows = new Map<string, ThreadParticipant & { teamId: string; channelId: string; threadTs: string }>();
  const state = { fail: false, off: new Set<string>() };
  const store = {
    async recordThreadParticipants(sightings: readonly ThreadSighting[]) {
      if (state.fail) {
        state.fail = false;
        throw new Error('disk full');
      }
      batches.push([...sightings]);
      for (const s of sightings) {
        const k = `${s.teamId}|${s.channelId}|${s.threadTs}|${s.userId}`;
        const had = rows.get(k);
        rows.set(k, { ...s, started: s.started || !!had?.started, inParent: s.inParent || !!had?.inParent, lastSeenAt: NOW.getTime() });
      }
    },
    async threadParticipantsOf(teamId: string, channelId: string, threadTs: string) {
      return [...rows.values()].filter((r) => r.teamId === teamId && r.channelId === channelId && r.threadTs === threadTs);
    },
    async deleteThreadParticipantsSeenBefore() {
      return 0;
    },
    async workspaceDeflectionEnabled(teamId: string) {
      return !state.off.has(teamId);
    },
  };
  return { store: store as unknown as StoreOf<ThreadParticipantQueries & DeflectionQueries>, batches, state };
}

const logs: string[] = [];
const logger = createLogger({ level: 'warn', secrets: [], destination: { write: (line: string) => void logs.push(line) } });
const clock = { now: () => NOW };
const msg = (user: string, ts: string, extra: Record<string, unknown> = {}) => ({ type: 'message', channel: 'C1', channel_type: 'channel', user, text: '', ts, ...extra });

describe('ThreadParticipants', () => {
  it('writes the messages of one moment in one batch, and each listener’s promise settles once its batch is written', async () => {
    const { store, batches } = memoryStore();
    const threads = new ThreadParticipants(store, clock, logger);
    const noted = [
      threads.note('T1', msg('UANA', '1.1', { text: '<@UBEN>' })),
      threads.note('T1', msg('UCHO', '1.2', { thread_ts: '1.1', parent_user_id: 'UANA' })),
      threads.note('T1', msg('UANA', '1.3', { thread_ts: '1.1', parent_user_id: 'UANA' })),
    ];
    expect(batches).toHaveLength(0);
    await Promise.all(noted);
    expect(batches).toHaveLength(1);
    // Merged: Ana once, her flags combined.
    expect(batches[0]!.map((s) => `${s.userId}${s.started ? ' started' : ''}${s.inParent ? ' in-parent' : ''}`)).toEqual(['UANA started in-parent', 'UBEN in-parent', 'UCHO']);
  });

  it('a read of a thread first writes what is still waiting (a proposal right after its thread’s first message)', async () => {
    const { store, batches } = memoryStore();
    const threads = new ThreadParticipants(store, clock, logger);
    void threads.note('T1', msg('UANA', '1.1', { text: '<@UBEN>' }));
    expect(await threads.ofThread('T1', 'C1', '1.1')).toEqual({ userIds: ['UANA', 'UBEN'], parentSeen: true });
    expect(batches).toHaveLength(1);
  });

  it('ignores what holds nobody: apps, DMs, odd shapes, Handoff itself — without a write', async () => {
    const { store, batches } = memoryStore();
    const threads = new ThreadParticipants(store, clock, logger);
    await threads.note('T1', msg('UANA', '1.1', { bot_id: 'B1' }));
    await threads.note('T1', { ...msg('UANA', '1.1'), channel: 'D1', channel_type: 'im' });
    await threads.note('T1', { ...msg('UANA', '1.1'), channel_type: 'mpim' });
    await threads.note('T1', { type: 'message', channel: 7 });
    await threads.note('T1', msg('UBOT', '1.1'), 'UBOT');
    await threads.flush();
    expect(batches).toEqual([]);
  });

  it('keeps nothing for a workspace that switched deflection off', async () => {
    const { store, batches, state } = memoryStore();
    const threads = new ThreadParticipants(store, clock, logger);
    state.off.add('TOFF');
    await Promise.all([threads.note('TOFF', msg('UANA', '1.1', { text: '<@UBEN>' })), threads.note('TON', msg('UCHO', '1.1'))]);
    expect(batches.flat().map((s) => `${s.teamId} ${s.userId}`)).toEqual(['TON UCHO']);
    expect(await threads.ofThread('TOFF', 'C1', '1.1')).toEqual({ userIds: [], parentSeen: false });
  });

  it('a failed write is logged and forgotten; the listener does not fail and the next batch is written', async () => {
    const { store, batches, state } = memoryStore();
    const threads = new ThreadParticipants(store, clock, logger);
    state.fail = true;
    logs.length = 0;
    await expect(threads.note('T1', msg('UANA', '1.1'))).resolves.toBeUndefined();
    expect(logs.join('\n')).toContain('thread participants not stored');
    await threads.note('T1', msg('UBEN', '2.1'));
    expect(batches.flat().map((s) => s.userId)).toEqual(['UBEN']);
  });

  it('writes a full batch at once, without waiting for the batch delay', async () => {
    const { store, batches } = memoryStore();
    const threads = new ThreadParticipants(store, clock, logger);
    // Timers that never fire: only a batch written at once lets the notes settle.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    try {
      const noted = Array.from({ length: 500 }, (_, i) => threads.note('T1', msg(`U${i}`, `${i}.1`)));
      await Promise.all(noted);
      expect(batches).toHaveLength(1);
      expect(batches[0]).toHaveLength(500);
      // One more opens the next batch, which waits for its delay.
      let later = false;
      const late = threads.note('T1', msg('ULATE', '9.1')).then(() => (later = true));
      for (let i = 0; i < 20; i++) await Promise.resolve();
      expect(later).toBe(false);
      expect(batches).toHaveLength(1);
      jest.advanceTimersByTime(100);
      await late;
      expect(batches).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
