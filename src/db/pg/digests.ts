/** What one person's digest reads, on PostgreSQL (same contract as ../queries/digests.ts). */
import { users } from '../pgSchema';
import type { AskAndPerson, DigestPerson, ScheduleColumns } from '../queries/digests';
import type { HandoffWithRecipients } from '../queries/handoffs';
import type { UserRow } from '../queries/users';
import type { DigestQueries } from '../store';
import { instant, pgRowReader, statement, type On, type Raw } from './conn';
import { handoffRow, recipientRow } from './handoffs';
import { SCHEDULE_KEYS } from '../queries/dueDigests';

const WAITING_LIMIT = 500;
const UNBLOCKED_LIMIT = 200;
const STARTER_SCAN_LIMIT = 100;

const user = pgRowReader<UserRow>(users);
const R = 'r_';
// One row per (handoff, recipient); `r_` columns are the recipient.
const HANDOFF_WITH_RECIPIENT = `${handoffRow.columns('h')}, ${recipientRow.columns('r', { prefix: R })}`;
const SCHEDULE = user.columns('u', { only: SCHEDULE_KEYS });

const S = {
  person: statement('digests.person', `select ${user.columns('u', { only: [...SCHEDULE_KEYS, 'digestEnabled'] })} from users u where u.team_id = $1 and u.user_id = $2`),
  stale: statement('digests.stale', `select stale_after_working_days as days from workspaces where team_id = $1`),
  zone: statement('digests.zone', `select ${user.columns('u', { only: ['slackTz', 'tzOverride'] })} from users u where u.team_id = $1 and u.user_id = $2`),
  waiting: statement(
    'digests.waiting',
    `with picked as (
       select h.id from handoff_recipients mine join handoffs h on h.id = mine.handoff_id
       where mine.recipient_team_id = $1 and mine.user_id = $2 and mine.active = true and h.state in ('open', 'acknowledged')
       order by h.created_at, h.id limit ${WAITING_LIMIT})
     select ${HANDOFF_WITH_RECIPIENT}
     from picked join handoffs h on h.id = picked.id join handoff_recipients r on r.handoff_id = h.id
     order by h.created_at, h.id, r.position, r.added_at`,
  ),
  untold: statement(
    'digests.untold',
    `with picked as (
       select h.id from handoffs h
       where h.team_id = $1 and h.author_id = $2 and h.state in ('done', 'declined') and h.author_notified_at is null
       order by h.resolved_at, h.id limit ${UNBLOCKED_LIMIT})
     select ${HANDOFF_WITH_RECIPIENT}
     from picked join handoffs h on h.id = picked.id join handoff_recipients r on r.handoff_id = h.id
     order by h.resolved_at, h.id, r.position, r.added_at`,
  ),
  openAuthored: statement('digests.openAuthored', `select count(*)::int as n from handoffs where team_id = $1 and author_id = $2 and state in ('open', 'acknowledged')`),
  // Ordered by person, where SQLite's DISTINCT left the order to its plan.
  unanswered: statement(
    'digests.unanswered',
    `select h.id as "handoffId", h.number as "number", h.title as "title", h.ask as "ask", r.user_id as "recipientId", r.added_at as "addedAt", ${SCHEDULE}
     from (select id, number, title, ask, created_at from handoffs where team_id = $1 and author_id = $2 and state = 'open'
           order by created_at, id limit ${STARTER_SCAN_LIMIT}) h
     join handoff_recipients r on r.handoff_id = h.id and r.active = true and r.stale_offered_at is null
     join users u on u.team_id = r.recipient_team_id and u.user_id = r.user_id
     where r.user_id <> $2
     order by h.created_at, h.id, r.position`,
  ),
  neededBy: statement(
    'digests.neededBy',
    `select h.id as "handoffId", h.number as "number", h.title as "title", h.needed_by_at as "neededByAt", r.user_id as "recipientId", ${SCHEDULE}
     from (select id, number, title, needed_by_at from handoffs where team_id = $1 and author_id = $2 and state in ('open', 'acknowledged')
             and needed_by_at is not null and needed_by_warned_at is null
           order by needed_by_at, id limit ${STARTER_SCAN_LIMIT}) h
     join handoff_recipients r on r.handoff_id = h.id and r.active = true
     join users u on u.team_id = r.recipient_team_id and u.user_id = r.user_id
     where r.user_id <> $2
     order by h.needed_by_at, h.id, r.position`,
  ),
  neededByWarned: statement('digests.neededByWarned', `update handoffs set needed_by_warned_at = $1 where team_id = $2 and id = any($3::int[]) and needed_by_warned_at is null`),
  waitedOn: statement(
    'digests.waitedOn',
    `select distinct ${SCHEDULE}
     from (select id from handoffs where team_id = $1 and author_id = $2 and state in ('open', 'acknowledged')
           order by created_at, id limit ${STARTER_SCAN_LIMIT}) h
     join handoff_recipients r on r.handoff_id = h.id and r.active = true
     join users u on u.team_id = r.recipient_team_id and u.user_id = r.user_id
     where r.user_id <> $2
     order by "teamId", "userId"`,
  ),
};

/** Rows of (handoff × recipient), in handoff order, back to handoffs with their recipients. */
function group(rows: Raw[]): HandoffWithRecipients[] {
  const out: HandoffWithRecipients[] = [];
  let current: HandoffWithRecipients | undefined;
  for (const row of rows) {
    const h: Raw = {};
    const r: Raw = {};
    for (const [key, value] of Object.entries(row)) {
      if (key.startsWith(R)) r[key.slice(R.length)] = value;
      else h[key] = value;
    }
    const read = handoffRow.read(h);
    if (!current || current.id !== read.id) {
      current = { ...read, recipients: [] };
      out.push(current);
    }
    current.recipients.push(recipientRow.read(r));
  }
  return out;
}

/** The columns every (ask, person) row of these statements has. */
function askAndPerson(r: Raw): AskAndPerson {
  return { handoffId: Number(r.handoffId), number: Number(r.number), title: r.title as string, recipientId: r.recipientId as string, schedule: user.read(r) as ScheduleColumns };
}

export const digestQueries: On<DigestQueries> = {
  digestPerson: async (c, teamId, userId) => (await c.rows(S.person, [teamId, userId])).map((r) => user.read(r) as DigestPerson)[0],
  staleAfterWorkingDays: async (c, teamId) => (await c.rows<{ days: number }>(S.stale, [teamId])).map((r) => Number(r.days))[0],
  zoneColumns: async (c, teamId, userId) => (await c.rows(S.zone, [teamId, userId])).map((r) => user.read(r) as Pick<UserRow, 'slackTz' | 'tzOverride'>)[0],
  waitingOn: async (c, teamId, userId) => group(await c.rows(S.waiting, [teamId, userId])),
  untoldOutcomes: async (c, teamId, userId) => group(await c.rows(S.untold, [teamId, userId])),
  openAuthoredCount: async (c, teamId, userId) => (await c.rows<{ n: number }>(S.openAuthored, [teamId, userId]))[0]?.n ?? 0,
  waitedOnSchedules: async (c, teamId, userId) => (await c.rows(S.waitedOn, [teamId, userId])).map((r) => user.read(r) as ScheduleColumns),
  unansweredAsks: async (c, teamId, authorId) =>
    (await c.rows(S.unanswered, [teamId, authorId])).map((r) => ({ ...askAndPerson(r), ask: r.ask as string, addedAt: recipientRow.read({ addedAt: r.addedAt }).addedAt })),
  neededByAsks: async (c, teamId, authorId) =>
    (await c.rows(S.neededBy, [teamId, authorId])).map((r) => ({ ...askAndPerson(r), neededByAt: handoffRow.read({ neededByAt: r.neededByAt }).neededByAt! })),
  async markNeededByWarned(c, teamId, handoffIds, now) {
    if (handoffIds.length > 0) await c.changes(S.neededByWarned, [instant(now.getTime()), teamId, handoffIds]);
  },
};
