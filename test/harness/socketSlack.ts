/**
 * Sends the app what Slack sends over a Socket Mode connection: the same payloads the HTTP requester
 * builds (slash command fields, interaction payloads, event callbacks), wrapped in envelopes pushed by
 * the fake Slack, and resolves with the app's ack.
 */
import type { Ack, Envelope } from './fakeSocketMode';
import type { FakeSlack } from './fakeSlack';
import type { CommandParams, SlackRequester } from './slackRequests';

export interface Delivered {
  envelope: Envelope;
  ack: Ack;
}

export class SocketSlack {
  constructor(
    private readonly fake: FakeSlack,
    /** Builds the payloads; its HTTP side is not used. */
    readonly payloads: SlackRequester,
  ) {}

  /** A slash command envelope (`slash_commands`), acked by the app. */
  command(params: CommandParams): Promise<Delivered> {
    return this.deliver(this.fake.socketMode.push('slash_commands', this.payloads.commandPayload(params)));
  }

  /** An interaction envelope (`interactive`): block_actions, view_submission, shortcuts. */
  interaction(payload: Record<string, unknown>): Promise<Delivered> {
    return this.deliver(this.fake.socketMode.push('interactive', payload));
  }

  /** An Events API envelope (`events_api`); a retry carries the same event_id and retry_attempt > 0. */
  event(event: object, opts: { eventId?: string; retryAttempt?: number; retryReason?: string } = {}): Promise<Delivered> {
    const payload = this.payloads.eventCallback(event, { eventId: opts.eventId });
    return this.deliver(this.fake.socketMode.push('events_api', payload, { retryAttempt: opts.retryAttempt, retryReason: opts.retryReason }));
  }

  private async deliver(envelope: Envelope): Promise<Delivered> {
    return { envelope, ack: await this.fake.socketMode.waitForAck(envelope.envelope_id) };
  }
}
