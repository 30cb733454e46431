/**
 * `handoff report --team T --from YYYY-MM-DD --to YYYY-MM-DD --format text|csv|json|png [--out FILE]`:
 * the workspace's async-health figures for those days (UTC, both included), computed by the same
 * service as the weekly DM and App Home. Team aggregates only, unless `--person U` asks for one
 * person's own figures (to give them theirs). Standard output without --out (PNG as bytes).
 */
import fs from 'node:fs';
import { openConfiguredDatabase } from '../db/open';
import { personalFigures, healthChartPng, healthReport } from '../services/asyncHealthReport';
import { addDays, isValidLocalDate, localInstant } from '../time';
import { healthCsv, healthJson } from '../views/healthExport';
import { personalHealthText, teamHealthText } from '../views/healthSummary';
import { databaseOf, missingDatabase, parseOptions, UsageError, type CommandResult } from './args';

export const REPORT_USAGE = `Usage: handoff report --team <T…> --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--format text|csv|json|png] [--out <file>] [--person <U…>] [--db <database>]

  --team <id>       the workspace's team id (T…)
  --from, --to      the first and last day of the period (UTC days, both included)
  --format <kind>   text (default), csv, json or png (the weekly chart)
  --out <file>      write there instead of to standard output
  --person <id>     add this one person's own figures (for them: people see only their own)
  --db <database>   SQLite file or PostgreSQL URL (default: DATABASE_URL, else ./data/handoff.db)
  -h, --help        show this help

Durations are working time of the person waiting. Team figures of fewer than 5 people are not shown.`;

const FORMATS = ['text', 'csv', 'json', 'png'] as const;
type Format = (typeof FORMATS)[number];

function day(opts: Map<string, string>, name: 'from' | 'to'): string {
  const v = opts.get(name)?.trim();
  if (!v) throw new UsageError(`--${name} is required (YYYY-MM-DD).`);
  if (!isValidLocalDate(v)) throw new UsageError(`--${name} must be a date as YYYY-MM-DD, got "${v}".`);
  return v;
}

export async function reportCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  try {
    const opts = parseOptions(argv, 'report', ['team', 'from', 'to', 'format', 'out', 'person', 'db'] as const);
    if (opts === 'help') return { exitCode: 0, out: REPORT_USAGE };
    const teamId = opts.get('team')?.trim();
    if (!teamId) throw new UsageError('--team is required: the team id of the workspace (T…).');
    const first = day(opts, 'from');
    const last = day(opts, 'to');
    if (last < first) throw new UsageError('--to must not be before --from.');
    const format = (opts.get('format') ?? 'text') as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}.`);
    const personId = opts.get('person')?.trim();
    const database = databaseOf(env, opts.get('db'));
    const missing = missingDatabase(database);
    if (missing) return missing;
    const { store } = await openConfiguredDatabase(database);
    try {
      if (!(await store.getWorkspace(teamId))) return { exitCode: 1, out: `No workspace ${teamId} in this database.` };
      const period = { from: localInstant('UTC', first, 0), to: localInstant('UTC', addDays(last, 1), 0) };
      const report = await healthReport(store, teamId, period);
      const person = personId ? personalFigures(report, personId) : undefined;
      const body: string | Buffer =
        format === 'png'
          ? await healthChartPng(report)
          : format === 'csv'
            ? healthCsv(report, person)
            : format === 'json'
              ? healthJson(report, teamId, person)
              : [teamHealthText(report), ...(person ? [personalHealthText(person, period)] : [])].join('\n\n');
      const out = opts.get('out');
      if (!out) return typeof body === 'string' ? { exitCode: 0, out: body } : { exitCode: 0, out: '', bytes: body };
      fs.writeFileSync(out, typeof body === 'string' ? `${body}\n` : body, { mode: 0o600 });
      return { exitCode: 0, out: `Wrote ${out} (${format}, ${first} to ${last}).` };
    } finally {
      await store.close();
    }
  } catch (e) {
    if (e instanceof UsageError) return { exitCode: 2, out: `Error: ${e.message}\n\n${REPORT_USAGE}` };
    return { exitCode: 1, out: `report failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
