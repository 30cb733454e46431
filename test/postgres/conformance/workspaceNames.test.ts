/**
 * Workspace names (issue 15: a card read in a sibling workspace of the org names the workspace it was
 * made in) through the Store contract, on SQLite and PostgreSQL.
 */
import { describeStores } from '../support/stores';
import { install, orgInstall } from '../support/installations';

const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));

describeStores('workspace names', (ctx) => {
  it('records names of the workspaces it has a row for, and reads back only the known ones', async () => {
    const { store } = ctx();
    await store.ensureWorkspace('T1', NOW);
    await store.ensureWorkspace('T2', NOW);
    // TX has no row: a name is no reason to create one.
    expect(
      await store.setWorkspaceNames([
        { teamId: 'T1', name: 'Design' },
        { teamId: 'TX', name: 'Elsewhere' },
      ]),
    ).toBe(1);
    expect(await store.getWorkspace('TX')).toBeUndefined();
    // The same name again changes nothing; a rename does.
    expect(await store.setWorkspaceNames([{ teamId: 'T1', name: 'Design' }])).toBe(0);
    expect(await store.setWorkspaceNames([{ teamId: 'T1', name: 'Design & *Research*' }])).toBe(1);
    expect(await store.setWorkspaceNames([])).toBe(0);
    expect(await store.workspaceNames(['T1', 'T2', 'TX'])).toEqual([{ teamId: 'T1', name: 'Design & *Research*' }]);
    expect(await store.workspaceNames([])).toEqual([]);
    expect((await store.getWorkspace('T1'))?.name).toBe('Design & *Research*');
  });

  it('orgs to name: those served by an org-wide install, one of their served workspaces, and how many have no name', async () => {
    const { store } = ctx();
    await store.saveInstallation(orgInstall('E1'), NOW);
    await store.saveInstallation(install('T9'), NOW); // a workspace of E1 with its own install
    for (const t of ['T3', 'T1', 'T2', 'T9']) await store.linkWorkspaceToEnterprise(t, 'E1', NOW);
    // An org without an org-wide install is not asked about; nor is a paused workspace.
    await store.linkWorkspaceToEnterprise('T5', 'E2', NOW);
    await store.linkWorkspaceToEnterprise('T4', 'E1', NOW);
    await store.setWorkspaceStatus('T4', 'access_revoked', NOW);
    expect(await store.orgsToName()).toEqual([{ enterpriseId: 'E1', teamId: 'T1', unnamed: 3 }]);
    await store.setWorkspaceNames([
      { teamId: 'T1', name: 'One' },
      { teamId: 'T2', name: 'Two' },
    ]);
    expect(await store.orgsToName()).toEqual([{ enterpriseId: 'E1', teamId: 'T1', unnamed: 1 }]);
    await store.setWorkspaceNames([{ teamId: 'T3', name: 'Three' }]);
    expect(await store.orgsToName()).toEqual([{ enterpriseId: 'E1', teamId: 'T1', unnamed: 0 }]);
  });
});
