/**
 * The PostgreSQL twin of schema.ts (the SQLite schema): same tables, columns, keys and indexes, and the
 * same JavaScript row types, so one query layer serves both. A new column is one edit here and one in
 * schema.ts, then `npm run db:generate`; test/unit/db/schemaDrift.test.ts fails if the two disagree.
 *
 * Types are PostgreSQL's own: instants are `timestamptz` (epoch ms in JS, see pgTypes.ts), local dates
 * `date` ('YYYY-MM-DD' in JS), flags `boolean`, JSON `jsonb` (text in JS); ids of tables that grow with
 * traffic are bigint.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, doublePrecision, index, integer, pgTable, primaryKey, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { HANDOFF_STATES, OUTBOX_STATUSES } from './schema';
import { instant, jsonText } from './pgTypes';

const localDate = (name: string) => date(name, { mode: 'string' });
/** A growing table's id: bigint, read as a JS number (exact below 2^53). */
const bigId = (name: string) => bigint(name, { mode: 'number' });

export const workspaces = pgTable('workspaces', {
  teamId: text('team_id').primaryKey(),
  // access_revoked: an org-wide install's org took Handoff away from this workspace (team_access_revoked).
  status: text('status', { enum: ['active', 'uninstalled', 'tokens_revoked', 'access_revoked'] })
    .notNull()
    .default('active'),
  deflectionEnabled: boolean('deflection_enabled').notNull().default(true),
  nextHandoffNumber: integer('next_handoff_number').notNull().default(1),
  createdAt: instant('created_at').notNull(),
  statusChangedAt: instant('status_changed_at'),
  enterpriseId: text('enterprise_id'),
  staleAfterWorkingDays: smallint('stale_after_working_days').notNull().default(2),
  statusesReadAt: instant('statuses_read_at'),
  statusesCursor: text('statuses_cursor'),
  purgedAt: instant('purged_at'),
  name: text('name'),
});

export const installations = pgTable(
  'installations',
  {
    installationId: text('installation_id').primaryKey(),
    teamId: text('team_id'),
    enterpriseId: text('enterprise_id'),
    isEnterpriseInstall: boolean('is_enterprise_install').notNull().default(false),
    appId: text('app_id'),
    teamName: text('team_name'),
    enterpriseName: text('enterprise_name'),
    enterpriseUrl: text('enterprise_url'),
    installerUserId: text('installer_user_id'),
    botId: text('bot_id').notNull(),
    botUserId: text('bot_user_id').notNull(),
    botScopes: text('bot_scopes').notNull().default(''),
    botToken: text('bot_token').notNull(),
    botRefreshToken: text('bot_refresh_token'),
    botTokenExpiresAt: instant('bot_token_expires_at'),
    tokenVersion: integer('token_version').notNull().default(1),
    refreshClaimedBy: text('refresh_claimed_by'),
    refreshClaimUntil: instant('refresh_claim_until'),
    installedAt: instant('installed_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [index('installations_enterprise_idx').on(t.enterpriseId)],
);

export const users = pgTable(
  'users',
  {
    teamId: text('team_id').notNull(),
    userId: text('user_id').notNull(),
    displayName: text('display_name').notNull().default(''),
    isBot: boolean('is_bot').notNull().default(false),
    deleted: boolean('deleted').notNull().default(false),
    slackTz: text('slack_tz'),
    tzOverride: text('tz_override'),
    workdayStartMinute: smallint('workday_start_minute').notNull().default(540),
    workdayEndMinute: smallint('workday_end_minute').notNull().default(1020),
    /** Bitmask, bit d = weekday d (0 = Sunday). Default Mon–Fri. */
    workingDays: smallint('working_days').notNull().default(0b0111110),
    digestEnabled: boolean('digest_enabled').notNull().default(true),
    deflectionEnabled: boolean('deflection_enabled').notNull().default(true),
    awayUntil: localDate('away_until'),
    holidayRegion: text('holiday_region'),
    statusAwayUntil: localDate('status_away_until'),
    statusAwayKind: text('status_away_kind'),
    statusAwayKey: text('status_away_key'),
    statusAwayDismissed: text('status_away_dismissed'),
    isAdmin: boolean('is_admin').notNull().default(false),
    weeklyReport: boolean('weekly_report').notNull().default(false),
    reportWeek: text('report_week'),
    reportLink: text('report_link'),
    nextDigestAt: instant('next_digest_at'),
    nextDigestLocalDate: localDate('next_digest_local_date'),
    lastDigestLocalDate: localDate('last_digest_local_date'),
    lastDigestAt: instant('last_digest_at'),
    lastDeflectionAt: instant('last_deflection_at'),
    profileFetchedAt: instant('profile_fetched_at'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.userId] }),
    // In the sweep's order (tie-break included): a wave due at one instant is read a slice at a time
    // from the index, instead of every due person being sorted for each slice.
    index('users_next_digest_idx').on(t.nextDigestAt, t.teamId, t.userId),
    // Only the few whose Slack status says away, whose profile is read again before their digest:
    // the tick's look for them reads these, not everyone due in the next hours (a whole wave).
    index('users_away_recheck_idx').on(t.nextDigestAt, t.teamId, t.userId).where(sql`${t.statusAwayKey} is not null`),
    // The weekly-report planner reads only the few people admins chose.
    index('users_weekly_report_idx').on(t.weeklyReport),
  ],
);

export const handoffs = pgTable(
  'handoffs',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    teamId: text('team_id').notNull(),
    number: integer('number').notNull(),
    authorId: text('author_id').notNull(),
    title: text('title').notNull(),
    context: text('context').notNull().default(''),
    ask: text('ask').notNull(),
    links: text('links').notNull().default(''),
    ifOffline: text('if_offline').notNull().default(''),
    neededByAt: instant('needed_by_at'),
    urgent: boolean('urgent').notNull().default(false),
    state: text('state', { enum: HANDOFF_STATES }).notNull().default('open'),
    channelId: text('channel_id'),
    channelTs: text('channel_ts'),
    sourcePermalink: text('source_permalink'),
    resolutionNote: text('resolution_note'),
    resolvedBy: text('resolved_by'),
    resolvedAt: instant('resolved_at'),
    authorNotifiedAt: instant('author_notified_at'),
    neededByWarnedAt: instant('needed_by_warned_at'),
    idempotencyKey: text('idempotency_key'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('handoffs_team_number_uq').on(t.teamId, t.number),
    uniqueIndex('handoffs_team_idem_uq').on(t.teamId, t.idempotencyKey),
    index('handoffs_author_idx').on(t.teamId, t.authorId, t.state),
    // Every new handoff counts and compares its author's recent ones: by time, not all of their history.
    index('handoffs_author_created_idx').on(t.teamId, t.authorId, t.createdAt),
    index('handoffs_untold_idx').on(t.teamId, t.authorId).where(sql`${t.authorNotifiedAt} is null and ${t.state} in ('done', 'declined')`),
  ],
);

export const handoffRecipients = pgTable(
  'handoff_recipients',
  {
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'cascade' }),
    teamId: text('team_id').notNull(),
    userId: text('user_id').notNull(),
    recipientTeamId: text('recipient_team_id').notNull(),
    active: boolean('active').notNull().default(true),
    notifiedAt: instant('notified_at'),
    snoozedUntilDate: localDate('snoozed_until_date'),
    addedAt: instant('added_at').notNull(),
    position: integer('position').notNull().default(0),
    staleOfferedAt: instant('stale_offered_at'),
    nudgedOn: localDate('nudged_on'),
    /**
     * Copies of the handoff's "still open" (open or acknowledged) and its creation time, kept in step
     * by every write of its state: "waiting on you", oldest first, then reads one index in order
     * instead of joining and sorting every ask the person was ever on.
     */
    handoffOpen: boolean('handoff_open').notNull().default(true),
    handoffCreatedAt: instant('handoff_created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.handoffId, t.userId] }),
    index('recipients_waiting_idx').on(t.recipientTeamId, t.userId, t.active, t.handoffOpen, t.handoffCreatedAt, t.handoffId),
    // A workspace's rows (its handoffs' recipients): export and the purge after an uninstall read by it.
    index('recipients_team_idx').on(t.teamId),
  ],
);

export const handoffEvents = pgTable(
  'handoff_events',
  {
    id: bigId('id').primaryKey().generatedByDefaultAsIdentity(),
    teamId: text('team_id').notNull(),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'cascade' }),
    actorId: text('actor_id').notNull(),
    kind: text('kind').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    note: text('note'),
    detail: jsonText('detail'),
    at: instant('at').notNull(),
  },
  (t) => [
    index('events_handoff_idx').on(t.handoffId),
    // The async-health report reads a workspace's events of a period (db/queries/health.ts).
    index('events_team_at_idx').on(t.teamId, t.at),
  ],
);

export const outbox = pgTable(
  'outbox',
  {
    id: bigId('id').primaryKey().generatedByDefaultAsIdentity(),
    teamId: text('team_id').notNull(),
    kind: text('kind', { enum: ['digest', 'dm', 'channel_post', 'channel_update', 'report'] }).notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    userId: text('user_id'),
    channelId: text('channel_id'),
    handoffId: integer('handoff_id'),
    localDate: localDate('local_date'),
    payload: jsonText('payload').notNull().default('{}'),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull(),
    lastError: text('last_error'),
    messageTs: text('message_ts'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    sentAt: instant('sent_at'),
    claimedBy: text('claimed_by'),
    leaseUntil: instant('lease_until'),
    postingSince: instant('posting_since'),
    /**
     * A DM or digest as Handoff posted it (channel, text, blocks; deflated JSON, base64), so a click on
     * one of its cards can refresh that card from Handoff's own copy: never from the click payload (a
     * forged request controls it), nor by reading Slack's history (1 call a minute for distributed apps).
     */
    posted: text('posted'),
  },
  (t) => [
    uniqueIndex('outbox_dedupe_uq').on(t.teamId, t.dedupeKey),
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
    // Claims that skip a workspace (paused, or using its share of the senders) take each other
    // workspace's first due row from here, one index seek per workspace (db/queries/outbox.ts).
    index('outbox_team_due_idx').on(t.status, t.teamId, t.nextAttemptAt),
    // A click in a DM finds the message it was made in (posted, above).
    index('outbox_message_idx').on(t.teamId, t.messageTs),
  ],
);

export const deflections = pgTable(
  'deflections',
  {
    id: bigId('id').primaryKey().generatedByDefaultAsIdentity(),
    teamId: text('team_id').notNull(),
    userId: text('user_id').notNull(),
    channelId: text('channel_id').notNull(),
    threadTs: text('thread_ts').notNull(),
    messageTs: text('message_ts').notNull(),
    reason: text('reason').notNull(),
    pendingText: text('pending_text'),
    pendingMentions: jsonText('pending_mentions'),
    outcome: text('outcome', { enum: ['shown', 'converted', 'kept', 'dismissed', 'muted', 'failed'] })
      .notNull()
      .default('shown'),
    handoffId: integer('handoff_id'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('deflections_thread_uq').on(t.teamId, t.channelId, t.threadTs, t.userId),
    // The async-health report reads a workspace's prompts of a period (db/queries/health.ts).
    index('deflections_team_created_idx').on(t.teamId, t.createdAt),
  ],
);

export const deflectionMutes = pgTable(
  'deflection_mutes',
  {
    teamId: text('team_id').notNull(),
    userId: text('user_id').notNull(),
    channelId: text('channel_id').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId, t.channelId] })],
);

/** Who is in each channel thread, from the message events Handoff receives (see schema.ts). */
export const threadParticipants = pgTable(
  'thread_participants',
  {
    teamId: text('team_id').notNull(),
    channelId: text('channel_id').notNull(),
    threadTs: text('thread_ts').notNull(),
    userId: text('user_id').notNull(),
    started: boolean('started').notNull().default(false),
    inParent: boolean('in_parent').notNull().default(false),
    firstSeenAt: instant('first_seen_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.channelId, t.threadTs, t.userId] }), index('thread_participants_seen_idx').on(t.lastSeenAt)],
);

export const processedEvents = pgTable(
  'processed_events',
  {
    teamId: text('team_id').notNull(),
    eventId: text('event_id').notNull(),
    at: instant('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.eventId] }), index('processed_events_at_idx').on(t.at)],
);

/** Each workspace's shared delivery pace (see schema.ts). `last_slot_at` is fractional epoch ms, so a double. */
export const deliveryPace = pgTable('delivery_pace', {
  teamId: text('team_id').primaryKey(),
  version: integer('version').notNull(),
  rate: doublePrecision('rate').notNull(),
  lastSlotAt: doublePrecision('last_slot_at'),
  pausedUntil: instant('paused_until'),
  limitSeen: doublePrecision('limit_seen'),
  settleShare: doublePrecision('settle_share').notNull(),
  probeAfterMs: integer('probe_after_ms').notNull(),
  lastLimitedAt: instant('last_limited_at'),
  lastSettleLimitedAt: instant('last_settle_limited_at'),
  adjustedAt: instant('adjusted_at').notNull(),
  windowStart: instant('window_start').notNull(),
  takenAt: text('taken_at').notNull(),
  sentAt: text('sent_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});
