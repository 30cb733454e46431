/**
 * Meeting deflection end to end: signed `message` events into the real app, the private prompt, its
 * four buttons, the handoff and agenda modals, and the "never nag" rules (retries, threads,
 * cooldown, mutes, opt-outs, bots, edits, DMs).
 */
import { randomUUID } from 'node:crypto';
import { startTestApp, eventually, TEAM, type TestApp } from '../harness/testApp';
import { validateSurface } from '../harness/blockKit';
import type { FakeEphemeral, RecordedCall } from '../harness/fakeSlack';
import { ActionIds, AgendaModalFields, CallbackIds, HandoffModalFields as F, SettingsModalFields as S } from '../../src/ids';
import { selectOne, selectRows } from '../harness/testDb';
import { recordDeflectionOutcomes } from '../harness/deflectionOutcomes';

// Wednesday 2026-11-25 12:00 UTC: Lisbon 12:00 (working), New York 07:00 (starts in 2 h),
// Tokyo 21:00 (starts in 12 h), Los Angeles 04:00.
const NOW = '2026-11-25T12:00:00Z';
const HOUR = 3600_000;

let t: TestApp;
/** What the service decided for each message event, as `prompted`, `failed` or `ignored: <why>`. */
let outcomes: string[];

async function start(env: Record<string, string> = {}): Promise<void> {
  t = await startTestApp({ now: NOW, env });
  t.fake.addUser({ id: 'U0DEV', name: 'dev', tz: 'America/Los_Angeles' });
  t.fake.addUser({ id: 'U0ANA', name: 'ana', tz: 'Europe/Lisbon' });
  t.fake.addUser({ id: 'U0BEN', name: 'ben', tz: 'America/New_York' });
  t.fake.addUser({ id: 'U0CHO', name: 'cho', tz: 'Asia/Tokyo' });
  t.fake.addUser({ id: 'U0BOTTY', name: 'deploybot', is_bot: true });
  const everyone = ['U0DEV', 'U0ANA', 'U0BEN', 'U0CHO'];
  t.fake.addChannel({ id: 'C0ENG', name: 'eng', members: everyone });
  t.fake.addChannel({ id: 'C0OPS', name: 'ops', members: everyone });
  outcomes = recordDeflectionOutcomes(t);
}

afterEach(async () => t?.close());

const rows = () => selectRows(t, 'deflections');
const row = (id: number) => selectOne(t, 'deflections', { id });
const prompts = (): FakeEphemeral[] => t.fake.ephemerals;

interface MessageOptions {
  channel?: string;
  threadTs?: string;
  channelType?: string;
  extra?: Record<string, unknown>;
}

/** Stores the message in the fake (so permalinks and threads resolve) and returns its event. */
function message(user: string, text: string, opts: MessageOptions = {}): Record<string, unknown> & { ts: string } {
  const channel = opts.channel ?? 'C0ENG';
  const stored = t.fake.addMessage(channel, { user, text, ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}) });
  return {
    type: 'message',
    channel,
    user,
    text,
    ts: stored.ts,
    event_ts: stored.ts,
    channel_type: opts.channelType ?? 'channel',
    team: TEAM,
    client_msg_id: randomUUID(),
    ...(opts.threadTs ? { thread_ts: opts.threadTs, parent_user_id: 'U0ANA' } : {}),
    ...opts.extra,
  };
}

/** Sends the event signed, and waits until the service has decided about it. */
async function deliver(event: object, opts: { eventId?: string; retryNum?: number } = {}): Promise<string> {
  const before = outcomes.length;
  const res = await t.slack.event(event, { ...opts, ...(opts.retryNum !== undefined ? { retryReason: 'http_timeout' } : {}) });
  expect(res.status).toBe(200);
  await eventually(() => expect(outcomes.length).toBeGreaterThan(before));
  return outcomes[before]!;
}

function deflectionIdOf(p: FakeEphemeral): number {
  const actions = (p.blocks ?? []).find((b) => b.type === 'actions') as { elements: { value: string }[] } | undefined;
  return Number(actions!.elements[0]!.value);
}

function buttonTexts(p: FakeEphemeral): string[] {
  const actions = (p.blocks ?? []).find((b) => b.type === 'actions') as { elements: { text: { text: string } }[] };
  return actions.elements.map((e) => e.text.text);
}

function leadText(p: FakeEphemeral): string {
  const section = (p.blocks ?? []).find((b) => b.type === 'section') as { text: { text: string } };
  return section.text.text;
}

/** A click on one of the prompt's buttons, as Slack sends it for an ephemeral message. */
async function clickPrompt(userId: string, actionId: string, p: FakeEphemeral, value = String(deflectionIdOf(p))): Promise<string> {
  const responseUrl = t.fake.responseUrl();
  const payload = {
    ...t.slack.blockAction({
      userId,
      actionId,
      value,
      channelId: p.channel,
      container: { type: 'message', message_ts: p.message_ts, channel_id: p.channel, is_ephemeral: true },
      message: { type: 'message', ts: p.message_ts, text: p.text, blocks: p.blocks },
      messageTs: p.message_ts,
    }),
    response_url: responseUrl,
  };
  const res = await t.slack.interaction(payload);
  expect(res.status).toBe(200);
  return responseUrl;
}

const responseTo = (url: string): Promise<RecordedCall> => t.fake.waitFor('response_url', (c) => c.args.response_url === url);

type Block = { type: string; block_id?: string; element?: Record<string, unknown> };

/** view.state.values for submitting `view` as the person left it (pre-filled values untouched). */
function valuesOf(view: Record<string, unknown>): Record<string, Record<string, string | Record<string, unknown>>> {
  const out: Record<string, Record<string, string | Record<string, unknown>>> = {};
  for (const b of view.blocks as Block[]) {
    if (b.type !== 'input' || !b.block_id || !b.element) continue;
    const el = b.element as { type: string; action_id: string; initial_value?: string; initial_users?: string[] };
    if (el.type === 'plain_text_input') out[b.block_id] = { [el.action_id]: { type: el.type, value: el.initial_value ?? null } };
    else if (el.type === 'multi_users_select') out[b.block_id] = { [el.action_id]: { type: el.type, selected_users: el.initial_users ?? [] } };
    else if (el.type === 'checkboxes') out[b.block_id] = { [el.action_id]: { type: el.type, selected_options: [] } };
  }
  return out;
}

function inputOf(view: Record<string, unknown>, blockId: string): Record<string, unknown> {
  const block = (view.blocks as Block[]).find((b) => b.block_id === blockId);
  return block!.element!;
}

/** Proposes a call and returns the prompt it produced. */
async function proposeAndPrompt(user: string, text: string, opts: MessageOptions = {}): Promise<{ event: { ts: string }; prompt: FakeEphemeral }> {
  const before = prompts().length;
  const event = message(user, text, opts);
  expect(await deliver(event)).toBe('prompted');
  expect(prompts()).toHaveLength(before + 1);
  return { event, prompt: prompts().at(-1)! };
}

describe('the prompt', () => {
  beforeEach(() => start());

  it('offers exactly one private prompt to the author of a call proposal, and records it as shown', async () => {
    const event = message('U0DEV', '<@U0ANA> <@U0BEN> <@U0CHO> can we hop on a quick call about the Q3 launch copy?');
    expect(await deliver(event, { eventId: 'Ev0001' })).toBe('prompted');

    expect(prompts()).toHaveLength(1);
    const p = prompts()[0]!;
    expect(p).toMatchObject({ channel: 'C0ENG', user: 'U0DEV' });
    expect(p.thread_ts).toBeUndefined();
    expect(buttonTexts(p)).toEqual(['Write a handoff instead', 'Keep the meeting', 'Not now', 'Don’t suggest in this channel']);
    expect(JSON.stringify(p.blocks)).toContain('applies to you in <#C0ENG> only');
    // Why it fired, in the prompt itself: here a phrase rule's words.
    expect(JSON.stringify(p.blocks)).toContain('Why this showed up: “hop on a quick call');
    expect(leadText(p)).toContain('The people you mentioned are in 3 time zones — 2 of them are offline; *cho*’s day starts in 12 h.');
    expect(validateSurface('message', { blocks: p.blocks ?? [] })).toEqual([]);
    expect(await rows()).toEqual([expect.objectContaining({ userId: 'U0DEV', channelId: 'C0ENG', threadTs: event.ts, messageTs: event.ts, outcome: 'shown', reason: 'phrase' })]);
    expect(t.fake.callsTo('chat.postMessage')).toHaveLength(0); // nothing public
  });

  it('says whose day starts next, in the shape "… in N time zones — Ana’s day starts in 6 h."', async () => {
    const { prompt } = await proposeAndPrompt('U0DEV', '<@U0ANA> <@U0CHO> quick call?');
    expect(leadText(prompt)).toContain('The people you mentioned are in 2 time zones — *cho*’s day starts in 12 h.');
    const one = await (async () => {
      t.clock.advance(5 * HOUR);
      return proposeAndPrompt('U0DEV', '<@U0BEN> can we jump on zoom?');
    })();
    // 17:00 UTC: New York 12:00, working.
    expect(leadText(one.prompt)).toContain('*ben* is working now (New York).');
  });

  it('without mentions, still explains the point of a handoff', async () => {
    const { prompt } = await proposeAndPrompt('U0DEV', "let's jump on a call after standup");
    expect(leadText(prompt)).toContain('A handoff lets people answer in their own working hours');
  });

  it('escapes names and fits Block Kit limits whatever the channel and names look like', async () => {
    t.fake.addUser({ id: 'U0EVIL', name: '<!channel> *bold* & <https://evil.example|click>', tz: 'Europe/Berlin' });
    const longName = 'a-very-long-channel-name-'.repeat(4).slice(0, 80);
    t.fake.addChannel({ id: 'C0LONG', name: longName, members: ['U0DEV', 'U0EVIL'] });
    const { prompt } = await proposeAndPrompt('U0DEV', '<@U0EVIL> quick call?', { channel: 'C0LONG' });
    const lead = leadText(prompt);
    expect(lead).not.toContain('<!channel>');
    expect(lead).not.toContain('<https://evil');
    expect(lead).toContain('&lt;!channel&gt;');
    for (const text of buttonTexts(prompt)) expect(text.length).toBeLessThanOrEqual(75);
    expect(validateSurface('message', { blocks: prompt.blocks ?? [] })).toEqual([]);
  });

  it('posts the prompt in the thread when the proposal is a thread reply, addressed to the thread', async () => {
    const parent = message('U0ANA', 'Launch copy is ready, <@U0BEN> can you check the legal bits?');
    expect(await deliver(parent)).toBe('ignored: no proposal');
    const { prompt } = await proposeAndPrompt('U0DEV', 'this is getting long. 15 min call to unblock?', { threadTs: parent.ts });
    expect(prompt.thread_ts).toBe(parent.ts);
    expect(leadText(prompt)).toContain('The people in this thread are in 2 time zones — *ben*’s day starts in 2 h.');
    expect((await rows())[0]).toMatchObject({ threadTs: parent.ts, pendingMentions: JSON.stringify(['U0ANA', 'U0BEN']) });
    // Found in what Handoff stored from the thread's messages, not by reading the thread back.
    expect(t.fake.callsTo('conversations.replies')).toHaveLength(0);
  });

  it('ignores look-alikes', async () => {
    for (const text of [
      'good call on the API call retries, thanks',
      'Recording from yesterday’s call: <https://zoom.us/rec/share/abc|recording>',
      'no need for a meeting, I wrote it all up in the doc',
      'who is on call this weekend?',
      'Zoom out on the chart and you’ll see the spike',
    ]) {
      expect(await deliver(message('U0DEV', text))).toBe('ignored: no proposal');
    }
    expect(prompts()).toHaveLength(0);
    expect(await rows()).toHaveLength(0);
  });
});

describe('never nag', () => {
  it('a Slack retry of the same event (X-Slack-Retry-Num: 1) does not prompt again', async () => {
    await start();
    const event = message('U0DEV', 'can we hop on a call?');
    expect(await deliver(event, { eventId: 'Ev0RETRY' })).toBe('prompted');
    expect(await deliver(event, { eventId: 'Ev0RETRY', retryNum: 1 })).toBe('ignored: duplicate event');
    expect(await deliver(event, { eventId: 'Ev0RETRY', retryNum: 2 })).toBe('ignored: duplicate event');
    expect(prompts()).toHaveLength(1);
    expect(await rows()).toHaveLength(1);
  });

  it('concurrent double deliveries, even under two event ids, produce one prompt', async () => {
    await start({ DEFLECTION_COOLDOWN_HOURS: '0' });
    const event = message('U0DEV', 'quick call?');
    await Promise.all([t.slack.event(event, { eventId: 'Ev0DUP' }), t.slack.event(event, { eventId: 'Ev0DUP' }), t.slack.event(event, { eventId: 'Ev0OTHER' })]);
    await eventually(() => expect(outcomes).toHaveLength(3));
    expect(outcomes.filter((o) => o === 'prompted')).toHaveLength(1);
    expect(outcomes).toEqual(expect.arrayContaining(['ignored: duplicate event', 'ignored: already prompted (thread or cooldown)']));
    expect(prompts()).toHaveLength(1);
  });

  it('another proposal in the same thread gets no second prompt (cooldown off, so it is the thread rule)', async () => {
    await start({ DEFLECTION_COOLDOWN_HOURS: '0' });
    const { event } = await proposeAndPrompt('U0DEV', 'can we hop on a call?');
    expect(await deliver(message('U0DEV', 'seriously, can we just do a 5 min zoom?', { threadTs: event.ts }))).toBe('ignored: already prompted (thread or cooldown)');
    expect(prompts()).toHaveLength(1);
    // A new thread is a new conversation.
    await proposeAndPrompt('U0DEV', "let's hop on a call about the other thing");
    expect(prompts()).toHaveLength(2);
  });

  it('the cooldown spans threads and channels, and expires after DEFLECTION_COOLDOWN_HOURS (4 by default)', async () => {
    await start();
    await proposeAndPrompt('U0DEV', 'can we hop on a call?');
    t.clock.advance(1 * HOUR);
    expect(await deliver(message('U0DEV', "let's jump on zoom about the migration"))).toBe('ignored: already prompted (thread or cooldown)');
    expect(await deliver(message('U0DEV', 'quick call?', { channel: 'C0OPS' }))).toBe('ignored: already prompted (thread or cooldown)');
    // Someone else is not affected by Dev's cooldown.
    await proposeAndPrompt('U0ANA', 'can we hop on a call?', { channel: 'C0OPS' });
    t.clock.advance(3 * HOUR - 60_000); // 3 h 59 m after the first prompt
    expect(await deliver(message('U0DEV', 'got 5 min for a huddle?'))).toBe('ignored: already prompted (thread or cooldown)');
    t.clock.advance(2 * 60_000); // 4 h 1 m
    await proposeAndPrompt('U0DEV', 'got 5 min for a huddle?');
    expect(prompts().map((p) => p.user)).toEqual(['U0DEV', 'U0ANA', 'U0DEV']);
  });

  it('the cooldown can be configured', async () => {
    await start({ DEFLECTION_COOLDOWN_HOURS: '1' });
    await proposeAndPrompt('U0DEV', 'can we hop on a call?');
    t.clock.advance(HOUR + 60_000);
    await proposeAndPrompt('U0DEV', 'quick call?');
  });

  it('ignores bots, apps, edits, deletions, joins, DMs and group DMs', async () => {
    await start();
    const base = { channel: 'C0ENG', channel_type: 'channel', team: TEAM };
    const ignored: [object, string][] = [
      [{ ...base, type: 'message', subtype: 'bot_message', bot_id: 'B0OTHER', text: 'can we hop on a call?', ts: '1700000001.000001' }, 'ignored: not a person speaking'],
      [{ ...base, type: 'message', user: 'U0BOTTY', bot_id: 'B0BOTTY', text: 'can we hop on a call?', ts: '1700000001.000002' }, 'ignored: not a person speaking'],
      // A meeting app's announcement is read, but Slack does not say who scheduled this one: nobody is asked.
      [
        { ...base, type: 'message', bot_id: 'B0ZOOM', bot_profile: { name: 'Zoom' }, text: 'Zoom meeting started: <https://zoom.us/j/5550001111>', ts: '1700000001.000003' },
        'ignored: app announcement without a known scheduler',
      ],
      [
        {
          ...base,
          type: 'message',
          subtype: 'message_changed',
          hidden: true,
          ts: '1700000001.000004',
          message: { type: 'message', user: 'U0DEV', text: 'can we hop on a call?', ts: '1700000000.000100', edited: { user: 'U0DEV', ts: '1700000001.000004' } },
          previous_message: { type: 'message', user: 'U0DEV', text: 'can we hop on a cal?', ts: '1700000000.000100' },
        },
        'ignored: not a person speaking',
      ],
      [{ ...base, type: 'message', subtype: 'message_deleted', hidden: true, deleted_ts: '1700000000.000100', ts: '1700000001.000005' }, 'ignored: not a person speaking'],
      [
        { ...base, type: 'message', subtype: 'channel_join', user: 'U0DEV', text: '<@U0DEV> has joined the channel — quick call?', ts: '1700000001.000006' },
        'ignored: not a person speaking',
      ],
      [{ type: 'message', channel: 'D0DEV', channel_type: 'im', user: 'U0DEV', text: 'can we hop on a call?', ts: '1700000001.000007', team: TEAM }, 'ignored: not a channel'],
      [{ type: 'message', channel: 'G0MPIM', channel_type: 'mpim', user: 'U0DEV', text: 'can we hop on a call?', ts: '1700000001.000008', team: TEAM }, 'ignored: not a channel'],
    ];
    for (const [event, expected] of ignored) expect(await deliver(event)).toBe(expected);
    expect(prompts()).toHaveLength(0);
    expect(await rows()).toHaveLength(0);
    // None of that used up Dev's cooldown.
    await proposeAndPrompt('U0DEV', 'can we hop on a call?');
  });

  it('survives odd event shapes without a listener error', async () => {
    await start();
    const odd: object[] = [
      { type: 'message', channel: 'C0ENG', channel_type: 'channel', user: 'U0DEV', text: 42, ts: '1700000002.000001' },
      { type: 'message', channel: 'C0ENG', channel_type: 'channel', user: 'U0DEV', text: 'quick call?' },
      { type: 'message', channel_type: 'channel', user: 'U0DEV', text: 'quick call?', ts: '1700000002.000002' },
      { type: 'message', channel: 'C0ENG', channel_type: 'channel', user: { id: 'U0DEV' }, text: 'quick call?', ts: '1700000002.000003' },
      { type: 'message', channel: 'C0ENG', channel_type: 'channel', user: 'U0DEV', text: 'quick call?', ts: '1700000002.000004', thread_ts: 7, attachments: 'x' },
    ];
    for (const event of odd) expect((await t.slack.event(event)).status).toBe(200);
    // Whichever layer stops them (the listener's shape check or the service), none prompts or throws.
    expect(await deliver(message('U0DEV', 'thanks, merged'))).toBe('ignored: no proposal');
    expect(outcomes.filter((o) => !o.startsWith('ignored: '))).toEqual([]);
    expect(t.logs.join('')).not.toContain('unhandled error in a listener');
    expect(prompts()).toHaveLength(0);
  });

  it('ignores people who turned deflection off in /handoff settings, without touching their cooldown', async () => {
    await start();
    const res = await t.slack.interaction(
      t.slack.viewSubmission({
        userId: 'U0DEV',
        callbackId: CallbackIds.settingsModal,
        values: {
          [S.tz.block]: { [S.tz.action]: '' },
          [S.start.block]: { [S.start.action]: { type: 'timepicker', selected_time: '09:00' } },
          [S.end.block]: { [S.end.action]: { type: 'timepicker', selected_time: '17:00' } },
          [S.days.block]: { [S.days.action]: { type: 'checkboxes', selected_options: [1, 2, 3, 4, 5].map((d) => ({ value: String(d) })) } },
          [S.digest.block]: { [S.digest.action]: { type: 'checkboxes', selected_options: [{ value: 'on' }] } },
          [S.deflection.block]: { [S.deflection.action]: { type: 'checkboxes', selected_options: [] } },
          [S.awayUntil.block]: { [S.awayUntil.action]: { type: 'datepicker', selected_date: null } },
        },
      }),
    );
    expect(res.status).toBe(200);
    await eventually(async () => expect((await selectOne(t, 'users', { userId: 'U0DEV' })).deflectionEnabled).toBe(false));

    expect(await deliver(message('U0DEV', 'can we hop on a call?'))).toBe('ignored: person opted out');
    expect(prompts()).toHaveLength(0);
    expect((await selectOne(t, 'users', { userId: 'U0DEV' })).lastDeflectionAt).toBeNull();
    // Others in the same channel still get it.
    await proposeAndPrompt('U0ANA', 'can we hop on a call?');
  });

  it('stays quiet for the whole workspace when the workspace switch is off', async () => {
    await start();
    // Stands in for the admin command (not wired yet): the same service call it will make.
    await t.handoff.deps.deflection.setWorkspaceEnabled(TEAM, false);
    expect(await deliver(message('U0DEV', 'can we hop on a call?'))).toBe('ignored: workspace switched off');
    expect(prompts()).toHaveLength(0);
    await t.handoff.deps.deflection.setWorkspaceEnabled(TEAM, true);
    await proposeAndPrompt('U0DEV', 'can we hop on a call?');
  });

  it('records a refused prompt as failed and keeps no text', async () => {
    await start();
    t.fake.failNext('chat.postEphemeral', { error: 'user_not_in_channel' });
    expect(await deliver(message('U0DEV', 'can we hop on a call?'))).toBe('failed');
    expect(await rows()).toEqual([expect.objectContaining({ outcome: 'failed', pendingText: null, pendingMentions: null })]);
  });
});

describe('the buttons', () => {
  beforeEach(() => start());

  it('"Write a handoff instead" opens the pre-filled modal, adds the permalink, and a submit converts it', async () => {
    const { event, prompt } = await proposeAndPrompt(
      'U0DEV',
      '<@U0ANA> <@U0BEN> can we hop on a quick call about the Q3 launch copy? &lt;draft&gt; is in <https://docs.example/q3|the doc>',
    );
    const id = deflectionIdOf(prompt);
    const responseUrl = await clickPrompt('U0DEV', ActionIds.deflectWrite, prompt);

    const opened = await t.fake.waitFor('views.open');
    const view = opened.args.view as Record<string, unknown>;
    expect(view.callback_id).toBe(CallbackIds.handoffModal);
    expect(inputOf(view, F.recipients.block)).toMatchObject({ initial_users: ['U0ANA', 'U0BEN'] });
    const ask = '@ana @ben can we hop on a quick call about the Q3 launch copy? <draft> is in the doc (https://docs.example/q3)';
    expect(inputOf(view, F.ask.block)).toMatchObject({ initial_value: ask });
    expect(inputOf(view, F.title.block)).toMatchObject({ initial_value: 'can we hop on a quick call about the Q3 launch copy?' });
    expect(JSON.parse(String(view.private_metadata))).toMatchObject({ deflectionId: id });

    const permalink = `https://example.slack.com/archives/C0ENG/p${event.ts.replace('.', '')}`;
    const updated = await t.fake.waitFor('views.update');
    expect((updated.response as { ok: boolean }).ok).toBe(true);
    const viewId = (opened.response as { view: { id: string } }).view.id;
    expect(updated.args.view_id).toBe(viewId);
    const current = t.fake.getView(viewId)!.view;
    expect(inputOf(current, F.links.block)).toMatchObject({ initial_value: permalink });
    expect(JSON.parse(String(current.private_metadata))).toMatchObject({ deflectionId: id, permalink });
    expect(JSON.stringify(current.blocks)).toContain('in Lisbon, working now');
    expect((await responseTo(responseUrl)).args).toMatchObject({ delete_original: true });
    await eventually(async () => expect((await row(id)).pendingText).toBeNull()); // the modal holds it now

    const submitted = await t.slack.interaction(
      t.slack.viewSubmission({ userId: 'U0DEV', callbackId: CallbackIds.handoffModal, viewId, privateMetadata: String(current.private_metadata), values: valuesOf(current) }),
    );
    expect(submitted.status).toBe(200);
    await eventually(async () => expect(await row(id)).toMatchObject({ outcome: 'converted', pendingText: null, pendingMentions: null }));
    const handoff = (await t.handoff.store.loadHandoff(TEAM, (await row(id)).handoffId!))!;
    expect(handoff).toMatchObject({ authorId: 'U0DEV', ask, sourcePermalink: permalink, links: permalink });
    expect(handoff.recipients.map((r) => r.userId).sort()).toEqual(['U0ANA', 'U0BEN']);
  });

  it('"Keep the meeting" opens the agenda modal and posts the agenda, escaped, in the thread', async () => {
    const { event, prompt } = await proposeAndPrompt('U0DEV', 'can we hop on a call about the rollout?');
    const id = deflectionIdOf(prompt);
    await clickPrompt('U0DEV', ActionIds.deflectKeep, prompt);
    const opened = await t.fake.waitFor('views.open');
    const view = (opened.response as { view: Record<string, unknown> }).view;
    expect(view.callback_id).toBe(CallbackIds.agendaModal);

    const agenda = '1. Decide the rollout date\n2. <!channel> & <https://evil.example|read this> first';
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: 'U0DEV',
        callbackId: CallbackIds.agendaModal,
        viewId: String(view.id),
        privateMetadata: String(view.private_metadata),
        values: { [AgendaModalFields.agenda.block]: { [AgendaModalFields.agenda.action]: agenda } },
      }),
    );
    const posted = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'C0ENG');
    expect(posted.args.thread_ts).toBe(event.ts);
    expect(posted.args.text).toContain('1. Decide the rollout date');
    expect(posted.args.text).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|read this&gt;');
    expect(posted.args.text).not.toContain('<!channel>');
    expect(await row(id)).toMatchObject({ outcome: 'kept', pendingText: null });
  });

  it('"Not now" removes the prompt and records it as dismissed', async () => {
    const { prompt } = await proposeAndPrompt('U0DEV', 'can we hop on a call?');
    const id = deflectionIdOf(prompt);
    expect((await row(id)).pendingText).toBe('can we hop on a call?');
    const url = await clickPrompt('U0DEV', ActionIds.deflectNotNow, prompt);
    expect((await responseTo(url)).args).toMatchObject({ delete_original: true });
    expect(await row(id)).toMatchObject({ outcome: 'dismissed', pendingText: null, pendingMentions: null });
  });

  it('"Don’t suggest in this channel" mutes that person in that channel only, and can be undone', async () => {
    const { prompt } = await proposeAndPrompt('U0DEV', 'can we hop on a call?');
    const id = deflectionIdOf(prompt);
    const url = await clickPrompt('U0DEV', ActionIds.deflectMuteChannel, prompt);
    const confirmation = (await responseTo(url)).args;
    expect(confirmation).toMatchObject({ replace_original: true });
    expect(String(confirmation.text)).toContain('<#C0ENG>');
    expect(await row(id)).toMatchObject({ outcome: 'muted', pendingText: null });

    t.clock.advance(5 * HOUR); // past the cooldown
    expect(await deliver(message('U0DEV', 'quick call?'))).toBe('ignored: muted here');
    await proposeAndPrompt('U0ANA', 'quick call?'); // others in #eng still get it
    await proposeAndPrompt('U0DEV', 'quick call?', { channel: 'C0OPS' }); // and Dev elsewhere

    // Undo, from the confirmation's button.
    const undoUrl = t.fake.responseUrl();
    await t.slack.interaction({
      ...t.slack.blockAction({ userId: 'U0DEV', actionId: ActionIds.deflectUnmuteChannel, value: String(id), channelId: 'C0ENG' }),
      response_url: undoUrl,
    });
    expect(String((await responseTo(undoUrl)).args.text)).toContain('again');
    t.clock.advance(5 * HOUR);
    await proposeAndPrompt('U0DEV', 'quick call?');
  });

  it('refuses a crafted click on someone else’s prompt, and keeps the prompt intact for its owner', async () => {
    const { prompt } = await proposeAndPrompt('U0DEV', '<@U0ANA> can we hop on a call?');
    const id = deflectionIdOf(prompt);
    for (const actionId of [ActionIds.deflectWrite, ActionIds.deflectKeep, ActionIds.deflectNotNow, ActionIds.deflectMuteChannel, ActionIds.deflectUnmuteChannel]) {
      const url = await clickPrompt('U0ANA', actionId, prompt);
      expect(String((await responseTo(url)).args.text)).toBe('This suggestion isn’t yours to act on.');
    }
    for (const value of ['abc', '', '1e3', String(id + 1000)]) {
      const url = await clickPrompt('U0DEV', ActionIds.deflectNotNow, prompt, value);
      expect(String((await responseTo(url)).args.text)).toBe('This suggestion isn’t yours to act on.');
    }
    expect(t.fake.callsTo('views.open')).toHaveLength(0);
    expect(await row(id)).toMatchObject({ outcome: 'shown', pendingText: '@ana can we hop on a call?' });
    expect(await deliver(message('U0ANA', 'quick call?'))).toBe('prompted'); // Ana was not muted
  });

  it('refuses crafted submissions that name someone else’s deflection', async () => {
    const { event, prompt } = await proposeAndPrompt('U0DEV', '<@U0ANA> can we hop on a call?');
    const id = deflectionIdOf(prompt);
    // An agenda "from" Ana into Dev's thread.
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: 'U0ANA',
        callbackId: CallbackIds.agendaModal,
        privateMetadata: JSON.stringify({ deflectionId: id }),
        values: { [AgendaModalFields.agenda.block]: { [AgendaModalFields.agenda.action]: 'hijack' } },
      }),
    );
    // A handoff by Ana that claims to convert Dev's prompt.
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: 'U0ANA',
        callbackId: CallbackIds.handoffModal,
        privateMetadata: JSON.stringify({ key: 'crafted', deflectionId: id }),
        values: {
          [F.recipients.block]: { [F.recipients.action]: { type: 'multi_users_select', selected_users: ['U0BEN'] } },
          [F.ask.block]: { [F.ask.action]: 'Please review the copy' },
        },
      }),
    );
    await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'U0ANA'); // Ana's handoff confirmation
    expect(t.fake.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === event.ts)).toHaveLength(0);
    expect(await row(id)).toMatchObject({ outcome: 'shown', handoffId: null });
  });

  it('forgets an unanswered prompt’s text after a day', async () => {
    const { prompt } = await proposeAndPrompt('U0DEV', '<@U0ANA> can we hop on a call?');
    const id = deflectionIdOf(prompt);
    t.clock.advance(25 * HOUR);
    await t.tick();
    expect(await row(id)).toMatchObject({ outcome: 'shown', pendingText: null, pendingMentions: null });
  });
});

/** An app's message event as Slack delivers it (subtype bot_message, a bot profile), stored in the fake too. */
function appMessage(fields: Record<string, unknown>, channel = 'C0ENG'): Record<string, unknown> & { ts: string } {
  const stored = t.fake.addMessage(channel, { user: String(fields.user ?? 'U0APPUSER'), text: String(fields.text ?? '') });
  return { type: 'message', channel, channel_type: 'channel', team: TEAM, ts: stored.ts, event_ts: stored.ts, ...fields };
}

/**
 * The Zoom app's "meeting started" message, shaped like the real one: subtype bot_message, a bot
 * profile, and a `call` block from the Slack Calls API whose `v1.created_by` is the Slack user the
 * app registered the call for. Zoom updates the same block (has_ended) when the call ends.
 */
function zoomStarted(createdBy: string, opts: { hasEnded?: boolean; text?: string } = {}): Record<string, unknown> & { ts: string } {
  return appMessage({
    subtype: 'bot_message',
    text: opts.text ?? 'dev has started a meeting',
    bot_id: 'B0ZOOM',
    bot_profile: { id: 'B0ZOOM', deleted: false, name: 'Zoom', app_id: 'A5GE9BMQC', team_id: TEAM },
    blocks: [
      {
        type: 'call',
        block_id: 'zoom-call',
        call_id: 'R0CALL01',
        api_decoration_available: false,
        call: {
          v1: {
            id: 'R0CALL01',
            app_id: 'A5GE9BMQC',
            app_icon_urls: {},
            date_start: 1764072000,
            active_participants: [],
            all_participants: [],
            display_id: '555-000-1111',
            join_url: 'https://us02web.zoom.us/j/5550001111?pwd=abc',
            desktop_app_join_url: 'zoommtg://zoom.us/join?confno=5550001111',
            name: 'Zoom meeting started by dev',
            created_by: createdBy,
            date_end: 0,
            channels: ['C0ENG'],
            is_dm_call: false,
            was_rejected: false,
            was_missed: false,
            was_accepted: false,
            has_ended: opts.hasEnded ?? false,
          },
          media_backend_type: 'platform_call',
        },
      },
    ],
  });
}

describe('calendar and meeting apps', () => {
  beforeEach(() => start());

  it('a call started by the Zoom app prompts the person who started it, privately, in the channel', async () => {
    const event = zoomStarted('U0DEV');
    expect(await deliver(event)).toBe('prompted');
    expect(prompts()).toHaveLength(1);
    expect(prompts()[0]).toMatchObject({ channel: 'C0ENG', user: 'U0DEV' });
    expect(validateSurface('message', { blocks: prompts()[0]!.blocks ?? [] })).toEqual([]);
    expect(JSON.stringify(prompts()[0]!.blocks)).toContain('Why this showed up: “Zoom”');
    expect(await rows()).toEqual([expect.objectContaining({ userId: 'U0DEV', channelId: 'C0ENG', messageTs: event.ts, reason: 'calendar_app', outcome: 'shown' })]);
    // The handoff pre-fill is the announcement: the call's name and link.
    expect((await rows())[0]!.pendingText).toContain('Zoom meeting started by dev');
    // The same announcement delivered again, and Dev's cooldown, still give one prompt.
    expect(await deliver(zoomStarted('U0DEV'))).toBe('ignored: already prompted (thread or cooldown)');
    expect(prompts()).toHaveLength(1);
  });

  it('a Google Calendar event posted in the channel prompts its organiser (named in the blocks) and addresses the guests', async () => {
    const event = appMessage({
      subtype: 'bot_message',
      bot_id: 'B0GCAL',
      bot_profile: { id: 'B0GCAL', name: 'Google Calendar', app_id: 'A0GCAL' },
      text: 'New event: Launch review',
      attachments: [
        {
          color: '1a73e8',
          title: 'Launch review',
          title_link: 'https://www.google.com/calendar/event?eid=bGF1bmNoLXJldmlldw',
          text: 'Thursday, Nov 26 · 15:00 – 15:30 (UTC)',
          fields: [{ title: 'Video call', value: '<https://meet.google.com/abc-defg-hij|meet.google.com/abc-defg-hij>', short: false }],
        },
      ],
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*<https://www.google.com/calendar/event?eid=bGF1bmNoLXJldmlldw|Launch review>*\nThursday, Nov 26 · 15:00 – 15:30' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Organizer: <@U0ANA> · Guests: <@U0BEN>, <@U0CHO>' }] },
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'Join with Google Meet' }, url: 'https://meet.google.com/abc-defg-hij', action_id: 'join' }],
        },
      ],
    });
    expect(await deliver(event)).toBe('prompted');
    expect(prompts()[0]).toMatchObject({ channel: 'C0ENG', user: 'U0ANA' });
    expect(leadText(prompts()[0]!)).toContain('The people you mentioned are in 2 time zones');
    expect((await rows())[0]).toMatchObject({ userId: 'U0ANA', reason: 'calendar_app', pendingMentions: JSON.stringify(['U0BEN', 'U0CHO']) });
  });

  it('a Teams meeting posted with the scheduler’s own token (user + bot_id, rich-text blocks) prompts that person', async () => {
    const event = appMessage({
      user: 'U0BEN',
      bot_id: 'B0TEAMS',
      app_id: 'A0TEAMS',
      bot_profile: { id: 'B0TEAMS', name: 'Microsoft Teams', app_id: 'A0TEAMS' },
      text: 'Meeting scheduled: Vendor sync',
      blocks: [
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: 'Meeting scheduled: ' },
                { type: 'text', text: 'Vendor sync', style: { bold: true } },
                { type: 'text', text: ' · Thu 16:00 · ' },
                { type: 'link', url: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0', text: 'Join Microsoft Teams Meeting' },
              ],
            },
          ],
        },
      ],
    });
    expect(await deliver(event)).toBe('prompted');
    expect(prompts()[0]).toMatchObject({ user: 'U0BEN' });
  });

  it('never prompts a bot, nor anyone when Slack does not say who scheduled the call', async () => {
    // created_by is a bot user; a display name alone ("Jane Doe started …") is never matched to a person.
    expect(await deliver(zoomStarted('U0BOTTY'))).toBe('ignored: app announcement without a known scheduler');
    const named = appMessage({
      subtype: 'bot_message',
      bot_id: 'B0ZOOM',
      bot_profile: { name: 'Zoom' },
      text: 'Jane Doe started a Zoom meeting',
      attachments: [{ text: 'Join meeting: https://zoom.us/j/5551234567' }],
    });
    expect(await deliver(named)).toBe('ignored: app announcement without a known scheduler');
    // An app posting as its own bot user: the user field is a bot.
    const asBot = appMessage({
      user: 'U0BOTTY',
      bot_id: 'B0BOTTY',
      bot_profile: { name: 'Google Calendar' },
      text: 'New event: Sprint planning',
      attachments: [{ text: 'Join with Google Meet: https://meet.google.com/xyz-abcd-efg' }],
    });
    expect(await deliver(asBot)).toBe('ignored: app announcement without a known scheduler');
    expect(prompts()).toHaveLength(0);
    expect(await rows()).toHaveLength(0);
  });

  it('reminders, cancellations and ended calls from the same apps prompt nobody', async () => {
    const gcal = (text: string) =>
      appMessage({
        subtype: 'bot_message',
        bot_id: 'B0GCAL',
        bot_profile: { name: 'Google Calendar' },
        text,
        blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'Organizer: <@U0ANA>' }] }],
      });
    expect(await deliver(gcal('Reminder: Launch review starts in 10 minutes'))).toBe('ignored: not a person speaking');
    expect(await deliver(gcal('Event cancelled: Launch review'))).toBe('ignored: not a person speaking');
    expect(await deliver(zoomStarted('U0DEV', { hasEnded: true, text: 'The meeting has ended' }))).toBe('ignored: not a person speaking');
    expect(prompts()).toHaveLength(0);
  });
});

describe('what the detector catches in production', () => {
  beforeEach(() => start());

  it('an implicit proposal ("this feels like a 5-minute conversation") gets exactly one prompt', async () => {
    const event = message('U0DEV', '<@U0ANA> this feels like a 5-minute conversation');
    expect(await deliver(event, { eventId: 'Ev0IMPLICIT' })).toBe('prompted');
    expect(await deliver(event, { eventId: 'Ev0IMPLICIT', retryNum: 1 })).toBe('ignored: duplicate event');
    expect(prompts()).toHaveLength(1);
    expect(await rows()).toEqual([expect.objectContaining({ userId: 'U0DEV', outcome: 'shown' })]);
    // The model, not a phrase rule, found this one; the log says why it fired.
    expect((await rows())[0]!.reason).toBe('model');
    expect(JSON.stringify(prompts()[0]!.blocks)).toMatch(/Why this showed up: “[^”]+”/);
    expect(t.logs.join('')).toContain('"why":[');
  });

  it('a look-alike in every language gets no prompt', async () => {
    const lookAlikes: [string, string][] = [
      ['en', 'good call on pinning the node version, the API call is stable now'],
      ['es', 'la llamada a la API tarda tres segundos, hay que cachearla'],
      ['de', 'kein Call nötig, ich schreib alles ins Ticket'],
      ['fr', 'merci pour la réunion de ce matin, le compte rendu est dans le doc'],
      ['pt', 'a reunião de ontem foi ótima, obrigado a todos'],
    ];
    for (const [, text] of lookAlikes) expect(await deliver(message('U0DEV', text))).toBe('ignored: no proposal');
    expect(prompts()).toHaveLength(0);
    expect(await rows()).toHaveLength(0);
  });
});

describe('when the people addressed can meet', () => {
  beforeEach(() => start());

  it('says gently when they overlap later today, in the proposer’s time', async () => {
    // Wed 12:00 UTC: Ana (Lisbon) is working; Ben (New York) starts at 14:00 UTC, Ana ends at 17:00.
    const { prompt } = await proposeAndPrompt('U0ANA', '<@U0BEN> can we hop on a call about the contract?');
    expect(leadText(prompt)).toContain('*ben*’s day starts in 2 h (New York). You next overlap with *ben* today 14:00–17:00 your time.');
  });

  it('says who is gone and when everyone next overlaps when there is no shared hour in the next 24 h', async () => {
    // Fri 18:00 UTC: Cho's (Tokyo) day ended at 08:00 UTC, and Lisbon 09–17 never meets Tokyo 09–17.
    t.clock.set(new Date('2026-11-27T18:00:00Z'));
    const { prompt } = await proposeAndPrompt('U0ANA', '<@U0CHO> quick call?');
    expect(leadText(prompt)).toContain('*cho*’s day ended 10 h ago; you share no working hours with *cho* in the next 7 days.');
    // Ben (New York) next overlaps with Ana on Monday 14:00–17:00 UTC (Lisbon time): beyond 24 h.
    t.clock.advance(5 * HOUR);
    const again = await proposeAndPrompt('U0ANA', '<@U0BEN> can we hop on a call?');
    expect(leadText(again.prompt)).toContain('*ben*’s day ended 1 h ago; your next overlap is Mon 14:00–17:00 your time.');
    expect(leadText(again.prompt).split('\n')).toHaveLength(2); // the title line, then one line of figures
  });
});
