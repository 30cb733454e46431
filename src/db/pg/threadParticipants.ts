/** Thread participants on PostgreSQL (same contract as ../queries/threadParticipants.ts). */
import { mergeSightings } from '../../domain/threadParticipants';
import { LAST_SEEN_GRANULARITY_MS } from '../queries/threadParticipants';
import type { ThreadParticipantQueries } from '../store';
import { instant, statement, type On } from './conn';
import { instantFromPostgres } from '../pgTypes';

const MAX_READ = 50;

const S = {
  // The whole batch in one statement; nothing is written when the row already says it all and was seen within the hour.
  record: statement(
    'threadParticipants.record',
    `insert into thread_participants as p (team_id, channel_id, thread_ts, user_id, started, in_parent, first_seen_at, last_seen_at)
     select team_id, channel_id, thread_ts, user_id, started, in_parent, $7, $7
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::boolean[]) as s(team_id, channel_id, thread_ts, user_id, started, in_parent)
     on conflict (team_id, channel_id, thread_ts, user_id) do update set
       started = p.started or excluded.started, in_parent = p.in_parent or excluded.in_parent, last_seen_at = greatest(p.last_seen_at, excluded.last_seen_at)
     where p.last_seen_at < $8 or (excluded.started and not p.started) or (excluded.in_parent and not p.in_parent)`,
  ),
  ofThread: statement(
    'threadParticipants.ofThread',
    `select user_id as "userId", started, in_parent as "inParent", last_seen_at as "lastSeenAt" from thread_participants
     where team_id = $1 and channel_id = $2 and thread_ts = $3
     order by started desc, in_parent desc, last_seen_at desc, user_id collate "C" limit $4`,
  ),
  // By ctid where SQLite deletes by rowid: a bounded statement, by the last_seen_at index.
  deleteSeenBefore: statement(
    'threadParticipants.deleteSeenBefore',
    `delete from thread_participants where ctid in (select ctid from thread_participants where last_seen_at < $1 limit $2)`,
  ),
};

export const threadParticipantQueries: On<ThreadParticipantQueries> = {
  async recordThreadParticipants(c, sightings, now) {
    // One row per key (an upsert may not touch a row twice), in key order (two batches lock shared rows alike).
    const rows = mergeSightings(sightings);
    if (rows.length === 0) return;
    const t = now.getTime();
    await c.changes(S.record, [
      rows.map((r) => r.teamId),
      rows.map((r) => r.channelId),
      rows.map((r) => r.threadTs),
      rows.map((r) => r.userId),
      rows.map((r) => r.started),
      rows.map((r) => r.inParent),
      instant(t),
      instant(t - LAST_SEEN_GRANULARITY_MS),
    ]);
  },

  async threadParticipantsOf(c, teamId, channelId, threadTs) {
    const rows = await c.rows<{ userId: string; started: boolean; inParent: boolean; lastSeenAt: string | Date }>(S.ofThread, [teamId, channelId, threadTs, MAX_READ]);
    return rows.map((r) => ({ userId: r.userId, started: r.started, inParent: r.inParent, lastSeenAt: instantFromPostgres(r.lastSeenAt) }));
  },

  deleteThreadParticipantsSeenBefore: (c, before, limit) => c.changes(S.deleteSeenBefore, [instant(before), limit]),
};
