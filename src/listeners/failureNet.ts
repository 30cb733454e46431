/**
 * The last line for listeners: an error a listener did not handle (a save that failed because the
 * database stayed locked, a bug) must never become silence, or Slack's "operation timed out" after
 * Bolt lets the request expire unanswered (a 404 after 3 seconds). The request is acknowledged if
 * it was not yet, the person is told privately that nothing changed, and the error goes on to
 * `app.error` to be logged.
 */
import type { AnyMiddlewareArgs, App, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';

export const NOTHING_CHANGED = 'Sorry — something went wrong on my side and that didn’t go through, so nothing changed. Please try again in a moment.';

type Loose = { user_id?: unknown; user?: { id?: unknown } | null; event?: unknown };

export function registerFailureNet(app: App, client: WebClient, logger: Logger): void {
  app.use(async (args) => {
    try {
      await args.next();
    } catch (error) {
      const body = args.body as Loose;
      if (body.event === undefined) {
        const extra = args as AnyMiddlewareArgs & { ack?: () => Promise<void>; respond?: RespondFn };
        // Throws when the listener had acknowledged already (Bolt refuses a second ack): fine.
        await extra.ack?.().catch(() => undefined);
        await tell(extra.respond, client, userOf(body)).catch((e: unknown) => logger.warn({ err: e }, 'could not tell the person their request failed'));
      }
      throw error;
    }
  });
}

function userOf(body: Loose): string | null {
  const id = typeof body.user_id === 'string' ? body.user_id : body.user?.id;
  return typeof id === 'string' ? id : null;
}

async function tell(respond: RespondFn | undefined, client: WebClient, userId: string | null): Promise<void> {
  if (respond) {
    await respond({ response_type: 'ephemeral', replace_original: false, text: NOTHING_CHANGED });
    return;
  }
  // Modal submissions and App Home clicks have no response_url: a DM from the app.
  if (userId) await client.chat.postMessage({ channel: userId, text: NOTHING_CHANGED });
}
