/**
 * Every listener, registered in one place and in this order (Bolt runs global middleware in the
 * order it was added, before any listener):
 *  1. the payload guard — drops a command or interaction that does not name its user properly;
 *  2. the failure net — turns an error a listener did not handle into an ack and a kind message;
 *  3. the listeners: the /handoff command, lifecycle buttons, the handoff form's live clocks,
 *     meeting-deflection buttons, form submissions, events, the message shortcut;
 *  4. last, the catch-all for buttons no listener knows (old messages).
 *
 * Listeners are thin: they ack first, translate the payload into a service call and the answer back
 * into Slack. They import services, views, ids and their own helpers — never db/ or the scheduler
 * (eslint.config.mjs enforces it).
 */
import type { App } from '@slack/bolt';
import type { ListenerDeps } from './context';
import { registerPayloadGuard } from './payloadGuard';
import { registerFailureNet } from './failureNet';
import { registerHandoffCommand } from './commands/handoff';
import { registerHandoffActions } from './actions/handoffActions';
import { registerModalActions } from './actions/modalActions';
import { registerDeflectionActions } from './actions/deflectionActions';
import { registerSubmissions } from './submissions';
import { registerEvents } from './events';
import { registerShortcuts } from './shortcuts/handThisOff';
import { registerUnknownActions } from './actions/unknownActions';

export function registerListeners(app: App, deps: ListenerDeps): void {
  registerPayloadGuard(app, deps.logger);
  registerFailureNet(app, deps.client, deps.logger);
  registerHandoffCommand(app, deps);
  registerHandoffActions(app, deps);
  registerModalActions(app, deps);
  registerDeflectionActions(app, deps);
  registerSubmissions(app, deps);
  registerEvents(app, deps);
  registerShortcuts(app, deps);
  registerUnknownActions(app, deps);
  app.error(async (error) => {
    deps.logger.error({ err: error }, 'unhandled error in a listener');
  });
}
