import { ConfigError, loadConfig, secretsOf } from '../../../src/config';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' };

function problemsFor(url: string, more: Record<string, string> = {}): string[] {
  try {
    loadConfig({ ...base, DATABASE_URL: url, ...more });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('DATABASE_URL', () => {
  it('keeps file: URLs and :memory: as SQLite paths', () => {
    expect(loadConfig({ ...base, DATABASE_URL: 'file:./data/h.db' }).database).toEqual({ kind: 'sqlite', path: './data/h.db' });
    expect(loadConfig({ ...base, DATABASE_URL: ':memory:' }).database).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(loadConfig(base).database).toEqual({ kind: 'sqlite', path: './data/handoff.db' });
  });

  it.each(['postgres://u:secret@db.example:5432/handoff', 'postgresql://db.example/handoff', 'POSTGRES://db/handoff'])(
    'selects PostgreSQL for %s, with a pool of 10 by default',
    (url) => {
      expect(loadConfig({ ...base, DATABASE_URL: url }).database).toEqual({ kind: 'postgres', url, poolSize: 10 });
    },
  );

  it('takes DATABASE_POOL_SIZE, within 1–100', () => {
    const url = 'postgres://db.example/handoff';
    expect(loadConfig({ ...base, DATABASE_URL: url, DATABASE_POOL_SIZE: '25' }).database).toEqual({ kind: 'postgres', url, poolSize: 25 });
    expect(problemsFor(url, { DATABASE_POOL_SIZE: '0' })[0]).toMatch(/^DATABASE_POOL_SIZE is invalid .*1–100/);
    expect(problemsFor(url, { DATABASE_POOL_SIZE: 'many' })[0]).toMatch(/^DATABASE_POOL_SIZE is invalid/);
  });

  it('refuses a PostgreSQL URL that does not parse, without echoing it', () => {
    const problems = problemsFor('postgres://u:secret@[bad/handoff');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DATABASE_URL is invalid \(not a valid PostgreSQL URL/);
    expect(problems[0]).not.toContain('secret');
  });

  it("keeps the PostgreSQL password out of logs: it is one of the config's secrets", () => {
    const config = loadConfig({ ...base, DATABASE_URL: 'postgres://handoff:s%40cret-pw@db.example/handoff' });
    expect(secretsOf(config)).toContain('s@cret-pw');
    expect(secretsOf(loadConfig({ ...base, DATABASE_URL: 'postgres://db.example/handoff' }))).toEqual(['xoxb-1', 'xapp-1']);
  });
});
