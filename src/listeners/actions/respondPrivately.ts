/** Tells the person who clicked something, and only them, what happened. */
import type { BlockAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

export async function tellClicker(body: BlockAction, respond: RespondFn, client: WebClient, text: string): Promise<void> {
  if (body.response_url) {
    await respond({ response_type: 'ephemeral', replace_original: false, text });
    return;
  }
  // Clicks in App Home or a modal have no response_url: fall back to a DM from the app.
  await client.chat.postMessage({ channel: body.user.id, text }).catch(() => undefined);
}
