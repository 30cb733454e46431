/**
 * Deadlines for work that must fit in Slack's windows. A leaf module: listeners, services and the app
 * all use it, and it uses nothing.
 */

/**
 * How long a listener may wait for work before it must ack. Slack gives up after 3 s; the rest is the
 * round trip and Bolt's own work.
 */
export const ACK_BUDGET_MS = 2200;

/** Races a promise against a deadline; 'timeout' when the deadline came first (the work goes on). */
export async function withDeadline<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
