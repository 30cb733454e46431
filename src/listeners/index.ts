/**
 * Every listener, registered in one place and in this order (Bolt runs global middleware in the
 * order it was added, before any listener):
 *  1. the payload guard — drops a command or interaction that does not name its user properly;
 *  2. the failure net — turns an error a listener did not handle into an ack and a kind message;
 *  3. the listeners: the /handoff command; lifecycle buttons, the handoff form's live clocks,
 *     meeting-deflection buttons, form submissions and events, each found by its id through the
 *     router (with a catch-all for buttons no listener knows: old messages); the message shortcut.
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
import { ListenerRouter } from './router';

export function registerListeners(app: App, deps: ListenerDeps): void {
  registerPayloadGuard(app, deps.logger);
  registerFailureNet(app, deps.client, deps.logger);
  registerHandoffCommand(app, deps);
  // Clicks, submissions and events reach their listener through one Bolt listener per kind (router.ts).
  const router = new ListenerRouter();
  registerHandoffActions(router, deps);
  registerModalActions(router, deps);
  registerDeflectionActions(router, deps);
  registerSubmissions(router, deps);
  registerEvents(router, deps);
  registerUnknownActions(router, deps);
  router.mount(app);
  registerShortcuts(app, deps);
  app.error(async (error) => {
    deps.logger.error({ err: error }, 'unhandled error in a listener');
  });
}
