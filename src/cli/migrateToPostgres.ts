/**
 * `handoff migrate-to-postgres --from file:./data/handoff.db --to postgres://…`: copies a SQLite
 * database into an empty PostgreSQL one and verifies it row for row (see db/sqliteToPostgres.ts).
 * Passwords in the PostgreSQL URL never reach the output.
 */
import { redactedUrl } from '../db/postgres';
import { copySqliteToPostgres, errorText, TargetNotEmptyError, verifySqliteAgainstPostgres, type CopyReport, type TableResult } from '../db/sqliteToPostgres';
import { parseOptions, UsageError, type CommandResult } from './args';

export const MIGRATE_TO_POSTGRES_USAGE = `Usage: handoff migrate-to-postgres --from <sqlite> --to <postgres url> [--verify-only]

  --from <sqlite>      the SQLite database: file:./data/handoff.db or a path
  --to <url>           an EMPTY PostgreSQL database: postgres://user:password@host:5432/handoff
  --verify-only        compare an earlier copy with the SQLite database; copy nothing
  -h, --help           show this help

Stop Handoff first: the copy is taken from one consistent snapshot and is refused if the SQLite
database is written meanwhile. Applies the PostgreSQL migrations, copies every table in one
transaction, then compares every row; nothing is committed unless all of it matches.`;

const VERIFY_ONLY = '--verify-only';

export interface MigrateToPostgresDeps {
  /** Progress lines while it runs (the CLI writes them to stderr). */
  log?: (line: string) => void;
}

interface Target {
  from: string;
  to: string;
  verifyOnly: boolean;
}

function parse(argv: string[]): Target | 'help' {
  const verifyOnly = argv.includes(VERIFY_ONLY);
  const opts = parseOptions(
    argv.filter((a) => a !== VERIFY_ONLY),
    'migrate-to-postgres',
    ['from', 'to'] as const,
  );
  if (opts === 'help') return 'help';
  const from = opts.get('from');
  const to = opts.get('to');
  if (!from) throw new UsageError('--from is required.');
  if (!to) throw new UsageError('--to is required.');
  if (!/^postgres(ql)?:\/\//.test(to)) throw new UsageError(`--to must be a postgres:// URL, not "${redactedUrl(to)}".`);
  // Accept `file:` URLs as DATABASE_URL spells them, and bare paths.
  return { from: from.startsWith('file:') ? from.slice('file:'.length) : from, to, verifyOnly };
}

/** Every password that appears in a postgres URL among the arguments, to scrub from any output. */
function secretsIn(argv: string[]): string[] {
  return argv.flatMap((a) => {
    const m = /postgres(?:ql)?:\/\/\S*/.exec(a);
    if (!m) return [];
    try {
      const password = decodeURIComponent(new URL(m[0]).password);
      return password ? [password, new URL(m[0]).password] : [];
    } catch {
      return [];
    }
  });
}

function scrubbed(text: string, secrets: string[]): string {
  return secrets.reduce((t, s) => t.split(s).join('***'), text);
}

function tableLines(tables: TableResult[], withNextId: boolean): string[] {
  const header = ['table', 'sqlite rows', 'postgres rows', 'verified', ...(withNextId ? ['next id'] : [])];
  const rows = tables.map((t) => [
    t.table,
    String(t.sourceRows),
    String(t.targetRows),
    t.mismatchCount === 0 ? 'verified' : `NO (${t.mismatchCount})`,
    ...(withNextId ? [t.nextId === null ? '' : String(t.nextId)] : []),
  ]);
  const total = (pick: (t: TableResult) => number) => String(tables.reduce((n, t) => n + pick(t), 0));
  rows.push(['total', total((t) => t.sourceRows), total((t) => t.targetRows), tables.every((t) => t.mismatchCount === 0) ? 'verified' : 'NO', ...(withNextId ? [''] : [])]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function verdict(report: CopyReport, verifyOnly: boolean, took: string): { ok: boolean; lines: string[] } {
  const mismatches = report.tables.flatMap((t) => [
    ...t.mismatches,
    ...(t.mismatchCount > t.mismatches.length ? [`${t.table}: ${t.mismatchCount - t.mismatches.length} more`] : []),
  ]);
  const lines: string[] = [];
  if (mismatches.length > 0) lines.push('', 'Verification FAILED:', ...mismatches.map((m) => `  ${m}`));
  if (report.sourceWritten) {
    lines.push('', 'The SQLite database was written while it was being read: is Handoff still running? Stop every Handoff process, then run this again.');
  }
  const ok = report.verified && !report.sourceWritten;
  if (verifyOnly) lines.push('', ok ? 'PostgreSQL holds exactly the rows of the SQLite database.' : 'PostgreSQL does NOT match the SQLite database.');
  else if (ok) lines.push('', `Copied and verified ${report.tables.reduce((n, t) => n + t.sourceRows, 0)} rows in ${report.tables.length} tables in ${took}; committed.`);
  else lines.push('', 'Nothing was committed: the PostgreSQL tables are empty (the migrations that created them were applied).');
  return { ok, lines };
}

export async function migrateToPostgresCommand(argv: string[], deps: MigrateToPostgresDeps = {}): Promise<CommandResult> {
  const secrets = secretsIn(argv);
  const log = deps.log ? (line: string) => deps.log?.(scrubbed(line, secrets)) : undefined;
  const result = await run(argv, log);
  return { ...result, out: scrubbed(result.out, secrets) };
}

async function run(argv: string[], log: ((line: string) => void) | undefined): Promise<CommandResult> {
  let target: Target | 'help';
  try {
    target = parse(argv);
  } catch (e) {
    if (e instanceof UsageError) return { exitCode: 2, out: `Error: ${e.message}\n\n${MIGRATE_TO_POSTGRES_USAGE}` };
    throw e;
  }
  if (target === 'help') return { exitCode: 0, out: MIGRATE_TO_POSTGRES_USAGE };
  const heading = `${target.verifyOnly ? 'Verifying' : 'Migrating'} SQLite ${target.from} → PostgreSQL ${redactedUrl(target.to)}`;
  try {
    const started = performance.now();
    const report = target.verifyOnly ? await verifySqliteAgainstPostgres(target.from, target.to, { log }) : await copySqliteToPostgres(target.from, target.to, { log });
    const { ok, lines } = verdict(report, target.verifyOnly, `${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { exitCode: ok ? 0 : 1, out: [heading, '', ...tableLines(report.tables, !target.verifyOnly), ...lines].join('\n') };
  } catch (e) {
    const why = e instanceof TargetNotEmptyError ? `Refused: ${e.message}` : `Failed: ${errorText(e)}`;
    return { exitCode: 1, out: `${heading}\n\n${why}` };
  }
}
