/**
 * A FIFO async mutex: `run(fn)` starts `fn` once everyone queued before it has finished. The stores
 * use it to keep other callers' statements out of an open transaction (see sqliteStore.ts).
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private holders = 0;

  /** True while someone holds the lock or waits for it. */
  get busy(): boolean {
    return this.holders > 0;
  }

  run<T>(fn: () => T | Promise<T>): Promise<T> {
    this.holders++;
    const result = this.tail.then(fn);
    const done = () => {
      this.holders--;
    };
    // The next waiter starts once this one settled, whether it resolved or rejected.
    this.tail = result.then(done, done);
    return result;
  }
}
