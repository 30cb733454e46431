/** `handoff rotate-key`: every stored token re-encrypted under HANDOFF_ENCRYPTION_KEY (issue 15). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Installation } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { runCli } from '../../../src/cli';
import { openSqlite } from '../../../src/db/open';
import { Installations } from '../../../src/services/installations';
import { SecretBox } from '../../../src/secrets';
import { createLogger } from '../../../src/logger';
import { systemClock } from '../../../src/clock';

const KEY_A = 'a1'.repeat(32);
const KEY_B = 'b2'.repeat(32);
const KEY_C = 'c3'.repeat(32);

function installation(teamId: string): Installation {
  return {
    team: { id: teamId, name: teamId },
    enterprise: undefined,
    user: { id: 'U1', token: undefined, scopes: undefined },
    bot: {
      token: `xoxb-${teamId}-secret`,
      refreshToken: `xoxe-1-${teamId}-refresh`,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
      scopes: ['chat:write'],
      id: 'B1',
      userId: 'UB1',
    },
    isEnterpriseInstall: false,
    authVersion: 'v2',
  } as Installation;
}

describe('handoff rotate-key', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-rotate-'));
    file = path.join(dir, 'handoff.db');
    const { store } = openSqlite(file);
    const service = new Installations(store, systemClock, createLogger({ level: 'silent', secrets: [] }), {
      clientId: '1.2',
      clientSecret: 'abcdef0123456789',
      box: new SecretBox(KEY_A),
      oauth: new WebClient(),
      apiTimeoutMs: 1000,
      onTokenWorks: async () => undefined,
    });
    await service.storeInstallation(installation('T1'));
    await service.storeInstallation(installation('T2'));
    await store.close();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (env: Record<string, string>) => runCli(['rotate-key'], { env: { DATABASE_URL: `file:${file}`, ...env } });

  it('re-encrypts under the new key with the old one as previous, then needs only the new one', async () => {
    const rotated = await run({ HANDOFF_ENCRYPTION_KEY: KEY_B, HANDOFF_ENCRYPTION_KEY_PREVIOUS: KEY_A });
    expect(rotated.exitCode).toBe(0);
    expect(rotated.out).toContain(`2 installation(s); 2 re-encrypted under key ${new SecretBox(KEY_B).keyId}`);
    expect(rotated.out).toContain('HANDOFF_ENCRYPTION_KEY_PREVIOUS can be removed');
    expect(await run({ HANDOFF_ENCRYPTION_KEY: KEY_B })).toEqual({
      exitCode: 0,
      out: `2 installation(s); 0 re-encrypted under key ${new SecretBox(KEY_B).keyId}, the others already were.`,
    });
    const raw = fs.readFileSync(file).toString('latin1');
    expect(raw).not.toContain('xoxb-T1-secret');
    expect(raw).not.toContain('xoxe-1-T1-refresh');
  });

  it('names the installations it cannot open and what to do, without printing a token or a key', async () => {
    const r = await run({ HANDOFF_ENCRYPTION_KEY: KEY_C });
    expect(r.exitCode).toBe(1);
    expect(r.out).toContain('Could not open the tokens of T1, T2');
    expect(r.out).toContain('HANDOFF_ENCRYPTION_KEY_PREVIOUS');
    for (const secret of [KEY_A, KEY_C, 'xoxb-T1-secret']) expect(r.out).not.toContain(secret);
  });

  it('names a missing key, and a missing database', async () => {
    const missingKey = await run({});
    expect(missingKey.exitCode).toBe(2);
    expect(missingKey.out).toMatch(/HANDOFF_ENCRYPTION_KEY is missing: .*openssl rand -hex 32/);
    const noDb = await runCli(['rotate-key', '--db', path.join(dir, 'nope.db')], { env: { HANDOFF_ENCRYPTION_KEY: KEY_B } });
    expect(noDb).toEqual({ exitCode: 1, out: expect.stringContaining('No database at') });
    expect((await runCli(['rotate-key', '--help'])).out).toContain('openssl rand -hex 32');
  });
});
