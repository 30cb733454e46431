/**
 * How each kind of outbox row becomes a Slack message. Content is rendered at send time from the
 * database, so a DM never shows a stale state and a cancelled handoff is not announced. What a
 * message told (e.g. which handoffs a digest listed) is recorded by `afterSent`, in the transaction
 * that marks the row sent, so a crash can never leave "sent" and "told" disagreeing.
 */
import type { WebClient } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import type { OutboxRow } from '../db/queries/outbox';
import { activeRecipientIds, type HandoffWithRecipients } from '../db/queries/handoffs';
import type { DigestHistoryBefore } from '../db/queries/dueDigests';
import type { Store, Tx } from '../db/store';
import { otherWorkspaceNames, usersOf } from '../db/lookups';
import type { Clock } from '../clock';
import { MetadataEventTypes } from '../ids';
import { isClosed } from '../domain/handoffLifecycle';
import { handoffCard, handoffFallbackText } from '../views/handoffCard';
import { mention, safeMrkdwn } from '../views/text';
import { explainSlackError } from '../slack/errors';
import type { DeliveryHandlers, DeliveryResult, Pace } from './outbox';
import type { DigestBuilder } from './digestBuilder';
import { encodePosted } from './postedMessage';
import type { DigestLateness } from '../views/digestMessage';
import { peopleOnCards, whereIsFrom } from '../views/whereIs';
import { reportFileName } from '../views/weeklyReport';

export type DmReason = 'new' | 'reassigned' | 'unblocked' | 'notice';

interface DmPayload {
  reason?: DmReason;
  text?: string;
  /** The handoff's workspace, when the row is the recipient's own, a sibling of the same org. */
  handoffTeamId?: string;
}

/** A digest row's payload: its deadline (set by the sweep) and, once built, what it tells. */
export interface DigestPayload {
  /** The scheduled instant of this digest (epoch ms). */
  slotAt?: number;
  /** Past this instant (slot + catch-up window) the digest is skipped rather than sent late. */
  sendBy?: number;
  /** Planned ahead of its slot: the person's digest history before (see db/queries/dueDigests.ts unplanDigest). */
  before?: DigestHistoryBefore;
  told?: { unblocked: number[]; waiting: number[]; offered?: Array<{ handoffId: number; userId: string }>; neededBy?: number[] };
}

/** What a weekly-report row carries: its ISO week and period (epoch ms), the reader's zone, and once sent a link to it. */
export interface ReportPayload {
  week: string;
  from: number;
  to: number;
  tz: string;
  /** The end of the shift it was planned in: never sent after it (never at night). */
  sendBy: number;
  link?: string;
}

export function reportPayloadOf(row: Pick<OutboxRow, 'payload'>): ReportPayload | null {
  const p = parsePayload<Partial<ReportPayload>>(row);
  return typeof p.week === 'string' && typeof p.from === 'number' && typeof p.to === 'number' && typeof p.tz === 'string' && typeof p.sendBy === 'number'
    ? (p as ReportPayload)
    : null;
}

/** A weekly report as sent: its text, and the chart as a PNG file (none for a week with nothing in it). */
export interface WeeklyReportContent {
  text: string;
  chart: { png: Buffer; filename: string; title: string } | null;
}

/** Computes a report row's content at send time (services/weeklyReports.ts); null: do not send it. */
export interface WeeklyReportRenderer {
  render(row: OutboxRow): Promise<WeeklyReportContent | null>;
}

/** A digest this late says so (a tick runs every 30 s, so a few minutes is not "late" to anyone). */
const LATE_NOTE_AFTER_MS = 10 * 60_000;
/** Enqueued this long after its slot: no sweep ran at the slot, i.e. Handoff was not running. */
const QUEUED_LATE_MS = 2 * 60_000;

/** How much DM/channel history crash recovery reads at most when looking for a message. */
export interface HistoryReadPlan {
  pages: number;
  pageSize: number;
}
const FULL_READ: HistoryReadPlan = { pages: 5, pageSize: 100 };

function parsePayload<T>(row: Pick<OutboxRow, 'payload'>): T {
  try {
    return (JSON.parse(row.payload) ?? {}) as T;
  } catch {
    return {} as T;
  }
}

/** The first file's permalink in a filesUploadV2 answer (one completion per file). */
function permalinkOf(uploaded: unknown): string | null {
  const completions = (uploaded as { files?: Array<{ files?: Array<{ permalink?: unknown }> }> }).files ?? [];
  const link = completions[0]?.files?.[0]?.permalink;
  return typeof link === 'string' ? link : null;
}

function outboxIdOf(message: unknown): number | null {
  const payload = (message as { metadata?: { event_payload?: { outbox_id?: unknown } } }).metadata?.event_payload;
  const id = Number(payload?.outbox_id);
  return payload && Number.isSafeInteger(id) ? id : null;
}

const noWait: Pace = async () => undefined;

/** Thrown to retry later without it being a Slack error (e.g. channel post not made yet). */
class NotYet extends Error {
  readonly code = 'not_yet';
}

export class SlackDeliveries implements DeliveryHandlers {
  constructor(
    private readonly store: Store,
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly digests: DigestBuilder,
    /** Under Slack's 1-a-minute limit for distributed apps, one page of 15 (see historyBudget.ts). */
    private readonly historyRead: HistoryReadPlan = FULL_READ,
    /** The weekly async-health report's content; without it report rows are skipped. */
    private readonly reports: WeeklyReportRenderer | null = null,
  ) {}

  async deliver(row: OutboxRow, pace: Pace): Promise<DeliveryResult> {
    switch (row.kind) {
      case 'dm':
        return this.dm(row, pace);
      case 'digest':
        return this.digest(row, pace);
      case 'channel_post':
        return this.channelPost(row, pace);
      case 'channel_update':
        return this.channelUpdate(row, pace);
      case 'report':
        return this.report(row, pace);
    }
  }

  /**
   * The weekly report: its text beside the chart, uploaded into the person's DM (files.getUploadURLExternal,
   * the bytes, files.completeUploadExternal with the DM's channel_id: @slack/web-api's filesUploadV2).
   * The file's permalink is kept for App Home. A week with nothing in it is one short message, no file.
   */
  private async report(row: OutboxRow, pace: Pace): Promise<DeliveryResult> {
    const content = this.reports ? await this.reports.render(row) : null;
    if (!content) return { status: 'skip', reason: 'no report for them' };
    const userId = row.userId!;
    if (!content.chart) {
      const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: content.text } }];
      return this.post(row, pace, userId, content.text, blocks, MetadataEventTypes.notification);
    }
    await pace();
    const opened = await this.client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (!channel) throw new NotYet('no DM channel');
    const uploaded = await this.client.filesUploadV2({
      channel_id: channel,
      file: content.chart.png,
      filename: content.chart.filename,
      title: content.chart.title,
      alt_text: 'Chart of time to unblock and meetings, week by week',
      initial_comment: content.text,
    });
    const link = permalinkOf(uploaded);
    if (link) await this.store.setPayload(row.id, { ...parsePayload<Record<string, unknown>>(row), link }, this.clock.now());
    // Slack gives no message ts for a file share; the file's permalink stands in for it.
    return { status: 'sent', ts: null };
  }

  /**
   * Posts as `row` (its id in the metadata, for crash recovery), after waiting for the rate limiter.
   * A DM whose cards have buttons is kept with the row (postedMessage.ts).
   */
  private async post(row: OutboxRow, pace: Pace, channel: string, text: string, blocks: KnownBlock[], eventType: string): Promise<DeliveryResult> {
    await pace();
    const res = await this.client.chat.postMessage({
      channel,
      text,
      blocks,
      unfurl_links: false,
      unfurl_media: false,
      metadata: { event_type: eventType, event_payload: { outbox_id: row.id, ...(row.localDate ? { local_date: row.localDate } : {}) } },
    });
    const ts = res.ts ?? null;
    // Only in a DM: a channel post is refreshed by the outbox from the handoff's own channel_ts.
    const inDm = res.channel?.startsWith('D') && blocks.some((b) => b.type === 'actions');
    const posted = ts && inDm ? encodePosted({ channel: res.channel!, text, blocks }) : undefined;
    return { status: 'sent', ts, ...(posted ? { posted } : {}) };
  }

  private async dm(row: OutboxRow, pace: Pace): Promise<DeliveryResult> {
    const payload = JSON.parse(row.payload) as DmPayload;
    const userId = row.userId!;
    if (payload.reason === 'notice') {
      const text = payload.text ?? '';
      const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
      return this.post(row, pace, userId, text, blocks, MetadataEventTypes.notification);
    }
    const h = row.handoffId ? await this.store.loadHandoff(payload.handoffTeamId ?? row.teamId, row.handoffId) : undefined;
    if (!h) return { status: 'skip', reason: 'handoff gone' };
    if (payload.reason === 'unblocked') {
      if (h.authorNotifiedAt || !(h.state === 'done' || h.state === 'declined')) return { status: 'skip', reason: 'already told' };
      // Your own action is never news to you (a note to self you completed).
      if (h.resolvedBy === userId) return { status: 'skip', reason: 'their own action' };
      const who = mention(h.resolvedBy ?? h.authorId);
      // A decline is the opposite of being unblocked: say so, and offer what to do next.
      const [lead, notice] =
        h.state === 'declined'
          ? [`:no_entry_sign: ${who} can’t do #${h.number} — reassign, rewrite or cancel?`, 'Declined']
          : [`:unlock: You’re unblocked: ${who} marked #${h.number} done.`, 'You’re unblocked on'];
      return this.notify(row, pace, userId, h, notice, lead);
    }
    if (isClosed(h.state) || !activeRecipientIds(h).includes(userId)) return { status: 'skip', reason: 'no longer for them' };
    const lead =
      payload.reason === 'reassigned' ? `:arrows_counterclockwise: This handoff was passed to you.` : `:incoming_envelope: ${mention(h.authorId)} handed this off to you.`;
    return this.notify(row, pace, userId, h, 'New handoff', lead);
  }

  /**
   * A DM about one handoff: `lead`, then its card; `notice` starts the notification text. Read in the DM's
   * workspace (the reader's): a colleague in a sibling workspace of the org reads it in theirs.
   */
  private async notify(row: OutboxRow, pace: Pace, viewerId: string, h: HandoffWithRecipients, notice: string, lead: string): Promise<DeliveryResult> {
    const [people, workspace] = await Promise.all([usersOf(this.store, peopleOnCards([h])), otherWorkspaceNames(this.store, row.teamId, [h])]);
    const blocks: KnownBlock[] = [
      { type: 'section', text: { type: 'mrkdwn', text: lead } },
      // A DM stays around: the city, not a clock time that would be stale by tomorrow.
      ...handoffCard(h, { viewerId, surface: 'dm', now: this.clock.now(), detail: 'full', whereIs: whereIsFrom((id) => people.get(id), null), workspace }),
    ];
    return this.post(row, pace, viewerId, handoffFallbackText(h, notice, workspace), blocks, MetadataEventTypes.notification);
  }

  private async digest(row: OutboxRow, pace: Pace): Promise<DeliveryResult> {
    // Nothing to say costs no rate budget: decided before waiting for the limiter, without building.
    if (!(await this.digests.hasNews(row.teamId, row.userId!, row.localDate!))) return { status: 'skip', reason: 'nothing to say' };
    await pace();
    // Built once its turn has come (in a big wave, or after a Retry-After, that can take a while): an
    // item resolved meanwhile is never shown as waiting, and each digest is built only once.
    const built = await this.digests.build(row.teamId, row.userId!, row.localDate!, this.lateness(row));
    if (!built) return { status: 'skip', reason: 'nothing to say' };
    // Written right before posting: if we crash after Slack has it, recovery still knows what it told.
    const payload: DigestPayload = {
      ...parsePayload<DigestPayload>(row),
      told: { unblocked: built.unblockedIds, waiting: built.waitingIds, offered: built.offered, neededBy: built.warnedNeededBy },
    };
    await this.store.setPayload(row.id, payload as Record<string, unknown>, this.clock.now());
    return this.post(row, noWait, row.userId!, built.message.text, built.message.blocks, MetadataEventTypes.digest);
  }

  /**
   * A digest going out more than LATE_NOTE_AFTER_MS after its slot says so, and why: queued late means
   * Handoff was not running at the slot; queued on time but sent late means Slack held it back.
   */
  private lateness(row: OutboxRow): DigestLateness | null {
    const slotAt = parsePayload<DigestPayload>(row).slotAt;
    if (typeof slotAt !== 'number' || this.clock.now().getTime() - slotAt <= LATE_NOTE_AFTER_MS) return null;
    return { slotAt, reason: row.createdAt - slotAt > QUEUED_LATE_MS ? 'offline' : 'slack' };
  }

  deadline(row: OutboxRow): number | null {
    if (row.kind === 'report') return reportPayloadOf(row)?.sendBy ?? null;
    if (row.kind !== 'digest') return null;
    const sendBy = parsePayload<DigestPayload>(row).sendBy;
    return typeof sendBy === 'number' ? sendBy : null;
  }

  async afterSent(tx: Tx, row: OutboxRow, ts: string | null, now: Date): Promise<void> {
    switch (row.kind) {
      case 'digest': {
        // Re-read: the payload was rewritten just before posting.
        const told = parsePayload<DigestPayload>((await tx.getOutboxRow(row.id)) ?? row).told;
        if (told) {
          await tx.markAuthorNotified(row.teamId, told.unblocked, now);
          for (const id of told.waiting) await tx.markRecipientNotified(id, row.userId!, now);
          for (const o of told.offered ?? []) await tx.markStaleOffered(o.handoffId, o.userId, now);
          await tx.markNeededByWarned(row.teamId, told.neededBy ?? [], now);
        }
        return;
      }
      case 'dm': {
        const reason = parsePayload<DmPayload>(row).reason;
        if (!row.handoffId || reason === 'notice') return;
        if (reason === 'unblocked') await tx.markAuthorNotified(row.teamId, [row.handoffId], now);
        else await tx.markRecipientNotified(row.handoffId, row.userId!, now);
        return;
      }
      case 'channel_post':
        if (ts && row.handoffId && row.channelId) await tx.setChannelPost(row.handoffId, row.channelId, ts);
        return;
      case 'channel_update':
        return;
      case 'report': {
        // Re-read: the link was written after the upload.
        const link = reportPayloadOf((await tx.getOutboxRow(row.id)) ?? row)?.link;
        if (link) await tx.updateUser(row.teamId, row.userId!, { reportLink: link }, now);
        return;
      }
    }
  }

  private async channelBlocks(h: HandoffWithRecipients): Promise<KnownBlock[]> {
    const people = await usersOf(this.store, peopleOnCards([h]));
    const nameOf = (userId: string) => people.get(userId)?.displayName || 'someone';
    return handoffCard(h, { viewerId: 'anyone', surface: 'channel', now: this.clock.now(), detail: 'full', nameOf });
  }

  private async channelPost(row: OutboxRow, pace: Pace): Promise<DeliveryResult> {
    const h = row.handoffId ? await this.store.loadHandoff(row.teamId, row.handoffId) : undefined;
    if (!h || !row.channelId) return { status: 'skip', reason: 'handoff gone' };
    return this.post(row, pace, row.channelId, handoffFallbackText(h, 'Handoff'), await this.channelBlocks(h), MetadataEventTypes.notification);
  }

  private async channelUpdate(row: OutboxRow, pace: Pace): Promise<DeliveryResult> {
    const h = row.handoffId ? await this.store.loadHandoff(row.teamId, row.handoffId) : undefined;
    if (!h || !h.channelId) return { status: 'skip', reason: 'no channel post' };
    if (!h.channelTs) {
      const post = await this.store.getOutboxRow(Number(JSON.parse(row.payload).postOutboxId ?? 0));
      if (post && (post.status === 'pending' || post.status === 'sending')) throw new NotYet('channel post not made yet');
      return { status: 'skip', reason: 'channel post failed' };
    }
    const blocks = await this.channelBlocks(h);
    await pace();
    const res = await this.client.chat.update({ channel: h.channelId, ts: h.channelTs, text: handoffFallbackText(h, 'Handoff'), blocks });
    return { status: 'sent', ts: res.ts ?? h.channelTs };
  }

  /**
   * Looks for this row's message in its conversation by metadata (outbox_id), newest first. Slack's
   * message timestamps come from Slack's clock, not ours, so nothing here compares the two: the scan
   * stops at our own message of a row known to have been sent before this one was created — anything
   * older cannot be it — or after a few pages.
   */
  async findDelivered(row: OutboxRow): Promise<string | null | undefined> {
    if (row.kind === 'channel_update') return null; // chat.update is idempotent: just do it again.
    let channel = row.channelId;
    // A report's chart is a file share, which carries no metadata: it is known by its file name.
    const reportFile = row.kind === 'report' ? reportPayloadOf(row)?.week : undefined;
    const fileName = reportFile ? reportFileName(reportFile) : null;
    if (row.kind === 'dm' || row.kind === 'digest' || row.kind === 'report') {
      const opened = await this.client.conversations.open({ users: row.userId! });
      channel = opened.channel?.id ?? null;
    }
    if (!channel) return undefined;
    let cursor: string | undefined;
    for (let page = 0; page < this.historyRead.pages; page++) {
      const history = await this.client.conversations.history({ channel, include_all_metadata: true, limit: this.historyRead.pageSize, ...(cursor ? { cursor } : {}) });
      for (const m of history.messages ?? []) {
        if (fileName && (m.files ?? []).some((f) => f.name === fileName)) return m.ts ?? null;
        const id = outboxIdOf(m);
        if (id === null) continue;
        if (id === row.id) return m.ts ?? null;
        if (await this.sentBefore(id, row.createdAt)) return null;
      }
      cursor = history.response_metadata?.next_cursor || undefined;
      if (!history.has_more || !cursor) return null;
    }
    return null;
  }

  private async sentBefore(outboxId: number, instant: number): Promise<boolean> {
    const other = await this.store.getOutboxRow(outboxId);
    return !!other && other.status === 'sent' && other.sentAt !== null && other.sentAt < instant;
  }

  /** A channel post that cannot be made is explained to the author in plain words. */
  async onFailed(row: OutboxRow, code: string): Promise<void> {
    if (row.kind !== 'channel_post' || !row.handoffId) return;
    const h = await this.store.loadHandoff(row.teamId, row.handoffId);
    if (!h) return;
    const text = `I couldn’t post handoff #${h.number} (“${safeMrkdwn(h.title, 200)}”) in <#${row.channelId}>. ${explainSlackError(code, `<#${row.channelId}>`)} The handoff itself is saved and its recipients will get it as usual.`;
    await this.store.enqueue(
      { teamId: row.teamId, kind: 'dm', dedupeKey: `notice:channel_failed:${row.id}`, userId: h.authorId, handoffId: h.id, payload: { reason: 'notice', text } },
      this.clock.now(),
    );
  }
}
