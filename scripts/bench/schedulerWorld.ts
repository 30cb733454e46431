/**
 * bench:scheduler's workspace: `people` people due at some minute in the next 24 h and `handoffs`
 * handoffs between them, generated once from a fixed seed and written to SQLite or PostgreSQL, so both
 * backends are measured on the same rows. Then `wave` of the people are moved to one slot (`dueAt`).
 */
import { ALL_DAYS } from '../../src/domain/workSchedule';
import { prng } from '../../src/domain/prng';
import { localInstant, localParts } from '../../src/time';
import { waveUserId as userIdOf } from './world';

export const ZONES = [
  'Asia/Tokyo',
  'America/New_York',
  'Europe/Lisbon',
  'Asia/Kolkata',
  'Australia/Sydney',
  'America/Los_Angeles',
  'Asia/Kathmandu',
  'Europe/Berlin',
  'America/Sao_Paulo',
  'UTC',
];

export interface WorldSize {
  people: number;
  handoffs: number;
}

export interface PersonSeed {
  userId: string;
  displayName: string;
  tz: string;
  startMinute: number;
  endMinute: number;
  workingDays: number;
  nextDigestAt: number;
  nextDigestLocalDate: string;
}

export interface HandoffSeed {
  id: number;
  authorId: string;
  title: string;
  ask: string;
  state: string;
  resolutionNote: string | null;
  resolvedBy: string | null;
  resolvedAt: number | null;
  authorNotifiedAt: number | null;
  createdAt: number;
  /** Each active; `notifiedAt` null for the second one (not told yet). */
  recipients: Array<{ userId: string; notifiedAt: number | null }>;
}

type Slot = { startMinute: number; date: string; at: number };
/** Every zone here is offset by whole minutes, so a slot depends only on the UTC minute of `target`. */
const slots = new Map<string, Slot>();

/** A digest slot at the whole minute of `target` in `tz`: start minute, local date and instant agree. */
export function slotAt(tz: string, target: number): Slot {
  const key = `${tz}|${Math.floor(target / 60_000)}`;
  let slot = slots.get(key);
  if (!slot) {
    const { date, minuteOfDay } = localParts(tz, new Date(target));
    slot = { startMinute: minuteOfDay, date, at: localInstant(tz, date, minuteOfDay).getTime() };
    slots.set(key, slot);
  }
  return slot;
}

/**
 * The rows, in one pass of one PRNG (people first, then handoffs: the order fixes every value).
 * People are due at some minute 1–23 h from `now`. Handoffs: random author → 1 recipient (10 % have
 * 2); 15 % open or acknowledged, 1 % resolved and not yet told to the author, the rest resolved and
 * told, or cancelled.
 */
export function world(o: WorldSize, now: number): { people(): Generator<PersonSeed>; handoffs(): Generator<HandoffSeed> } {
  const random = prng(7);
  let peopleDone = false;
  return {
    *people() {
      for (let i = 0; i < o.people; i++) {
        const tz = ZONES[i % ZONES.length]!;
        const s = slotAt(tz, now + 3600_000 + Math.floor(random() * 22 * 3600_000));
        yield {
          userId: userIdOf(i),
          displayName: `Person ${i}`,
          tz,
          startMinute: s.startMinute,
          endMinute: (s.startMinute + 480) % 1440,
          workingDays: ALL_DAYS,
          nextDigestAt: s.at,
          nextDigestLocalDate: s.date,
        };
      }
      peopleDone = true;
    },
    *handoffs() {
      if (!peopleDone) throw new Error('generate the people first: they draw from the same PRNG');
      for (let id = 1; id <= o.handoffs; id++) {
        const author = Math.floor(random() * o.people);
        let recipient = Math.floor(random() * o.people);
        if (recipient === author) recipient = (recipient + 1) % o.people;
        const created = now - Math.floor(random() * 180 * 86400_000);
        const r = random();
        const state = r < 0.1 ? 'open' : r < 0.15 ? 'acknowledged' : r < 0.85 ? 'done' : r < 0.9 ? 'declined' : 'cancelled';
        const closed = state !== 'open' && state !== 'acknowledged';
        const resolvedAt = closed ? created + 3600_000 : null;
        const told = closed && random() > 0.07 ? resolvedAt! + 60_000 : null; // ≈1 % of all: resolved, author not told yet
        const recipients = [{ userId: userIdOf(recipient), notifiedAt: (created + 60_000) as number | null }];
        if (random() < 0.1) {
          const second = userIdOf((recipient + 1 + Math.floor(random() * 100)) % o.people);
          if (second !== recipients[0]!.userId) recipients.push({ userId: second, notifiedAt: null });
        }
        yield {
          id,
          authorId: userIdOf(author),
          title: `Handoff ${id}`,
          ask: `Please look at item ${id} and reply with the numbers`,
          state,
          resolutionNote: closed ? 'Done, see the sheet' : null,
          resolvedBy: closed ? userIdOf(recipient) : null,
          resolvedAt,
          authorNotifiedAt: state === 'cancelled' ? resolvedAt : told,
          createdAt: created,
          recipients,
        };
      }
    },
  };
}

/** The first `wave` people, due at `slot` (a whole minute), their workday starting then. */
export function* waveAt(wave: number, slot: number): Generator<{ userId: string; startMinute: number; endMinute: number; at: number; date: string }> {
  for (let i = 0; i < wave; i++) {
    const s = slotAt(ZONES[i % ZONES.length]!, slot);
    yield { userId: userIdOf(i), startMinute: s.startMinute, endMinute: (s.startMinute + 480) % 1440, at: s.at, date: s.date };
  }
}

/** Groups of up to `size` items. */
export function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
