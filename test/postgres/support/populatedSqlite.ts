/**
 * A SQLite database filled through the app's own query functions (the paths production writes
 * through), with the awkward values a copy can get wrong: unicode and emoji, newlines and quotes,
 * nulls next to set values, JSON with unsorted keys and nesting, booleans both ways, instants with
 * milliseconds, local dates, and an AUTOINCREMENT counter ahead of the highest remaining id.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, runMigrations, type DbHandle } from '../../../src/db/client';
import { applyDecision, createHandoff, logEvent, snoozeForRecipient, setChannelPost, markAuthorNotified, markRecipientNotified } from '../../../src/db/queries/handoffs';
import { enqueue, deleteFinishedBefore } from '../../../src/db/queries/outbox';
import { createPace, updatePace } from '../../../src/db/queries/pace';
import { updateUser, upsertProfile } from '../../../src/db/queries/users';
import { setWorkspaceStatus } from '../../../src/db/queries/workspaces';
import { claimTokenRefresh, linkWorkspaceToEnterprise, saveInstallation } from '../../../src/db/queries/installations';
import { firstSightOfEvent, mute, reservePrompt, setOutcome, setPending, setWorkspaceDeflection } from '../../../src/db/queries/deflections';
import { recordThreadParticipants } from '../../../src/db/queries/threadParticipants';
import { decide } from '../../../src/domain/handoffLifecycle';
import type { HandoffDraft } from '../../../src/domain/handoffDraft';

export const T = 'T0001';
export const T2 = 'T0002';
/** An instant with milliseconds, so truncation to seconds would show. */
export const AT = Date.UTC(2026, 10, 30, 8, 59, 59, 987);
export const UNICODE_TITLE = "Übergabe: 日本語 — “quotes” 'apos' \u{1F680} naïve café";

const draft = (authorId: string, recipientIds: string[], over: Partial<HandoffDraft> = {}): HandoffDraft => ({
  authorId,
  recipientIds,
  title: 'Release checklist',
  context: 'Line one\nLine two\twith a tab',
  ask: 'Please review',
  links: '',
  ifOffline: '',
  neededByAt: null,
  channelId: null,
  urgent: false,
  ...over,
});

function people(db: DbHandle['db']): void {
  const at = new Date(AT);
  upsertProfile(db, T, 'UALICE', { displayName: 'Alice Ångström', isBot: false, deleted: false, slackTz: 'Europe/Berlin' }, at);
  upsertProfile(db, T, 'UBOB', { displayName: 'ボブ', isBot: false, deleted: false, slackTz: 'Asia/Tokyo' }, at);
  upsertProfile(db, T, 'UCARLA', { displayName: 'Carla 🌮', isBot: false, deleted: true, slackTz: null }, at);
  upsertProfile(db, T, 'UBOT', { displayName: 'deploy-bot', isBot: true, deleted: false, slackTz: null }, at);
  upsertProfile(db, T2, 'UALICE', { displayName: 'Alice (other workspace)', isBot: false, deleted: false, slackTz: 'America/St_Johns' }, at);
  // Keys whose order differs between PostgreSQL's usual collations, UTF-16 and UTF-8 bytes: verification
  // walks both sides in one key order, so a disagreement would show as rows missing on one side.
  for (const id of ['Ua', 'UB', 'Ué', 'U\u{1F600}', 'U\uFF21', 'u-lower']) upsertProfile(db, T, id, { displayName: id, isBot: false, deleted: false, slackTz: null }, at);
  updateUser(
    db,
    T,
    'UBOB',
    {
      tzOverride: 'Asia/Kolkata',
      awayUntil: '2026-12-24',
      workdayStartMinute: 570,
      workingDays: 0b1111111,
      digestEnabled: false,
      nextDigestAt: AT + 3_600_001,
      nextDigestLocalDate: '2026-12-25',
    },
    new Date(AT + 1),
  );
}

function handoffs(db: DbHandle['db']): number[] {
  const ids: number[] = [];
  const create = (d: HandoffDraft, key: string | null) =>
    db.transaction((tx) => {
      const r = createHandoff(tx, T, d, new Date(AT + ids.length), { idempotencyKey: key, sourcePermalink: key ? `https://x.slack.com/archives/C1/p${key}` : null });
      if (r.status !== 'created') throw new Error(`fixture handoff not created: ${r.status}`);
      ids.push(r.handoff.id);
      return r.handoff;
    });
  const first = create(
    draft('UALICE', ['UBOB', 'UCARLA'], { title: UNICODE_TITLE, urgent: true, neededByAt: new Date(AT + 86_400_123), channelId: 'C1', links: 'https://example.com/?q=a&b="c"' }),
    'view-1',
  );
  create(draft('UBOB', ['UALICE']), null);
  const third = create(draft('UALICE', ['UBOB'], { ask: 'Take this over', ifOffline: 'ping Carla' }), 'view-3');
  // Lifecycle changes: done with a note, reassigned (recipient rows flip to inactive, a JSON event detail).
  const done = decide({ state: 'open', authorId: 'UALICE', activeRecipients: ['UBOB', 'UCARLA'] }, 'UBOB', { kind: 'complete', note: 'Fertig ✅' });
  if (!done.ok) throw new Error(done.message);
  db.transaction((tx) =>
    applyDecision(tx, { teamId: T, handoffId: first.id, actorId: 'UBOB', decision: done, expectedState: 'open', note: 'Fertig ✅', now: new Date(AT + 5_001) }),
  );
  const moved = decide({ state: 'open', authorId: 'UALICE', activeRecipients: ['UBOB'] }, 'UBOB', { kind: 'reassign', to: 'UCARLA' });
  if (!moved.ok) throw new Error(moved.message);
  db.transaction((tx) => applyDecision(tx, { teamId: T, handoffId: third.id, actorId: 'UBOB', decision: moved, expectedState: 'open', note: null, now: new Date(AT + 6_002) }));
  markAuthorNotified(db, T, [first.id], new Date(AT + 7_003));
  markRecipientNotified(db, third.id, 'UCARLA', new Date(AT + 7_004));
  snoozeForRecipient(db, first.id, 'UCARLA', '2026-12-01');
  setChannelPost(db, first.id, 'C1', '1764493199.000100');
  logEvent(db, { teamId: T, handoffId: third.id, actorId: 'UBOT', kind: 'reminded', note: 'a note with "quotes" and \\ backslash', at: new Date(AT + 8_005) });
  return ids;
}

function deliveries(db: DbHandle['db'], handoffIds: number[]): void {
  const at = new Date(AT);
  enqueue(
    db,
    {
      teamId: T,
      kind: 'digest',
      dedupeKey: 'digest:UALICE:2026-11-30',
      userId: 'UALICE',
      localDate: '2026-11-30',
      payload: { z: 1, a: { y: [1, 2.5, 'ß'], b: null }, emoji: '🎉' },
    },
    at,
  );
  enqueue(
    db,
    {
      teamId: T,
      kind: 'dm',
      dedupeKey: `dm:${handoffIds[0]}:UBOB:new`,
      userId: 'UBOB',
      handoffId: handoffIds[0],
      payload: { reason: 'new', text: 'line\nbreak' },
      nextAttemptAt: new Date(AT + 60_000),
    },
    at,
  );
  enqueue(db, { teamId: T, kind: 'channel_post', dedupeKey: `post:${handoffIds[0]}`, channelId: 'C1', handoffId: handoffIds[0], lastError: 'unverified: timed out' }, at);
  // The newest row is finished and then removed by retention: AUTOINCREMENT's counter is now past the highest id left.
  enqueue(db, { teamId: T, kind: 'dm', dedupeKey: 'dm:gone', userId: 'UBOB', status: 'skipped' }, at);
  deleteFinishedBefore(db, AT + 1, 10);
  // A workspace's shared pace: fractional rates and slot instants (doubles), nulls beside set instants.
  const pace = {
    rate: 48.5,
    lastSlotAt: AT + 20.618556701030926,
    pausedUntil: null,
    limitSeen: null,
    settleShare: 0.97,
    probeAfterMs: 30_000,
    lastLimitedAt: null,
    lastSettleLimitedAt: null,
    adjustedAt: AT,
    windowStart: AT - 999,
    takenAt: '3,24,45,66,86,107,128',
    sentAt: '1,22,43,64,85',
  };
  createPace(db, T, pace, at);
  updatePace(db, T, 1, { ...pace, pausedUntil: AT + 3_000, limitSeen: 50.25, lastLimitedAt: AT + 1 }, new Date(AT + 1));
}

function deflectionsAndEvents(db: DbHandle['db'], handoffIds: number[]): void {
  const at = new Date(AT);
  const shown = reservePrompt(db, { teamId: T, userId: 'UALICE', channelId: 'C1', threadTs: '1764493100.000200', messageTs: '1764493100.000201', reason: 'meeting' }, at, 0);
  const converted = reservePrompt(db, { teamId: T, userId: 'UBOB', channelId: 'C2', threadTs: '1764493100.000300', messageTs: '1764493100.000301', reason: 'call' }, at, 0);
  if (shown === null || converted === null) throw new Error('fixture prompts not reserved');
  setPending(db, shown, 'Können wir kurz telefonieren? 📞', ['UBOB', 'UCARLA']);
  setOutcome(db, converted, 'converted', new Date(AT + 9_006), handoffIds[1]);
  mute(db, T, 'UBOB', 'C3', at);
  setWorkspaceStatus(db, T2, 'tokens_revoked', new Date(AT + 10_007));
  setWorkspaceDeflection(db, T2, false);
  firstSightOfEvent(db, T, 'Ev0001', at);
  firstSightOfEvent(db, T2, 'Ev0001', new Date(AT + 1));
  // A thread's people: flags on and off, a last-seen moved past the first.
  recordThreadParticipants(
    db,
    [
      { teamId: T, channelId: 'C1', threadTs: '1764493100.000200', userId: 'UALICE', started: true, inParent: true },
      { teamId: T, channelId: 'C1', threadTs: '1764493100.000200', userId: 'UBOB', started: false, inParent: true },
    ],
    at,
  );
  recordThreadParticipants(db, [{ teamId: T, channelId: 'C1', threadTs: '1764493100.000200', userId: 'UCARLA', started: false, inParent: false }], new Date(AT + 11_008));
  recordThreadParticipants(db, [{ teamId: T, channelId: 'C1', threadTs: '1764493100.000200', userId: 'UBOB', started: false, inParent: false }], new Date(AT + 7_200_000));
}

/** A workspace install with token rotation and a live refresh lease, and an org-wide one without rotation. */
function installations(db: DbHandle['db']): void {
  const at = new Date(AT);
  const sealed = (what: string) => `hk1.0123456789abcdef.${what}.Zm9v.YmFy`;
  saveInstallation(
    db,
    {
      installationId: T,
      teamId: T,
      enterpriseId: null,
      isEnterpriseInstall: false,
      appId: 'A1',
      teamName: UNICODE_TITLE,
      enterpriseName: null,
      enterpriseUrl: null,
      installerUserId: 'UALICE',
      botId: 'B1',
      botUserId: 'UBOT1',
      botScopes: 'chat:write,commands',
      botToken: sealed('bot'),
      botRefreshToken: sealed('refresh'),
      botTokenExpiresAt: AT + 12 * 3600_000,
    },
    at,
  );
  claimTokenRefresh(db, T, 1, { claimant: 'host#ns#1#beef', until: AT + 30_001 }, at);
  saveInstallation(
    db,
    {
      installationId: 'E0001',
      teamId: null,
      enterpriseId: 'E0001',
      isEnterpriseInstall: true,
      appId: 'A1',
      teamName: null,
      enterpriseName: 'Org',
      enterpriseUrl: 'https://org.enterprise.slack.com/',
      installerUserId: null,
      botId: 'B2',
      botUserId: 'WBOT2',
      botScopes: '',
      botToken: sealed('org'),
      botRefreshToken: null,
      botTokenExpiresAt: null,
    },
    new Date(AT + 1),
  );
  linkWorkspaceToEnterprise(db, T2, 'E0001', at);
}

export interface PopulatedSqlite {
  file: string;
  handle: DbHandle;
  close(): void;
}

export function populatedSqlite(): PopulatedSqlite {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-pg-migrate-')), 'handoff.db');
  const handle = openDatabase(file);
  runMigrations(handle);
  people(handle.db);
  const ids = handoffs(handle.db);
  deliveries(handle.db, ids);
  deflectionsAndEvents(handle.db, ids);
  installations(handle.db);
  return {
    file,
    handle,
    close: () => {
      handle.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  };
}
