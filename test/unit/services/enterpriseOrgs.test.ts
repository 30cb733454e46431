/** The org rules of cross-workspace handoffs (src/services/enterpriseOrgs.ts), over a store in memory. */
import { homeInOrg, knownInOrg, orgServing, siblingHandoff, type OrgStore } from '../../../src/services/enterpriseOrgs';
import type { InstallationRow } from '../../../src/db/queries/installations';
import type { UserRow } from '../../../src/db/queries/users';
import type { WorkspaceRow } from '../../../src/db/queries/workspaces';
import { handoffRow } from '../../harness/handoffRows';

const NOW = new Date('2026-12-03T12:00:00Z');

/** E1 installed org-wide serving TA, TB, TD; TC is E1's too but has its own install; E2 is another org. */
function world() {
  const linked = new Map<string, string>([
    ['TA', 'E1'],
    ['TB', 'E1'],
    ['TC', 'E1'],
    ['TX', 'E2'],
  ]);
  const installs = new Map<string, Partial<InstallationRow>>([
    ['E1', { installationId: 'E1', isEnterpriseInstall: true }],
    ['TC', { installationId: 'TC', isEnterpriseInstall: false }],
    ['E2', { installationId: 'E2', isEnterpriseInstall: true }],
  ]);
  const users = new Set<string>();
  /** Workspaces the org's admins took Handoff away from (team_access_revoked). */
  const removed = new Set<string>();
  /** Workspaces paused past their retention, their data deleted (tombstones: status kept, purgedAt set). */
  const purged = new Set<string>();
  const handoffs = new Map<number, ReturnType<typeof handoffRow>>();
  const store: OrgStore = {
    findInstallation: async (teamId) => {
      const own = installs.get(teamId);
      if (own && !own.isEnterpriseInstall) return own as InstallationRow;
      const org = linked.get(teamId);
      return org ? (installs.get(org) as InstallationRow | undefined) : undefined;
    },
    teamsOfEnterprise: async (e) =>
      [...linked]
        .filter(([, org]) => org === e)
        .map(([t]) => t)
        .sort(),
    getUser: async (teamId, userId) => (users.has(`${teamId}/${userId}`) ? ({ teamId, userId } as UserRow) : undefined),
    linkWorkspaceToEnterprise: async (teamId, e) => void linked.set(teamId, e),
    handoffTeamOf: async (id) => handoffs.get(id)?.teamId,
    loadHandoff: async (teamId, id) => (handoffs.get(id)?.teamId === teamId ? handoffs.get(id) : undefined),
    getWorkspace: async (teamId) =>
      ({
        teamId,
        enterpriseId: linked.get(teamId) ?? null,
        status: removed.has(teamId) ? 'uninstalled' : purged.has(teamId) ? 'tokens_revoked' : 'active',
        purgedAt: purged.has(teamId) ? NOW.getTime() : null,
      }) as WorkspaceRow,
  };
  return { store, users, handoffs, linked, removed, purged };
}

const member = (id: string, team: string, teams: string[], org = 'E1') => ({ id, team_id: team, enterprise_user: { enterprise_id: org, teams } });

describe('orgServing', () => {
  it('is the org of an org-wide install serving the workspace; a workspace with its own install, or none, has none', async () => {
    const { store } = world();
    expect(await orgServing(store, 'TA')).toBe('E1');
    expect(await orgServing(store, 'TC')).toBeNull();
    expect(await orgServing(store, 'TZ')).toBeNull();
  });
});

describe('knownInOrg and homeInOrg', () => {
  it('a colleague already known in a workspace the org install serves stays there; one known only under its own install is not found', async () => {
    const { store, users } = world();
    users.add('TC/W1');
    expect(await knownInOrg(store, 'TA', 'W1')).toBeUndefined();
    users.add('TB/W1');
    expect((await knownInOrg(store, 'TA', 'W1'))?.teamId).toBe('TB');
    expect(await homeInOrg(store, 'TA', member('W1', 'TC', ['TC', 'TB']), NOW)).toBe('TB');
  });

  it('someone new: the first workspace of theirs the org install serves, known ones first, an unknown one linked to the org', async () => {
    const { store, linked } = world();
    // Slack names TC (its own install) first, then TD, which Handoff has not seen yet, then TB.
    expect(await homeInOrg(store, 'TA', member('W2', 'TC', ['TC', 'TD', 'TB']), NOW)).toBe('TB');
    expect(await homeInOrg(store, 'TA', member('W3', 'TC', ['TC', 'TD']), NOW)).toBe('TD');
    expect(linked.get('TD')).toBe('E1');
  });

  it("a workspace the org took Handoff away from is nobody's home: known there, a colleague is served in another of theirs", async () => {
    const { store, users, removed } = world();
    users.add('TB/W7');
    removed.add('TB');
    expect(await knownInOrg(store, 'TA', 'W7')).toBeUndefined();
    expect(await homeInOrg(store, 'TA', member('W7', 'TB', ['TB']), NOW)).toBeNull();
    expect(await homeInOrg(store, 'TA', member('W7', 'TB', ['TB', 'TD']), NOW)).toBe('TD');
    removed.delete('TB'); // granted again
    expect((await knownInOrg(store, 'TA', 'W7'))?.teamId).toBe('TB');
  });

  it("a workspace paused past its retention (its data deleted) is nobody's home, even with a status the org still serves", async () => {
    const { store, users, purged } = world();
    users.add('TB/W8');
    expect((await knownInOrg(store, 'TA', 'W8'))?.teamId).toBe('TB');
    purged.add('TB');
    expect(await knownInOrg(store, 'TA', 'W8')).toBeUndefined();
    expect(await homeInOrg(store, 'TA', member('W8', 'TB', ['TB']), NOW)).toBeNull();
    expect(await homeInOrg(store, 'TA', member('W8', 'TB', ['TB', 'TD']), NOW)).toBe('TD');
  });

  it('nobody from another org, nobody asked about from a workspace with its own install, and nobody without an org', async () => {
    const { store } = world();
    expect(await homeInOrg(store, 'TA', member('W4', 'TX', ['TX'], 'E2'), NOW)).toBeNull();
    expect(await homeInOrg(store, 'TC', member('W5', 'TB', ['TB']), NOW)).toBeNull();
    expect(await homeInOrg(store, 'TA', { id: 'U6', team_id: 'TB' }, NOW)).toBeNull();
  });
});

describe('siblingHandoff', () => {
  it('only an active recipient whose row names the workspace they act from, both workspaces served by the one org install', async () => {
    const { store, handoffs } = world();
    const base = handoffRow(NOW, { id: 7, teamId: 'TA' });
    const recipient = (userId: string, recipientTeamId: string, active = true) => ({ ...base.recipients[0]!, teamId: 'TA', userId, recipientTeamId, active });
    handoffs.set(7, { ...base, recipients: [recipient('W1', 'TB'), recipient('W2', 'TB', false), recipient('W3', 'TA')] });
    expect((await siblingHandoff(store, 'TB', 'W1', 7))?.id).toBe(7);
    expect(await siblingHandoff(store, 'TB', 'W2', 7)).toBeUndefined(); // passed on
    expect(await siblingHandoff(store, 'TB', 'W3', 7)).toBeUndefined(); // on it, but from A
    expect(await siblingHandoff(store, 'TB', 'W9', 7)).toBeUndefined(); // not on it
    expect(await siblingHandoff(store, 'TC', 'W1', 7)).toBeUndefined(); // a workspace with its own install
    expect(await siblingHandoff(store, 'TX', 'W1', 7)).toBeUndefined(); // another org
    expect(await siblingHandoff(store, 'TA', 'W1', 7)).toBeUndefined(); // its own workspace: not a sibling's
    expect(await siblingHandoff(store, 'TB', 'W1', 8)).toBeUndefined(); // no such handoff
  });
});
