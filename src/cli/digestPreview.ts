/**
 * `handoff digest-preview --team T --user U`: what that person's morning digest would contain if it
 * were built now, read from the DATABASE_URL database with the same DigestBuilder delivery uses.
 * Reads only; nothing is sent and nothing is marked as told.
 */
import { openDatabase, type DbHandle } from '../db/client';
import { openPgStore } from '../db/pg/store';
import { sqliteStore } from '../db/sqliteStore';
import type { Store } from '../db/store';
import { DigestBuilder } from '../delivery/digestBuilder';
import { scheduleOf } from '../domain/personSchedule';
import { isValidLocalDate, localParts, localTimeLabel } from '../time';
import { formatHHMM, formatWorkingDays } from '../domain/workSchedule';
import { digestText } from '../views/digestMessage';
import { databaseOf, missingDatabase, parseOptions, UsageError, type CommandResult } from './args';

export const DIGEST_PREVIEW_USAGE = `Usage: handoff digest-preview --user <user id> [--team <team id>] [options]

  --user <U…>        the person (Slack user id, required)
  --team <T…>        their workspace (optional when the database has only one)
  --date <date>      the digest's local date, YYYY-MM-DD (default: their date now)
  --now <instant>    build as if it were this ISO instant (default: now)
  --db <database>    SQLite file or PostgreSQL URL (default: DATABASE_URL, else ./data/handoff.db)
  -h, --help         show this help

Prints the digest as text, or why there would be none. Nothing is sent or changed.`;

const OPTIONS = ['user', 'team', 'date', 'now', 'db'] as const;

export interface PreviewDeps {
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
}

export async function digestPreviewCommand(argv: string[], deps: PreviewDeps = {}): Promise<CommandResult> {
  let handle: DbHandle | null = null;
  let store: Store | null = null;
  try {
    const opts = parseOptions(argv, 'digest-preview', OPTIONS);
    if (opts === 'help') return { exitCode: 0, out: DIGEST_PREVIEW_USAGE };
    const userId = opts.get('user');
    if (!userId) throw new UsageError('--user is required.');
    const nowText = opts.get('now');
    const now = nowText ? new Date(nowText) : (deps.now ?? (() => new Date()))();
    if (Number.isNaN(now.getTime())) throw new UsageError(`--now "${nowText}" is not an ISO instant.`);
    const database = databaseOf(deps.env ?? process.env, opts.get('db'));
    if (database.kind === 'postgres') {
      store = await openPgStore(database.url, { poolSize: 2 });
    } else {
      const missing = missingDatabase(database);
      if (missing) return missing;
      handle = openDatabase(database.path);
      store = sqliteStore(handle);
    }
    const teamId = opts.get('team') ?? (await onlyTeam(store));
    const user = await store.getUser(teamId, userId);
    if (!user) {
      return { exitCode: 1, out: `Handoff doesn’t know ${userId} in ${teamId} yet (people are added when the app first sees them).` };
    }
    const schedule = scheduleOf(user);
    const date = opts.get('date') ?? localParts(schedule.tz, now).date;
    if (!isValidLocalDate(date)) throw new UsageError(`--date "${date}" is not a date. Use YYYY-MM-DD.`);
    const names = new Map((await store.listDisplayNames(teamId)).map((u) => [u.userId, u.displayName]));
    const nameOf = (id: string) => (names.get(id) ? `@${names.get(id)} (${id})` : `@${id}`);

    const tz = schedule.tz;
    const next = user.nextDigestAt ? `${localTimeLabel(new Date(user.nextDigestAt), tz, 'EEE yyyy-MM-dd HH:mm')} (${new Date(user.nextDigestAt).toISOString()})` : 'not scheduled';
    const head = [
      `Digest preview for ${nameOf(userId)} in ${teamId}, local date ${date}, as of ${localTimeLabel(now, tz, 'EEE yyyy-MM-dd HH:mm')} (${now.toISOString()})`,
      `Schedule: ${formatHHMM(schedule.startMinute)}–${formatHHMM(schedule.endMinute)} ${formatWorkingDays(schedule.workingDays)}, ${tz}${schedule.awayUntil ? `, away until ${schedule.awayUntil}` : ''}`,
      user.digestEnabled ? `Next digest: ${next}` : `Digest turned off; news that waited for them goes out at the start of their day: ${next}`,
      `Digest for ${date}: ${await digestStatus(store, teamId, userId, date, tz)}`,
    ];
    const built = await new DigestBuilder(store, { now: () => now }).build(teamId, userId, date);
    if (!built) {
      return { exitCode: 0, out: [...head, '', 'No digest: nothing waits on them and nothing they asked for was resolved, so nothing would be sent.'].join('\n') };
    }
    return {
      exitCode: 0,
      out: [
        ...head,
        `Notification text: ${built.message.text}`,
        `Message size: ${built.message.blocks.length} blocks`,
        '',
        digestText(built.plan, built.dateLabel, now, nameOf, tz, built.mode, built.workspace),
      ].join('\n'),
    };
  } catch (e) {
    if (e instanceof UsageError) return { exitCode: 2, out: `Error: ${e.message}\n\n${DIGEST_PREVIEW_USAGE}` };
    throw e;
  } finally {
    // The store closes its database; without one (it failed to open) the handle is closed directly.
    if (store) await store.close();
    else handle?.close();
  }
}

/** Whether that local date's digest already went out (or was skipped), from the outbox. */
async function digestStatus(store: Store, teamId: string, userId: string, date: string, tz: string): Promise<string> {
  const rows = await store.digestRowsFor(teamId, userId, date);
  if (rows.length === 0) return 'not planned yet (nothing was queued for that date)';
  return rows
    .map((r) => {
      switch (r.status) {
        case 'sent':
          return `already sent, ${r.sentAt ? localTimeLabel(new Date(r.sentAt), tz, 'EEE yyyy-MM-dd HH:mm') : 'time unknown'}`;
        case 'skipped':
          return `not sent (${r.lastError ?? 'skipped'})`;
        case 'failed':
          return `failed (${r.lastError ?? 'unknown error'})`;
        default:
          return `queued, not sent yet (${r.status})`;
      }
    })
    .join('; ');
}

async function onlyTeam(store: Store): Promise<string> {
  const teams = await store.listWorkspaceIds();
  if (teams.length === 1) return teams[0]!;
  throw new UsageError(teams.length === 0 ? 'The database has no workspace yet; pass --team.' : `Several workspaces (${teams.join(', ')}): pass --team.`);
}
