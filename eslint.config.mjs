import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, and which way imports may point (down only; see README → Layout):
 *   app.ts, index.ts, cli/           wiring and entry points (may import anything)
 *   listeners/                       thin Slack handlers → services, views, ids (never db/ or the scheduler)
 *   services/                        → delivery (scheduler/), db/, domain/, views/, time/, slack/
 *   scheduler/ (tick, sweep, outbox) → db/, domain/, views/, time/, slack/
 *   views/                           Block Kit, pure → domain/, time/, ids (and types of db rows)
 *   db/                              schema, client, every SQL statement → domain/ types
 *   domain/                          pure logic → time/ only
 *   time/                            the one door to time-zone libraries → nothing of ours
 */
const layer = (files, forbidden, message) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: forbidden, message }] }] },
});
const up = (...dirs) => dirs.flatMap((d) => [`**/${d}`, `**/${d}/**`]);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'migrations/**', 'coverage/**', 'bin/**', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  { files: ['scripts/**', 'src/cli/**', 'test/**'], rules: { 'no-console': 'off' } },
  layer(['src/listeners/**'], [...up('db', 'scheduler', 'app', 'index')], 'Listeners call services; database and delivery work belongs in a service.'),
  layer(['src/services/**'], [...up('listeners', 'app', 'index', 'cli')], 'Services sit below listeners: pass what they need in, never import upwards.'),
  layer(['src/scheduler/**'], [...up('listeners', 'services', 'app', 'index', 'cli')], 'The scheduler and the outbox sit below services.'),
  layer(['src/views/**'], [...up('listeners', 'services', 'scheduler', 'app', 'index', 'cli', 'slack')], 'Views are pure Block Kit builders.'),
  layer(['src/db/**'], [...up('listeners', 'services', 'scheduler', 'views', 'app', 'index', 'cli', 'slack')], 'db/ holds the schema and SQL; it knows nothing above it.'),
  layer(
    ['src/domain/**'],
    [...up('db', 'listeners', 'services', 'scheduler', 'views', 'slack', 'app', 'index', 'cli'), '@slack/*', 'better-sqlite3', 'drizzle-orm', 'drizzle-orm/*', 'date-fns', 'date-fns/*', 'date-fns-tz'],
    'domain/ is pure logic: no Slack, no database, and time only through src/time.',
  ),
  {
    // Only src/time talks to the time-zone and date libraries.
    files: ['src/**'],
    ignores: ['src/time/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['date-fns', 'date-fns/*', 'date-fns-tz'], message: 'Ask src/time; it is the one door to time-zone libraries.' }] }],
    },
  },
);
