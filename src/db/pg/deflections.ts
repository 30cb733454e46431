/** Meeting deflection and processed events on PostgreSQL (same contract as ../queries/deflections.ts). */
import { deflections } from '../pgSchema';
import { ALLOWED_FROM, type DeflectionRow } from '../queries/deflections';
import type { DeflectionQueries } from '../store';
import { instant, pgRowReader, statement, type On } from './conn';

const row = pgRowReader<DeflectionRow>(deflections);

const PURGE_EVENTS_PER_TICK = 2000;

const S = {
  firstSight: statement('deflections.firstSight', `insert into processed_events (team_id, event_id, at) values ($1, $2, $3) on conflict do nothing`),
  isMuted: statement('deflections.isMuted', `select 1 from deflection_mutes where team_id = $1 and user_id = $2 and channel_id = $3`),
  mute: statement('deflections.mute', `insert into deflection_mutes (team_id, user_id, channel_id, created_at) values ($1, $2, $3, $4) on conflict do nothing`),
  unmute: statement('deflections.unmute', `delete from deflection_mutes where team_id = $1 and user_id = $2 and channel_id = $3`),
  workspaceEnabled: statement('deflections.workspaceEnabled', `select deflection_enabled as "on" from workspaces where team_id = $1`),
  setWorkspace: statement('deflections.setWorkspace', `update workspaces set deflection_enabled = $2 where team_id = $1`),
  cool: statement('deflections.cool', `update users set last_deflection_at = $3 where team_id = $1 and user_id = $2 and (last_deflection_at is null or last_deflection_at <= $4)`),
  reserve: statement(
    'deflections.reserve',
    `insert into deflections (team_id, user_id, channel_id, thread_ts, message_ts, reason, pending_text, pending_mentions, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, null, null, $7, $7) on conflict do nothing returning id`,
  ),
  setPending: statement('deflections.setPending', `update deflections set pending_text = $2, pending_mentions = $3 where id = $1`),
  forget: statement('deflections.forget', `update deflections set pending_text = null, pending_mentions = null where id = $1`),
  get: statement('deflections.get', `select ${row.columns()} from deflections where team_id = $1 and id = $2`),
  getById: statement('deflections.getById', `select ${row.columns()} from deflections where id = $1`),
  setOutcome: statement(
    'deflections.setOutcome',
    `update deflections set outcome = $2, updated_at = $3, pending_text = null, pending_mentions = null, handoff_id = coalesce($4, handoff_id)
     where id = $1 and outcome = any($5::text[])`,
  ),
  purgePending: statement('deflections.purgePending', `update deflections set pending_text = null, pending_mentions = null where pending_text is not null and created_at < $1`),
  // By key where SQLite deletes by rowid: a bounded statement, by the `at` index.
  purgeEvents: statement(
    'deflections.purgeEvents',
    `delete from processed_events where (team_id, event_id) in (select team_id, event_id from processed_events where at < $1 limit ${PURGE_EVENTS_PER_TICK})`,
  ),
};

/** Thrown inside the reservation to roll back the cooldown when the thread already had a prompt. */
class AlreadyPrompted extends Error {}

const DAY_MS = 24 * 3600_000;

export const deflectionQueries: On<DeflectionQueries> = {
  firstSightOfEvent: async (c, teamId, eventId, now) => (await c.changes(S.firstSight, [teamId, eventId, instant(now.getTime())])) > 0,
  isMuted: async (c, teamId, userId, channelId) => (await c.rows(S.isMuted, [teamId, userId, channelId])).length > 0,
  async mute(c, teamId, userId, channelId, now) {
    await c.changes(S.mute, [teamId, userId, channelId, instant(now.getTime())]);
  },
  workspaceDeflectionEnabled: async (c, teamId) => (await c.rows<{ on: boolean }>(S.workspaceEnabled, [teamId]))[0]?.on ?? true,
  async setWorkspaceDeflection(c, teamId, on) {
    await c.changes(S.setWorkspace, [teamId, on]);
  },
  async unmute(c, teamId, userId, channelId) {
    await c.changes(S.unmute, [teamId, userId, channelId]);
  },

  async reservePrompt(c, r, now, cooldownMs) {
    const t = now.getTime();
    try {
      return await c.atomic(async (tx) => {
        if ((await tx.changes(S.cool, [r.teamId, r.userId, instant(t), instant(t - cooldownMs)])) === 0) return null;
        const [inserted] = await tx.rows<{ id: string }>(S.reserve, [r.teamId, r.userId, r.channelId, r.threadTs, r.messageTs, r.reason, instant(t)]);
        if (!inserted) throw new AlreadyPrompted();
        return Number(inserted.id);
      });
    } catch (e) {
      if (e instanceof AlreadyPrompted) return null;
      throw e;
    }
  },

  async setPending(c, id, text, recipientIds) {
    await c.changes(S.setPending, [id, text, JSON.stringify(recipientIds)]);
  },
  async forgetPending(c, id) {
    await c.changes(S.forget, [id]);
  },
  getDeflection: async (c, teamId, id) => (Number.isSafeInteger(id) ? (await c.rows(S.get, [teamId, id])).map(row.read)[0] : undefined),
  getDeflectionById: async (c, id) => (Number.isSafeInteger(id) ? (await c.rows(S.getById, [id])).map(row.read)[0] : undefined),

  setOutcome: (c, id, outcome, now, handoffId) =>
    c.atomic(async (tx) => {
      const changed = await tx.changes(S.setOutcome, [id, outcome, instant(now.getTime()), handoffId ? handoffId : null, ALLOWED_FROM[outcome]]);
      if (changed === 0) await tx.changes(S.forget, [id]);
      return changed > 0;
    }),

  async purgeStale(c, now) {
    await c.changes(S.purgePending, [instant(now.getTime() - DAY_MS)]);
    await c.changes(S.purgeEvents, [instant(now.getTime() - 7 * DAY_MS)]);
  },
};
