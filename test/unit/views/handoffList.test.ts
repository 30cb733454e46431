/** Lists under a block budget: what loads is never less than what could show. */
import fc from 'fast-check';
import { cardsThatFit, sectionsWithinBudget, type ListSection } from '../../../src/views/handoffList';
import type { HandoffWithRecipients } from '../../../src/db/queries/handoffs';
import type { HandoffState } from '../../../src/domain/handoffLifecycle';
import { handoffRow } from '../../harness/handoffRows';

const NOW = new Date('2026-12-01T10:00:00Z');
const handoff = (state: HandoffState): HandoffWithRecipients => handoffRow(NOW, { state });

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
