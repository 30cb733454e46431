/**
 * The Handoff schema. Every row carries `team_id` so several workspaces can share one database.
 * Instants are stored as integer milliseconds since the epoch (UTC); local dates as 'YYYY-MM-DD' text.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** One row per installed workspace. Delivery stops when the app is uninstalled or its tokens revoked. */
export const workspaces = sqliteTable('workspaces', {
  teamId: text('team_id').primaryKey(),
  // access_revoked: an org-wide install's org took Handoff away from this workspace (team_access_revoked).
  status: text('status', { enum: ['active', 'uninstalled', 'tokens_revoked', 'access_revoked'] })
    .notNull()
    .default('active'),
  deflectionEnabled: integer('deflection_enabled', { mode: 'boolean' }).notNull().default(true),
  nextHandoffNumber: integer('next_handoff_number').notNull().default(1),
  createdAt: integer('created_at').notNull(),
  statusChangedAt: integer('status_changed_at'),
  /** The Enterprise Grid org the workspace belongs to (distributed mode): an org-wide install serves it. */
  enterpriseId: text('enterprise_id'),
  /** An open ask is stale after this many of its recipient's working days unacknowledged (admins set 1–10). */
  staleAfterWorkingDays: integer('stale_after_working_days').notNull().default(2),
  /** When its people's Slack statuses were last read in full (users.list); null: never. */
  statusesReadAt: integer('statuses_read_at'),
  /** users.list's cursor for the next page of a read under way; null: none under way. */
  statusesCursor: text('statuses_cursor'),
  /**
   * When its data was deleted after the retention period; null while it holds data. The row stays, with
   * its status and org, so that nothing takes the workspace for a new one (an org-wide install would
   * otherwise serve again a workspace its org took Handoff away from).
   */
  purgedAt: integer('purged_at'),
  /**
   * Its name in Slack (auth.teams.list, for the workspaces of an org-wide install): a card from a sibling
   * workspace says where it was made ("Design #4" beside this workspace's own #4). Null: not known.
   */
  name: text('name'),
});

/**
 * Distributed mode (issue 15): one row per installation. A workspace install is keyed by its team id;
 * an org-wide Enterprise Grid install by its enterprise id, and serves every workspace of the org
 * (workspaces.enterprise_id). Tokens are sealed (src/secrets.ts): never stored in clear.
 */
export const installations = sqliteTable(
  'installations',
  {
    /** The team id, or the enterprise id of an org-wide install. */
    installationId: text('installation_id').primaryKey(),
    teamId: text('team_id'),
    enterpriseId: text('enterprise_id'),
    isEnterpriseInstall: integer('is_enterprise_install', { mode: 'boolean' }).notNull().default(false),
    appId: text('app_id'),
    teamName: text('team_name'),
    enterpriseName: text('enterprise_name'),
    enterpriseUrl: text('enterprise_url'),
    installerUserId: text('installer_user_id'),
    botId: text('bot_id').notNull(),
    botUserId: text('bot_user_id').notNull(),
    /** Comma-separated, as Slack grants them. */
    botScopes: text('bot_scopes').notNull().default(''),
    /** Sealed bot token. */
    botToken: text('bot_token').notNull(),
    /** Sealed refresh token; null unless token rotation is on. */
    botRefreshToken: text('bot_refresh_token'),
    /** When the bot token expires (epoch ms); null unless token rotation is on. */
    botTokenExpiresAt: integer('bot_token_expires_at'),
    /** Bumped by every change of the tokens: refreshes and re-installs are conditional on it. */
    tokenVersion: integer('token_version').notNull().default(1),
    /** A refresh in progress, leased like an outbox claim: one process at a time spends the refresh token. */
    refreshClaimedBy: text('refresh_claimed_by'),
    refreshClaimUntil: integer('refresh_claim_until'),
    installedAt: integer('installed_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('installations_enterprise_idx').on(t.enterpriseId)],
);

/** People and their preferences. The schedule columns drive the morning digest. */
export const users = sqliteTable(
  'users',
  {
    teamId: text('team_id').notNull(),
    userId: text('user_id').notNull(),
    displayName: text('display_name').notNull().default(''),
    isBot: integer('is_bot', { mode: 'boolean' }).notNull().default(false),
    deleted: integer('deleted', { mode: 'boolean' }).notNull().default(false),
    /** IANA zone from the Slack profile, stored verbatim. */
    slackTz: text('slack_tz'),
    /** Person's own override; wins over slackTz when set. */
    tzOverride: text('tz_override'),
    workdayStartMinute: integer('workday_start_minute').notNull().default(540),
    workdayEndMinute: integer('workday_end_minute').notNull().default(1020),
    /** Bitmask, bit d = weekday d (0 = Sunday). Default Mon–Fri. */
    workingDays: integer('working_days').notNull().default(0b0111110),
    digestEnabled: integer('digest_enabled', { mode: 'boolean' }).notNull().default(true),
    deflectionEnabled: integer('deflection_enabled', { mode: 'boolean' }).notNull().default(true),
    /** Away on local dates before this one; digests resume on it. */
    awayUntil: text('away_until'),
    /** Whose public holidays are days off: null = none chosen yet (off), 'off' = none, else 'PT', 'DE-BY'… */
    holidayRegion: text('holiday_region'),
    /** Away by their Slack status (out of office, vacation, sick…) on local dates before this one. */
    statusAwayUntil: text('status_away_until'),
    statusAwayKind: text('status_away_kind'),
    /** The Slack status that reads as away, as a key (domain/awayStatus.ts statusKey); null when it does not. */
    statusAwayKey: text('status_away_key'),
    /** The status key the person said "I'm not away" to: while the status keeps it, it does not count. */
    statusAwayDismissed: text('status_away_dismissed'),
    /** A workspace admin or owner by their Slack profile (users.info / user_change); shown admin settings. Checked live before any admin change. */
    isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
    /** Chosen by an admin to get the weekly async-health report. */
    weeklyReport: integer('weekly_report', { mode: 'boolean' }).notNull().default(false),
    /** The ISO week ('2027-W11') of the last weekly report planned for them: one per week. */
    reportWeek: text('report_week'),
    /** A link to the last weekly report sent to them (its file), for App Home. */
    reportLink: text('report_link'),
    nextDigestAt: integer('next_digest_at'),
    nextDigestLocalDate: text('next_digest_local_date'),
    lastDigestLocalDate: text('last_digest_local_date'),
    lastDigestAt: integer('last_digest_at'),
    lastDeflectionAt: integer('last_deflection_at'),
    profileFetchedAt: integer('profile_fetched_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
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

export const HANDOFF_STATES = ['open', 'acknowledged', 'done', 'declined', 'cancelled'] as const;

export const handoffs = sqliteTable(
  'handoffs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    teamId: text('team_id').notNull(),
    /** Per-workspace number people type (`/handoff done 12`). */
    number: integer('number').notNull(),
    authorId: text('author_id').notNull(),
    title: text('title').notNull(),
    context: text('context').notNull().default(''),
    ask: text('ask').notNull(),
    links: text('links').notNull().default(''),
    ifOffline: text('if_offline').notNull().default(''),
    neededByAt: integer('needed_by_at'),
    urgent: integer('urgent', { mode: 'boolean' }).notNull().default(false),
    state: text('state', { enum: HANDOFF_STATES }).notNull().default('open'),
    channelId: text('channel_id'),
    channelTs: text('channel_ts'),
    sourcePermalink: text('source_permalink'),
    resolutionNote: text('resolution_note'),
    resolvedBy: text('resolved_by'),
    resolvedAt: integer('resolved_at'),
    /** When the author learned the outcome (live DM or digest); null = still to tell them. */
    authorNotifiedAt: integer('author_notified_at'),
    /** When the author's digest said its "needed by" is less than a working day away for someone on it (once). */
    neededByWarnedAt: integer('needed_by_warned_at'),
    /** Guards against double submission of the same modal / retried command. */
    idempotencyKey: text('idempotency_key'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('handoffs_team_number_uq').on(t.teamId, t.number),
    uniqueIndex('handoffs_team_idem_uq').on(t.teamId, t.idempotencyKey),
    index('handoffs_author_idx').on(t.teamId, t.authorId, t.state),
    // Every new handoff counts and compares its author's recent ones: by time, not all of their history.
    index('handoffs_author_created_idx').on(t.teamId, t.authorId, t.createdAt),
    // The "you're unblocked" lookup of every digest: resolved asks whose author was not told yet.
    index('handoffs_untold_idx').on(t.teamId, t.authorId).where(sql`${t.authorNotifiedAt} is null and ${t.state} in ('done', 'declined')`),
  ],
);

export const handoffRecipients = sqliteTable(
  'handoff_recipients',
  {
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'cascade' }),
    /** The handoff's workspace (whose data the row is: exported and purged with it). */
    teamId: text('team_id').notNull(),
    userId: text('user_id').notNull(),
    /**
     * The recipient's own workspace, where their digest, App Home and list show the ask: the handoff's,
     * or, in an Enterprise Grid org served by one org-wide install, a sibling workspace they belong to.
     */
    recipientTeamId: text('recipient_team_id').notNull(),
    /** False once the handoff was reassigned away from this person. */
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    notifiedAt: integer('notified_at'),
    snoozedUntilDate: text('snoozed_until_date'),
    addedAt: integer('added_at').notNull(),
    /** The order the author listed people in; every surface names them in this order. */
    position: integer('position').notNull().default(0),
    /** When the author's digest offered "nudge, reassign or cancel?" for this person's silence (once). */
    staleOfferedAt: integer('stale_offered_at'),
    /** The recipient's local date whose digest the author's last nudge put this ask first in. */
    nudgedOn: text('nudged_on'),
    /**
     * Copies of the handoff's "still open" (open or acknowledged) and its creation time, kept in step
     * by every write of its state: "waiting on you", oldest first, then reads one index in order
     * instead of joining and sorting every ask the person was ever on.
     */
    handoffOpen: integer('handoff_open', { mode: 'boolean' }).notNull().default(true),
    handoffCreatedAt: integer('handoff_created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.handoffId, t.userId] }),
    index('recipients_waiting_idx').on(t.recipientTeamId, t.userId, t.active, t.handoffOpen, t.handoffCreatedAt, t.handoffId),
    // A workspace's rows (its handoffs' recipients): export and the purge after an uninstall read by it.
    index('recipients_team_idx').on(t.teamId),
  ],
);

/** Append-only log of every change, written in the same transaction as the change. */
export const handoffEvents = sqliteTable(
  'handoff_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    teamId: text('team_id').notNull(),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'cascade' }),
    actorId: text('actor_id').notNull(),
    kind: text('kind').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    note: text('note'),
    detail: text('detail'),
    at: integer('at').notNull(),
  },
  (t) => [
    index('events_handoff_idx').on(t.handoffId),
    // The async-health report reads a workspace's events of a period (db/queries/health.ts).
    index('events_team_at_idx').on(t.teamId, t.at),
  ],
);

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;

/**
 * Durable delivery outbox. `dedupe_key` is unique per team: one digest per (person, local date),
 * one live DM per (handoff, person, reason), so retries and restarts never send twice. Several
 * processes may drain it at once (a rolling deploy): claims are leases, see db/queries/outbox.ts.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    teamId: text('team_id').notNull(),
    kind: text('kind', { enum: ['digest', 'dm', 'channel_post', 'channel_update', 'report'] }).notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    userId: text('user_id'),
    channelId: text('channel_id'),
    handoffId: integer('handoff_id'),
    localDate: text('local_date'),
    payload: text('payload').notNull().default('{}'),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    messageTs: text('message_ts'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    sentAt: integer('sent_at'),
    /**
     * A 'sending' row is leased: `claimed_by` names the process start holding it, `lease_until` (epoch
     * ms) is when others may take it over unless the holder renews it. Null on every other status.
     */
    claimedBy: text('claimed_by'),
    leaseUntil: integer('lease_until'),
    /** When the holder started the Slack call that may post this row; null while it has not. */
    postingSince: integer('posting_since'),
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

/** Meeting-deflection prompts and their outcomes. No message text is kept. */
export const deflections = sqliteTable(
  'deflections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    teamId: text('team_id').notNull(),
    userId: text('user_id').notNull(),
    channelId: text('channel_id').notNull(),
    threadTs: text('thread_ts').notNull(),
    messageTs: text('message_ts').notNull(),
    reason: text('reason').notNull(),
    /** The proposal's text and mentions, kept only until the person picks an outcome (or 24 h). */
    pendingText: text('pending_text'),
    pendingMentions: text('pending_mentions'),
    outcome: text('outcome', { enum: ['shown', 'converted', 'kept', 'dismissed', 'muted', 'failed'] })
      .notNull()
      .default('shown'),
    handoffId: integer('handoff_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('deflections_thread_uq').on(t.teamId, t.channelId, t.threadTs, t.userId),
    // The async-health report reads a workspace's prompts of a period (db/queries/health.ts).
    index('deflections_team_created_idx').on(t.teamId, t.createdAt),
  ],
);

export const deflectionMutes = sqliteTable(
  'deflection_mutes',
  {
    teamId: text('team_id').notNull(),
    userId: text('user_id').notNull(),
    channelId: text('channel_id').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId, t.channelId] })],
);

/**
 * Who is in each channel thread, from the message events Handoff receives (issue 15: not read back
 * from Slack's history): the thread's starter, the people who replied, the people its messages
 * mention (apps and Handoff itself left out). A message without replies is its own thread.
 * Meeting deflection pre-fills a thread's people from here. `last_seen_at` moves at most hourly
 * (a busy thread costs reads, not writes); rows not seen for 30 days are deleted in slices.
 */
export const threadParticipants = sqliteTable(
  'thread_participants',
  {
    teamId: text('team_id').notNull(),
    channelId: text('channel_id').notNull(),
    /** The ts of the thread's first message. */
    threadTs: text('thread_ts').notNull(),
    userId: text('user_id').notNull(),
    /** Wrote the thread's first message (seen, or named by a reply's parent_user_id). */
    started: integer('started', { mode: 'boolean' }).notNull().default(false),
    /** Seen in the thread's first message itself (wrote it or named in it): Handoff saw the thread begin. */
    inParent: integer('in_parent', { mode: 'boolean' }).notNull().default(false),
    firstSeenAt: integer('first_seen_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.channelId, t.threadTs, t.userId] }), index('thread_participants_seen_idx').on(t.lastSeenAt)],
);

/** Event ids already handled, so a Slack retry or double delivery is a no-op. */
export const processedEvents = sqliteTable(
  'processed_events',
  {
    teamId: text('team_id').notNull(),
    eventId: text('event_id').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.eventId] }), index('processed_events_at_idx').on(t.at)],
);

/**
 * Each workspace's delivery pace, shared by every process that sends to it (Slack's limits are per
 * workspace, not per process): the adaptive pace of delivery/rateLimiter.ts as a row. Senders reserve
 * send slots from it and report 429s and successes to it; `version` makes each write a compare-and-set,
 * so two processes never act on the same reading. Instants are epoch ms; `last_slot_at` is fractional
 * (slots are 1000/rate ms apart).
 */
export const deliveryPace = sqliteTable('delivery_pace', {
  teamId: text('team_id').primaryKey(),
  /** Raised by every write; a write applies only to the version it read. */
  version: integer('version').notNull(),
  /** Sends per second allowed now. */
  rate: real('rate').notNull(),
  /** The last send slot handed out; the next one is a spacing after it, at the pace of then. */
  lastSlotAt: real('last_slot_at'),
  /** Nobody sends before this (a 429's Retry-After). */
  pausedUntil: integer('paused_until'),
  /** What got through in the second before the last 429 that slowed the pace: Slack's limit, as seen. */
  limitSeen: real('limit_seen'),
  /** The share of limit_seen the pace settles at (lowered by 429s at it). */
  settleShare: real('settle_share').notNull(),
  /** How long without a 429 before the pace probes past the settle pace. */
  probeAfterMs: integer('probe_after_ms').notNull(),
  lastLimitedAt: integer('last_limited_at'),
  /** The last 429 at or under the settle pace. */
  lastSettleLimitedAt: integer('last_settle_limited_at'),
  /** When the pace was last raised (or considered for it). */
  adjustedAt: integer('adjusted_at').notNull(),
  /** What the two lists below count from. */
  windowStart: integer('window_start').notNull(),
  /** The slots handed out for the last second and ahead, as ms after window_start ("3,24,45,…"): the pace in use. */
  takenAt: text('taken_at').notNull(),
  /** When sends went through in the last second, likewise: what Slack accepted. */
  sentAt: text('sent_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
