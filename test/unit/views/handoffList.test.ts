/** Lists under a block budget: what loads is never less than what could show. */
import fc from 'fast-check';
import { cardsThatFit, sectionsWithinBudget, type ListSection } from '../../../src/views/handoffList';
import type { HandoffWithRecipients } from '../../../src/db/queries/handoffs';
import type { HandoffState } from '../../../src/domain/handoffLifecycle';

const NOW = new Date('2026-12-01T10:00:00Z');
let next = 1;

function handoff(state: HandoffState): HandoffWithRecipients {
  const id = next++;
  return {
    id,
    teamId: 'T1',
    number: id,
    authorId: 'UAUTHOR',
    title: `Title ${id}`,
    context: '',
    ask: `Ask ${id}`,
    links: '',
    ifOffline: '',
    neededByAt: null,
    urgent: false,
    state,
    channelId: null,
    channelTs: null,
    sourcePermalink: null,
    resolutionNote: null,
    resolvedBy: null,
    resolvedAt: null,
    authorNotifiedAt: null,
    neededByWarnedAt: null,
    idempotencyKey: null,
    createdAt: NOW.getTime(),
    updatedAt: NOW.getTime(),
    recipients: [
      { handoffId: id, teamId: 'T1', userId: 'UME', active: true, notifiedAt: null, snoozedUntilDate: null, addedAt: 0, position: 0, staleOfferedAt: null, nudgedOn: null },
    ],
  };
}

describe('cardsThatFit', () => {
  it('/handoff list (50 blocks, 3 sections): 7, 11 and 22 cards at most', () => {
    expect([0, 1, 2].map((i) => cardsThatFit(50, 3, i))).toEqual([7, 11, 22]);
  });

  it('no section ever shows more cards than it loads when it loads cardsThatFit of them, whoever looks and whatever the states', () => {
    const states: HandoffState[] = ['open', 'acknowledged', 'done', 'declined', 'cancelled'];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...states), { maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('UME', 'UAUTHOR', 'USOMEONE'),
        fc.integer({ min: 20, max: 100 }),
        (sectionStates, viewer, maxBlocks) => {
          const n = sectionStates.length;
          const all = sectionStates.map((ss) => ss.map(handoff));
          const sections = (take: (i: number) => number): ListSection[] =>
            all.map((items, i) => ({ title: `S${i}`, emptyText: 'none', items: items.slice(0, take(i)), card: { viewerId: viewer, surface: 'list', now: NOW } }));
          const shownIds = (blocks: ReturnType<typeof sectionsWithinBudget>) => new Set(blocks.flatMap((b) => (b.type === 'context' && b.block_id ? [b.block_id] : [])));
          const everything = shownIds(
            sectionsWithinBudget(
              sections(() => Infinity),
              maxBlocks,
              'more',
            ),
          );
          const bounded = shownIds(
            sectionsWithinBudget(
              sections((i) => cardsThatFit(maxBlocks, n, i)),
              maxBlocks,
              'more',
            ),
          );
          // Loading only what fits shows every card that loading everything shows.
          return [...everything].every((id) => bounded.has(id));
        },
      ),
    );
  });
});
