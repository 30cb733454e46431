/**
 * Configuration: read once at start, validated, with errors that say which variable is wrong and
 * where to get the right value.
 */
import { z } from 'zod';

const WHERE = {
  SLACK_BOT_TOKEN:
    'create the app from manifest.yml (https://api.slack.com/apps → Create New App → From an app manifest), install it, then copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions',
  SLACK_CLIENT_ID: 'distributed mode: copy the Client ID from your app’s Basic Information page on https://api.slack.com/apps (App Credentials)',
  SLACK_CLIENT_SECRET: 'distributed mode: copy the Client Secret from your app’s Basic Information page on https://api.slack.com/apps (App Credentials)',
  SLACK_STATE_SECRET: 'distributed mode: any random string of 16+ characters that signs the install links, e.g. the output of `openssl rand -hex 24`',
  HANDOFF_ENCRYPTION_KEY:
    'distributed mode: 32 random bytes as 64 hexadecimal characters, made with `openssl rand -hex 32`; it encrypts the stored Slack tokens, so keep it safe and unchanged (to change it, see HANDOFF_ENCRYPTION_KEY_PREVIOUS and `handoff rotate-key`)',
  HANDOFF_ENCRYPTION_KEY_PREVIOUS:
    'only while changing HANDOFF_ENCRYPTION_KEY: the previous key(s), comma-separated 64-hex-character keys, until `npx handoff rotate-key` has re-encrypted every token under the new one',
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
  SLACK_HISTORY_READS_PER_MINUTE:
    'conversations.history/replies calls per minute per workspace, 1–1000 (default: 1 in distributed mode, Slack’s limit for apps distributed outside the Slack Marketplace; 50 for one workspace’s own app). Raise it only once Handoff is approved for the Marketplace',
  DATA_RETENTION_DAYS: "whole days a workspace's data is kept after Handoff is uninstalled or its token revoked, 1–3650 (default 30); a reinstall within them keeps it",
} as const;

type VarName = keyof typeof WHERE;

/**
 * Slack's conversations.history/replies limit per workspace: apps distributed outside the Slack
 * Marketplace get 1 call a minute; a workspace's own (internal) app keeps Tier 3, about 50.
 */
const HISTORY_READS_PER_MINUTE = { distributed: 1, single: 50 } as const;

const POSTGRES_URL = /^postgres(ql)?:/i;

const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** The variables of distributed mode (several workspaces install Handoff through OAuth). */
const DISTRIBUTED = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'HANDOFF_ENCRYPTION_KEY'] as const;

const hexKey = z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hexadecimal characters (32 random bytes): run `openssl rand -hex 32`');

const schema = z.object({
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'must start with xoxb-')
    .optional(),
  SLACK_CLIENT_ID: z
    .string()
    .regex(/^\d+\.\d+$/, 'must look like 1234567890.1234567890')
    .optional(),
  SLACK_CLIENT_SECRET: z
    .string()
    .regex(/^[0-9a-f]{16,}$/i, 'must be the hexadecimal client secret')
    .optional(),
  SLACK_STATE_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  HANDOFF_ENCRYPTION_KEY: hexKey.optional(),
  HANDOFF_ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .transform((v) => v.split(',').map((k) => k.trim()))
    .pipe(z.array(hexKey))
    .optional(),
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
  DATA_RETENTION_DAYS: intIn(1, 3650).default(30),
  SLACK_HISTORY_READS_PER_MINUTE: intIn(1, 1000).optional(),
});

/** Where Handoff keeps its data: a SQLite file (the default, zero set-up) or PostgreSQL (replicas). */
export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; poolSize: number };

/**
 * Which workspaces Handoff serves: one, whose bot token is configured (the quick start), or any that
 * install it through OAuth (distributed mode; tokens are stored encrypted in the database).
 */
export type Tenancy =
  | { kind: 'single'; botToken: string }
  | {
      kind: 'distributed';
      clientId: string;
      clientSecret: string;
      stateSecret: string;
      /** HANDOFF_ENCRYPTION_KEY and any HANDOFF_ENCRYPTION_KEY_PREVIOUS, hex. */
      encryptionKeys: EncryptionKeys;
    };

export interface EncryptionKeys {
  current: string;
  previous: string[];
}

export interface Config {
  tenancy: Tenancy;
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
  /** How long an uninstalled (or revoked) workspace's data is kept before it is deleted. */
  dataRetentionMs: number;
  /** conversations.history/replies calls per minute per workspace (see src/slack/historyBudget.ts). */
  historyReadsPerMinute: number;
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
     (To let any workspace install it with "Add to Slack" instead, see the README,
      "Distributed mode": SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET,
      HANDOFF_ENCRYPTION_KEY replace SLACK_BOT_TOKEN.)
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

const missing = (name: VarName, why = '') => `${name} is missing${why}: ${WHERE[name]}`;

/** Single-workspace or distributed mode, from which variables are set; every missing one is named. */
function tenancyOf(c: z.infer<typeof schema>, problems: string[]): Tenancy | undefined {
  const distributed = DISTRIBUTED.filter((name) => c[name] !== undefined);
  if (c.SLACK_BOT_TOKEN && distributed.length > 0) {
    problems.push(
      `SLACK_BOT_TOKEN and ${distributed.join(', ')} are both set: choose one mode. One workspace: keep SLACK_BOT_TOKEN and remove the others. Distributed (any workspace installs Handoff with "Add to Slack"): remove SLACK_BOT_TOKEN and set ${DISTRIBUTED.join(', ')}`,
    );
    return undefined;
  }
  if (c.SLACK_BOT_TOKEN) return { kind: 'single', botToken: c.SLACK_BOT_TOKEN };
  if (distributed.length === 0) {
    problems.push(missing('SLACK_BOT_TOKEN', ` (or, to let any workspace install Handoff, set ${DISTRIBUTED.join(', ')} instead)`));
    return undefined;
  }
  for (const name of DISTRIBUTED) if (c[name] === undefined) problems.push(missing(name, ' (distributed mode)'));
  if (!c.SLACK_CLIENT_ID || !c.SLACK_CLIENT_SECRET || !c.SLACK_STATE_SECRET || !c.HANDOFF_ENCRYPTION_KEY) return undefined;
  return {
    kind: 'distributed',
    clientId: c.SLACK_CLIENT_ID,
    clientSecret: c.SLACK_CLIENT_SECRET,
    stateSecret: c.SLACK_STATE_SECRET,
    encryptionKeys: { current: c.HANDOFF_ENCRYPTION_KEY, previous: c.HANDOFF_ENCRYPTION_KEY_PREVIOUS ?? [] },
  };
}

function describeIssues(error: z.ZodError, raw: Record<string, string>): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0]) as VarName;
    const what = raw[name] === undefined ? 'is missing' : `is invalid (${issue.message})`;
    return `${name} ${what}: ${WHERE[name] ?? ''}`.trim();
  });
}

/**
 * HANDOFF_ENCRYPTION_KEY (and any previous keys) alone, for the commands that only need those
 * (`handoff rotate-key`).
 */
export function encryptionKeysFrom(env: NodeJS.ProcessEnv): EncryptionKeys {
  const raw = clean(env);
  const parsed = schema.pick({ HANDOFF_ENCRYPTION_KEY: true, HANDOFF_ENCRYPTION_KEY_PREVIOUS: true }).safeParse(raw);
  const problems = parsed.success ? [] : describeIssues(parsed.error, raw);
  if (parsed.success && !parsed.data.HANDOFF_ENCRYPTION_KEY) problems.push(missing('HANDOFF_ENCRYPTION_KEY'));
  if (!parsed.success || !parsed.data.HANDOFF_ENCRYPTION_KEY) throw new ConfigError(`Configuration problem:\n  - ${problems.join('\n  - ')}`, problems, false);
  return { current: parsed.data.HANDOFF_ENCRYPTION_KEY, previous: parsed.data.HANDOFF_ENCRYPTION_KEY_PREVIOUS ?? [] };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = clean(env);
  const credentialsMissing = !raw.SLACK_BOT_TOKEN && !raw.SLACK_APP_TOKEN && !raw.SLACK_SIGNING_SECRET && DISTRIBUTED.every((name) => !raw[name]);
  if (credentialsMissing) {
    throw new ConfigError(SETUP_GUIDE, ['SLACK_BOT_TOKEN is missing'], true);
  }
  const parsed = schema.safeParse(raw);
  const problems: string[] = [];
  let tenancy: Tenancy | undefined;
  if (!parsed.success) {
    problems.push(...describeIssues(parsed.error, raw));
  } else {
    tenancy = tenancyOf(parsed.data, problems);
    if (!parsed.data.SLACK_APP_TOKEN && !parsed.data.SLACK_SIGNING_SECRET) {
      problems.push(`SLACK_SIGNING_SECRET is missing (needed in HTTP mode, i.e. when SLACK_APP_TOKEN is not set): ${WHERE.SLACK_SIGNING_SECRET}`);
    }
  }
  if (problems.length > 0 || !parsed.success || !tenancy) {
    throw new ConfigError(`Configuration problem:\n  - ${problems.join('\n  - ')}`, problems, false);
  }
  const c = parsed.data;
  return {
    tenancy,
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
    dataRetentionMs: c.DATA_RETENTION_DAYS * 86_400_000,
    historyReadsPerMinute: c.SLACK_HISTORY_READS_PER_MINUTE ?? HISTORY_READS_PER_MINUTE[tenancy.kind],
    mode: c.SLACK_APP_TOKEN ? 'socket' : 'http',
  };
}

/** Values that must never reach a log line. */
export function secretsOf(config: Config): string[] {
  const t = config.tenancy;
  const tenancy = t.kind === 'single' ? [t.botToken] : [t.clientSecret, t.stateSecret, t.encryptionKeys.current, ...t.encryptionKeys.previous];
  return [...tenancy, config.slackSigningSecret, config.slackAppToken, config.metricsToken, databasePassword(config.database)].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
}
