/**
 * Configuration: read once at start, validated, with errors that say which variable is wrong and
 * where to get the right value.
 */
import { z } from 'zod';

const WHERE = {
  SLACK_BOT_TOKEN:
    'create the app from manifest.yml (https://api.slack.com/apps → Create New App → From an app manifest), install it, then copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions',
  SLACK_SIGNING_SECRET: 'copy the Signing Secret from your app’s Basic Information page on https://api.slack.com/apps',
  SLACK_APP_TOKEN: 'for Socket Mode, create an App-Level Token (xapp-…) with the connections:write scope under Basic Information → App-Level Tokens; leave it unset for HTTP mode',
  SLACK_API_URL: 'leave unset for slack.com; otherwise the Web API base URL ending in /api/',
  PORT: 'a TCP port number such as 3000',
  DATABASE_URL:
    'a SQLite file such as file:./data/handoff.db (or :memory: for throwaway runs), or a PostgreSQL connection string such as postgres://handoff:password@db.example:5432/handoff',
  DATABASE_POOL_SIZE: 'PostgreSQL only: most connections one Handoff process holds, 1–100 (default 10); N replicas hold up to N times this',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace',
  DIGEST_MAX_LATE_HOURS: 'how many hours late a missed digest may still be sent (default 4)',
  DEFLECTION_COOLDOWN_HOURS: 'hours between two meeting-deflection prompts to one person (default 4)',
  DELIVERY_CONCURRENCY: 'most Slack sends from the outbox in flight at once, 1–64 (default 16)',
  DELIVERY_RATE_PER_SECOND: 'upper bound on outbox messages sent per second to one workspace (default 100; the pace below it is discovered)',
  DELIVERY_START_RATE_PER_SECOND: 'messages per second a workspace’s pace starts at before it is raised (default 10)',
  SLACK_API_TIMEOUT_MS: 'milliseconds before a Slack Web API call is given up and retried later (default 10000)',
  HANDOFFS_PER_PERSON_PER_MINUTE: 'how many handoffs one person may create per minute, 1–1000 (default 10)',
  METRICS_TOKEN: 'optional: when set, GET /metrics requires `Authorization: Bearer <token>` (16+ characters; any random string, e.g. `openssl rand -hex 24`)',
  OUTBOX_RETENTION_DAYS: 'whole days to keep sent, failed and skipped deliveries before deleting them, 1–3650 (default 30)',
} as const;

type VarName = keyof typeof WHERE;

const POSTGRES_URL = /^postgres(ql)?:/i;

const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'must start with xoxb-'),
  SLACK_SIGNING_SECRET: z
    .string()
    .regex(/^[0-9a-f]{16,}$/i, 'must be the hexadecimal signing secret')
    .optional(),
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-/, 'must start with xapp-')
    .optional(),
  SLACK_API_URL: z
    .url({ protocol: /^https?$/ })
    .transform((u) => (u.endsWith('/') ? u : `${u}/`))
    .optional(),
  PORT: intIn(0, 65535).default(3000),
  DATABASE_URL: z
    .string()
    .min(1)
    // A postgres:// URL must parse as one: a typo would otherwise surface as a connection error later.
    .refine((url) => !POSTGRES_URL.test(url) || URL.canParse(url), 'not a valid PostgreSQL URL (postgres://user:password@host:5432/database)')
    .default('file:./data/handoff.db'),
  DATABASE_POOL_SIZE: intIn(1, 100).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DIGEST_MAX_LATE_HOURS: z.coerce.number().min(0).max(24).default(4),
  DEFLECTION_COOLDOWN_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 7)
    .default(4),
  // Sends in flight: at a 100–300 ms round trip, 4 capped delivery at 13–40/s whatever the pace.
  DELIVERY_CONCURRENCY: intIn(1, 64).default(16),
  DELIVERY_RATE_PER_SECOND: z.coerce.number().positive().max(1000).default(100),
  DELIVERY_START_RATE_PER_SECOND: z.coerce.number().positive().max(1000).default(10),
  SLACK_API_TIMEOUT_MS: intIn(100, 120_000).default(10_000),
  HANDOFFS_PER_PERSON_PER_MINUTE: intIn(1, 1000).default(10),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  OUTBOX_RETENTION_DAYS: intIn(1, 3650).default(30),
});

/** Where Handoff keeps its data: a SQLite file (the default, zero set-up) or PostgreSQL (replicas). */
export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; poolSize: number };

export interface Config {
  slackBotToken: string;
  slackSigningSecret: string | undefined;
  slackAppToken: string | undefined;
  slackApiUrl: string | undefined;
  port: number;
  database: DatabaseConfig;
  logLevel: string;
  digestMaxLateMs: number;
  deflectionCooldownMs: number;
  deliveryConcurrency: number;
  deliveryRatePerSecond: number;
  /** Where each workspace's pace starts (never above deliveryRatePerSecond). */
  deliveryStartRatePerSecond: number;
  slackApiTimeoutMs: number;
  /** New handoffs one person may create per minute (a flood to one colleague would hit Slack's per-conversation limit). */
  handoffsPerPersonPerMinute: number;
  /** When set, /metrics answers only requests that carry it as a bearer token. */
  metricsToken: string | undefined;
  /** Finished outbox rows (sent, failed, skipped) older than this are deleted. */
  outboxRetentionMs: number;
  mode: 'socket' | 'http';
}

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
    readonly missingCredentials: boolean,
  ) {
    super(message);
  }
}

export const SETUP_GUIDE = `Handoff needs a Slack app before it can start.

  1. Open https://api.slack.com/apps → Create New App → From an app manifest,
     pick your workspace and paste the contents of manifest.yml.
  2. Install the app to your workspace.
  3. Copy .env.example to .env and fill in:
       SLACK_BOT_TOKEN       OAuth & Permissions → Bot User OAuth Token (xoxb-…)
       SLACK_APP_TOKEN       Basic Information → App-Level Tokens, scope connections:write (xapp-…)
                             (Socket Mode: no public URL needed)
     or, for HTTP mode, leave SLACK_APP_TOKEN empty and set
       SLACK_SIGNING_SECRET  Basic Information → Signing Secret
  4. Run npm start again.
`;

/** Empty strings count as unset: `.env.example` copied verbatim has blank values. */
function clean(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(WHERE)) {
    const v = env[name]?.trim();
    if (v) out[name] = v;
  }
  return out;
}

/** What a DATABASE_URL (or a CLI's --db) names. */
export function databaseFrom(url: string, poolSize = 10): DatabaseConfig {
  if (POSTGRES_URL.test(url)) return { kind: 'postgres', url, poolSize };
  if (url === ':memory:') return { kind: 'sqlite', path: url };
  return { kind: 'sqlite', path: url.startsWith('file:') ? url.slice('file:'.length) : url };
}

/** The password inside a PostgreSQL URL, so logs can redact it. */
function databasePassword(database: DatabaseConfig): string | undefined {
  if (database.kind !== 'postgres') return undefined;
  try {
    return decodeURIComponent(new URL(database.url).password) || undefined;
  } catch {
    return undefined;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = clean(env);
  const credentialsMissing = !raw.SLACK_BOT_TOKEN && !raw.SLACK_APP_TOKEN && !raw.SLACK_SIGNING_SECRET;
  if (credentialsMissing) {
    throw new ConfigError(SETUP_GUIDE, ['SLACK_BOT_TOKEN is missing'], true);
  }
  const parsed = schema.safeParse(raw);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]) as VarName;
      const what = raw[name] === undefined ? 'is missing' : `is invalid (${issue.message})`;
      problems.push(`${name} ${what}: ${WHERE[name] ?? ''}`.trim());
    }
  } else if (!parsed.data.SLACK_APP_TOKEN && !parsed.data.SLACK_SIGNING_SECRET) {
    problems.push(`SLACK_SIGNING_SECRET is missing (needed in HTTP mode, i.e. when SLACK_APP_TOKEN is not set): ${WHERE.SLACK_SIGNING_SECRET}`);
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(`Configuration problem:\n  - ${problems.join('\n  - ')}`, problems, false);
  }
  const c = parsed.data;
  return {
    slackBotToken: c.SLACK_BOT_TOKEN,
    slackSigningSecret: c.SLACK_SIGNING_SECRET,
    slackAppToken: c.SLACK_APP_TOKEN,
    slackApiUrl: c.SLACK_API_URL,
    port: c.PORT,
    database: databaseFrom(c.DATABASE_URL, c.DATABASE_POOL_SIZE),
    logLevel: c.LOG_LEVEL,
    digestMaxLateMs: c.DIGEST_MAX_LATE_HOURS * 3600_000,
    deflectionCooldownMs: c.DEFLECTION_COOLDOWN_HOURS * 3600_000,
    deliveryConcurrency: c.DELIVERY_CONCURRENCY,
    deliveryRatePerSecond: c.DELIVERY_RATE_PER_SECOND,
    deliveryStartRatePerSecond: Math.min(c.DELIVERY_START_RATE_PER_SECOND, c.DELIVERY_RATE_PER_SECOND),
    slackApiTimeoutMs: c.SLACK_API_TIMEOUT_MS,
    handoffsPerPersonPerMinute: c.HANDOFFS_PER_PERSON_PER_MINUTE,
    metricsToken: c.METRICS_TOKEN,
    outboxRetentionMs: c.OUTBOX_RETENTION_DAYS * 86_400_000,
    mode: c.SLACK_APP_TOKEN ? 'socket' : 'http',
  };
}

/** Values that must never reach a log line. */
export function secretsOf(config: Config): string[] {
  return [config.slackBotToken, config.slackSigningSecret, config.slackAppToken, config.metricsToken, databasePassword(config.database)].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
}
