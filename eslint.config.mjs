import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, and which way imports may point (down only; see README → Layout):
 *   app.ts, tenancy.ts, index.ts, cli/  wiring and entry points (may import anything)
 *   listeners/                       thin Slack handlers → services, views, ids (never db/, delivery/ or scheduler/)
 *   services/                        → delivery/, db/, domain/, views/, time/, slack/
 *   scheduler/ (tick, sweep)         → delivery/, db/, domain/, time/
 *   delivery/ (outbox, sends, pace)  → db/, domain/, views/, time/, slack/
 *   views/                           Block Kit, pure → domain/, time/, ids (and types of db rows)
 *   db/                              schema, client, every SQL statement → domain/ types
 *   domain/                          pure logic → time/ only
 *   time/                            the one door to time-zone libraries → nothing of ours
 *   slack/                           Slack plumbing → leaf modules only
 *   clock, ids, logger, config, deadline, bestEffort, metrics, loopDelay, secrets: leaf modules
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
  // Jest loads its test sequencer with a plain require, so it is CommonJS.
  {
    files: ['test/sequencer.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Preloaded into the built app with `node --require` by a bench: plain CommonJS for Node.
  {
    files: ['scripts/bench/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', performance: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  layer(['src/listeners/**'], [...up('db', 'scheduler', 'delivery', 'app', 'tenancy', 'index')], 'Listeners call services; database and delivery work belongs in a service.'),
  layer(
    ['src/services/**'],
    [...up('listeners', 'scheduler', 'app', 'tenancy', 'index', 'cli')],
    'Services sit below listeners and beside the scheduler: pass what they need in, never import upwards.',
  ),
  layer(
    ['src/scheduler/**'],
    [...up('listeners', 'services', 'views', 'slack', 'app', 'tenancy', 'index', 'cli')],
    'The scheduler plans digests into the outbox; sending is delivery/.',
  ),
  layer(['src/delivery/**'], [...up('listeners', 'services', 'scheduler', 'app', 'tenancy', 'index', 'cli')], 'Delivery sits below services and the scheduler.'),
  layer(['src/views/**'], [...up('listeners', 'services', 'scheduler', 'delivery', 'app', 'tenancy', 'index', 'cli', 'slack')], 'Views are pure Block Kit builders.'),
  layer(
    ['src/db/**'],
    [...up('listeners', 'services', 'scheduler', 'delivery', 'views', 'app', 'tenancy', 'index', 'cli', 'slack')],
    'db/ holds the schema and SQL; it knows nothing above it.',
  ),
  layer(
    ['src/slack/**'],
    [...up('listeners', 'services', 'scheduler', 'delivery', 'views', 'db', 'domain', 'app', 'tenancy', 'index', 'cli')],
    'slack/ is Slack plumbing: it knows the leaf modules only.',
  ),
  layer(
    ['src/clock.ts', 'src/ids.ts', 'src/logger.ts', 'src/config.ts', 'src/deadline.ts', 'src/bestEffort.ts', 'src/metrics.ts', 'src/loopDelay.ts', 'src/secrets.ts'],
    [...up('listeners', 'services', 'scheduler', 'delivery', 'views', 'db', 'domain', 'slack', 'time', 'app', 'tenancy', 'index', 'cli')],
    'Leaf modules import no layer of ours.',
  ),
  layer(
    ['src/domain/**'],
    [
      ...up('db', 'listeners', 'services', 'scheduler', 'delivery', 'views', 'slack', 'app', 'tenancy', 'index', 'cli'),
      '@slack/*',
      'better-sqlite3',
      'drizzle-orm',
      'drizzle-orm/*',
      'date-fns',
      'date-fns/*',
      'date-fns-tz',
    ],
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
