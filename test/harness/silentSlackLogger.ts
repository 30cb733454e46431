/**
 * A logger for @slack/web-api and @slack/socket-mode clients that says nothing: tests and benches
 * assert on Slack's answers themselves, and the clients' own `[ERROR]` lines would only be noise.
 */
import { LogLevel, type Logger } from '@slack/web-api';

export const silentSlackLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};
