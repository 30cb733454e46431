/** The deflection prompt's wording and limits, the ask pre-fill, and the outcome rules in the database. */
import fc from 'fast-check';
import { eq } from 'drizzle-orm';
import { validateSurface } from '../../harness/blockKit';
import { deflectionLead, deflectionPrompt, mutedConfirmation, agendaModal, type OverlapNote, type RecipientTime } from '../../../src/views/deflectionPrompt';
import { overlapSummary } from '../../../src/domain/workOverlap';
import type { WorkSchedule } from '../../../src/domain/workSchedule';
import { DeflectionService, outcomeLabel } from '../../../src/services/deflection';
import { readableSlackText } from '../../../src/domain/slackText';
import { People } from '../../../src/services/people';
import { ThreadParticipants } from '../../../src/services/threadParticipants';
import { createLogger } from '../../../src/logger';
import type { WebClient } from '@slack/web-api';
import { openDatabase, runMigrations, type DbHandle } from '../../../src/db/client';
import { sqliteStore } from '../../../src/db/sqliteStore';
import { deflections, users } from '../../../src/db/schema';
import { reservePrompt, setOutcome, setPending, type DeflectionOutcome } from '../../../src/db/queries/deflections';

const H = 3600_000;
const person = (name: string, city: string, offsetHours: number, startsInH: number | null): RecipientTime => ({
  name,
  city,
  offsetMinutes: offsetHours * 60,
  workingNow: startsInH === null,
  startsInMs: startsInH === null ? null : startsInH * H,
});

describe('deflectionLead', () => {
  it('names the zones and whose day starts last', () => {
    expect(deflectionLead([person('Ana', 'Lisbon', 0, 6), person('Ben', 'New York', -5, null), person('Cho', 'Tokyo', 9, null)], 'mentioned')).toMatch(
      /^The people you mentioned are in 3 time zones — \*Ana\*’s day starts in 6 h\. A handoff lets people answer in their own working hours/,
    );
  });

  it('says how many are offline when it is more than one, and when nobody is working', () => {
    expect(deflectionLead([person('Ana', 'Lisbon', 0, 6), person('Ben', 'New York', -5, 2), person('Cho', 'Tokyo', 9, null)], 'mentioned')).toContain(
      '— 2 of them are offline; *Ana*’s day starts in 6 h.',
    );
    expect(deflectionLead([person('Ana', 'Lisbon', 0, 6), person('Ben', 'New York', -5, 2)], 'thread')).toContain(
      'The people in this thread are in 2 time zones — none of them is working now; *Ana*’s day starts in 6 h.',
    );
  });

  it('counts zones by their current offset, and says when everyone is working', () => {
    expect(deflectionLead([person('Ana', 'Lisbon', 0, null), person('Liam', 'London', 0, null)], 'mentioned')).toBe(
      'The people you mentioned share a time zone, and all of them are working now. A handoff lets people answer in their own working hours, with nothing to schedule.',
    );
    expect(deflectionLead([person('Ana', 'Lisbon', 0, 1.5), person('Rui', 'Lisbon', 0, 1.5)], 'mentioned')).toContain(
      'The people you mentioned are all in Lisbon — none of them is working now; *Ana*’s day starts in 1 h 30 m.',
    );
  });

  it('talks about one person directly', () => {
    expect(deflectionLead([person('Ana', 'Lisbon', 0, 6.5)], 'mentioned')).toMatch(/^\*Ana\*’s day starts in 6 h 30 m \(Lisbon\)\. /);
    expect(deflectionLead([person('Ana', 'Lisbon', 0, null)], 'thread')).toMatch(/^\*Ana\* is working now \(Lisbon\)\. /);
  });

  it('without recipients, explains the idea only', () => {
    expect(deflectionLead([], 'mentioned')).toBe('A handoff lets people answer in their own working hours, with nothing to schedule.');
  });

  it('escapes names and strips the characters that would break the bold', () => {
    const lead = deflectionLead([person('<!channel> *x* & <https://e.example|y>', 'Lisbon', 0, 2)], 'mentioned');
    expect(lead).toContain('*&lt;!channel&gt; x &amp; &lt;https://e.example|y&gt;*’s day');
    expect(lead).not.toMatch(/<[!@#h]/);
  });
});

describe('deflectionLead with shared working hours', () => {
  const nine2five = (tz: string, extra: Partial<WorkSchedule> = {}): WorkSchedule => ({ tz, startMinute: 540, endMinute: 1020, workingDays: 0b0111110, ...extra });
  const note = (me: WorkSchedule, others: [string, WorkSchedule][], now: string): OverlapNote => {
    const at = new Date(now);
    return {
      summary: overlapSummary(
        me,
        others.map(([, s]) => s),
        at,
      )!,
      names: others.map(([n]) => n),
      tz: me.tz,
      now: at,
    };
  };
  const kiran = person('Kiran', 'Kolkata', 5.5, 10);

  it('says the overlap is now, gently, in the proposer’s time', () => {
    // Wed 12:00 UTC: Lisbon 12:00 and Berlin 13:00 are both working; Berlin's day ends at 17:00 Berlin = 16:00 UTC.
    const lead = deflectionLead([person('Ana', 'Lisbon', 0, null)], 'mentioned', note(nine2five('Europe/Berlin'), [['Ana', nine2five('Europe/Lisbon')]], '2026-11-25T12:00:00Z'));
    expect(lead).toBe('*Ana* is working now (Lisbon). You and *Ana* overlap now, until 17:00 your time.');
  });

  it('names the next shared window when it is later in the day', () => {
    const lead = deflectionLead(
      [person('Ben', 'New York', -5, 2)],
      'mentioned',
      note(nine2five('Europe/Lisbon'), [['Ben', nine2five('America/New_York')]], '2026-11-25T12:00:00Z'),
    );
    expect(lead).toBe('*Ben*’s day starts in 2 h (New York). You next overlap with *Ben* today 14:00–17:00 your time.');
  });

  it('says whose day ended and the next overlap with everyone when there is none in 24 h', () => {
    // Fri 11:00 UTC, proposer in Berlin (08–16 UTC): Kiran (Kolkata, 09:00–14:30 = 03:30–09:00 UTC) ended 2 h ago;
    // Ana starts at 08:00 in Lisbon (UTC), so all three next share Monday 08:00–09:00 UTC = 09:00–10:00 Berlin.
    const kolkata = nine2five('Asia/Kolkata', { endMinute: 14 * 60 + 30 });
    const early = nine2five('Europe/Lisbon', { startMinute: 480 });
    const lead = deflectionLead(
      [kiran, person('Ana', 'Lisbon', 0, null)],
      'mentioned',
      note(
        nine2five('Europe/Berlin'),
        [
          ['Kiran', kolkata],
          ['Ana', early],
        ],
        '2026-11-27T11:00:00Z',
      ),
    );
    expect(lead).toContain('*Kiran*’s day ended 2 h ago; the next overlap with all of them is Mon 09:00–10:00 your time.');
    expect(lead.split('\n')).toHaveLength(1);
    expect(lead).not.toContain('A handoff lets people'); // the overlap sentence makes the case; one line of figures
  });

  it('says when there is no shared working time in the next 7 days', () => {
    const lead = deflectionLead([person('Cho', 'Tokyo', 9, 12)], 'mentioned', note(nine2five('Europe/Lisbon'), [['Cho', nine2five('Asia/Tokyo')]], '2026-11-25T12:00:00Z'));
    // Wed 12:00 UTC: Tokyo's day ended at 08:00 UTC, and Lisbon 09–17 never meets Tokyo 09–17.
    expect(lead).toBe('*Cho*’s day starts in 12 h (Tokyo). *Cho*’s day ended 4 h ago; you share no working hours with *Cho* in the next 7 days.');
    // Without anyone whose day just ended, the sentence stands alone.
    const weekend = deflectionLead([person('Cho', 'Tokyo', 9, 40)], 'mentioned', note(nine2five('Europe/Lisbon'), [['Cho', nine2five('Asia/Tokyo')]], '2026-11-29T12:00:00Z'));
    expect(weekend).toBe('*Cho*’s day starts in 1 d 16 h (Tokyo). You share no working hours with *Cho* in the next 7 days.');
  });

  it('escapes names in the overlap sentence', () => {
    const lead = deflectionLead(
      [person('<!here> *x*', 'Lisbon', 0, null)],
      'mentioned',
      note(nine2five('Europe/Berlin'), [['<!here> *x*', nine2five('Europe/Lisbon')]], '2026-11-25T12:00:00Z'),
    );
    expect(lead).toContain('You and *&lt;!here&gt; x* overlap now');
    expect(lead).not.toContain('<!here>');
  });
});

describe('deflectionPrompt', () => {
  it('is valid Block Kit with the four buttons, for any names and channel names', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.string({ maxLength: 200 }),
            city: fc.string({ maxLength: 80 }),
            off: fc.integer({ min: -12, max: 14 }),
            h: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
          }),
          { maxLength: 10 },
        ),
        fc.option(fc.string({ minLength: 1, maxLength: 80 }), { nil: null }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.array(fc.string({ maxLength: 300 }), { maxLength: 6 }),
        (people, channelName, id, why) => {
          const lead = deflectionLead(
            people.map((p) => person(p.name, p.city, p.off, p.h)),
            'mentioned',
          );
          const prompt = deflectionPrompt(id, lead, { id: 'C123', name: channelName }, why);
          if (why.length > 0) expect(JSON.stringify(prompt.blocks)).not.toMatch(/<!(?:channel|here|everyone)>/);
          expect(validateSurface('message', { blocks: prompt.blocks })).toEqual([]);
          const actions = prompt.blocks.find((b) => b.type === 'actions') as { elements: { value: string; action_id: string }[] };
          expect(actions.elements.map((e) => e.value)).toEqual(Array(4).fill(String(id)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('names the channel on the mute button, or says "this channel"', () => {
    const text = (name: string | null) => JSON.stringify(deflectionPrompt(1, 'x', { id: 'C1', name }).blocks);
    expect(text('eng')).toContain('Don’t suggest in #eng');
    expect(text(null)).toContain('Don’t suggest in this channel');
  });

  it('the mute confirmation and the agenda modal are valid', () => {
    expect(validateSurface('message', { blocks: mutedConfirmation(7, 'C1').blocks })).toEqual([]);
    expect(validateSurface('modal', agendaModal(7))).toEqual([]);
  });
});

describe('readableSlackText', () => {
  it('turns Slack tokens into what a person would type', () => {
    const names = new Map([['U1', 'Ana Silva']]);
    expect(readableSlackText('<@U1> and <@U2|ben>: see <#C1|eng>, <https://x.example/a|the doc> and <https://y.example> &lt;b&gt; &amp; <!here>', names)).toBe(
      '@Ana Silva and @ben: see #eng, the doc (https://x.example/a) and https://y.example <b> & @here',
    );
    expect(readableSlackText('<https://meet.google.com/abc-defg-hij|meet.google.com/abc-defg-hij> <!subteam^S1|@eng> <mailto:a@b.example|a@b.example>')).toBe(
      'https://meet.google.com/abc-defg-hij @eng a@b.example',
    );
  });
});

describe('outcomes in the database', () => {
  let h: DbHandle;
  beforeEach(() => {
    h = openDatabase(':memory:');
    runMigrations(h);
    h.db.insert(users).values({ teamId: 'T1', userId: 'U1', createdAt: 0, updatedAt: 0 }).run();
  });
  afterEach(() => h.close());

  const reserve = (threadTs = '1.1', at = 0, cooldown = 0) =>
    reservePrompt(h.db, { teamId: 'T1', userId: 'U1', channelId: 'C1', threadTs, messageTs: threadTs, reason: 'phrase' }, new Date(at), cooldown);
  const get = (id: number) => h.db.select().from(deflections).where(eq(deflections.id, id)).get()!;

  it('keeps one prompt per person and thread, and rolls the cooldown back when the thread already had one', () => {
    expect(reserve('1.1', 1000, 0)).toEqual(expect.any(Number));
    expect(reserve('1.1', 2000, 0)).toBeNull();
    expect(h.db.select().from(users).get()!.lastDeflectionAt).toBe(1000);
    expect(reserve('2.2', 3000, 5 * H)).toBeNull(); // cooldown running
    expect(reserve('2.2', 1000 + 5 * H, 5 * H)).toEqual(expect.any(Number));
  });

  it('never goes back from converted or failed, and always forgets the text', () => {
    const cases: [DeflectionOutcome[], DeflectionOutcome][] = [
      [['dismissed'], 'dismissed'],
      [['kept', 'dismissed'], 'kept'],
      [['dismissed', 'kept'], 'kept'],
      [['kept', 'converted', 'dismissed', 'muted'], 'converted'],
      [['muted', 'converted'], 'converted'],
      [['failed', 'converted'], 'failed'],
    ];
    let thread = 0;
    for (const [steps, final] of cases) {
      const id = reserve(`${++thread}.0`)!;
      setPending(h.db, id, 'text', ['U2']);
      for (const s of steps) setOutcome(h.db, id, s as Exclude<DeflectionOutcome, 'shown'>, new Date(0), s === 'converted' ? 42 : undefined);
      expect(get(id)).toMatchObject({ outcome: final, pendingText: null, pendingMentions: null });
    }
  });
});

describe('DeflectionService.onMessage on its own', () => {
  // The listener checks shapes too; the service must not depend on it.
  let h: DbHandle;
  let posted: unknown[];
  let service: DeflectionService;
  beforeEach(() => {
    h = openDatabase(':memory:');
    runMigrations(h);
    posted = [];
    const client = {
      users: { info: async ({ user }: { user: string }) => ({ ok: true, user: { id: user, name: user.toLowerCase(), tz: 'Europe/Lisbon' } }) },
      conversations: { replies: async () => ({ ok: true, messages: [] }) },
      chat: { postEphemeral: async (args: unknown) => (posted.push(args), { ok: true }) },
    } as unknown as WebClient;
    const clock = { now: () => new Date('2026-11-25T12:00:00Z') };
    const logger = createLogger({ level: 'silent', secrets: [] });
    const store = sqliteStore(h);
    service = new DeflectionService(store, client, new People(store, client, clock, logger), clock, logger, 4 * H, new ThreadParticipants(store, clock, logger));
  });
  afterEach(() => h.close());

  it('ignores odd shapes instead of throwing', async () => {
    const odd = [
      { type: 'message', channel: 'C1', user: 'U1', text: 42, ts: '1.1' },
      { type: 'message', channel: 'C1', user: 'U1', text: 'quick call?' },
      { type: 'message', user: 'U1', text: 'quick call?', ts: '1.2' },
      { type: 'message', channel: 'C1', user: { id: 'U1' }, text: 'quick call?', ts: '1.3' },
      { type: 'message', channel: 'C1', user: 'U1', text: 'quick call?', ts: '1.4', thread_ts: 7 },
      { type: 'message', channel: 'D1', user: 'U1', text: 'quick call?', ts: '1.6' },
    ];
    for (const e of odd) expect(outcomeLabel(await service.onMessage('T1', undefined, e))).toMatch(/^ignored: /);
    expect(posted).toHaveLength(0);
    // Junk where only extras are read does not stop a real proposal.
    const withJunk = { type: 'message', channel: 'C1', channel_type: 'channel', user: 'U1', text: 'quick call?', ts: '1.7', attachments: 'x', bot_profile: 'y' };
    expect(outcomeLabel(await service.onMessage('T1', 'Ev1', withJunk))).toBe('prompted');
    expect(posted).toHaveLength(1);
  });
});
