/** Tells the person who clicked something, and only them, what happened. */
import type { BlockAction, RespondFn } from '@slack/bolt';
import { bestEffort } from '../bestEffort';
import type { ListenerDeps } from './context';

export async function tellClicker(deps: Pick<ListenerDeps, 'client' | 'logger'>, body: BlockAction, respond: RespondFn, text: string): Promise<void> {
  if (body.response_url) {
    await respond({ response_type: 'ephemeral', replace_original: false, text });
    return;
  }
  // Clicks in App Home or a modal have no response_url: fall back to a DM from the app.
  await bestEffort(deps.client.chat.postMessage({ channel: body.user.id, text }), deps.logger, 'telling the clicker by DM');
}
