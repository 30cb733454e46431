/** The clock is injected everywhere so tests can pin "now"; production uses the system clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
