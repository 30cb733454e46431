/**
 * A second outbox dispatcher over a test app's store whose "Slack" takes `roundTripMs` per message and
 * counts: how many were sent, and the most in flight at once (whether every sender is put to work).
 *
 * With `holdUntilInFlight`, the fake Slack holds its first answers until that many sends are in flight
 * at once (or `HOLD_GIVE_UP_MS` passed), so "every sender was put to work" does not depend on a busy
 * machine starting the last sender before the first one's round trip ends. A dispatcher that never
 * runs that many at once still finishes (after the give-up) and shows a smaller `mostInFlight`.
 */
import type { TestApp } from './testApp';
import { OutboxDispatcher, type DispatcherOptions } from '../../src/delivery/outbox';
import type { Clock } from '../../src/clock';

export interface CountingDispatcher {
  d: OutboxDispatcher;
  sent(): number;
  mostInFlight(): number;
}

const HOLD_GIVE_UP_MS = 5000;

export function countingDispatcher(
  t: TestApp,
  roundTripMs: number,
  clock: Clock,
  opts: Omit<DispatcherOptions, 'ratePerSecond' | 'startRatePerSecond'>,
  holdUntilInFlight = 0,
): CountingDispatcher {
  let inFlight = 0;
  let most = 0;
  let sent = 0;
  let opened = holdUntilInFlight <= 1;
  let giveUp: NodeJS.Timeout | undefined;
  const waiting: (() => void)[] = [];
  const open = (): void => {
    opened = true;
    clearTimeout(giveUp);
    for (const release of waiting.splice(0)) release();
  };
  const held = (): Promise<void> => {
    if (opened) return Promise.resolve();
    giveUp ??= setTimeout(open, HOLD_GIVE_UP_MS).unref();
    return new Promise((resolve) => waiting.push(resolve));
  };
  const d = new OutboxDispatcher(
    t.handoff.store,
    {
      deliver: async (_row, pace) => {
        await pace();
        inFlight += 1;
        most = Math.max(most, inFlight);
        if (inFlight >= holdUntilInFlight) open();
        await held();
        await new Promise((r) => setTimeout(r, roundTripMs));
        inFlight -= 1;
        sent += 1;
        return { status: 'sent', ts: null };
      },
      findDelivered: async () => null,
    },
    clock,
    t.handoff.logger,
    { ...opts, ratePerSecond: 1000, startRatePerSecond: 1000 },
  );
  return { d, sent: () => sent, mostInFlight: () => most };
}
