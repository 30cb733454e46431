import { ConfigError, loadConfig } from '../../../src/config';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' };

function problemsFor(url: string): string[] {
  try {
    loadConfig({ ...base, DATABASE_URL: url });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('DATABASE_URL', () => {
  it('keeps file: URLs and :memory: as SQLite paths', () => {
    expect(loadConfig({ ...base, DATABASE_URL: 'file:./data/h.db' }).databasePath).toBe('./data/h.db');
    expect(loadConfig({ ...base, DATABASE_URL: ':memory:' }).databasePath).toBe(':memory:');
  });

  // Before this check a postgres:// URL became a SQLite file path (./postgres:/user:password@host/db).
  it.each(['postgres://u:secret@db.example:5432/handoff', 'postgresql://db.example/handoff', 'POSTGRES://db/handoff'])('refuses %s: PostgreSQL is not supported yet', (url) => {
    const problems = problemsFor(url);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DATABASE_URL is invalid \(PostgreSQL is not supported yet: this version of Handoff runs on SQLite only\)/);
    expect(problems[0]).not.toContain('secret');
  });
});
