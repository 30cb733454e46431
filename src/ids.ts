/** Every Slack identifier the app defines (action_id, callback_id, block_id, …), in one place. */

export const COMMAND = '/handoff';

export const CallbackIds = {
  handoffModal: 'handoff_modal',
  resolveModal: 'handoff_resolve_modal',
  reassignModal: 'handoff_reassign_modal',
  settingsModal: 'settings_modal',
  adminSettingsModal: 'admin_settings_modal',
  agendaModal: 'deflection_agenda_modal',
  handThisOffShortcut: 'hand_this_off',
} as const;

export const ActionIds = {
  // Handoff lifecycle buttons; the button value is the handoff id.
  acknowledge: 'handoff_ack',
  complete: 'handoff_done',
  decline: 'handoff_decline',
  reassign: 'handoff_reassign',
  cancel: 'handoff_cancel',
  snooze: 'handoff_snooze',
  // For the author of a declined handoff: write it again, pre-filled, as a new handoff.
  rewrite: 'handoff_rewrite',
  // For the author of an ask a recipient left unanswered: first in their next digest. Value: `<handoff id>:<user id>`.
  nudge: 'handoff_nudge',
  newHandoff: 'home_new_handoff',
  openSettings: 'home_open_settings',
  // App Home, shown to workspace admins only (and checked again on click and on save).
  openAdminSettings: 'home_open_admin_settings',
  // Inside the handoff modal.
  recipientsSelect: 'recipients_select',
  // Meeting deflection prompt.
  deflectWrite: 'deflect_write_handoff',
  deflectKeep: 'deflect_keep_meeting',
  deflectNotNow: 'deflect_not_now',
  deflectMuteChannel: 'deflect_mute_channel',
  deflectUnmuteChannel: 'deflect_unmute_channel',
} as const;

/** Blocks of a handoff card, keyed by handoff so several cards can share a message and be refreshed in place. */
export const CardBlockIds = {
  meta: (handoffId: number) => `handoff_meta_${handoffId}`,
  actions: (handoffId: number) => `handoff_actions_${handoffId}`,
  /** The author's "nudge, reassign or cancel?" about one recipient's silence. */
  unanswered: (handoffId: number, userId: string) => `handoff_unanswered_${handoffId}_${userId}`,
} as const;

/** block_id / action_id pairs of modal inputs, read back on submission. */
export const HandoffModalFields = {
  recipients: { block: 'recipients', action: 'recipients_select' },
  title: { block: 'title', action: 'title_input' },
  context: { block: 'context', action: 'context_input' },
  ask: { block: 'ask', action: 'ask_input' },
  links: { block: 'links', action: 'links_input' },
  neededBy: { block: 'needed_by', action: 'needed_by_input' },
  ifOffline: { block: 'if_offline', action: 'if_offline_input' },
  channel: { block: 'channel', action: 'channel_input' },
  urgent: { block: 'urgent', action: 'urgent_input' },
  recipientTimes: { block: 'recipient_times' },
} as const;

export const ResolveModalFields = {
  note: { block: 'note', action: 'note_input' },
} as const;

export const ReassignModalFields = {
  to: { block: 'reassign_to', action: 'reassign_to_select' },
  note: { block: 'reassign_note', action: 'reassign_note_input' },
} as const;

export const SettingsModalFields = {
  tz: { block: 'tz', action: 'tz_select' },
  start: { block: 'start', action: 'start_time' },
  end: { block: 'end', action: 'end_time' },
  days: { block: 'days', action: 'days_select' },
  digest: { block: 'digest', action: 'digest_toggle' },
  deflection: { block: 'deflection', action: 'deflection_toggle' },
  awayUntil: { block: 'away_until', action: 'away_until_date' },
  holidayRegion: { block: 'holiday_region', action: 'holiday_region_select' },
  holidayRegionCode: { block: 'holiday_region_code', action: 'holiday_region_code_input' },
  notAway: { block: 'not_away', action: 'not_away_toggle' },
  stopWeeklyReport: { block: 'stop_weekly_report', action: 'stop_weekly_report_toggle' },
} as const;

export const AdminSettingsFields = {
  reportRecipients: { block: 'report_recipients', action: 'report_recipients_select' },
  staleAfter: { block: 'stale_after', action: 'stale_after_select' },
} as const;

export const AgendaModalFields = {
  agenda: { block: 'agenda', action: 'agenda_input' },
} as const;

/** event_type of message metadata on the bot's own messages; lets crash recovery find what was sent. */
export const MetadataEventTypes = {
  digest: 'handoff_digest',
  notification: 'handoff_notification',
} as const;

/**
 * The bot scopes an "Add to Slack" install asks for (distributed mode); manifest.yml grants the same
 * (test/unit/manifest.test.ts keeps them equal).
 */
export const BOT_SCOPES = ['commands', 'chat:write', 'im:write', 'im:history', 'users:read', 'channels:history', 'groups:history', 'files:write'] as const;
