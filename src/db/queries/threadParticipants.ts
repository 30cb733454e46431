/**
 * Thread participants (schema.ts `thread_participants`): written from message events in batches,
 * read by meeting deflection for one thread, deleted in slices once not seen for the retention period.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../client';
import { prepared, writeTransaction } from '../prepared';
import type { ThreadParticipant, ThreadSighting } from '../../domain/threadParticipants';

/** How stale `last_seen_at` may get before a sighting moves it: a busy thread costs reads, not writes. */
export const LAST_SEEN_GRANULARITY_MS = 3600_000;

/** Most people read for one thread (the prompt names 10; the rest are ordered out). */
const MAX_READ = 50;

const statements = (s: Database.Database) => ({
  // Nothing is written when the row already says it all and was seen within the hour.
  record: s.prepare<{ teamId: string; channelId: string; threadTs: string; userId: string; started: number; inParent: number; t: number; stale: number }>(`
    insert into thread_participants (team_id, channel_id, thread_ts, user_id, started, in_parent, first_seen_at, last_seen_at)
    values (@teamId, @channelId, @threadTs, @userId, @started, @inParent, @t, @t)
    on conflict (team_id, channel_id, thread_ts, user_id) do update set
      started = max(started, excluded.started), in_parent = max(in_parent, excluded.in_parent), last_seen_at = max(last_seen_at, excluded.last_seen_at)
    where last_seen_at < @stale or excluded.started > started or excluded.in_parent > in_parent`),
  ofThread: s.prepare<[string, string, string, number], { userId: string; started: number; inParent: number; lastSeenAt: number }>(`
    select user_id as userId, started, in_parent as inParent, last_seen_at as lastSeenAt from thread_participants
    where team_id = ? and channel_id = ? and thread_ts = ?
    order by started desc, in_parent desc, last_seen_at desc, user_id limit +?`),
  // The last_seen_at index: one bounded statement, never a long one.
  deleteSeenBefore: s.prepare<[number, number]>(`delete from thread_participants where rowid in (select rowid from thread_participants where last_seen_at < ? limit +?)`),
});

/** Records sightings (one transaction), seen at `now`: new people are added, flags only ever turn on. */
export function recordThreadParticipants(db: Db, sightings: readonly ThreadSighting[], now: Date): void {
  if (sightings.length === 0) return;
  const q = prepared(db, statements);
  const t = now.getTime();
  const stale = t - LAST_SEEN_GRANULARITY_MS;
  writeTransaction(db, () => {
    for (const s of sightings) {
      q.record.run({ teamId: s.teamId, channelId: s.channelId, threadTs: s.threadTs, userId: s.userId, started: s.started ? 1 : 0, inParent: s.inParent ? 1 : 0, t, stale });
    }
  });
}

/** The people stored for one thread of one workspace: the starter first, then its first message's, then the most recently seen. */
export function threadParticipantsOf(db: Db, teamId: string, channelId: string, threadTs: string): ThreadParticipant[] {
  return prepared(db, statements)
    .ofThread.all(teamId, channelId, threadTs, MAX_READ)
    .map((r) => ({ userId: r.userId, started: r.started === 1, inParent: r.inParent === 1, lastSeenAt: r.lastSeenAt }));
}

/** Deletes at most `limit` rows not seen since `before` (epoch ms); returns how many. */
export function deleteThreadParticipantsSeenBefore(db: Db, before: number, limit: number): number {
  return prepared(db, statements).deleteSeenBefore.run(before, limit).changes;
}
