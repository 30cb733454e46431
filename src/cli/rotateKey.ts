/**
 * `handoff rotate-key`: re-encrypts every stored Slack token (distributed mode) under
 * HANDOFF_ENCRYPTION_KEY, opening the old ones with HANDOFF_ENCRYPTION_KEY_PREVIOUS. Safe while Handoff
 * runs: a token refreshed meanwhile is read again, never overwritten. Prints counts and key ids only.
 */
import { ConfigError, encryptionKeysFrom } from '../config';
import { openConfiguredDatabase } from '../db/open';
import { SecretBox } from '../secrets';
import { resealAll } from '../services/installations';
import { databaseOf, missingDatabase, parseOptions, UsageError, type CommandResult } from './args';

export const ROTATE_KEY_USAGE = `Usage: handoff rotate-key [--db <path or postgres://…>]

  --db <database>  SQLite file or PostgreSQL URL (default: DATABASE_URL, else ./data/handoff.db)
  -h, --help       show this help

Re-encrypts every stored Slack token under HANDOFF_ENCRYPTION_KEY. To change the key:
  1. make a new one:  openssl rand -hex 32
  2. set HANDOFF_ENCRYPTION_KEY to it and HANDOFF_ENCRYPTION_KEY_PREVIOUS to the old one,
     and restart every Handoff process (they read both, and write under the new one);
  3. run handoff rotate-key (with the same two variables);
  4. remove HANDOFF_ENCRYPTION_KEY_PREVIOUS and restart.`;

export async function rotateKeyCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  try {
    const opts = parseOptions(argv, 'rotate-key', ['db'] as const);
    if (opts === 'help') return { exitCode: 0, out: ROTATE_KEY_USAGE };
    const keys = encryptionKeysFrom(env);
    const box = new SecretBox(keys.current, keys.previous);
    const database = databaseOf(env, opts.get('db'));
    const missing = missingDatabase(database);
    if (missing) return missing;
    const { store } = await openConfiguredDatabase(database);
    try {
      const report = await resealAll(store, box);
      const lines = [`${report.installations} installation(s); ${report.resealed} re-encrypted under key ${box.keyId}, the others already were.`];
      if (report.unreadable.length > 0) {
        lines.push(
          `Could not open the tokens of ${report.unreadable.join(', ')}: they were encrypted with a key that is neither HANDOFF_ENCRYPTION_KEY nor in HANDOFF_ENCRYPTION_KEY_PREVIOUS. Add that key to HANDOFF_ENCRYPTION_KEY_PREVIOUS and run again, or re-install Handoff there.`,
        );
      }
      if (report.stale.length > 0) {
        lines.push(
          `The tokens of ${report.stale.join(', ')} kept changing under an older key: a Handoff process still runs with the old HANDOFF_ENCRYPTION_KEY. Restart every process with the new key, then run again.`,
        );
      }
      const done = report.unreadable.length === 0 && report.stale.length === 0;
      if (done && keys.previous.length > 0) lines.push('Every token is under the new key: HANDOFF_ENCRYPTION_KEY_PREVIOUS can be removed.');
      return { exitCode: done ? 0 : 1, out: lines.join('\n') };
    } finally {
      await store.close();
    }
  } catch (e) {
    if (e instanceof UsageError) return { exitCode: 2, out: `Error: ${e.message}\n\n${ROTATE_KEY_USAGE}` };
    if (e instanceof ConfigError) return { exitCode: 2, out: e.message };
    return { exitCode: 1, out: `rotate-key failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
