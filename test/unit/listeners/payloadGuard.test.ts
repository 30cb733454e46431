/** Who is asking, checked before any listener runs (src/listeners/payloadGuard.ts). */
import { fromOrgLevel, identityProblem } from '../../../src/listeners/payloadGuard';

describe('identityProblem', () => {
  it('passes what Slack sends: a command or an interaction naming its user and workspace; events are left to their listeners', () => {
    expect(identityProblem({ command: '/handoff', user_id: 'U1', team_id: 'T1' })).toBeNull();
    expect(identityProblem({ user: { id: 'U1' }, team: { id: 'T1' } })).toBeNull();
    expect(identityProblem({ user: { id: 'W1', team_id: 'T1' }, team: null })).toBeNull();
    expect(identityProblem({ event: { type: 'message' } })).toBeNull();
    // A form of an org-wide install: the workspace only as the one the app is installed in.
    expect(identityProblem({ user: { id: 'W1' }, team: null, view: { app_installed_team_id: 'T1' } })).toBeNull();
  });

  it('refuses a missing or malformed user or workspace', () => {
    expect(identityProblem({ command: '/handoff', team_id: 'T1' })).toBe('command without a user_id');
    expect(identityProblem({ command: '/handoff', user_id: 'U1' })).toBe('command without a team_id');
    expect(identityProblem({ user: { id: [] as unknown as string }, team: { id: 'T1' } })).toBe('interaction without a user id');
    expect(identityProblem({ user: { id: 'U1' }, team: { id: {} } })).toBe('interaction with a malformed team id');
    expect(identityProblem({ user: { id: 'U1' }, team: null })).toBe('interaction without a workspace');
  });
});

describe('fromOrgLevel', () => {
  it('is a request naming an Enterprise Grid org but no workspace', () => {
    const click = { user: { id: 'W1' }, team: null, enterprise: { id: 'E1' } };
    expect(fromOrgLevel(click, identityProblem(click)!)).toBe(true);
    const command = { command: '/handoff', user_id: 'W1', enterprise_id: 'E1' };
    expect(fromOrgLevel(command, identityProblem(command)!)).toBe(true);
  });

  it('is not a payload that is simply broken: no org, a malformed workspace, or no user', () => {
    const noOrg = { user: { id: 'U1' }, team: null };
    expect(fromOrgLevel(noOrg, identityProblem(noOrg)!)).toBe(false);
    const badTeam = { command: '/handoff', user_id: 'W1', team_id: '', enterprise_id: 'E1' };
    expect(fromOrgLevel(badTeam, identityProblem(badTeam)!)).toBe(false);
    const noUser = { user: null, team: null, enterprise: { id: 'E1' } };
    expect(fromOrgLevel(noUser, identityProblem(noUser)!)).toBe(false);
  });
});
