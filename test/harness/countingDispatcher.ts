/**
 * A second outbox dispatcher over a test app's store whose "Slack" takes `roundTripMs` per message and
 * counts: how many were sent, and the most in flight at once (whether every sender is put to work).
 */
import type { TestApp } from './testApp';
import { OutboxDispatcher, type DispatcherOptions } from '../../src/delivery/outbox';
import type { Clock } from '../../src/clock';

export interface CountingDispatcher {
  d: OutboxDispatcher;
  sent(): number;
  mostInFlight(): number;
}

export function countingDispatcher(t: TestApp, roundTripMs: number, clock: Clock, opts: Omit<DispatcherOptions, 'ratePerSecond' | 'startRatePerSecond'>): CountingDispatcher {
  let inFlight = 0;
  let most = 0;
  let sent = 0;
  const d = new OutboxDispatcher(
    t.handoff.store,
    {
      deliver: async (_row, pace) => {
        await pace();
        inFlight += 1;
        most = Math.max(most, inFlight);
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
