/**
 * The `handoff` operator CLI (bin/handoff.js runs the built copy of this file):
 *   handoff next-digests --tz <IANA> [--start HH:MM] [--days mon-fri] [--from <ISO>] [--count N]
 *   handoff digest-preview --user U [--team T]
 *   handoff migrate
 *   handoff migrate-to-postgres --from file:… --to postgres://…
 *   handoff rotate-key
 *   handoff export --team T… [--out file]
 *   handoff report --team T… --from YYYY-MM-DD --to YYYY-MM-DD [--format text|csv|json|png] [--out file]
 * Each command is a function returning its text and exit code, so tests call them directly.
 */
import dotenv from 'dotenv';
import { nextDigestsCommand } from './nextDigests';
import { digestPreviewCommand } from './digestPreview';
import { migrateCommand } from './migrate';
import { migrateToPostgresCommand } from './migrateToPostgres';
import { rotateKeyCommand } from './rotateKey';
import { exportCommand } from './exportWorkspace';
import { reportCommand } from './report';
import type { CommandResult } from './args';

export const HELP = `Usage: handoff <command> [options]

Commands:
  next-digests     when someone's next morning digests go out (schedule maths only, no database)
  digest-preview   what a person's digest would contain now, from the DATABASE_URL database
  migrate          apply database migrations to the DATABASE_URL database
  migrate-to-postgres
                   copy a SQLite database into an empty PostgreSQL one, verified row for row
  rotate-key       re-encrypt the stored Slack tokens under HANDOFF_ENCRYPTION_KEY (distributed mode)
  export           a workspace's data as JSON (--team T…), for an admin who asks for it
  report           a workspace's async-health figures for a period (text, CSV, JSON or a PNG chart)
  help             show this help

"handoff <command> --help" shows a command's options. The database commands read DATABASE_URL
(also from .env), default file:./data/handoff.db.`;

export interface CliDeps {
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
}

export async function runCli(argv: string[], deps: CliDeps = {}): Promise<CommandResult> {
  const [command, ...rest] = argv;
  const env = deps.env ?? process.env;
  switch (command) {
    case 'next-digests':
      return nextDigestsCommand(rest, deps.now);
    case 'digest-preview':
      return digestPreviewCommand(rest, { env, now: deps.now });
    case 'migrate':
      return migrateCommand(rest, env);
    case 'rotate-key':
      return rotateKeyCommand(rest, env);
    case 'export':
      return exportCommand(rest, env, deps.now);
    case 'report':
      return reportCommand(rest, env);
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      return { exitCode: command === undefined ? 2 : 0, out: HELP };
    default:
      return { exitCode: 2, out: `Unknown command "${command}".\n\n${HELP}` };
  }
}

/** runCli, plus the commands that must wait on the network (PostgreSQL). */
export async function runCliAsync(argv: string[], deps: CliDeps & { log?: (line: string) => void } = {}): Promise<CommandResult> {
  if (argv[0] === 'migrate-to-postgres') return migrateToPostgresCommand(argv.slice(1), { log: deps.log });
  return runCli(argv, deps);
}

/** Prints the result (errors to stderr) and sets the exit code; progress goes to stderr as it happens. */
export async function main(argv: string[]): Promise<void> {
  dotenv.config({ quiet: true });
  let result: CommandResult;
  try {
    result = await runCliAsync(argv, { log: (line) => process.stderr.write(`${line}\n`) });
  } catch (e) {
    result = { exitCode: 1, out: `handoff: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (result.exitCode === 0 && result.bytes) process.stdout.write(result.bytes);
  else if (result.exitCode === 0) console.log(result.out);
  else console.error(result.out);
  process.exitCode = result.exitCode;
}

if (require.main === module) void main(process.argv.slice(2));
