/**
 * Times every ack, in both modes: the receiver hands Bolt each request as a ReceiverEvent whose
 * `ack` answers Slack, so wrapping `app.processEvent` sees the moment a request reaches Bolt and the
 * moment it is answered. (Bolt middleware cannot do this: it gets a copy of the arguments, so it
 * cannot wrap the `ack` the listener calls.)
 */
import { performance } from 'node:perf_hooks';
import type { App, ReceiverEvent } from '@slack/bolt';

export type AckKind = 'command' | 'block_actions' | 'view_submission' | 'view_closed' | 'shortcut' | 'block_suggestion' | 'event' | 'other';

export function ackKindOf(body: ReceiverEvent['body']): AckKind {
  if (typeof body.command === 'string') return 'command';
  switch (body.type) {
    case 'block_actions':
    case 'view_submission':
    case 'view_closed':
    case 'block_suggestion':
      return body.type;
    case 'shortcut':
    case 'message_action':
      return 'shortcut';
    case 'event_callback':
      return 'event';
    default:
      return 'other';
  }
}

export function timeAcks(app: App, observe: (kind: AckKind, seconds: number) => void): void {
  const process = app.processEvent.bind(app);
  app.processEvent = (event: ReceiverEvent) => {
    const started = performance.now();
    const kind = ackKindOf(event.body);
    let timed = false;
    const ack: ReceiverEvent['ack'] = async (response) => {
      try {
        return await event.ack(response);
      } finally {
        // A second ack (Bolt refuses it) is not a second answer.
        if (!timed) observe(kind, (performance.now() - started) / 1000);
        timed = true;
      }
    };
    return process({ ...event, ack });
  };
}
