/** What goes into a digest (planDigest) and how it reads (digestMessage / digestText). */
import fc from 'fast-check';
import type { AnyBlock } from '@slack/types';
import { DIGEST_BLOCK_BUDGET, DIGEST_SECTION_CAP, digestBlockCount, planDigest } from '../../../src/domain/digest';
import { digestMessage, digestText } from '../../../src/views/digestMessage';
import type { DigestItem } from '../../../src/delivery/digestBuilder';
import { validateSurface } from '../../harness/blockKit';
import { handoffRow } from '../../harness/handoffRows';
import type { PersonScheduleFields } from '../../../src/domain/personSchedule';

const NOW = new Date('2026-11-26T00:00:00Z');
function item(over: Partial<DigestItem> = {}): DigestItem {
  return { ...handoffRow(NOW, over), snoozedUntilDate: null, ...over };
}

const base = { localDate: '2026-11-26', unblocked: [] as DigestItem[], waitingOnYou: [] as DigestItem[], waitingOnOthersCount: 0, nextStarter: null };

describe('planDigest', () => {
  it('is null when there is nothing to say — even if you wait on others', () => {
    expect(planDigest({ ...base, waitingOnOthersCount: 4, nextStarter: { userId: 'U2', inMs: 1000 } })).toBeNull();
  });

  it('lists what waits on you oldest first (ties by id)', () => {
    const a = item({ id: 10, createdAt: 3 });
    const b = item({ id: 11, createdAt: 1 });
    const c = item({ id: 9, createdAt: 1 });
    expect(planDigest({ ...base, waitingOnYou: [a, b, c] })!.waitingOnYou.map((h) => h.id)).toEqual([9, 11, 10]);
  });

  it('leaves out what you snoozed until a later date, and brings it back on that date', () => {
    const snoozed = item({ snoozedUntilDate: '2026-11-27' });
    expect(planDigest({ ...base, waitingOnYou: [snoozed] })).toBeNull();
    expect(planDigest({ ...base, localDate: '2026-11-27', waitingOnYou: [snoozed] })!.waitingOnYou).toHaveLength(1);
  });

  it(`shows at most ${DIGEST_SECTION_CAP} per section and counts the rest`, () => {
    const waitingOnly = planDigest({ ...base, waitingOnYou: Array.from({ length: 40 }, () => item()) })!;
    expect([waitingOnly.waitingOnYou.length, waitingOnly.hiddenWaiting]).toEqual([DIGEST_SECTION_CAP, 25]);
    const unblockedOnly = planDigest({ ...base, unblocked: Array.from({ length: 16 }, () => item({ state: 'done' })) })!;
    expect([unblockedOnly.unblocked.length, unblockedOnly.hiddenUnblocked]).toEqual([DIGEST_SECTION_CAP, 1]);
  });

  it(`fits Slack’s ${DIGEST_BLOCK_BUDGET}-block limit when both sections are full (fewer cards, the rest counted)`, () => {
    const plan = planDigest({ ...base, waitingOnYou: Array.from({ length: 40 }, () => item()), unblocked: Array.from({ length: 16 }, () => item({ state: 'done' })) })!;
    expect(plan.unblocked).toHaveLength(15);
    expect(plan.waitingOnYou).toHaveLength(9);
    expect(plan.hiddenWaiting).toBe(31);
    expect(digestBlockCount(15, 16, 9, 40)).toBeLessThanOrEqual(DIGEST_BLOCK_BUDGET);
    expect(digestMessage(plan, 'UME', 'x', NOW).blocks.length).toBeLessThanOrEqual(DIGEST_BLOCK_BUDGET);
  });
});

describe('digestMessage', () => {
  it('says who unblocked you, with the note quoted, and what waits on you with buttons', () => {
    const done = item({ state: 'done', resolvedBy: 'UKENJI', resolvedAt: NOW.getTime(), resolutionNote: 'In the sheet\nsecond line', title: 'Q3 numbers' });
    const open = item({ title: 'Deck', ask: 'review the deck' });
    const plan = planDigest({ ...base, unblocked: [done], waitingOnYou: [open], waitingOnOthersCount: 2, nextStarter: { userId: 'URAJ', inMs: 3 * 3600_000 } })!;
    const m = digestMessage(plan, 'UME', 'Thursday 26 November', NOW);
    expect(m.text).toBe('Good morning: you’re unblocked on 1, 1 waiting on you.');
    const json = JSON.stringify(m.blocks);
    expect(json).toContain('Your handoffs · Thursday 26 November');
    expect(json).toContain(`*#${done.number} · Q3 numbers* — <@UKENJI> marked it done`);
    expect(json).toContain('\\n> In the sheet\\n> second line');
    expect(json).toContain('review the deck');
    expect(json).toContain('"action_id":"handoff_done"');
    expect(json).toContain('"action_id":"handoff_snooze"');
    expect(json).toContain('You’re waiting on 2 handoffs. <@URAJ>’s day starts next, in 3 h.');
    expect(validateSurface('message', { blocks: m.blocks as AnyBlock[] })).toEqual([]);
  });

  it('escapes what people typed, so nobody can @channel or spoof a link through a digest', () => {
    const evil = item({ title: '<!channel> <https://evil.example|click>', ask: '&lt; <@U0ADMIN>', state: 'done', resolvedBy: 'U1', resolutionNote: '<!here>' });
    const m = digestMessage(planDigest({ ...base, unblocked: [evil], waitingOnYou: [item({ title: '<!everyone>' })] })!, 'UME', 'x', NOW);
    const json = JSON.stringify(m.blocks);
    expect(json).not.toMatch(/<!channel>|<!here>|<!everyone>|<https:\/\/evil/);
    expect(json).toContain('&lt;!channel&gt;');
  });

  it('stays within Block Kit limits for any mix of content (≤ 50 blocks, valid blocks)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 4000 });
    const arbItem = fc.record({ title: text, ask: text, note: fc.option(text), urgent: fc.boolean(), done: fc.boolean(), needed: fc.boolean() });
    // Sizes drawn separately so full and overfull digests are common, not just short ones.
    const items = fc.integer({ min: 0, max: 60 }).chain((n) => fc.array(arbItem, { minLength: n, maxLength: n }));
    fc.assert(
      fc.property(items, items, fc.nat(500), fc.boolean(), (waitingSpecs, unblockedSpecs, others, dayOff) => {
        const waiting = waitingSpecs.map((s) => item({ title: s.title || 'x', ask: s.ask || 'y', urgent: s.urgent, neededByAt: s.needed ? NOW.getTime() + 3600_000 : null }));
        const unblocked = unblockedSpecs.map((s) =>
          item({ title: s.title || 'x', state: s.done ? 'done' : 'declined', resolvedBy: 'U9', resolvedAt: NOW.getTime(), resolutionNote: s.note }),
        );
        const plan = planDigest({ ...base, waitingOnYou: waiting, unblocked, waitingOnOthersCount: others, nextStarter: { userId: 'U2', inMs: 61_000 } });
        if (!plan) return waiting.length === 0 && unblocked.length === 0;
        // A day off ahead shares the footer's block: the budget holds with it too.
        const m = digestMessage(plan, 'UME', 'Thursday 26 November', NOW, { daysOff: dayOff ? 'Tue 1 Dec is a public holiday in Portugal' : null });
        expect(m.blocks.length).toBeLessThanOrEqual(DIGEST_BLOCK_BUDGET);
        expect(m.blocks.length).toBeLessThanOrEqual(
          digestBlockCount(plan.unblocked.length, unblocked.length, plan.waitingOnYou.length, plan.waitingOnYou.length + plan.hiddenWaiting),
        );
        // Nothing is dropped silently: shown + counted = everything.
        expect(plan.unblocked.length + plan.hiddenUnblocked).toBe(unblocked.length);
        expect(validateSurface('message', { blocks: m.blocks as AnyBlock[] })).toEqual([]);
        return true;
      }),
      { numRuns: 60 },
    );
  });
});

describe('digestMessage: the reader’s own days off', () => {
  it('the digest before a public holiday says there is no digest that day, in the footer, after what they wait on', () => {
    const plan = planDigest({ ...base, waitingOnYou: [item({})], waitingOnOthersCount: 2 })!;
    const footer = (m: { blocks: unknown[] }) => m.blocks.at(-1) as { type: string; elements: { text: string }[] };
    const m = digestMessage(plan, 'UME', 'Monday 30 November', NOW, { daysOff: 'Tue 1 Dec is a public holiday in Portugal' });
    expect(footer(m).type).toBe('context');
    expect(footer(m).elements.map((e) => e.text)).toEqual([
      expect.stringContaining('You’re waiting on 2 handoffs.'),
      ':palm_tree: Tue 1 Dec is a public holiday in Portugal: no digest then; what comes in waits for your next workday.',
    ]);
    // Without a day off ahead the footer is what it was.
    expect(footer(digestMessage(plan, 'UME', 'Monday 30 November', NOW)).elements).toHaveLength(1);
  });
});

describe('digestText (handoff digest-preview)', () => {
  it('renders the sections as plain text with names', () => {
    const plan = planDigest({
      ...base,
      declined: [item({ id: 3, title: 'Budget', state: 'declined', resolvedBy: 'UKENJI', resolvedAt: Date.parse('2026-11-25T20:00:00Z'), resolutionNote: 'Not this quarter' })],
      waitingOnYou: [item({ id: 1, title: 'Q3', ask: 'send the Q3 numbers', createdAt: NOW.getTime() - 5 * 3600_000, urgent: true })],
      waitingOnOthersCount: 1,
      nextStarter: { userId: 'UKENJI', inMs: 90 * 60_000 },
    })!;
    const names: Record<string, string> = { UKENJI: '@kenji', UAUTHOR: '@nora', UME: '@me' };
    expect(digestText(plan, 'Thursday 26 November', NOW, (id) => names[id] ?? id)).toBe(
      [
        'Your handoffs · Thursday 26 November',
        '',
        'Declined — reassign, rewrite or cancel?',
        '  #3 · Budget — @kenji can’t do it 2026-11-25 20:00 UTC',
        '      > Not this quarter',
        '',
        'Waiting on you (oldest first)',
        '  #1 · Q3  [open · from @nora to @me · 5 h ago · urgent]',
        '      Needs: send the Q3 numbers',
        '',
        'You’re waiting on 1 handoff. @kenji’s day starts next, in 1 h 30 m.',
      ].join('\n'),
    );
  });

  it('says why the next person’s day is far off, as every other surface does: away (Slack status, in the reader’s zone), or a holiday', () => {
    const person = {
      tzOverride: null,
      slackTz: 'Europe/Lisbon',
      workdayStartMinute: 540,
      workdayEndMinute: 1020,
      workingDays: 0b0111110,
      awayUntil: null,
      holidayRegion: null,
      statusAwayUntil: null,
    };
    const plan = (p: PersonScheduleFields, inMs: number) =>
      planDigest({ ...base, waitingOnYou: [item()], waitingOnOthersCount: 1, nextStarter: { userId: 'UANA', inMs, person: p } })!;
    const names = (id: string) => (id === 'UANA' ? '@ana' : id);
    // Thu 26 Nov 2026 00:00 UTC; her status says away, back Mon 30 Nov 09:00 Lisbon: Tokyo reads that as Mon 30 Nov 18:00.
    const away = plan({ ...person, statusAwayUntil: '2026-11-30' }, 4 * 86_400_000);
    expect(digestText(away, 'x', NOW, names, 'Asia/Tokyo')).toContain('@ana is away until Mon 30 Nov (Slack status).');
    // Los Angeles reads her Monday 09:00 Lisbon as Monday 01:00: still Mon 30 Nov.
    expect(digestText(away, 'x', NOW, names, 'America/Los_Angeles')).toContain('@ana is away until Mon 30 Nov (Slack status).');
    // Set by hand in settings: no "(Slack status)".
    expect(digestText(plan({ ...person, awayUntil: '2026-11-30' }, 4 * 86_400_000), 'x', NOW, names)).toContain('@ana is away until Mon 30 Nov.');
    // 1 Dec is a public holiday in Portugal; on Mon 30 Nov at 18:00 UTC her next day is Wed 2 Dec.
    const monday = new Date('2026-11-30T18:00:00Z');
    const holiday = planDigest({
      ...base,
      waitingOnYou: [item()],
      waitingOnOthersCount: 1,
      nextStarter: { userId: 'UANA', inMs: 39 * 3600_000, person: { ...person, holidayRegion: 'PT' } },
    })!;
    expect(digestText(holiday, 'x', monday, names)).toContain('@ana’s day starts next, in 1 d 15 h (Tue 1 Dec is a public holiday in Portugal).');
    expect(JSON.stringify(digestMessage(holiday, 'UME', 'x', monday).blocks)).toContain('day starts next, in 1 d 15 h (Tue 1 Dec is a public holiday in Portugal).');
  });

  it('a "needed by" already past is said to be late, not to have less than a working day left', () => {
    const needed = (neededByAt: number) => planDigest({ ...base, neededSoon: [{ handoffId: 1, number: 7, title: 'Deck', neededByAt, recipientIds: ['UANA'] }] })!;
    const names = (id: string) => (id === 'UANA' ? '@ana' : id);
    expect(digestText(needed(NOW.getTime() + 3 * 3600_000), 'x', NOW, names)).toContain('#7 · Deck — needed by 2026-11-26 03:00 UTC: less than one working day left for @ana.');
    expect(digestText(needed(NOW.getTime() - 3600_000), 'x', NOW, names)).toContain('#7 · Deck — was needed by 2026-11-25 23:00 UTC and is still open with @ana.');
    expect(JSON.stringify(digestMessage(needed(NOW.getTime() - 3600_000), 'UME', 'x', NOW).blocks)).toContain('and is still open with <@UANA>.');
  });

  it('points to App Home for what it does not show', () => {
    const plan = planDigest({ ...base, waitingOnYou: Array.from({ length: 17 }, () => item()) })!;
    expect(digestText(plan, 'x', NOW)).toContain('  …and 2 more — open the Handoff app’s Home tab to see them all.');
  });
});

describe('planDigest: a nudged ask first', () => {
  it('comes before an older stale ask and the rest, even when it is the newest and the section is over its cap', () => {
    const stale = item({ id: 1, createdAt: 1, staleDays: 5 });
    const older = item({ id: 2, createdAt: 2 });
    const nudged = item({ id: 3, createdAt: 50, nudged: true });
    // Newer than everything, so nothing but the nudge can put it first; last in the input too.
    const rest = Array.from({ length: DIGEST_SECTION_CAP + 5 }, (_, i) => item({ id: 100 + i, createdAt: 10 + i }));
    const plan = planDigest({ ...base, waitingOnYou: [stale, older, ...rest, nudged] })!;
    expect(plan.waitingOnYou.map((h) => h.id).slice(0, 3)).toEqual([nudged.id, stale.id, older.id]);
    expect(plan.hiddenWaiting).toBeGreaterThan(0);
    const small = planDigest({ ...base, waitingOnYou: [older, nudged, stale] })!;
    expect(small.waitingOnYou.map((h) => h.id)).toEqual([nudged.id, stale.id, older.id]);
  });
});

describe('planDigest: stale asks first', () => {
  it('stale asks come first, longest waiting first, then the rest oldest first; the block count is unchanged', () => {
    const fresh = item({ createdAt: 1 });
    const stale2 = item({ createdAt: 3, staleDays: 2 });
    const stale5 = item({ createdAt: 2, staleDays: 5 });
    const plan = planDigest({ localDate: '2026-11-26', unblocked: [], waitingOnYou: [fresh, stale2, stale5], waitingOnOthersCount: 0, nextStarter: null })!;
    expect(plan.waitingOnYou.map((h) => h.id)).toEqual([stale5.id, stale2.id, fresh.id]);
    const message = digestMessage(plan, 'UME', 'Thursday 26 November', NOW);
    // The mark sits in the card's own context line: no block more than without it.
    const unmarked = digestMessage({ ...plan, waitingOnYou: plan.waitingOnYou.map((h) => ({ ...h, staleDays: null })) }, 'UME', 'Thursday 26 November', NOW);
    expect(message.blocks).toHaveLength(unmarked.blocks.length);
    expect(JSON.stringify(message.blocks).match(/waiting \d of your working days/g)).toEqual(['waiting 5 of your working days', 'waiting 2 of your working days']);
    expect(validateSurface('message', message.blocks as AnyBlock[])).toEqual([]);
    expect(message.text).toBe('Good morning: 3 waiting on you, 2 waiting up to 5 of your working days.');
  });
  it('the notification text names the workspace of a stale ask made in a sibling workspace of the org', () => {
    const stale = item({ teamId: 'TDESIGN', number: 4, staleDays: 3 });
    const plan = planDigest({ ...base, waitingOnYou: [stale] })!;
    const workspace = { teamId: 'TSALES', nameOf: (t: string) => (t === 'TDESIGN' ? 'Design' : null) };
    expect(digestMessage(plan, 'UME', 'x', NOW, { workspace }).text).toBe('Good morning: 1 waiting on you, Design #4 waiting 3 of your working days.');
    expect(digestMessage(plan, 'UME', 'x', NOW).text).toBe('Good morning: 1 waiting on you, #4 waiting 3 of your working days.');
  });
});
