/**
 * The unique keys the product relies on reject duplicates on both backends: the same test body runs
 * against SQLite and PostgreSQL (the seed of issue 14's conformance suite).
 */
import { digestDedupeKey } from '../../src/db/queries/dueDigests';
import { BACKENDS, isUniqueViolation, type Backend, type NewRow } from './support/backends';

const T = 'T1';
const NOW = Date.UTC(2026, 10, 30, 9, 0);

const digestRow = (userId: string, localDate: string, teamId = T): NewRow<'outbox'> => ({
  teamId,
  kind: 'digest',
  dedupeKey: digestDedupeKey(userId, { localDate, at: new Date(NOW) }),
  userId,
  localDate,
  payload: '{"deadline":1}',
  nextAttemptAt: NOW,
  createdAt: NOW,
  updatedAt: NOW,
});

const handoffRow = (number: number, idempotencyKey: string | null): NewRow<'handoffs'> => ({
  teamId: T,
  number,
  authorId: 'U1',
  title: `handoff ${number}`,
  ask: 'please',
  idempotencyKey,
  createdAt: NOW,
  updatedAt: NOW,
});

const promptRow = (threadTs: string, userId = 'U1'): NewRow<'deflections'> => ({
  teamId: T,
  userId,
  channelId: 'C1',
  threadTs,
  messageTs: `${threadTs}1`,
  reason: 'meeting',
  createdAt: NOW,
  updatedAt: NOW,
});

async function expectDuplicateRejected(run: Promise<void>): Promise<void> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).not.toBeNull();
  expect(isUniqueViolation(error)).toBe(true);
}

for (const kind of BACKENDS) {
  (kind.skipReason ? describe.skip : describe)(`unique keys on ${kind.name}`, () => {
    let db: Backend;
    beforeEach(async () => {
      db = await kind.open();
    });
    afterEach(async () => {
      await db.close();
    });

    it('one outbox digest per person per local date', async () => {
      await db.insert('outbox', digestRow('U1', '2026-11-30'));
      await expectDuplicateRejected(db.insert('outbox', digestRow('U1', '2026-11-30')));
      // The key is no broader than that: another date, another person, another workspace are new rows.
      await db.insert('outbox', digestRow('U1', '2026-12-01'));
      await db.insert('outbox', digestRow('U2', '2026-11-30'));
      await db.insert('outbox', digestRow('U1', '2026-11-30', 'T2'));
      expect(await db.count('outbox')).toBe(4);
    });

    it('enqueueing twice through ON CONFLICT DO NOTHING keeps one row (replicas may all run the sweep)', async () => {
      expect(await db.insertIfAbsent('outbox', digestRow('U1', '2026-11-30'))).toBe(true);
      expect(await db.insertIfAbsent('outbox', digestRow('U1', '2026-11-30'))).toBe(false);
      expect(await db.count('outbox')).toBe(1);
    });

    it('one handoff per modal submission, and one per number', async () => {
      await db.insert('handoffs', handoffRow(1, 'view-1'));
      await expectDuplicateRejected(db.insert('handoffs', handoffRow(2, 'view-1')));
      await expectDuplicateRejected(db.insert('handoffs', handoffRow(1, 'view-2')));
      // Handoffs made without a submission key (null) never collide with each other.
      await db.insert('handoffs', handoffRow(3, null));
      await db.insert('handoffs', handoffRow(4, null));
      expect(await db.count('handoffs')).toBe(3);
    });

    it('one meeting-deflection prompt per thread and person', async () => {
      await db.insert('deflections', promptRow('1700000000.000100'));
      await expectDuplicateRejected(db.insert('deflections', promptRow('1700000000.000100')));
      await db.insert('deflections', promptRow('1700000000.000100', 'U2'));
      await db.insert('deflections', promptRow('1700000000.000200'));
      expect(await db.count('deflections')).toBe(3);
    });

    it('each Slack event id is processed once per workspace', async () => {
      await db.insert('processedEvents', { teamId: T, eventId: 'Ev1', at: NOW });
      await expectDuplicateRejected(db.insert('processedEvents', { teamId: T, eventId: 'Ev1', at: NOW + 1 }));
      await db.insert('processedEvents', { teamId: 'T2', eventId: 'Ev1', at: NOW });
      expect(await db.count('processedEvents')).toBe(2);
    });

    it('one row per person, per recipient of a handoff, and per muted channel', async () => {
      await db.insert('users', { teamId: T, userId: 'U1', createdAt: NOW, updatedAt: NOW });
      await expectDuplicateRejected(db.insert('users', { teamId: T, userId: 'U1', createdAt: NOW, updatedAt: NOW }));
      await db.insert('handoffs', { ...handoffRow(1, null), id: 10 });
      await db.insert('handoffRecipients', { handoffId: 10, teamId: T, userId: 'U2', recipientTeamId: T, addedAt: NOW, handoffCreatedAt: NOW });
      await expectDuplicateRejected(db.insert('handoffRecipients', { handoffId: 10, teamId: T, userId: 'U2', recipientTeamId: T, addedAt: NOW, handoffCreatedAt: NOW }));
      await db.insert('deflectionMutes', { teamId: T, userId: 'U1', channelId: 'C1', createdAt: NOW });
      await expectDuplicateRejected(db.insert('deflectionMutes', { teamId: T, userId: 'U1', channelId: 'C1', createdAt: NOW }));
      expect([await db.count('users'), await db.count('handoffRecipients'), await db.count('deflectionMutes')]).toEqual([1, 1, 1]);
    });
  });
}
