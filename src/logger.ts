/**
 * Structured logging (pino) with a scrubber: Slack tokens and the signing secret never reach a log
 * line, whatever object or error message they hide in.
 */
import pino, { type DestinationStream, type Logger as Pino } from 'pino';
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';

const TOKEN_PATTERN = /\bx(?:ox[abpre]|app)-[A-Za-z0-9-]+/g;

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(TOKEN_PATTERN, '[redacted-token]');
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('[redacted]');
  return out;
}

export type Logger = Pino;

export function createLogger(opts: { level: string; secrets: readonly string[]; destination?: DestinationStream }): Logger {
  const secrets = [...opts.secrets];
  // Scrub the serialised line itself, so nested objects and error stacks are covered too.
  const destination = opts.destination ?? pino.destination({ dest: 1, sync: false });
  const scrubbing: DestinationStream = { write: (line: string) => destination.write(scrub(line, secrets)) };
  return pino(
    {
      level: opts.level,
      base: undefined,
      redact: { paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
    },
    scrubbing,
  );
}

/** Bolt wants its own Logger interface; route it into pino under the name "bolt". */
export function boltLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'bolt' });
  const join = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg) => child.debug(join(msg)),
    info: (...msg) => child.info(join(msg)),
    warn: (...msg) => child.warn(join(msg)),
    error: (...msg) => child.error(join(msg)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
