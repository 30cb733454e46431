/**
 * `handoff export --team T…`: a workspace's data as JSON, for an admin who asks for it (issue 15):
 * the workspace row and every row of its handoffs, people, deliveries and deflections, as stored.
 * Tokens are never included (they are not workspace data, and they stay sealed in `installations`).
 */
import fs from 'node:fs';
import { openConfiguredDatabase } from '../db/open';
import { databaseOf, missingDatabase, parseOptions, UsageError, type CommandResult } from './args';

export const EXPORT_USAGE = `Usage: handoff export --team <T…> [--out <file>] [--db <path or postgres://…>]

  --team <id>      the workspace's team id (T…)
  --out <file>     write the JSON there (readable by its owner only) instead of to standard output
  --db <database>  SQLite file or PostgreSQL URL (default: DATABASE_URL, else ./data/handoff.db)
  -h, --help       show this help`;

export async function exportCommand(argv: string[], env: NodeJS.ProcessEnv = process.env, now: () => Date = () => new Date()): Promise<CommandResult> {
  try {
    const opts = parseOptions(argv, 'export', ['team', 'out', 'db'] as const);
    if (opts === 'help') return { exitCode: 0, out: EXPORT_USAGE };
    const teamId = opts.get('team')?.trim();
    if (!teamId) throw new UsageError('--team is required: the team id of the workspace to export (T…).');
    const database = databaseOf(env, opts.get('db'));
    const missing = missingDatabase(database);
    if (missing) return missing;
    const { store } = await openConfiguredDatabase(database);
    try {
      const tables = await store.exportWorkspace(teamId);
      if (tables.workspaces.length === 0) return { exitCode: 1, out: `No workspace ${teamId} in this database (never used, or its data was deleted after an uninstall).` };
      const json = JSON.stringify({ teamId, exportedAt: now().toISOString(), tables }, null, 2);
      const out = opts.get('out');
      if (!out) return { exitCode: 0, out: json };
      fs.writeFileSync(out, `${json}\n`, { mode: 0o600 });
      const counts = Object.entries(tables).map(([table, rows]) => `${table} ${rows.length}`);
      return { exitCode: 0, out: `Wrote ${out}: ${counts.join(', ')}.` };
    } finally {
      await store.close();
    }
  } catch (e) {
    if (e instanceof UsageError) return { exitCode: 2, out: `Error: ${e.message}\n\n${EXPORT_USAGE}` };
    return { exitCode: 1, out: `export failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
