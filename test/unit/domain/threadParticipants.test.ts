import fc from 'fast-check';
import { MAX_MENTIONS_PER_MESSAGE, mergeSightings, sightingsOf, threadPeopleOf, type ThreadSighting } from '../../../src/domain/threadParticipants';

const brief = (s: ThreadSighting[]) => s.map((x) => `${x.threadTs} ${x.userId}${x.started ? ' started' : ''}${x.inParent ? ' in-parent' : ''}`);

describe('sightingsOf: the people a message shows in its thread', () => {
  it('a first message: its author started the thread; they and whom it names were in its first message', () => {
    expect(brief(sightingsOf('T1', { channel: 'C1', ts: '10.1', user: 'UANA', text: 'hi <@UBEN> and <@WCHO|cho>, <@UBEN> again' }))).toEqual([
      '10.1 UANA started in-parent',
      '10.1 UBEN in-parent',
      '10.1 WCHO in-parent',
    ]);
    // conversations.replies gives the first message with thread_ts = ts: the same.
    expect(brief(sightingsOf('T1', { channel: 'C1', ts: '10.1', threadTs: '10.1', user: 'UANA' }))).toEqual(['10.1 UANA started in-parent']);
  });

  it('a reply: its author and whom it names are in the thread; the starter its event names started it', () => {
    expect(brief(sightingsOf('T1', { channel: 'C1', ts: '12.5', threadTs: '10.1', user: 'UDEV', text: '<@UEVE> see above', parentUserId: 'UANA' }))).toEqual([
      '10.1 UANA started',
      '10.1 UDEV',
      '10.1 UEVE',
    ]);
    // Replying to one's own thread.
    expect(brief(sightingsOf('T1', { channel: 'C1', ts: '12.5', threadTs: '10.1', user: 'UANA', parentUserId: 'UANA' }))).toEqual(['10.1 UANA started']);
  });

  it('nothing from apps, hidden or system messages; never the ignored ids (Handoff itself)', () => {
    for (const m of [
      { user: 'UANA', botId: 'B1', text: '<@UBEN>' },
      { user: 'UANA', subtype: 'bot_message' },
      { user: 'UANA', subtype: 'channel_join' },
      { user: 'UANA', subtype: 'message_changed' },
      { user: 'UANA', hidden: true },
      { text: '<@UBEN>' },
    ]) {
      expect(sightingsOf('T1', { channel: 'C1', ts: '10.1', ...m })).toEqual([]);
    }
    expect(brief(sightingsOf('T1', { channel: 'C1', ts: '12.5', threadTs: '10.1', user: 'UANA', text: '<@UBOT> <@UBEN>', parentUserId: 'UBOT' }, new Set(['UBOT'])))).toEqual([
      '10.1 UANA',
      '10.1 UBEN',
    ]);
    expect(sightingsOf('T1', { channel: 'C1', ts: '10.1', user: 'UBOT' }, new Set(['UBOT']))).toEqual([]);
  });

  it(`takes at most ${MAX_MENTIONS_PER_MESSAGE} mentions from one message`, () => {
    const text = Array.from({ length: 50 }, (_, i) => `<@U${String(i).padStart(3, '0')}>`).join(' ');
    expect(sightingsOf('T1', { channel: 'C1', ts: '10.1', user: 'UANA', text })).toHaveLength(1 + MAX_MENTIONS_PER_MESSAGE);
  });

  it('carries the workspace and channel on every sighting', () => {
    const out = sightingsOf('T9', { channel: 'C7', ts: '12.5', threadTs: '10.1', user: 'UANA', text: '<@UBEN>', parentUserId: 'UCHO' });
    expect(out.every((s) => s.teamId === 'T9' && s.channelId === 'C7' && s.threadTs === '10.1')).toBe(true);
  });
});

describe('mergeSightings', () => {
  const sighting = fc.record({
    teamId: fc.constantFrom('T1', 'T2'),
    channelId: fc.constantFrom('C1', 'C2'),
    threadTs: fc.constantFrom('1.1', '2.2'),
    userId: fc.constantFrom('UA', 'UB', 'UC'),
    started: fc.boolean(),
    inParent: fc.boolean(),
  });
  const key = (s: ThreadSighting) => [s.teamId, s.channelId, s.threadTs, s.userId].join('|');

  it('one sighting per key, in key order, each flag on when any sighting of the key had it; order of input does not matter', () => {
    fc.assert(
      fc.property(fc.array(sighting, { maxLength: 40 }), (all) => {
        const merged = mergeSightings(all);
        const keys = merged.map(key);
        expect(new Set(keys).size).toBe(keys.length);
        expect([...keys].sort()).toEqual(keys);
        expect(new Set(keys)).toEqual(new Set(all.map(key)));
        for (const m of merged) {
          const same = all.filter((s) => key(s) === key(m));
          expect(m.started).toBe(same.some((s) => s.started));
          expect(m.inParent).toBe(same.some((s) => s.inParent));
        }
        expect(mergeSightings([...all].reverse())).toEqual(merged);
      }),
    );
  });
});

describe('threadPeopleOf', () => {
  it('the starter first, then the first message’s people, then the most recently seen; parent seen when anyone was in it', () => {
    const people = threadPeopleOf([
      { userId: 'UOLD', started: false, inParent: false, lastSeenAt: 1 },
      { userId: 'UNEW', started: false, inParent: false, lastSeenAt: 9 },
      { userId: 'UNAMED', started: false, inParent: true, lastSeenAt: 2 },
      { userId: 'USTART', started: true, inParent: true, lastSeenAt: 1 },
    ]);
    expect(people).toEqual({ userIds: ['USTART', 'UNAMED', 'UNEW', 'UOLD'], parentSeen: true });
  });

  it('a thread whose first message Handoff never saw: the starter may be known, the first message is not', () => {
    expect(
      threadPeopleOf([
        { userId: 'UREPLY', started: false, inParent: false, lastSeenAt: 5 },
        { userId: 'USTART', started: true, inParent: false, lastSeenAt: 5 },
      ]),
    ).toEqual({ userIds: ['USTART', 'UREPLY'], parentSeen: false });
    expect(threadPeopleOf([])).toEqual({ userIds: [], parentSeen: false });
  });
});
