/** The two modes (issue 15): one workspace with SLACK_BOT_TOKEN, or distributed through OAuth. */
import { ConfigError, encryptionKeysFrom, loadConfig, secretsOf } from '../../../src/config';

const KEY = 'ab'.repeat(32);
const OLD = 'cd'.repeat(32);
const HTTP = { SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99aa0cc085a5' };
const DISTRIBUTED = {
  SLACK_CLIENT_ID: '1111111111.2222222222',
  SLACK_CLIENT_SECRET: '0123456789abcdef0123456789abcdef',
  SLACK_STATE_SECRET: 'a-state-secret-of-some-length',
  HANDOFF_ENCRYPTION_KEY: KEY,
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('single-workspace mode', () => {
  it('is SLACK_BOT_TOKEN, as before', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', ...HTTP }).tenancy).toEqual({ kind: 'single', botToken: 'xoxb-1' });
  });

  it('without a token names SLACK_BOT_TOKEN, where to get it, and the distributed alternative', () => {
    const [problem] = problems({ ...HTTP });
    expect(problem).toMatch(
      /^SLACK_BOT_TOKEN is missing \(or, to let any workspace install Handoff, set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, HANDOFF_ENCRYPTION_KEY instead\): /,
    );
    expect(problem).toContain('Bot User OAuth Token');
  });

  it('with nothing set at all prints the setup guide, which mentions distributed mode', () => {
    expect(() => loadConfig({})).toThrow(/Distributed mode/);
  });
});

describe('distributed mode', () => {
  it('is SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and HANDOFF_ENCRYPTION_KEY', () => {
    expect(loadConfig({ ...DISTRIBUTED, ...HTTP }).tenancy).toEqual({
      kind: 'distributed',
      clientId: DISTRIBUTED.SLACK_CLIENT_ID,
      clientSecret: DISTRIBUTED.SLACK_CLIENT_SECRET,
      stateSecret: DISTRIBUTED.SLACK_STATE_SECRET,
      encryptionKeys: { current: KEY, previous: [] },
    });
    expect(loadConfig({ ...DISTRIBUTED, SLACK_APP_TOKEN: 'xapp-1' }).mode).toBe('socket');
  });

  it('names every missing variable and where to get it', () => {
    const found = problems({ SLACK_CLIENT_ID: DISTRIBUTED.SLACK_CLIENT_ID });
    expect(found.map((p) => p.split(' ')[0])).toEqual(['SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'HANDOFF_ENCRYPTION_KEY', 'SLACK_SIGNING_SECRET']);
    expect(found[0]).toContain('Basic Information');
    expect(found[1]).toContain('openssl rand -hex 24');
    expect(found[2]).toContain('openssl rand -hex 32');
  });

  it('says what is wrong with a malformed value', () => {
    expect(problems({ ...DISTRIBUTED, ...HTTP, HANDOFF_ENCRYPTION_KEY: 'abc' })).toEqual([
      expect.stringMatching(/^HANDOFF_ENCRYPTION_KEY is invalid \(must be 64 hexadecimal characters \(32 random bytes\): run `openssl rand -hex 32`\)/),
    ]);
    expect(problems({ ...DISTRIBUTED, ...HTTP, SLACK_CLIENT_ID: 'abc' })).toEqual([expect.stringMatching(/^SLACK_CLIENT_ID is invalid \(must look like 1234567890\.1234567890\)/)]);
    expect(problems({ ...DISTRIBUTED, ...HTTP, SLACK_STATE_SECRET: 'short' })).toEqual([expect.stringMatching(/^SLACK_STATE_SECRET is invalid/)]);
  });

  it('refuses both modes at once, naming the variables', () => {
    const [problem] = problems({ ...DISTRIBUTED, ...HTTP, SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(problem).toMatch(/^SLACK_BOT_TOKEN and SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, HANDOFF_ENCRYPTION_KEY are both set: choose one mode/);
  });

  it('takes previous keys during a key rotation, and keeps every secret out of the logs', () => {
    const config = loadConfig({ ...DISTRIBUTED, ...HTTP, HANDOFF_ENCRYPTION_KEY_PREVIOUS: ` ${OLD} ` });
    expect(config.tenancy).toMatchObject({ encryptionKeys: { current: KEY, previous: [OLD] } });
    expect(secretsOf(config)).toEqual(expect.arrayContaining([DISTRIBUTED.SLACK_CLIENT_SECRET, DISTRIBUTED.SLACK_STATE_SECRET, KEY, OLD, HTTP.SLACK_SIGNING_SECRET]));
    expect(problems({ ...DISTRIBUTED, ...HTTP, HANDOFF_ENCRYPTION_KEY_PREVIOUS: `${OLD},nope` })).toEqual([expect.stringMatching(/^HANDOFF_ENCRYPTION_KEY_PREVIOUS is invalid/)]);
  });
});

describe('encryptionKeysFrom (handoff rotate-key)', () => {
  it('reads the keys alone, and names HANDOFF_ENCRYPTION_KEY when it is missing', () => {
    expect(encryptionKeysFrom({ HANDOFF_ENCRYPTION_KEY: KEY, HANDOFF_ENCRYPTION_KEY_PREVIOUS: `${OLD},${OLD}` })).toEqual({ current: KEY, previous: [OLD, OLD] });
    expect(() => encryptionKeysFrom({})).toThrow(/HANDOFF_ENCRYPTION_KEY is missing: .*openssl rand -hex 32/);
    expect(() => encryptionKeysFrom({ HANDOFF_ENCRYPTION_KEY: 'x' })).toThrow(/HANDOFF_ENCRYPTION_KEY is invalid/);
  });
});

describe('Slack’s history limit (SLACK_HISTORY_READS_PER_MINUTE)', () => {
  it('defaults to 1 a minute in distributed mode (apps outside the Marketplace) and 50 for one workspace’s own app', () => {
    expect(loadConfig({ ...DISTRIBUTED, ...HTTP }).historyReadsPerMinute).toBe(1);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', ...HTTP }).historyReadsPerMinute).toBe(50);
  });

  it('can be set (a Marketplace-approved app), within 1–1000, and a bad value is named', () => {
    expect(loadConfig({ ...DISTRIBUTED, ...HTTP, SLACK_HISTORY_READS_PER_MINUTE: '50' }).historyReadsPerMinute).toBe(50);
    expect(problems({ ...DISTRIBUTED, ...HTTP, SLACK_HISTORY_READS_PER_MINUTE: '0' }).join('\n')).toMatch(/SLACK_HISTORY_READS_PER_MINUTE/);
  });
});
