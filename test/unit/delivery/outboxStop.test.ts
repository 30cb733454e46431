/**
 * Stopping the dispatcher while a sender's claim is still on its way back from the database (a real
 * round trip on PostgreSQL; SQLite answers within the same turn, so it never showed there).
 */
import { openDatabase, runMigrations } from '../../../src/db/client';
import { sqliteStore } from '../../../src/db/sqliteStore';
import type { Store } from '../../../src/db/store';
import { OutboxDispatcher } from '../../../src/delivery/outbox';
import { createLogger } from '../../../src/logger';

/** A store whose claims that skip paused workspaces wait at a gate the test opens. */
function gatedStore(real: Store) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let entered!: () => void;
  const claimWaiting = new Promise<void>((resolve) => (entered = resolve));
  const store = new Proxy(real, {
    get(target, key) {
      if (key === 'claimDue') {
        return async (...args: Parameters<Store['claimDue']>) => {
          const skipping = args[4] ?? [];
          if (skipping.length > 0) {
            entered();
            await gate;
          }
          return target.claimDue(...args);
        };
      }
      const value: unknown = Reflect.get(target, key);
      // The store's methods live on its prototype: call them on the store itself.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, open, claimWaiting };
}

it('a sender whose claim comes back after stop() does not start waiting out a workspace’s pause: stop() returns', async () => {
  const handle = openDatabase(':memory:');
  runMigrations(handle);
  const real = sqliteStore(handle);
  const { store, open, claimWaiting } = gatedStore(real);
  const clock = { now: () => new Date() };
  const d = new OutboxDispatcher(
    store,
    { deliver: async (_row, pace) => (await pace(), { status: 'sent', ts: null }), findDelivered: async () => null },
    clock,
    createLogger({ level: 'silent', secrets: [] }),
    { concurrency: 2, ratePerSecond: 1000, startRatePerSecond: 1000 },
  );
  try {
    // A minute's Retry-After in the workspace: its first row waits it out in place, and the other
    // sender's next claim skips that workspace (and finds nothing else).
    await d.limiterFor('TPAUSED').pause(60_000);
    for (const key of ['a', 'b']) await real.enqueue({ teamId: 'TPAUSED', kind: 'dm', dedupeKey: key, userId: 'U1', payload: { reason: 'notice', text: 'hi' } }, clock.now());
    d.kick();
    await claimWaiting;
    const stopping = d.stop();
    open();
    // Before the fix the sender went on to sleep out the pause (a minute) and stop() waited for it.
    await stopping;
    expect((await real.getOutboxRow(1))?.status).toBe('pending');
  } finally {
    await real.close();
  }
});
