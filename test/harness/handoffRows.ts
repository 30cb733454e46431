/** Handoff rows as the store returns them, for tests of views and pure logic (no database). */
import type { HandoffWithRecipients } from '../../src/db/queries/handoffs';

let nextId = 1;

/** An open handoff from UAUTHOR to UME in T1, created `id` minutes before `now`; `over` replaces any field. */
export function handoffRow(now: Date, over: Partial<HandoffWithRecipients> = {}): HandoffWithRecipients {
  const id = over.id ?? nextId++;
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
    state: 'open',
    channelId: null,
    channelTs: null,
    sourcePermalink: null,
    resolutionNote: null,
    resolvedBy: null,
    resolvedAt: null,
    authorNotifiedAt: null,
    neededByWarnedAt: null,
    idempotencyKey: null,
    createdAt: now.getTime() - id * 60_000,
    updatedAt: now.getTime(),
    recipients: [
      {
        handoffId: id,
        teamId: 'T1',
        userId: 'UME',
        recipientTeamId: 'T1',
        active: true,
        notifiedAt: null,
        snoozedUntilDate: null,
        addedAt: 0,
        position: 0,
        staleOfferedAt: null,
        nudgedOn: null,
        handoffOpen: true,
        handoffCreatedAt: now.getTime() - id * 60_000,
      },
    ],
    ...over,
  };
}
