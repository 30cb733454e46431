/**
 * Thread participants end to end (issue 15): who is in a channel thread is kept from the message
 * events Handoff receives, so a call proposed in a thread pre-fills the thread's people without
 * reading the thread back from Slack (conversations.replies: one call a minute for a distributed
 * app). Only a thread Handoff did not see begin is read, once, and only outside Slack's restricted
 * budget; the rows are deleted once not seen for 30 days; one workspace's never reach another's.
 */
import { randomUUID } from 'node:crypto';
import { startTestApp, eventually, TEAM, type TestApp } from '../harness/testApp';
import { selectRows } from '../harness/testDb';
import { recordDeflectionOutcomes } from '../harness/deflectionOutcomes';
import { installThroughBrowser } from '../harness/install';
import { requesterOf, startDistributed, WORKSPACES, type Workspace } from './distributed.support';
import type { SlackRequester } from '../harness/slackRequests';

// Wednesday 2026-11-25 12:00 UTC.
const NOW = '2026-11-25T12:00:00Z';
const DAY = 86_400_000;

let t: TestApp;
let outcomes: string[];
/** A fake Slack the test started itself (distributed mode), closed after its app. */
let ownFake: { close(): Promise<void> } | undefined;

async function start(env: Record<string, string> = {}): Promise<void> {
  t = await startTestApp({ now: NOW, env });
  t.fake.addUser({ id: 'U0DEV', name: 'dev', tz: 'America/Los_Angeles' });
  t.fake.addUser({ id: 'U0ANA', name: 'ana', tz: 'Europe/Lisbon' });
  t.fake.addUser({ id: 'U0BEN', name: 'ben', tz: 'America/New_York' });
  t.fake.addUser({ id: 'U0CHO', name: 'cho', tz: 'Asia/Tokyo' });
  t.fake.addUser({ id: 'U0EVE', name: 'eve', tz: 'Europe/Berlin' });
  t.fake.addChannel({ id: 'C0ENG', name: 'eng', members: ['U0DEV', 'U0ANA', 'U0BEN', 'U0CHO', 'U0EVE'] });
  outcomes = recordDeflectionOutcomes(t);
}

afterEach(async () => {
  await t?.close();
  await ownFake?.close();
  ownFake = undefined;
});

interface Options {
  threadTs?: string;
  parentUserId?: string;
  /** An app's message (bot_id set), not a person's. */
  botId?: string;
  /** Stored in the fake only (Handoff was not there when it was posted): no event is sent. */
  silent?: boolean;
}

/** A message in #eng, stored in the fake (so conversations.replies would see it), and its event. */
function message(user: string, text: string, o: Options = {}): Record<string, unknown> & { ts: string } {
  const stored = t.fake.addMessage('C0ENG', { user, text, ...(o.threadTs ? { thread_ts: o.threadTs } : {}), ...(o.botId ? { bot_id: o.botId } : {}) });
  return {
    type: 'message',
    channel: 'C0ENG',
    channel_type: 'channel',
    user,
    text,
    ts: stored.ts,
    event_ts: stored.ts,
    team: TEAM,
    client_msg_id: randomUUID(),
    ...(o.botId ? { bot_id: o.botId } : {}),
    ...(o.threadTs ? { thread_ts: o.threadTs, parent_user_id: o.parentUserId ?? 'U0ANA' } : {}),
  };
}

/** Sends the event and waits until its listener (the participants' write included) has finished. */
async function deliver(event: object, via: SlackRequester = t.slack): Promise<string> {
  const before = outcomes.length;
  expect((await via.event(event)).status).toBe(200);
  await eventually(() => expect(outcomes.length).toBeGreaterThan(before));
  expect(await t.handoff.inFlight.drain(10_000)).toBe(true);
  return outcomes[before]!;
}

const replies = () => t.fake.callsTo('conversations.replies');
const participants = async () =>
  (await selectRows(t, 'threadParticipants'))
    .map((r) => `${r.teamId} ${r.channelId} ${r.threadTs} ${r.userId}${r.started ? ' started' : ''}${r.inParent ? ' in-parent' : ''}`)
    .sort();
const prefilled = async () => (await selectRows(t, 'deflections')).map((d) => JSON.parse(d.pendingMentions ?? '[]') as string[]);

describe('a call proposed in a thread pre-fills the thread’s people from what Handoff stored', () => {
  it('the starter, whom the first message named, who replied and whom they named — with no conversations.replies', async () => {
    await start();
    const parent = message('U0ANA', 'Launch copy is ready, <@U0BEN> can you check the legal bits? cc <@UBOT>');
    expect(await deliver(parent)).toBe('ignored: no proposal');
    expect(await deliver(message('U0CHO', 'I left comments on the pricing part', { threadTs: parent.ts }))).toBe('ignored: no proposal');
    expect(await deliver(message('U0ANA', 'thanks! <@U0EVE> the screenshots are yours', { threadTs: parent.ts }))).toBe('ignored: no proposal');
    // An app in the thread, naming someone: neither it nor whom it names is a participant.
    expect(await deliver(message('U0BOTTY', 'deploy finished, <@U0DEV> FYI', { threadTs: parent.ts, botId: 'B0DEPLOY' }))).toBe('ignored: not a person speaking');

    // Handoff itself (UBOT) and the app are not stored.
    expect(await participants()).toEqual([
      `${TEAM} C0ENG ${parent.ts} U0ANA started in-parent`,
      `${TEAM} C0ENG ${parent.ts} U0BEN in-parent`,
      `${TEAM} C0ENG ${parent.ts} U0CHO`,
      `${TEAM} C0ENG ${parent.ts} U0EVE`,
    ]);

    expect(await deliver(message('U0DEV', 'this is getting long. 15 min call to unblock?', { threadTs: parent.ts }))).toBe('prompted');
    // The starter, then the first message's, then the most recently seen; never the proposer.
    expect(await prefilled()).toEqual([['U0ANA', 'U0BEN', 'U0CHO', 'U0EVE']]);
    const prompt = t.fake.ephemerals.at(-1)!;
    expect(prompt.thread_ts).toBe(parent.ts);
    expect(JSON.stringify(prompt.blocks)).toContain('The people in this thread');
    expect(replies()).toHaveLength(0);
    // The proposer is in the thread now too.
    expect(await participants()).toContain(`${TEAM} C0ENG ${parent.ts} U0DEV`);
  });

  it('a thread begun before Handoff was there is read once, within the budget, and its people are then stored', async () => {
    await start();
    const parent = message('U0ANA', 'Launch copy is ready, <@U0BEN> can you check the legal bits?', { silent: true });
    message('U0CHO', 'left comments', { threadTs: parent.ts, silent: true });
    expect(await deliver(message('U0DEV', 'can we hop on a quick call about this?', { threadTs: parent.ts }))).toBe('prompted');
    expect(replies()).toHaveLength(1);
    expect(await prefilled()).toEqual([['U0ANA', 'U0BEN', 'U0CHO']]);
    expect(await participants()).toEqual([
      `${TEAM} C0ENG ${parent.ts} U0ANA started in-parent`,
      `${TEAM} C0ENG ${parent.ts} U0BEN in-parent`,
      `${TEAM} C0ENG ${parent.ts} U0CHO`,
      `${TEAM} C0ENG ${parent.ts} U0DEV`,
    ]);
    // Someone else proposing in the same thread: what was read is stored, nothing is read again.
    expect(await deliver(message('U0EVE', 'agree, a quick call?', { threadTs: parent.ts }))).toBe('prompted');
    expect(replies()).toHaveLength(1);
    expect((await prefilled())[1]).toEqual(['U0ANA', 'U0BEN', 'U0CHO', 'U0DEV']);
  });

  it('a thread an app started is read once, not at every proposal; one Handoff started (its card) is never read', async () => {
    await start();
    // A deploy app's message Handoff saw (no row: apps are not participants), and people replying to it.
    const deploy = message('U0BOTTY', 'deploy 42 failed', { botId: 'B0DEPLOY' });
    expect(await deliver(deploy)).toBe('ignored: not a person speaking');
    expect(await deliver(message('U0CHO', 'looking', { threadTs: deploy.ts, parentUserId: 'U0BOTTY' }))).toBe('ignored: no proposal');
    expect(await deliver(message('U0DEV', 'quick call to sort it out?', { threadTs: deploy.ts, parentUserId: 'U0BOTTY' }))).toBe('prompted');
    expect(await deliver(message('U0EVE', 'can we hop on a call?', { threadTs: deploy.ts, parentUserId: 'U0BOTTY' }))).toBe('prompted');
    expect(replies()).toHaveLength(1);
    expect((await prefilled())[1]).toEqual(['U0CHO', 'U0DEV']);
    // Still no row says the first message was seen: it was an app's.
    expect((await participants()).filter((r) => r.includes('in-parent') && r.includes(deploy.ts))).toEqual([]);

    // Handoff's own channel card: every reply under it was seen, nothing to read.
    const card = t.fake.addMessage('C0ENG', { user: 'UBOT', text: 'Handoff #1' });
    expect(await deliver(message('U0ANA', 'on it', { threadTs: card.ts, parentUserId: 'UBOT' }))).toBe('ignored: no proposal');
    expect(await deliver(message('U0BEN', 'a 5 min call would be quicker?', { threadTs: card.ts, parentUserId: 'UBOT' }))).toBe('prompted');
    expect(replies()).toHaveLength(1);
    expect((await prefilled())[2]).toEqual(['U0ANA']);
  });

  it('under Slack’s restricted budget (one read a minute) such a thread is never read: the starter its event names and what was seen since', async () => {
    await start({ SLACK_HISTORY_READS_PER_MINUTE: '1' });
    const parent = message('U0ANA', 'Launch copy is ready, <@U0BEN> can you check the legal bits?', { silent: true });
    expect(await deliver(message('U0CHO', 'left comments', { threadTs: parent.ts }))).toBe('ignored: no proposal');
    expect(await deliver(message('U0DEV', 'can we hop on a quick call about this?', { threadTs: parent.ts }))).toBe('prompted');
    expect(replies()).toHaveLength(0);
    // Ben, named only in the first message Handoff never saw, is not known.
    expect(await prefilled()).toEqual([['U0ANA', 'U0CHO']]);
  });
});

describe('a workspace that switched deflection off', () => {
  it('keeps nobody’s participation', async () => {
    await start();
    await t.handoff.deps.deflection.setWorkspaceEnabled(TEAM, false);
    const parent = message('U0ANA', 'Launch copy is ready, <@U0BEN>');
    expect(await deliver(parent)).toBe('ignored: no proposal');
    expect(await deliver(message('U0DEV', 'quick call?', { threadTs: parent.ts }))).toBe('ignored: workspace switched off');
    expect(await participants()).toEqual([]);
    await t.handoff.deps.deflection.setWorkspaceEnabled(TEAM, true);
    expect(await deliver(message('U0CHO', 'back on', { threadTs: parent.ts }))).toBe('ignored: no proposal');
    expect(await participants()).toEqual([`${TEAM} C0ENG ${parent.ts} U0ANA started`, `${TEAM} C0ENG ${parent.ts} U0CHO`]);
  });
});

describe('retention', () => {
  it('deletes rows not seen for 30 days at the scheduler tick, and keeps the others', async () => {
    await start();
    const old = message('U0ANA', 'an old thread, <@U0BEN>');
    await deliver(old);
    t.clock.advance(20 * DAY);
    const recent = message('U0CHO', 'a newer thread');
    await deliver(recent);
    t.clock.advance(10 * DAY + 1);
    await t.tick();
    expect(await participants()).toEqual([`${TEAM} C0ENG ${recent.ts} U0CHO started in-parent`]);
  });

  it('a person seen again in a thread is kept (last seen moves, at most hourly)', async () => {
    await start();
    const parent = message('U0ANA', 'a long-running thread');
    await deliver(parent);
    t.clock.advance(29 * DAY);
    await deliver(message('U0ANA', 'still going', { threadTs: parent.ts }));
    t.clock.advance(2 * DAY);
    await t.tick();
    expect(await participants()).toEqual([`${TEAM} C0ENG ${parent.ts} U0ANA started in-parent`]);
  });
});

describe('tenant isolation', () => {
  it('one workspace’s thread participants never appear for another, even for the same channel and thread ids', async () => {
    const d = await startDistributed();
    t = d;
    ownFake = d.fake;
    const [a, b] = WORKSPACES as [Workspace, Workspace];
    await installThroughBrowser(d, { teamId: a.teamId });
    await installThroughBrowser(d, { teamId: b.teamId });
    outcomes = recordDeflectionOutcomes(d);
    const channel = 'C0SHARED';
    d.fake.addChannel({ id: channel, name: 'a-eng', members: [a.author.id, a.recipient.id], team_id: a.teamId });
    const ev = (ws: Workspace, user: string, text: string, ts: string, threadTs?: string) => ({
      type: 'message',
      channel,
      channel_type: 'channel',
      user,
      text,
      ts,
      event_ts: ts,
      team: ws.teamId,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    // A's thread: its author starts it naming its recipient.
    const threadTs = '1700000100.000100';
    expect(await deliver(ev(a, a.author.id, `<@${a.recipient.id}> the rota is ready`, threadTs), requesterOf(d, a))).toBe('ignored: no proposal');
    const aRows = await participants();
    expect(aRows).toEqual([`${a.teamId} ${channel} ${threadTs} ${a.author.id} started in-parent`, `${a.teamId} ${channel} ${threadTs} ${a.recipient.id} in-parent`]);

    // B's author proposes a call in a thread with the very same channel and thread ids, naming nobody.
    const outcome = await deliver(ev(b, b.author.id, 'can we hop on a quick call about this?', '1700000100.000200', threadTs), requesterOf(d, b));
    expect(['prompted', 'failed']).toContain(outcome);
    const bPrompts = (await selectRows(d, 'deflections')).filter((r) => r.teamId === b.teamId);
    expect(bPrompts).toHaveLength(1);
    // B's pre-fill is empty: nothing of A's; and the thread was not read (distributed: restricted budget).
    expect(JSON.parse(bPrompts[0]!.pendingMentions ?? '[]')).toEqual([]);
    expect(d.fake.callsTo('conversations.replies')).toHaveLength(0);
    // A's rows are as they were; B's rows name only B's own person.
    const now = await participants();
    expect(now.filter((r) => r.startsWith(a.teamId))).toEqual(aRows);
    expect(now.filter((r) => r.startsWith(b.teamId))).toEqual([`${b.teamId} ${channel} ${threadTs} ${b.author.id}`]);
    expect(await d.handoff.store.threadParticipantsOf(b.teamId, channel, threadTs)).toEqual([expect.objectContaining({ userId: b.author.id })]);
  });
});
