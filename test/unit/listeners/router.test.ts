/** The router: each click, submission and event reaches exactly the listener Bolt would have run. */
import { App, LogLevel, type ReceiverEvent } from '@slack/bolt';
import { ListenerRouter } from '../../../src/listeners/router';

function appWith(router: ListenerRouter): App {
  const app = new App({
    authorize: async () => ({ botToken: 'xoxb-test', botId: 'B1', botUserId: 'UBOT' }),
    signingSecret: 'secret',
    logLevel: LogLevel.ERROR,
    receiver: { init: () => undefined, start: async () => undefined, stop: async () => undefined },
  });
  router.mount(app);
  return app;
}

const click = (actionId: unknown) => ({
  type: 'block_actions',
  user: { id: 'U1', team_id: 'T1' },
  team: { id: 'T1' },
  api_app_id: 'A1',
  token: 't',
  trigger_id: '1.2',
  actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: '7', action_ts: '1' }],
});
const submission = (callbackId: string, type = 'view_submission') => ({
  type,
  user: { id: 'U1', team_id: 'T1' },
  team: { id: 'T1' },
  api_app_id: 'A1',
  token: 't',
  view: { id: 'V1', callback_id: callbackId, type: 'modal', state: { values: {} } },
});
const event = (type: string) => ({
  type: 'event_callback',
  team_id: 'T1',
  api_app_id: 'A1',
  event_id: `Ev${type}`,
  event_time: 1,
  event: { type, user: 'U1', channel: 'C1', ts: '1.1', text: 'hi' },
});

async function deliver(app: App, body: Record<string, unknown>): Promise<boolean> {
  let acked = false;
  await app.processEvent({ body, ack: async () => void (acked = true) } as ReceiverEvent);
  return acked;
}

describe('ListenerRouter', () => {
  it('sends a click to the listener of its action_id, with the arguments Bolt gives, and any other click to the catch-all', async () => {
    const router = new ListenerRouter();
    const seen: string[] = [];
    router.action('handoff_ack', async ({ ack, action, body, respond }) => {
      await ack();
      seen.push(`ack ${(action as { value?: string }).value} ${body.user.id} ${typeof respond}`);
    });
    router.action('handoff_done', async ({ ack }) => {
      await ack();
      seen.push('done');
    });
    router.otherAction(async ({ ack, action }) => {
      await ack();
      seen.push(`other ${action.action_id}`);
    });
    const app = appWith(router);
    expect(await deliver(app, click('handoff_ack'))).toBe(true);
    expect(await deliver(app, click('handoff_done'))).toBe(true);
    expect(await deliver(app, click('title_input'))).toBe(true);
    expect(await deliver(app, click('handoff_ack_old'))).toBe(true);
    expect(seen).toEqual(['ack 7 U1 undefined', 'done', 'other title_input', 'other handoff_ack_old']);
  });

  it('runs nothing for a click without an action_id (Bolt matched none)', async () => {
    const router = new ListenerRouter();
    const seen: string[] = [];
    router.otherAction(async () => void seen.push('other'));
    expect(await deliver(appWith(router), click(undefined))).toBe(false);
    expect(seen).toEqual([]);
  });

  it('sends a submission to the listener of its callback_id; a closed form or an unknown one runs nothing', async () => {
    const router = new ListenerRouter();
    const seen: string[] = [];
    router.view('handoff_modal', async ({ ack, view }) => {
      await ack();
      seen.push(`submitted ${view.id}`);
    });
    const app = appWith(router);
    expect(await deliver(app, submission('handoff_modal'))).toBe(true);
    expect(await deliver(app, submission('handoff_modal', 'view_closed'))).toBe(false);
    expect(await deliver(app, submission('other_modal'))).toBe(false);
    expect(seen).toEqual(['submitted V1']);
  });

  it('sends an event to the listener of its type, and ignores others', async () => {
    const router = new ListenerRouter();
    const seen: string[] = [];
    router.event('message', async ({ event }) => void seen.push(`message ${(event as { text?: string }).text}`));
    router.event('app_home_opened', async () => void seen.push('home'));
    const app = appWith(router);
    await deliver(app, event('message'));
    await deliver(app, event('app_home_opened'));
    await deliver(app, event('reaction_added'));
    expect(seen).toEqual(['message hi', 'home']);
  });

  it('refuses a second listener for one id', () => {
    const router = new ListenerRouter();
    router.action('x', async () => undefined);
    expect(() => router.action('x', async () => undefined)).toThrow(/already registered/);
    router.view('v', async () => undefined);
    expect(() => router.view('v', async () => undefined)).toThrow(/already registered/);
    router.event('message', async () => undefined);
    expect(() => router.event('message', async () => undefined)).toThrow(/already registered/);
    router.otherAction(async () => undefined);
    expect(() => router.otherAction(async () => undefined)).toThrow(/already registered/);
  });

  it('a listener’s error reaches Bolt’s error handler, as before', async () => {
    const router = new ListenerRouter();
    router.action('boom', async ({ ack }) => {
      await ack();
      throw new Error('listener failed');
    });
    const app = appWith(router);
    const errors: string[] = [];
    app.error(async (e) => void errors.push(e.message));
    await deliver(app, click('boom'));
    expect(errors).toEqual(['listener failed']);
  });
});
