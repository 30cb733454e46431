/** `handoff export --team T…`: one workspace's data as JSON, nobody else's, and never a token (issue 15). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli';
import { openSqlite } from '../../../src/db/open';
import { SecretBox } from '../../../src/secrets';

const NOW = new Date(Date.UTC(2026, 10, 30, 9, 0));
const draft = (authorId: string, recipientIds: string[], ask: string) => ({
  authorId,
  recipientIds,
  title: ask,
  context: '',
  ask,
  links: '',
  ifOffline: 'wait' as const,
  neededByAt: null,
  channelId: null,
  urgent: false,
});

describe('handoff export', () => {
  let dir: string;
  let file: string;
  const env = () => ({ DATABASE_URL: `file:${file}` });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-export-'));
    file = path.join(dir, 'handoff.db');
    const { store } = openSqlite(file);
    for (const [team, people] of [
      ['TA', ['UA1', 'UA2']],
      ['TB', ['UB1', 'UB2']],
    ] as const) {
      for (const u of people) await store.upsertProfile(team, u, { displayName: u, isBot: false, deleted: false, slackTz: 'Europe/Lisbon' }, NOW);
      await store.createHandoff(team, draft(people[0], [people[1]], `ask in ${team}`), NOW, { idempotencyKey: null, sourcePermalink: null });
    }
    const box = new SecretBox('a1'.repeat(32), []);
    await store.saveInstallation(
      {
        installationId: 'TA',
        teamId: 'TA',
        enterpriseId: null,
        isEnterpriseInstall: false,
        botId: 'B1',
        botUserId: 'UB',
        botToken: box.seal('xoxb-secret-TA', 'installations.bot_token:TA'),
        botRefreshToken: null,
        botTokenExpiresAt: null,
        installerUserId: null,
        appId: null,
        teamName: null,
        enterpriseName: null,
        enterpriseUrl: null,
        botScopes: '',
      },
      NOW,
    );
    await store.close();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the workspace’s rows, table by table, and nothing of another workspace or of its tokens', async () => {
    const r = await runCli(['export', '--team', 'TA'], { env: env(), now: () => NOW });
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.out) as { teamId: string; exportedAt: string; tables: Record<string, Record<string, unknown>[]> };
    expect(doc).toMatchObject({ teamId: 'TA', exportedAt: NOW.toISOString() });
    expect(doc.tables.workspaces).toHaveLength(1);
    expect(doc.tables.users!.map((u) => u.user_id)).toEqual(['UA1', 'UA2']);
    expect(doc.tables.handoffs!.map((h) => h.ask)).toEqual(['ask in TA']);
    expect(doc.tables.handoff_recipients!.map((h) => h.user_id)).toEqual(['UA2']);
    expect(doc.tables.handoff_events!.length).toBeGreaterThan(0);
    expect(r.out).not.toContain('TB');
    expect(r.out).not.toContain('UB1');
    expect(r.out).not.toContain('installations');
    expect(r.out).not.toContain('bot_token');
  });

  it('--out writes a file only its owner can read; an unknown team or a missing --team says so', async () => {
    const out = path.join(dir, 'ta.json');
    const r = await runCli(['export', '--team=TA', '--out', out], { env: env(), now: () => NOW });
    expect(r).toMatchObject({ exitCode: 0 });
    expect(r.out).toMatch(/^Wrote .*ta\.json: workspaces 1, handoff_events \d+, handoff_recipients 1, .*users 2, delivery_pace 0\.$/);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).teamId).toBe('TA');
    expect(await runCli(['export', '--team', 'TZ'], { env: env() })).toMatchObject({ exitCode: 1, out: expect.stringContaining('No workspace TZ') });
    expect(await runCli(['export'], { env: env() })).toMatchObject({ exitCode: 2, out: expect.stringContaining('--team is required') });
  });
});
