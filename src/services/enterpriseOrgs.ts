/**
 * Enterprise Grid orgs served by one org-wide install (issue 15): a colleague of a sibling workspace
 * can be handed off to, and is served in their own workspace (their digest, App Home and list are
 * there), where they can act on the ask. Workspaces with their own installs, and other orgs, stay
 * apart: everything else looks handoffs and people up by (workspace, id).
 */
import type { Store } from '../db/store';
import type { HandoffWithRecipients } from '../db/queries/handoffs';
import type { UserRow } from '../db/queries/users';

/** The reads and writes the org rules need. */
export type OrgStore = Pick<Store, 'findInstallation' | 'teamsOfEnterprise' | 'getUser' | 'linkWorkspaceToEnterprise' | 'handoffTeamOf' | 'loadHandoff' | 'getWorkspace'>;

/** What Slack says about a person's org (users.info). */
export interface OrgMember {
  id: string;
  team_id?: string;
  enterprise_user?: { enterprise_id?: string; teams?: string[] };
}

/** The enterprise whose org-wide install serves `teamId`, or null (the workspace's own install, or none). */
export async function orgServing(store: OrgStore, teamId: string): Promise<string | null> {
  const installation = await store.findInstallation(teamId, null);
  return installation?.isEnterpriseInstall ? installation.installationId : null;
}

/**
 * Whether the org-wide install of `org` serves `teamId` now: not a workspace with its own install, nor
 * one the org took Handoff away from (team_access_revoked: its data kept until its retention ends), nor
 * one whose org uninstalled Handoff, nor one paused long enough to have had its data deleted (nothing
 * written there again would ever be deleted: a purged workspace is not due again until it is active).
 */
export async function servedBy(store: OrgStore, teamId: string, org: string): Promise<boolean> {
  if ((await orgServing(store, teamId)) !== org) return false;
  const ws = await store.getWorkspace(teamId);
  return ws?.status !== 'uninstalled' && ws?.status !== 'access_revoked' && (ws?.purgedAt ?? null) === null;
}

/**
 * The row Handoff keeps for `userId` in another workspace served by the same org-wide install as
 * `teamId` (one person, one home), or undefined. A workspace of the org with its own install is not
 * one of them: its people are another installation's.
 */
export async function knownInOrg(store: OrgStore, teamId: string, userId: string): Promise<UserRow | undefined> {
  return (await knownInOrgMany(store, teamId, [userId]))[0];
}

/** `knownInOrg` for several people: the org and its workspaces are read once. */
export async function knownInOrgMany(store: OrgStore, teamId: string, userIds: Iterable<string>): Promise<UserRow[]> {
  const ids = [...userIds];
  if (ids.length === 0) return [];
  const org = await orgServing(store, teamId);
  if (!org) return [];
  const teams = await store.teamsOfEnterprise(org);
  const served = servedOnce(store, org);
  const rows: UserRow[] = [];
  for (const id of ids) {
    const row = await rowInOrg(store, served, teams, teamId, id);
    if (row) rows.push(row);
  }
  return rows;
}

/** `servedBy` for one org, each workspace asked once per call (several people share the same workspaces). */
function servedOnce(store: OrgStore, org: string): (teamId: string) => Promise<boolean> {
  const answers = new Map<string, Promise<boolean>>();
  return (teamId) => {
    let answer = answers.get(teamId);
    if (!answer) answers.set(teamId, (answer = servedBy(store, teamId, org)));
    return answer;
  };
}

async function rowInOrg(store: OrgStore, served: (teamId: string) => Promise<boolean>, teams: readonly string[], teamId: string, userId: string): Promise<UserRow | undefined> {
  for (const t of teams) {
    if (t === teamId) continue;
    const row = await store.getUser(t, userId);
    if (row && (await served(t))) return row;
  }
  return undefined;
}

/**
 * The workspace a colleague who is not in `teamId` is served in, when the same org-wide install serves
 * both: where Handoff already knows them (one person, one home), else the first workspace of theirs
 * Slack names. Null for anyone else (Slack Connect, another org, a sibling with its own install).
 */
export async function homeInOrg(store: OrgStore, teamId: string, user: OrgMember, now: Date): Promise<string | null> {
  const org = user.enterprise_user?.enterprise_id;
  if (!org || (await orgServing(store, teamId)) !== org) return null;
  const known = await store.teamsOfEnterprise(org);
  const served = servedOnce(store, org);
  const row = await rowInOrg(store, served, known, teamId, user.id);
  if (row) return row.teamId;
  const theirs = [user.team_id, ...(user.enterprise_user?.teams ?? [])].filter((t): t is string => typeof t === 'string' && t !== teamId && t.startsWith('T'));
  // Workspaces Handoff has seen first, then the rest, in Slack's order; the first the org's install serves.
  for (const t of [...new Set([...theirs.filter((x) => known.includes(x)), ...theirs])]) {
    // Slack says it is the org's: its deliveries then find the org's token.
    if (!known.includes(t)) await store.linkWorkspaceToEnterprise(t, org, now);
    if (await served(t)) return t;
  }
  return null;
}

/**
 * A handoff of a sibling workspace that `actorId` may act on from `teamId`: both workspaces served by
 * one org-wide install, and `actorId` an active recipient of it from `teamId`. Otherwise undefined,
 * exactly as for an id that does not exist.
 */
export async function siblingHandoff(store: OrgStore, teamId: string, actorId: string, id: number): Promise<HandoffWithRecipients | undefined> {
  const owner = await store.handoffTeamOf(id);
  if (!owner || owner === teamId) return undefined;
  const org = await orgServing(store, teamId);
  if (!org || (await orgServing(store, owner)) !== org) return undefined;
  const h = await store.loadHandoff(owner, id);
  return h?.recipients.some((r) => r.userId === actorId && r.active && r.recipientTeamId === teamId) ? h : undefined;
}
