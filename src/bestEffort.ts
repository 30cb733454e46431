/**
 * For work whose failure must not change the outcome (a courtesy message, a refresh in place): the
 * failure is logged at debug, never thrown and never silently dropped. A leaf module.
 */
export interface DebugLogger {
  debug(obj: object, msg: string): void;
}

export async function bestEffort<T>(work: Promise<T>, logger: DebugLogger, what: string): Promise<T | undefined> {
  try {
    return await work;
  } catch (e) {
    logger.debug({ err: e }, `best effort failed: ${what}`);
    return undefined;
  }
}
