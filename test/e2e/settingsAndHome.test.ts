/** Settings modal, App Home, the "Hand this off" shortcut, profile refresh and uninstall. */
import { startTestApp, eventually, type TestApp } from '../harness/testApp';
import { ActionIds, CallbackIds, SettingsModalFields as S, HandoffModalFields as F } from '../../src/ids';

// Wednesday 2026-11-25 12:00 UTC.
const NOW = '2026-11-25T12:00:00Z';
let t: TestApp;

beforeEach(async () => {
  t = await startTestApp({ now: NOW });
  t.fake.addUser({ id: 'U0ANA', name: 'ana', tz: 'Europe/Lisbon' });
  t.fake.addUser({ id: 'U0RAJ', name: 'raj', tz: 'Asia/Kolkata' });
  t.fake.addChannel({ id: 'C0PROJ', name: 'proj', members: ['U0ANA', 'U0RAJ'] });
});
afterEach(async () => t.close());

const store = () => t.handoff.store;

function settingsValues(v: { tz?: string; start?: string; end?: string; days?: number[]; digest?: boolean; deflection?: boolean; away?: string | null }) {
  return {
    [S.tz.block]: { [S.tz.action]: v.tz ?? '' },
    [S.start.block]: { [S.start.action]: { type: 'timepicker', selected_time: v.start ?? '09:00' } },
    [S.end.block]: { [S.end.action]: { type: 'timepicker', selected_time: v.end ?? '17:00' } },
    [S.days.block]: { [S.days.action]: { type: 'checkboxes', selected_options: (v.days ?? [1, 2, 3, 4, 5]).map((d) => ({ value: String(d) })) } },
    [S.digest.block]: { [S.digest.action]: { type: 'checkboxes', selected_options: v.digest === false ? [] : [{ value: 'on' }] } },
    [S.deflection.block]: { [S.deflection.action]: { type: 'checkboxes', selected_options: v.deflection === false ? [] : [{ value: 'on' }] } },
    [S.awayUntil.block]: { [S.awayUntil.action]: { type: 'datepicker', selected_date: v.away ?? null } },
  };
}

const saveSettings = (userId: string, v: Parameters<typeof settingsValues>[0]) =>
  t.slack.interaction(t.slack.viewSubmission({ userId, callbackId: CallbackIds.settingsModal, values: settingsValues(v) }));

describe('settings', () => {
  it('/handoff settings opens the modal with the next three digest times in the person’s zone', async () => {
    await t.slack.command({ userId: 'U0ANA', text: 'settings' });
    const open = await t.fake.waitFor('views.open');
    const view = JSON.stringify(open.args.view);
    expect(view).toContain(CallbackIds.settingsModal);
    // Thursday, Friday, Monday at 09:00 Lisbon (UTC+0 in winter).
    expect(view).toContain('Thu 26 Nov, 09:00 Lisbon time');
    expect(view).toContain('Fri 27 Nov, 09:00 Lisbon time');
    expect(view).toContain('Mon 30 Nov, 09:00 Lisbon time');
  });

  it('saving replans the digest in the overridden zone and shows the preview', async () => {
    await t.slack.command({ userId: 'U0ANA', text: 'settings' });
    const res = await saveSettings('U0ANA', { tz: 'America/New_York', start: '08:30', days: [1, 2, 3, 4] });
    expect(res.json).toMatchObject({ response_action: 'update' });
    // 07:00 in New York now, so today's 08:30 is still ahead; Friday is no longer a working day.
    expect(JSON.stringify(res.json)).toContain('Wed 25 Nov, 08:30 New York time (EST)');
    expect(JSON.stringify(res.json)).toContain('Mon 30 Nov, 08:30 New York time (EST)');
    const row = (await store().getUser('T0001', 'U0ANA'))!;
    expect(row.tzOverride).toBe('America/New_York');
    expect(row.workdayStartMinute).toBe(510);
    expect(new Date(row.nextDigestAt!).toISOString()).toBe('2026-11-25T13:30:00.000Z');
  });

  it('marks a DST change inside the preview', async () => {
    t.clock.set('2027-03-11T12:00:00Z'); // Thursday; US clocks spring forward on Sunday 14 March
    await t.slack.command({ userId: 'U0ANA', text: 'settings' });
    const res = await saveSettings('U0ANA', { tz: 'America/New_York' });
    const text = JSON.stringify(res.json);
    expect(text).toContain('Mon 15 Mar, 09:00 New York time (EDT) (clocks change before this one)');
    expect(text).toContain('Fri 12 Mar, 09:00 New York time (EST)');
  });

  it('rejects bad values inside the modal, naming the field', async () => {
    await t.slack.command({ userId: 'U0ANA', text: 'settings' });
    const res = await saveSettings('U0ANA', { tz: 'Mars/Olympus', start: '02:00', end: '02:00', days: [], away: '2020-01-01' });
    expect(res.json).toMatchObject({ response_action: 'errors' });
    const errors = (res.json as { errors: Record<string, string> }).errors;
    expect(errors[S.tz.block]).toMatch(/isn’t a time zone I know/);
    // Night shifts are allowed; a day that ends when it starts is not.
    expect(errors[S.start.block]).toBeUndefined();
    expect(errors[S.end.block]).toMatch(/end at a different time/);
    expect(errors[S.days.block]).toMatch(/at least one working day/);
    expect(errors[S.awayUntil.block]).toMatch(/after today/);
  });

  it('turning the digest off keeps the start of the day for news that waited; away-until postpones it', async () => {
    await t.slack.command({ userId: 'U0ANA', text: 'settings' });
    const off = await saveSettings('U0ANA', { digest: false });
    // Still planned: with the digest off, news that waited goes out in one DM when the day starts.
    expect(new Date((await store().getUser('T0001', 'U0ANA'))!.nextDigestAt!).toISOString()).toBe('2026-11-26T09:00:00.000Z');
    expect(JSON.stringify(off.json)).toContain('Morning digest is off.* News that waited for you arrives at the start of your day');
    expect(JSON.stringify(off.json)).toContain('Thu 26 Nov, 09:00 Lisbon time');
    await saveSettings('U0ANA', { away: '2026-12-07' });
    const row = (await store().getUser('T0001', 'U0ANA'))!;
    expect(row.nextDigestLocalDate).toBe('2026-12-07');
  });
});

describe('App Home', () => {
  it('publishes on app_home_opened with a New handoff button and the person’s schedule', async () => {
    await t.slack.event({ type: 'app_home_opened', user: 'U0ANA', channel: 'D0ANA', tab: 'home', event_ts: '1.0' });
    const pub = await t.fake.waitFor('views.publish');
    const view = JSON.stringify(pub.args.view);
    expect(view).toContain(ActionIds.newHandoff);
    expect(view).toContain('09:00–17:00 Mon–Fri, Europe/Lisbon');
    expect(view).toContain('Nothing is waiting on you');
  });

  it('ignores the Messages tab', async () => {
    await t.slack.event({ type: 'app_home_opened', user: 'U0ANA', channel: 'D0ANA', tab: 'messages', event_ts: '1.0' });
    await new Promise((r) => setTimeout(r, 100));
    expect(t.fake.callsTo('views.publish')).toHaveLength(0);
  });

  it('New handoff opens the modal', async () => {
    await t.slack.interaction(t.slack.blockAction({ userId: 'U0ANA', actionId: ActionIds.newHandoff, value: 'home', view: { id: 'VHOME', type: 'home' } as never }));
    const open = await t.fake.waitFor('views.open');
    expect(JSON.stringify(open.args.view)).toContain(CallbackIds.handoffModal);
  });
});

describe('Hand this off shortcut', () => {
  it('opens the modal pre-filled with the message and adds its permalink', async () => {
    t.fake.addMessage('C0PROJ', { ts: '1700000000.000200', user: 'U0RAJ', text: 'Can someone check &lt;this&gt; with <@U0ANA|ana>? Thanks.' });
    await t.slack.interaction(
      t.slack.messageShortcut({
        userId: 'U0ANA',
        callbackId: CallbackIds.handThisOffShortcut,
        channelId: 'C0PROJ',
        message: { ts: '1700000000.000200', user: 'U0RAJ', text: 'Can someone check &lt;this&gt; with <@U0ANA|ana>? Thanks.' },
      }),
    );
    const open = await t.fake.waitFor('views.open');
    const view = JSON.stringify(open.args.view);
    expect(view).toContain('Can someone check <this> with @ana? Thanks.');
    expect(view).toContain('"initial_users":["U0RAJ"]');
    const update = await t.fake.waitFor('views.update');
    expect(JSON.stringify(update.args.view)).toContain('https://example.slack.com/archives/C0PROJ/p1700000000000200');
    const meta = JSON.parse((update.args.view as { private_metadata: string }).private_metadata) as { permalink: string };
    expect(meta.permalink).toContain('C0PROJ');
  });
});

describe('recipient clocks in the modal', () => {
  it('shows each selected person’s local time and when their day starts', async () => {
    await t.slack.command({ userId: 'U0ANA', text: '' });
    const open = await t.fake.waitFor('views.open');
    const viewId = (open.response as { view: { id: string; hash: string } }).view.id;
    const hash = (open.response as { view: { hash: string } }).view.hash;
    const view = open.args.view as Record<string, unknown>;
    // The harness's builder has no selected_users; add them as Slack sends them.
    const payload = t.slack.blockAction({
      userId: 'U0ANA',
      actionId: ActionIds.recipientsSelect,
      actionType: 'multi_users_select',
      blockId: F.recipients.block,
      view: { ...view, id: viewId, hash } as never,
    });
    (payload.actions as Record<string, unknown>[])[0]!.selected_users = ['U0RAJ'];
    await t.slack.interaction(payload);
    const update = await t.fake.waitFor('views.update', (c) => JSON.stringify(c.args.view).includes('Kolkata'));
    expect(JSON.stringify(update.args.view)).toMatch(/17:30 in Kolkata, their day starts in 15 h 30 m/);
  });
});

describe('workspace lifecycle', () => {
  it('user_change refreshes the profile time zone and replans the digest', async () => {
    await t.slack.command({ userId: 'U0ANA', text: 'list' });
    await t.slack.command({ userId: 'U0ANA', text: 'settings' });
    await t.fake.waitFor('views.open');
    await t.slack.event({ type: 'user_change', user: { id: 'U0ANA', name: 'ana', tz: 'Asia/Tokyo', profile: { display_name: 'Ana' } }, event_ts: '1.0' });
    await eventually(async () => expect((await store().getUser('T0001', 'U0ANA'))!.slackTz).toBe('Asia/Tokyo'));
    // Tokyo: 21:00 now, so the next digest is Thursday 09:00 JST = 00:00 UTC.
    expect(new Date((await store().getUser('T0001', 'U0ANA'))!.nextDigestAt!).toISOString()).toBe('2026-11-26T00:00:00.000Z');
  });

  it('app_uninstalled stops delivery and keeps the data', async () => {
    await t.slack.command({ userId: 'U0ANA', text: 'settings' });
    await t.fake.waitFor('views.open');
    await t.slack.event({ type: 'app_uninstalled', event_ts: '1.0' });
    await eventually(async () => expect((await store().getWorkspace('T0001'))?.status).toBe('uninstalled'));
    expect(await store().getUser('T0001', 'U0ANA')).toBeDefined();
  });
});

describe('workspace-wide meeting deflection switch', () => {
  it('shows the state to anyone, lets only admins switch it', async () => {
    t.fake.addUser({ id: 'U0BOSS', name: 'boss', tz: 'Europe/Lisbon', is_admin: true });
    const status = await t.slack.command({ userId: 'U0ANA', text: 'deflection' });
    expect(JSON.stringify(status.json)).toContain('Meeting deflection is *on*');

    const url1 = t.fake.responseUrl();
    await t.slack.command({ userId: 'U0ANA', text: 'deflection off', responseUrl: url1 });
    const refused = await t.fake.waitFor('response_url', (c) => c.args.response_url === url1);
    expect(String(refused.args.text)).toMatch(/Only workspace admins/);
    expect(await t.handoff.deps.deflection.workspaceEnabled('T0001')).toBe(true);

    const url2 = t.fake.responseUrl();
    await t.slack.command({ userId: 'U0BOSS', text: 'deflection off', responseUrl: url2 });
    const done = await t.fake.waitFor('response_url', (c) => c.args.response_url === url2);
    expect(String(done.args.text)).toMatch(/now \*off\* for the whole workspace/);
    expect(await t.handoff.deps.deflection.workspaceEnabled('T0001')).toBe(false);
  });
});
