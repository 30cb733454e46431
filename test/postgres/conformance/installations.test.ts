/** Installations (distributed mode) through the Store contract, on SQLite and PostgreSQL. */
import { describeStores } from '../support/stores';
import { install, orgInstall } from '../support/installations';

const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
const at = (ms: number) => new Date(NOW.getTime() + ms);
const HOUR = 3600_000;

describeStores('installations', (ctx) => {
  it('stores an install with version 1; a re-install replaces the tokens, bumps the version and keeps the first install time', async () => {
    const { store } = ctx();
    expect(await store.saveInstallation(install('T1'), NOW)).toBe(1);
    expect(await store.getInstallation('T1')).toEqual({
      ...install('T1'),
      tokenVersion: 1,
      refreshClaimedBy: null,
      refreshClaimUntil: null,
      installedAt: NOW.getTime(),
      updatedAt: NOW.getTime(),
    });
    expect(await store.claimTokenRefresh('T1', 1, { claimant: 'p1', until: at(60_000).getTime() }, NOW)).toBe(true);
    const again = install('T1', { botToken: 'sealed-bot-2', botRefreshToken: null, botTokenExpiresAt: null, botScopes: 'chat:write', installerUserId: 'U2' });
    expect(await store.saveInstallation(again, at(HOUR))).toBe(2);
    expect(await store.getInstallation('T1')).toEqual({
      ...again,
      tokenVersion: 2,
      refreshClaimedBy: null,
      refreshClaimUntil: null,
      installedAt: NOW.getTime(),
      updatedAt: at(HOUR).getTime(),
    });
    expect(await store.getInstallation('T2')).toBeUndefined();
  });

  it('finds the workspace’s own install first, else the org-wide install of its enterprise (named, or linked before)', async () => {
    const { store } = ctx();
    await store.saveInstallation(orgInstall('E1'), NOW);
    await store.saveInstallation(install('T1', { enterpriseId: 'E1' }), NOW);
    expect((await store.findInstallation('T1', 'E1'))?.installationId).toBe('T1');
    expect((await store.findInstallation('T2', 'E1'))?.installationId).toBe('E1');
    expect(await store.findInstallation('T2', null)).toBeUndefined();
    expect(await store.findInstallation('T2', 'E9')).toBeUndefined();
    await store.linkWorkspaceToEnterprise('T2', 'E1', NOW);
    expect((await store.findInstallation('T2', null))?.installationId).toBe('E1');
    // An enterprise id is no team id: its org-wide row does not answer for a workspace of that name.
    expect(await store.findInstallation('E1', 'E2')).toBeUndefined();
    // A workspace-level install keyed by the enterprise id of another org is not an org-wide install.
    await store.saveInstallation(install('E3'), NOW);
    expect(await store.findInstallation('T9', 'E3')).toBeUndefined();
  });

  it('links workspaces to their enterprise (creating the workspace, active) and lists an enterprise’s workspaces', async () => {
    const { store } = ctx();
    await store.linkWorkspaceToEnterprise('T2', 'E1', NOW);
    await store.linkWorkspaceToEnterprise('T1', 'E1', NOW);
    await store.linkWorkspaceToEnterprise('T3', 'E2', NOW);
    expect(await store.getWorkspace('T2')).toMatchObject({ teamId: 'T2', status: 'active', enterpriseId: 'E1', createdAt: NOW.getTime() });
    expect(await store.teamsOfEnterprise('E1')).toEqual(['T1', 'T2']);
    await store.setWorkspaceStatus('T3', 'tokens_revoked', NOW);
    await store.linkWorkspaceToEnterprise('T3', 'E1', at(1));
    expect(await store.getWorkspace('T3')).toMatchObject({ status: 'tokens_revoked', enterpriseId: 'E1', createdAt: NOW.getTime() });
    expect(await store.teamsOfEnterprise('E1')).toEqual(['T1', 'T2', 'T3']);
    expect(await store.teamsOfEnterprise('E2')).toEqual([]);
  });

  it('leases a refresh to one claimant among 20 racing on two connections; a stale version or a live lease is refused', async () => {
    const { store, another } = ctx();
    const other = await another();
    await store.saveInstallation(install('T1'), NOW);
    const lease = (claimant: string) => ({ claimant, until: at(30_000).getTime() });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).claimTokenRefresh('T1', 1, lease(`p${i}`), NOW)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const holder = `p${results.indexOf(true)}`;
    expect(await store.getInstallation('T1')).toMatchObject({ refreshClaimedBy: holder, refreshClaimUntil: at(30_000).getTime() });
    // Someone else's release changes nothing; the lease lapses at its time.
    await store.releaseTokenRefresh('T1', 'not-the-holder');
    expect(await store.claimTokenRefresh('T1', 1, lease('late'), at(29_999))).toBe(false);
    expect(await store.claimTokenRefresh('T1', 1, { claimant: 'late', until: at(90_000).getTime() }, at(30_000))).toBe(true);
    await store.releaseTokenRefresh('T1', 'late');
    expect(await store.getInstallation('T1')).toMatchObject({ refreshClaimedBy: null, refreshClaimUntil: null });
    expect(await store.claimTokenRefresh('T1', 2, lease('stale'), NOW)).toBe(false);
    expect(await store.claimTokenRefresh('T9', 1, lease('nobody'), NOW)).toBe(false);
  });

  it('stores a refresh only while the tokens are still at the leased version, and frees the lease', async () => {
    const { store } = ctx();
    await store.saveInstallation(install('T1'), NOW);
    await store.claimTokenRefresh('T1', 1, { claimant: 'p1', until: at(30_000).getTime() }, NOW);
    const tokens = { botToken: 'sealed-bot-new', botRefreshToken: 'sealed-refresh-new', botTokenExpiresAt: at(12 * HOUR).getTime() };
    expect(await store.completeTokenRefresh('T1', 1, tokens, at(1000))).toBe(2);
    expect(await store.getInstallation('T1')).toMatchObject({ ...tokens, tokenVersion: 2, refreshClaimedBy: null, refreshClaimUntil: null, updatedAt: at(1000).getTime() });
    // A second refresh from version 1 (its lease lapsed, another landed first) is not stored.
    expect(await store.completeTokenRefresh('T1', 1, { ...tokens, botToken: 'sealed-bot-lost' }, at(2000))).toBeNull();
    expect((await store.getInstallation('T1'))?.botToken).toBe('sealed-bot-new');
    // A re-install meanwhile wins over a refresh that started before it.
    await store.claimTokenRefresh('T1', 2, { claimant: 'p2', until: at(60_000).getTime() }, at(3000));
    expect(await store.saveInstallation(install('T1', { botToken: 'sealed-reinstalled' }), at(4000))).toBe(3);
    expect(await store.completeTokenRefresh('T1', 2, tokens, at(5000))).toBeNull();
    expect((await store.getInstallation('T1'))?.botToken).toBe('sealed-reinstalled');
  });

  it('lists every installation and reseals one only while its tokens are unchanged', async () => {
    const { store } = ctx();
    await store.saveInstallation(install('T2'), NOW);
    await store.saveInstallation(orgInstall('E1'), NOW);
    await store.saveInstallation(install('T1', { botRefreshToken: null, botTokenExpiresAt: null }), NOW);
    expect((await store.listInstallations()).map((i) => i.installationId)).toEqual(['E1', 'T1', 'T2']);
    expect(await store.resealInstallation('T1', 1, { botToken: 'resealed', botRefreshToken: null })).toBe(true);
    expect(await store.getInstallation('T1')).toMatchObject({ botToken: 'resealed', botRefreshToken: null, tokenVersion: 1 });
    expect(await store.resealInstallation('T2', 7, { botToken: 'resealed', botRefreshToken: 'r' })).toBe(false);
    expect((await store.getInstallation('T2'))?.botToken).toBe('sealed-bot-T2');
  });

  it('deletes an installation with its tokens, once, and leaves the others', async () => {
    const { store } = ctx();
    await store.saveInstallation(install('T1'), NOW);
    await store.saveInstallation(install('T2'), NOW);
    expect(await store.deleteInstallation('T1')).toBe(true);
    expect(await store.getInstallation('T1')).toBeUndefined();
    expect(await store.deleteInstallation('T1')).toBe(false);
    expect((await store.listInstallations()).map((i) => i.installationId)).toEqual(['T2']);
    // A re-install after it starts again from a new row.
    expect(await store.saveInstallation(install('T1'), at(1000))).toBe(1);
  });
});
