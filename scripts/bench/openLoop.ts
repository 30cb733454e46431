/**
 * Open-loop load: requests fire at intended instants fixed in advance, whatever the server does, and
 * latency counts from the intended instant — so a server that stalls cannot slow the generator down
 * and hide its own stall (coordinated omission).
 */

export interface Slot<K extends string = string> {
  /** Intended send instant, ms after the schedule's start. */
  at: number;
  /** Index into the target list (requests alternate between targets). */
  target: number;
  kind: K;
}

export interface ScheduleSpec<K extends string = string> {
  /** Requests per second, per target. */
  rate: number;
  durationMs: number;
  /** How many targets get the same traffic; their requests interleave, offset by 1/(rate·targets). */
  targets: number;
  /** Weighted mix of request kinds; picked deterministically in proportion (smooth weighted round robin). */
  mix: ReadonlyArray<readonly [K, number]>;
}

/** The instants and kinds of an open-loop schedule: evenly spaced, kinds spread evenly by weight. */
export function openLoopSchedule<K extends string>(spec: ScheduleSpec<K>): Slot<K>[] {
  const perTarget = Math.floor((spec.rate * spec.durationMs) / 1000);
  const interval = 1000 / spec.rate;
  const kinds = weightedSequence(spec.mix, perTarget);
  const slots: Slot<K>[] = [];
  for (let i = 0; i < perTarget; i++) {
    for (let t = 0; t < spec.targets; t++) {
      slots.push({ at: i * interval + (t * interval) / spec.targets, target: t, kind: kinds[i]! });
    }
  }
  return slots;
}

/** Smooth weighted round robin: `n` picks, each kind's share of any prefix close to its weight. */
export function weightedSequence<K>(mix: ReadonlyArray<readonly [K, number]>, n: number): K[] {
  const total = mix.reduce((s, [, w]) => s + w, 0);
  if (total <= 0) throw new Error('the mix needs a positive weight');
  const current = mix.map(() => 0);
  const out: K[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 0; k < mix.length; k++) {
      current[k]! += mix[k]![1];
      if (current[k]! > current[best]!) best = k;
    }
    current[best]! -= total;
    out.push(mix[best]![0]);
  }
  return out;
}

/** Which slots are due at `elapsed` ms, from `next` on; returns the index after the last due one. */
export function dueUntil(slots: ReadonlyArray<Pick<Slot, 'at'>>, next: number, elapsed: number): number {
  let i = next;
  while (i < slots.length && slots[i]!.at <= elapsed) i++;
  return i;
}
