/**
 * Who is in each channel thread, kept from the message events Handoff already receives, so meeting
 * deflection knows a thread's people without reading the thread back from Slack (issue 15: a
 * distributed app may call conversations.replies once a minute per workspace).
 *
 * Cost on the request path: none before the ack (Bolt acks an event before any listener runs). The
 * listener then adds its message's people to the open batch; one write per batch (every
 * BATCH_DELAY_MS, or at MAX_BATCH rows) stores them all, and each listener's promise settles when its
 * batch is written, so a stopping process (and a test) waits for it like any other listener work.
 * A failed write is logged and forgotten: a thread's people are a convenience, never worth an error.
 * Nothing is kept for a workspace that switched deflection off.
 */
import type { Clock } from '../clock';
import type { DeflectionQueries, StoreOf, ThreadParticipantQueries } from '../db/store';
import { asChannelMessage } from '../domain/messageEvent';
import { mergeSightings, sightingsOf, threadPeopleOf, type ThreadMessage, type ThreadPeople, type ThreadSighting } from '../domain/threadParticipants';
import { deleteInSlices, type PruneOptions } from '../delivery/retention';
import type { Logger } from '../logger';

/** How long a batch stays open for more messages before it is written. */
const BATCH_DELAY_MS = 100;
/** A batch this large is written at once. */
const MAX_BATCH = 500;
/** Rows not seen for this long are deleted (a thread quiet for a month is not where a call gets proposed). */
export const THREAD_PARTICIPANT_RETENTION_MS = 30 * 86_400_000;

interface Batch {
  rows: ThreadSighting[];
  /** Settles once the batch is written (or its write failed and was logged). */
  written: Promise<void>;
  /** Settles `written` as the given write does. */
  settle: (write: Promise<void>) => void;
}

export class ThreadParticipants {
  private open: Batch | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Batches are written one after another: the tail of that chain. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: StoreOf<ThreadParticipantQueries & Pick<DeflectionQueries, 'workspaceDeflectionEnabled'>>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Notes the people a `message` event shows in its thread (its author, whom it mentions, a reply's
   * thread starter); resolves once they are stored. `botUserId`: Handoff's own user, never stored.
   */
  note(teamId: string, event: unknown, botUserId?: string): Promise<void> {
    const e = asChannelMessage(event);
    // Direct messages are nobody's thread to pre-fill (and Handoff does not subscribe to them).
    if (!e || e.channel.startsWith('D') || e.channel_type === 'im' || e.channel_type === 'mpim') return Promise.resolve();
    const parent: unknown = (event as { parent_user_id?: unknown }).parent_user_id;
    const m: ThreadMessage = {
      channel: e.channel,
      ts: e.ts,
      threadTs: e.thread_ts,
      user: e.user,
      botId: e.bot_id,
      hidden: e.hidden,
      subtype: e.subtype,
      text: typeof e.text === 'string' ? e.text : '',
      ...(typeof parent === 'string' ? { parentUserId: parent } : {}),
    };
    return this.add(sightingsOf(teamId, m, new Set(botUserId ? [botUserId] : [])));
  }

  /** Stores what a read of the thread itself showed (the rare fallback when Handoff did not see it begin). */
  noteRead(teamId: string, messages: readonly ThreadMessage[], botUserId?: string): Promise<void> {
    const ignored = new Set(botUserId ? [botUserId] : []);
    return this.add(messages.flatMap((m) => sightingsOf(teamId, m, ignored)));
  }

  /** The people stored for a thread, after writing what is still waiting in this process. */
  async ofThread(teamId: string, channelId: string, threadTs: string): Promise<ThreadPeople> {
    await this.flush();
    return threadPeopleOf(await this.store.threadParticipantsOf(teamId, channelId, threadTs));
  }

  /** Writes the open batch now; resolves once it and every batch before it are written. */
  flush(): Promise<void> {
    const batch = this.open;
    if (!batch) return this.writing;
    this.open = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.writing = this.writing.then(() => this.write(batch.rows));
    batch.settle(this.writing);
    return batch.written;
  }

  /** Deletes rows not seen for the retention period, in small slices (the scheduler tick's housekeeping). */
  prune(now: Date, opts: PruneOptions = {}): Promise<number> {
    const before = now.getTime() - THREAD_PARTICIPANT_RETENTION_MS;
    return deleteInSlices((limit) => this.store.deleteThreadParticipantsSeenBefore(before, limit), opts);
  }

  private add(sightings: ThreadSighting[]): Promise<void> {
    if (sightings.length === 0) return Promise.resolve();
    const batch = (this.open ??= this.newBatch());
    batch.rows.push(...sightings);
    if (batch.rows.length >= MAX_BATCH) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), BATCH_DELAY_MS);
      // A batch never holds the process open; stopping waits for the listeners, which wait for it.
      this.timer.unref();
    }
    return batch.written;
  }

  private newBatch(): Batch {
    let settle!: (write: Promise<void>) => void;
    const written = new Promise<void>((resolve) => (settle = resolve));
    return { rows: [], written, settle };
  }

  private async write(rows: ThreadSighting[]): Promise<void> {
    const merged = mergeSightings(rows);
    try {
      // Kept only for meeting deflection: a workspace that switched it off is not watched (one read per workspace per batch).
      const off = new Set<string>();
      for (const teamId of new Set(merged.map((r) => r.teamId))) if (!(await this.store.workspaceDeflectionEnabled(teamId))) off.add(teamId);
      await this.store.recordThreadParticipants(off.size === 0 ? merged : merged.filter((r) => !off.has(r.teamId)), this.clock.now());
    } catch (err) {
      this.logger.warn({ err, rows: merged.length }, 'thread participants not stored');
    }
  }
}
