/**
 * Handoffs between two workspaces of one Enterprise Grid org served by one org-wide install (issue 15):
 * an author in Grid A hands off to a colleague who is only in Grid B. The handoff stays in A (its
 * number, its events, its author's news); the colleague is known, served and answered in B: their
 * digest comes at B's person's 09:00 with B's workspace named on every call, their list and App Home
 * show the ask, and they act on it from B. Nobody else of B, and nobody of another workspace, can.
 * The e2e-postgres project runs this file on PostgreSQL too.
 */
import { randomUUID } from 'node:crypto';
import { eventually, type TestApp } from '../harness/testApp';
import type { FakeMessage } from '../harness/fakeSlack';
import { installThroughBrowser, requesterFor } from '../harness/install';
import type { SlackRequester } from '../harness/slackRequests';
import { selectRows } from '../harness/testDb';
import { ActionIds, CallbackIds, MetadataEventTypes, ResolveModalFields } from '../../src/ids';
import { ORG_LEVEL_ANSWER } from '../../src/listeners/payloadGuard';
import { GRID, requesterOf, startDistributed, startReplica, WORKSPACES } from './distributed.support';
import { modalValues } from '../harness/handoffForm';
import { digestPreviewCommand } from '../../src/cli/digestPreview';

const acme = WORKSPACES[0]!;
const gridA = WORKSPACES[2]!;
const gridB = WORKSPACES[3]!;
/** Grid A's author (Los Angeles) and Grid B's recipient (Sydney), who is not a member of Grid A. */
const AUTHOR = gridA.author.id;
const COLLEAGUE = gridB.recipient.id;

const digestsIn = (t: TestApp, userId: string): FakeMessage[] => t.fake.messagesIn(userId).filter((m) => m.metadata?.event_type === MetadataEventTypes.digest);
const textOf = (m: FakeMessage) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

describe('Enterprise Grid: a handoff from one workspace of the org to a colleague of another', () => {
  let t: TestApp;
  let handoffId: number;
  const fromA = () => requesterOf(t, gridA);
  const fromB = () => requesterOf(t, gridB);
  const answerTo = (text: RegExp) => t.fake.waitFor('response_url', (c) => text.test(String(c.args.text)));

  beforeAll(async () => {
    t = await startDistributed(); // Wed 25 Nov 2026, 12:00 UTC: 04:00 in Los Angeles, 23:00 in Sydney
    await installThroughBrowser(t, { enterpriseId: GRID, orgWide: true });
    await installThroughBrowser(t, { teamId: acme.teamId });
  });
  afterAll(async () => {
    const fake = t?.fake;
    await t?.close();
    await fake?.close();
  });

  it('the author in Grid A names a colleague who is only in Grid B: created in A, the colleague known in B and told it waits for their morning', async () => {
    expect(t.fake.getUser(COLLEAGUE)!.team_id).toBe(gridB.teamId);
    const res = await fromA().command({ userId: AUTHOR, text: `<@${COLLEAGUE}> please review the Sydney rota` });
    expect(res.status).toBe(200);
    const answer = await answerTo(/Handoff #1 created/);
    expect(String(answer.args.text)).toContain(`<@${COLLEAGUE}> — 23:00 in Sydney`);
    expect(String(answer.args.text)).toContain('it waits for their morning digest');

    const [h] = await selectRows(t, 'handoffs', { teamId: gridA.teamId });
    handoffId = h!.id as number;
    expect(await selectRows(t, 'handoffRecipients', { handoffId })).toEqual([expect.objectContaining({ teamId: gridA.teamId, recipientTeamId: gridB.teamId, userId: COLLEAGUE })]);
    // One person, one home: their row is in their own workspace only.
    expect((await selectRows(t, 'users', { userId: COLLEAGUE })).map((u) => u.teamId)).toEqual([gridB.teamId]);
    expect(await t.handoff.store.teamsOfEnterprise(GRID)).toContain(gridB.teamId);
  });

  it('their list in Grid B shows it; nobody else’s does', async () => {
    // This list's own answer (the creation's answer above names the ask too).
    const list = await t.reply(COLLEAGUE, 'list', fromB());
    expect(JSON.stringify(list.blocks)).toContain('please review the Sydney rota');
    // The author's own workspace lists it as theirs; Grid B's other person has nothing waiting.
    expect((await t.handoff.store.listWaitingOn(gridA.teamId, COLLEAGUE)).map((x) => x.id)).toEqual([]);
    expect((await t.handoff.store.listWaitingOn(gridB.teamId, COLLEAGUE)).map((x) => x.id)).toEqual([handoffId]);
    expect(await t.handoff.store.listWaitingOn(gridB.teamId, gridB.author.id)).toEqual([]);
  });

  it('their digest comes at 09:00 in Sydney, in Grid B (the org’s token, naming B), with the ask and where the author is', async () => {
    t.clock.set('2026-11-25T22:00:00Z'); // Thu 09:00 in Sydney
    await t.tick();
    await eventually(() => expect(digestsIn(t, COLLEAGUE)).toHaveLength(1));
    const digest = digestsIn(t, COLLEAGUE)[0]!;
    expect(textOf(digest)).toContain('please review the Sydney rota');
    expect(textOf(digest)).toContain(`<@${AUTHOR}> (Los Angeles)`);
    const posted = t.fake.callsTo('chat.postMessage').find((c) => (c.response as { ts?: string }).ts === digest.ts)!;
    expect(posted.team).toBe(gridB.teamId);
    expect((await selectRows(t, 'outbox', { kind: 'digest', userId: COLLEAGUE })).map((r) => r.teamId)).toEqual([gridB.teamId]);
  });

  it('a click on it by anyone else — Grid B’s other person, or someone of another workspace — finds nothing and changes nothing', async () => {
    const others = [
      { slack: fromB(), userId: gridB.author.id },
      { slack: requesterFor(t, acme.teamId), userId: acme.author.id },
      // The author's own colleague in Grid A is not on it either.
      { slack: fromA(), userId: gridA.recipient.id },
    ];
    for (const { slack, userId } of others) {
      const url = t.fake.responseUrl();
      const res = await slack.interaction({ ...slack.blockAction({ userId, actionId: ActionIds.acknowledge, value: String(handoffId) }), response_url: url });
      expect(res.status).toBe(200);
      const told = await t.fake.waitFor('response_url', (c) => c.args.response_url === url);
      expect(String(told.args.text)).toMatch(/can’t find that handoff|isn’t yours|Only the people/);
    }
    expect((await t.handoff.store.loadHandoff(gridA.teamId, handoffId))!.state).toBe('open');
    expect(await selectRows(t, 'handoffEvents', { handoffId, kind: 'acknowledged' })).toEqual([]);
  });

  it('cards read in Grid B say the ask was made in Grid A (“Grid A #1”): numbers are per workspace, and B may have its own #1', async () => {
    // The org's workspace names are read with its token on a tick (auth.teams.list), once.
    await t.tick();
    expect(t.fake.callsTo('auth.teams.list')).toHaveLength(1);
    await t.tick();
    expect(t.fake.callsTo('auth.teams.list')).toHaveLength(1);
    expect((await selectRows(t, 'workspaces', { teamId: gridA.teamId }))[0]!.name).toBe('Grid A');
    const list = JSON.stringify((await t.reply(COLLEAGUE, 'list', fromB())).blocks);
    expect(list).toContain('*Grid A #1* · please review the Sydney rota');
    // Read in its own workspace, the same handoff is plain #1.
    const own = JSON.stringify((await t.reply(AUTHOR, 'list', fromA())).blocks);
    expect(own).toContain('*#1* · please review the Sydney rota');
    expect(own).not.toContain('Grid A');
  });

  it('the colleague acknowledges it from their digest in Grid B (a double click: the same click twice at once): the handoff in A changes once, and the event is A’s', async () => {
    const digest = digestsIn(t, COLLEAGUE)[0]!;
    const urls = [t.fake.responseUrl(), t.fake.responseUrl()];
    const click = fromB().blockAction({
      userId: COLLEAGUE,
      actionId: ActionIds.acknowledge,
      value: String(handoffId),
      channelId: t.fake.dmChannelFor(COLLEAGUE),
      messageTs: digest.ts,
    });
    const answers = await Promise.all(urls.map((url) => fromB().interaction({ ...click, response_url: url })));
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    // Both clicks are told what happened: one acknowledged it, the other finds it done.
    const told = await Promise.all(urls.map((url) => t.fake.waitFor('response_url', (c) => c.args.response_url === url)));
    expect(told.map((c) => String(c.args.text)).sort()).toEqual([
      expect.stringMatching(/^Handoff Grid A #1 is (already|now) acknowledged\.$/),
      'You acknowledged Grid A #1 “please review the Sydney rota”.',
    ]);
    expect((await t.handoff.store.loadHandoff(gridA.teamId, handoffId))!.state).toBe('acknowledged');
    expect((await selectRows(t, 'handoffEvents', { handoffId, kind: 'acknowledged' })).map((e) => [e.teamId, e.actorId])).toEqual([[gridA.teamId, COLLEAGUE]]);
    // Its card in their digest changed in place, from the copy Handoff kept of it in Grid B (no history read).
    await eventually(() => expect(textOf(digestsIn(t, COLLEAGUE)[0]!)).toContain('Acknowledged'));
    expect(await t.handoff.inFlight.drain(10_000)).toBe(true);
    expect(t.fake.callsTo('conversations.history')).toEqual([]);
  });

  it('the colleague completes it from Grid B with a note: the author in Grid A, at work, hears at once that they are unblocked', async () => {
    t.clock.set('2026-11-25T22:30:00Z'); // 14:30 in Los Angeles: the author is working
    const submit = fromB().viewSubmission({
      userId: COLLEAGUE,
      callbackId: CallbackIds.resolveModal,
      // The form was opened from the card in their digest: it carries where, so the card is refreshed.
      privateMetadata: JSON.stringify({ handoffId, action: 'complete', channelId: t.fake.dmChannelFor(COLLEAGUE), messageTs: digestsIn(t, COLLEAGUE)[0]!.ts }),
      values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: 'rota reviewed, two swaps made' } },
    });
    expect((await fromB().interaction(submit)).status).toBe(200);
    await eventually(async () => expect((await t.handoff.store.loadHandoff(gridA.teamId, handoffId))!.state).toBe('done'));
    await eventually(() => expect(textOf(digestsIn(t, COLLEAGUE)[0]!)).toContain('Done'));
    expect(t.fake.callsTo('conversations.history')).toEqual([]);
    await eventually(() => expect(t.fake.messagesIn(AUTHOR).some((m) => textOf(m).includes('You’re unblocked'))).toBe(true));
    const news = t.fake.messagesIn(AUTHOR).find((m) => textOf(m).includes('You’re unblocked'))!;
    expect(textOf(news)).toContain('rota reviewed, two swaps made');
    const posted = t.fake.callsTo('chat.postMessage').find((c) => (c.response as { ts?: string }).ts === news.ts)!;
    expect(posted.team).toBe(gridA.teamId);
    expect(await t.handoff.store.listWaitingOn(gridB.teamId, COLLEAGUE)).toEqual([]);
  });

  it('a new ask while the colleague is at work reaches them at once, in Grid B, and their App Home there shows it', async () => {
    t.clock.set('2026-11-25T23:00:00Z'); // Thu 10:00 in Sydney, Wed 15:00 in Los Angeles
    await fromA().command({ userId: AUTHOR, text: `<@${COLLEAGUE}> please sign the Sydney lease` });
    const answer = await answerTo(/sign the Sydney lease/);
    expect(String(answer.args.text)).toContain(`<@${COLLEAGUE}> — 10:00 in Sydney, working now: sent to them now.`);
    const dm = t.fake.messagesIn(COLLEAGUE).find((m) => textOf(m).includes('please sign the Sydney lease'))!;
    expect(textOf(dm)).toContain(`<@${AUTHOR}> handed this off to you.`);
    expect(textOf(dm)).toContain('*Grid A #2*');
    expect(dm.text).toBe('New handoff Grid A #2: please sign the Sydney lease');
    expect(textOf(dm)).toContain(`<@${AUTHOR}> (Los Angeles)`);
    const posted = t.fake.callsTo('chat.postMessage').find((c) => (c.response as { ts?: string }).ts === dm.ts)!;
    expect(posted.team).toBe(gridB.teamId);

    expect((await fromB().event({ type: 'app_home_opened', user: COLLEAGUE, channel: t.fake.dmChannelFor(COLLEAGUE), tab: 'home' })).status).toBe(200);
    await eventually(() => expect(JSON.stringify(t.fake.homeViewFor(COLLEAGUE) ?? {})).toContain('please sign the Sydney lease'));
    expect(JSON.stringify(t.fake.homeViewFor(COLLEAGUE))).toContain('*Grid A #2*');
    const publish = t.fake.callsTo('views.publish').filter((c) => c.args.user_id === COLLEAGUE);
    expect(publish.map((c) => c.team)).toEqual([gridB.teamId]);
  });

  it('what the colleague reads in Grid B right after a click on that card names Grid A too: the form’s heading, the snooze reply, and the digest preview', async () => {
    const second = (await selectRows(t, 'handoffs', { teamId: gridA.teamId, number: 2 }))[0]!;
    const preview = await digestPreviewCommand(['--user', COLLEAGUE, '--team', gridB.teamId, '--now', t.clock.now().toISOString()], { env: { DATABASE_URL: t.databaseUrl } });
    expect(preview.out).toContain('  Grid A #2 · please sign the Sydney lease');
    const dm = t.fake.messagesIn(COLLEAGUE).find((m) => textOf(m).includes('please sign the Sydney lease'))!;
    const click = (actionId: string) => fromB().blockAction({ userId: COLLEAGUE, actionId, value: String(second.id), channelId: t.fake.dmChannelFor(COLLEAGUE), messageTs: dm.ts });
    expect((await fromB().interaction(click(ActionIds.complete))).status).toBe(200);
    const opened = await t.fake.waitFor('views.open', (c) => (c.args.view as { callback_id?: string }).callback_id === CallbackIds.resolveModal);
    expect(JSON.stringify((opened.args.view as { blocks: unknown[] }).blocks[0])).toContain('Grid A #2 · please sign the Sydney lease');
    const url = t.fake.responseUrl();
    expect((await fromB().interaction({ ...click(ActionIds.snooze), response_url: url })).status).toBe(200);
    const snoozed = await t.fake.waitFor('response_url', (c) => c.args.response_url === url);
    expect(String(snoozed.args.text)).toMatch(/^Snoozed Grid A #2 until /);
    // The author, in Grid A, reads their own handoff's number bare.
    expect(
      t.fake
        .messagesIn(AUTHOR)
        .map((m) => String(m.text))
        .join('\n'),
    ).not.toContain('Grid A #');
  });

  it('typed in Grid B, `/handoff done 2` means the ask numbered #2 that waits on them from Grid A (B has no #2 of its own)', async () => {
    await fromB().command({ userId: COLLEAGUE, text: 'done 2 lease signed' });
    await answerTo(/#2/);
    const second = (await selectRows(t, 'handoffs', { teamId: gridA.teamId, number: 2 }))[0]!;
    await eventually(async () => expect((await t.handoff.store.loadHandoff(gridA.teamId, second.id as number))!.state).toBe('done'));
    expect((await t.handoff.store.loadHandoff(gridA.teamId, second.id as number))!.resolutionNote).toBe('lease signed');
    // Someone of Grid B it does not wait on: nothing numbered #1 here or waiting on them.
    await fromB().command({ userId: gridB.author.id, text: 'done 1 not mine' });
    await answerTo(/can’t find handoff #1/);
  });

  it('when Grid B’s own #3 and Grid A’s #3 both wait on them, `/handoff done 3` guesses neither: nothing changes, and they are told to use the button', async () => {
    // Grid A's #3, to the colleague; Grid B's #1, #2 and #3, from B's author to the colleague.
    await fromA().command({ userId: AUTHOR, text: `<@${COLLEAGUE}> please check the Sydney budget` });
    await answerTo(/Handoff #3 created/);
    for (const n of [1, 2, 3]) {
      const answer = await t.reply(gridB.author.id, `<@${COLLEAGUE}> local ask ${n}`, fromB());
      expect(String(answer.text)).toContain(`Handoff #${n} created`);
    }
    const answer = await t.reply(COLLEAGUE, 'done 3 finished', fromB());
    expect(String(answer.text)).toContain('2 handoffs numbered #3 wait on you (this workspace’s and another’s): nothing changed.');
    const threes = [...(await selectRows(t, 'handoffs', { teamId: gridA.teamId, number: 3 })), ...(await selectRows(t, 'handoffs', { teamId: gridB.teamId, number: 3 }))];
    expect(threes.map((h) => h.state)).toEqual(['open', 'open']);
    // Once Grid B's own #3 is done (from its card), the number means Grid A's, the only #3 still waiting on them.
    const ownThree = threes[1]!.id as number;
    expect(await t.handoff.deps.handoffs.act(gridB.teamId, COLLEAGUE, ownThree, { kind: 'complete', note: '' }, null)).toMatchObject({ ok: true });
    expect(String((await t.reply(COLLEAGUE, 'done 3 budget checked', fromB())).text)).toContain('#3');
    const aThree = threes[0]!.id as number;
    await eventually(async () => expect((await t.handoff.store.loadHandoff(gridA.teamId, aThree))!.resolutionNote).toBe('budget checked'));
  });

  it('someone of a workspace outside the org (its own install) still cannot be named from Grid A', async () => {
    await fromA().command({ userId: AUTHOR, text: `<@${acme.recipient.id}> please check the Acme rota` });
    const answer = await answerTo(/Nothing was created/);
    expect(String(answer.args.text)).toContain(`I can’t find <@${acme.recipient.id}> in this workspace.`);
    expect(await selectRows(t, 'users', { userId: acme.recipient.id })).toEqual([]);
  });
});

describe('Enterprise Grid: the org takes Handoff away from a workspace, and gives it back', () => {
  let t: TestApp;
  /** The org's events as Slack sends them: through the org-wide install, marked is_enterprise_install: false. */
  const fromOrg = () => requesterFor(t, gridA.teamId, { enterpriseId: GRID, orgWide: false });
  const fromA = () => requesterOf(t, gridA);
  const statusOf = async (teamId: string) => (await t.handoff.store.getWorkspace(teamId))?.status ?? 'active';
  const changedAt = async (teamId: string) => (await t.handoff.store.getWorkspace(teamId))?.statusChangedAt;
  /** A command's own answer (by its response_url): never an earlier one with the same words. */
  async function command(slack: SlackRequester, userId: string, text: string): Promise<string> {
    const responseUrl = t.fake.responseUrl();
    await slack.command({ userId, text, responseUrl });
    return String((await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl)).args.text);
  }
  /** An event, and everything its listener started, finished. */
  async function event(slack: SlackRequester, body: object, eventTime?: number): Promise<void> {
    expect((await slack.event(body, eventTime === undefined ? {} : { eventTime })).status).toBe(200);
    expect(await t.handoff.inFlight.drain(10_000)).toBe(true);
  }
  const seconds = (iso: string) => Date.parse(iso) / 1000;

  beforeAll(async () => {
    t = await startDistributed();
    await installThroughBrowser(t, { enterpriseId: GRID, orgWide: true });
    await installThroughBrowser(t, { teamId: acme.teamId });
    expect(await command(fromA(), AUTHOR, `<@${COLLEAGUE}> please review the Sydney rota`)).toMatch(/Handoff #1 created/);
  });
  afterAll(async () => {
    const fake = t?.fake;
    await t?.close();
    await fake?.close();
  });

  it('team_access_revoked for Grid B: B stops (its data kept), A and the org’s token keep working, and B’s people can no longer be named from A', async () => {
    await event(fromOrg(), { type: 'team_access_revoked', team_ids: [gridB.teamId] }, seconds('2026-11-25T12:00:00Z'));
    expect(await statusOf(gridB.teamId)).toBe('access_revoked');
    expect(await changedAt(gridB.teamId)).toBe(Date.parse('2026-11-25T12:00:00Z'));
    expect(await statusOf(gridA.teamId)).toBe('active');
    expect(await t.handoff.store.getInstallation(GRID)).toBeDefined();
    expect(await selectRows(t, 'handoffRecipients', { userId: COLLEAGUE })).toHaveLength(1);

    expect(await command(fromA(), AUTHOR, `<@${COLLEAGUE}> please check the Sydney lease`)).toContain(`<@${COLLEAGUE}> isn’t a member of this workspace`);
    expect(await command(fromA(), AUTHOR, `<@${gridA.recipient.id}> please check the Delhi lease`)).toMatch(/Handoff #2 created/);
  });

  it('Slack’s retry of it changes nothing (B’s retention still counts from the first), and neither does the org installing again (its token working does not give B back)', async () => {
    await event(fromOrg(), { type: 'team_access_revoked', team_ids: [gridB.teamId] }, seconds('2026-11-25T12:05:00Z'));
    expect(await changedAt(gridB.teamId)).toBe(Date.parse('2026-11-25T12:00:00Z'));
    await installThroughBrowser(t, { enterpriseId: GRID, orgWide: true });
    expect(await t.handoff.inFlight.drain(10_000)).toBe(true);
    expect(await statusOf(gridB.teamId)).toBe('access_revoked');
  });

  it('events naming a workspace the org does not serve (one with its own install), or not from the org’s install, change nothing', async () => {
    await event(fromOrg(), { type: 'team_access_revoked', team_ids: [acme.teamId] });
    await event(fromOrg(), { type: 'team_access_granted', team_ids: [acme.teamId] });
    expect(await statusOf(acme.teamId)).toBe('active');
    expect((await t.handoff.store.getWorkspace(acme.teamId))?.enterpriseId ?? null).toBeNull();
    // Acme's own install naming the org: not the org's install speaking.
    await event(requesterFor(t, acme.teamId, { enterpriseId: GRID, orgWide: false }), { type: 'team_access_revoked', team_ids: [gridA.teamId] });
    await event(requesterFor(t, acme.teamId, { enterpriseId: GRID, orgWide: false }), { type: 'team_access_granted', team_ids: [gridB.teamId] });
    expect(await statusOf(gridA.teamId)).toBe('active');
    expect(await statusOf(gridB.teamId)).toBe('access_revoked');
    expect(await command(requesterOf(t, acme), acme.author.id, `<@${acme.recipient.id}> please check the Acme rota`)).toMatch(/Handoff #1 created/);
  });

  it('team_access_granted for Grid B within its retention: B carries on and its colleague can be named again; a new workspace becomes the org’s', async () => {
    await event(fromOrg(), { type: 'team_access_granted', team_ids: [gridB.teamId, 'T0GRIDC'] }, seconds('2026-11-25T13:00:00Z'));
    expect(await statusOf(gridB.teamId)).toBe('active');
    expect(await t.handoff.store.teamsOfEnterprise(GRID)).toEqual(expect.arrayContaining([gridA.teamId, gridB.teamId, 'T0GRIDC']));
    expect(await command(fromA(), AUTHOR, `<@${COLLEAGUE}> please check the Sydney lease`)).toMatch(/Handoff #3 created/);
    expect((await selectRows(t, 'handoffRecipients', { userId: COLLEAGUE })).map((r) => r.recipientTeamId)).toEqual([gridB.teamId, gridB.teamId]);
  });

  it('a revocation older than that grant (a retry arriving late) does not undo it', async () => {
    await event(fromOrg(), { type: 'team_access_revoked', team_ids: [gridB.teamId] }, seconds('2026-11-25T12:30:00Z'));
    expect(await statusOf(gridB.teamId)).toBe('active');
  });

  it('taken away again and past its retention: B’s data is deleted, its row kept as the org’s and taken away, so its colleague still cannot be named from A', async () => {
    await event(fromOrg(), { type: 'team_access_revoked', team_ids: [gridB.teamId] }, seconds('2026-11-25T14:00:00Z'));
    t.clock.set('2026-12-26T12:00:00Z'); // 31 days later
    for (let i = 0; i < 20 && !(await t.handoff.store.getWorkspace(gridB.teamId))?.purgedAt; i++) await t.tick();
    expect(await t.handoff.store.getWorkspace(gridB.teamId)).toMatchObject({ status: 'access_revoked', enterpriseId: GRID, purgedAt: Date.parse('2026-12-26T12:00:00Z') });
    expect(await selectRows(t, 'users', { teamId: gridB.teamId })).toEqual([]);
    // Slack still says the colleague is of Grid B, a workspace of the org: B is not taken for a new one.
    expect(await command(fromA(), AUTHOR, `<@${COLLEAGUE}> please check the Sydney lease again`)).toContain(`<@${COLLEAGUE}> isn’t a member of this workspace`);
    expect(await statusOf(gridB.teamId)).toBe('access_revoked');
    expect(await selectRows(t, 'users', { userId: COLLEAGUE })).toEqual([]);
  });

  it('team_access_granted after that gives B back, empty: its colleague can be named again', async () => {
    await event(fromOrg(), { type: 'team_access_granted', team_ids: [gridB.teamId] }, seconds('2026-12-26T12:05:00Z'));
    expect(await t.handoff.store.getWorkspace(gridB.teamId)).toMatchObject({ status: 'active', purgedAt: null });
    expect(await command(fromA(), AUTHOR, `<@${COLLEAGUE}> please check the Sydney lease again`)).toMatch(/Handoff #\d+ created/);
    expect((await selectRows(t, 'users', { userId: COLLEAGUE })).map((u) => u.teamId)).toEqual([gridB.teamId]);
  });
});

describe('Enterprise Grid on two replicas sharing one database: the same request reaching both at once acts once', () => {
  let a: TestApp;
  let b: TestApp;
  const at = (iso: string) => {
    a.clock.set(iso);
    b.clock.set(iso);
  };

  beforeAll(async () => {
    a = await startDistributed();
    b = await startReplica(a.fake, { databaseUrl: a.databaseUrl });
    await installThroughBrowser(a, { enterpriseId: GRID, orgWide: true });
  });
  afterAll(async () => {
    const fake = a?.fake;
    await b?.close();
    await a?.close();
    await fake?.close();
  });

  it('the same form from Grid A naming a colleague Handoff has never seen in Grid B, to both replicas at once: one handoff, one recipient, one row for the colleague in B', async () => {
    const form = requesterOf(a, gridA).viewSubmission({
      userId: AUTHOR,
      callbackId: CallbackIds.handoffModal,
      privateMetadata: JSON.stringify({ key: randomUUID() }),
      values: modalValues({ recipients: [COLLEAGUE], ask: 'please review the Sydney rota' }),
    });
    const answers = await Promise.all([requesterOf(a, gridA).interaction(form), requesterOf(b, gridA).interaction(form)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(await a.handoff.inFlight.drain(10_000)).toBe(true);
    expect(await b.handoff.inFlight.drain(10_000)).toBe(true);
    // Each replica tells the author: one "created", one "already created" — neither failed.
    await eventually(() => expect(a.fake.messagesIn(AUTHOR)).toHaveLength(2));
    const told = a.fake.messagesIn(AUTHOR).map((m) => String(m.text));
    expect(told.filter((x) => /already created/.test(x))).toHaveLength(1);
    expect(told.filter((x) => /it waits for their morning digest/.test(x))).toHaveLength(1);
    expect([...a.logs, ...b.logs].filter((l) => l.includes('"level":50'))).toEqual([]);
    const handoffs = await selectRows(a, 'handoffs', { teamId: gridA.teamId });
    expect(handoffs).toHaveLength(1);
    expect((await selectRows(a, 'handoffRecipients', { handoffId: handoffs[0]!.id })).map((r) => [r.userId, r.recipientTeamId])).toEqual([[COLLEAGUE, gridB.teamId]]);
    expect((await selectRows(a, 'users', { userId: COLLEAGUE })).map((u) => u.teamId)).toEqual([gridB.teamId]);
  });

  it('the colleague’s Acknowledge on their digest in Grid B, to both replicas at once: one change and one event in A, both clicks answered', async () => {
    at('2026-11-25T22:00:00.500Z'); // Thu 09:00 in Sydney
    await a.tick();
    await eventually(() => expect(digestsIn(a, COLLEAGUE)).toHaveLength(1));
    const digest = digestsIn(a, COLLEAGUE)[0]!;
    const [h] = await selectRows(a, 'handoffs', { teamId: gridA.teamId });
    const urls = [a.fake.responseUrl(), a.fake.responseUrl()];
    const click = requesterOf(a, gridB).blockAction({
      userId: COLLEAGUE,
      actionId: ActionIds.acknowledge,
      value: String(h!.id),
      channelId: a.fake.dmChannelFor(COLLEAGUE),
      messageTs: digest.ts,
    });
    const answers = await Promise.all([
      requesterOf(a, gridB).interaction({ ...click, response_url: urls[0] }),
      requesterOf(b, gridB).interaction({ ...click, response_url: urls[1] }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const told = await Promise.all(urls.map((url) => a.fake.waitFor('response_url', (c) => c.args.response_url === url)));
    expect(told.map((c) => String(c.args.text)).sort()).toEqual([
      expect.stringMatching(/^Handoff Grid A #1 is (already|now) acknowledged\.$/),
      'You acknowledged Grid A #1 “please review the Sydney rota”.',
    ]);
    expect((await selectRows(a, 'handoffEvents', { handoffId: h!.id, kind: 'acknowledged' })).map((e) => [e.teamId, e.actorId])).toEqual([[gridA.teamId, COLLEAGUE]]);
    expect((await a.handoff.store.loadHandoff(gridA.teamId, h!.id as number))!.state).toBe('acknowledged');
  });

  it('`/handoff done 1 reviewed` typed twice in Grid B (the sibling’s #1), one to each replica at once: one completion and one event in A, both answered', async () => {
    const [h] = await selectRows(a, 'handoffs', { teamId: gridA.teamId });
    const urls = [a.fake.responseUrl(), a.fake.responseUrl()];
    const answers = await Promise.all([
      requesterOf(a, gridB).command({ userId: COLLEAGUE, text: 'done 1 reviewed', responseUrl: urls[0] }),
      requesterOf(b, gridB).command({ userId: COLLEAGUE, text: 'done 1 reviewed', responseUrl: urls[1] }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const told = await Promise.all(urls.map((url) => a.fake.waitFor('response_url', (c) => c.args.response_url === url)));
    // One is told it is marked done; the other that it already (or by now) is — not "I can’t find handoff #1",
    // as it was while a sibling's number was looked up only among the asks still waiting on the person.
    const texts = told.map((c) => String(c.args.text));
    expect(texts.filter((x) => /^Marked Grid A #1 “please review the Sydney rota” done\./.test(x))).toHaveLength(1);
    expect(texts.filter((x) => /^Handoff Grid A #1 is (already|now) done\.$/.test(x))).toHaveLength(1);
    expect((await selectRows(a, 'handoffEvents', { handoffId: h!.id, kind: 'done' })).map((e) => [e.teamId, e.actorId])).toEqual([[gridA.teamId, COLLEAGUE]]);
    expect(await a.handoff.store.loadHandoff(gridA.teamId, h!.id as number)).toMatchObject({ state: 'done', resolutionNote: 'reviewed' });
    expect([...a.logs, ...b.logs].filter((l) => l.includes('"level":50'))).toEqual([]);
    // Typed again later: still "already done", and nothing changes.
    expect(String((await a.reply(COLLEAGUE, 'done 1', requesterOf(a, gridB))).text)).toBe('Handoff Grid A #1 is already done.');
    expect(await selectRows(a, 'handoffEvents', { handoffId: h!.id, kind: 'done' })).toHaveLength(1);
  });

  it('the same team_access_revoked, then the same team_access_granted, to both replicas at once (Slack’s retry beside it): each changes Grid B once, from the event’s time, with no error', async () => {
    const org = (t: TestApp) => requesterFor(t, gridA.teamId, { enterpriseId: GRID, orgWide: false });
    const both = async (body: object, iso: string) => {
      const options = { eventId: `Ev${randomUUID().slice(0, 8).toUpperCase()}`, eventTime: Date.parse(iso) / 1000 };
      const answers = await Promise.all([org(a).event(body, options), org(b).event(body, options)]);
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      expect(await a.handoff.inFlight.drain(10_000)).toBe(true);
      expect(await b.handoff.inFlight.drain(10_000)).toBe(true);
    };
    await both({ type: 'team_access_revoked', team_ids: [gridB.teamId] }, '2026-11-26T01:00:00Z');
    expect(await a.handoff.store.getWorkspace(gridB.teamId)).toMatchObject({ status: 'access_revoked', statusChangedAt: Date.parse('2026-11-26T01:00:00Z') });
    await both({ type: 'team_access_granted', team_ids: [gridB.teamId] }, '2026-11-26T02:00:00Z');
    expect(await b.handoff.store.getWorkspace(gridB.teamId)).toMatchObject({ status: 'active', statusChangedAt: Date.parse('2026-11-26T02:00:00Z') });
    expect([...a.logs, ...b.logs].filter((l) => l.includes('"level":50'))).toEqual([]);
    expect([...a.logs, ...b.logs].filter((l) => l.includes('Handoff removed from a workspace of the org'))).toHaveLength(1);
    expect([...a.logs, ...b.logs].filter((l) => l.includes('Handoff given back to a workspace of the org'))).toHaveLength(1);
  });
});

describe('Enterprise Grid: a request from an org-level surface, with no workspace', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startDistributed();
    await installThroughBrowser(t, { enterpriseId: GRID, orgWide: true });
  });
  afterAll(async () => {
    const fake = t?.fake;
    await t?.close();
    await fake?.close();
  });

  it('a command, a click and a form that name the org but no workspace are told to use a workspace; nothing runs, is stored or is called', async () => {
    const slack = requesterOf(t, gridA);
    const before = t.fake.calls.length;
    const logs = t.logs.length;
    // Slack's own fields, without the workspace: the org is all the request names.
    const fields: Record<string, string> = slack.commandPayload({ userId: AUTHOR, text: `<@${COLLEAGUE}> please review the rota` });
    delete fields.team_id;
    delete fields.team_domain;
    const command = await slack.raw(new URLSearchParams(fields).toString(), { contentType: 'application/x-www-form-urlencoded' });
    expect(command.status).toBe(200);
    expect(command.json).toEqual({ response_type: 'ephemeral', text: ORG_LEVEL_ANSWER });

    const url = t.fake.responseUrl();
    const click = {
      ...slack.blockAction({ userId: AUTHOR, actionId: ActionIds.acknowledge, value: '1' }),
      team: null,
      user: { id: AUTHOR, username: 'ana', name: 'ana' },
      response_url: url,
    };
    expect((await slack.interaction(click)).status).toBe(200);
    const told = await t.fake.waitFor('response_url', (c) => c.args.response_url === url);
    expect(told.args.text).toBe(ORG_LEVEL_ANSWER);

    // A form: no response_url, so the answer replaces it.
    const form = slack.viewSubmission({ userId: AUTHOR, callbackId: CallbackIds.handoffModal, values: {} });
    const view = { ...(form.view as Record<string, unknown>) };
    delete view.app_installed_team_id;
    const submitted = await slack.interaction({ ...form, team: null, user: { id: AUTHOR, username: 'ana', name: 'ana' }, view });
    expect(submitted.status).toBe(200);
    expect(submitted.json).toMatchObject({ response_action: 'update', view: { type: 'modal', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: ORG_LEVEL_ANSWER } }] } });

    expect(await t.handoff.inFlight.drain(10_000)).toBe(true);
    expect(t.fake.calls.slice(before).map((c) => c.method)).toEqual(['response_url']);
    expect(await selectRows(t, 'handoffs')).toEqual([]);
    expect(await selectRows(t, 'users')).toEqual([]);
    expect(t.logs.slice(logs).filter((l) => /"level":(40|50)/.test(l))).toEqual([]);
  });
});

describe('Enterprise Grid: people in two workspaces, and a workspace of the org with its own install', () => {
  let t: TestApp;
  /** A person who is a member of both Grid A and Grid B. */
  const BOTH = 'WBOTH1';
  /** Grid C: a workspace of the same org that installed Handoff for itself, and its person. */
  const GRID_C = 'T0GRIDC';
  const ONLY_C = 'WGRIDC1';
  beforeAll(async () => {
    t = await startDistributed();
    t.fake.addUser({ id: BOTH, tz: 'Europe/Berlin', team_id: gridB.teamId, also_in: [gridA.teamId] });
    t.fake.oauth.addWorkspace({ teamId: GRID_C, name: 'Grid C', enterpriseId: GRID });
    t.fake.addUser({ id: ONLY_C, tz: 'Asia/Tokyo', team_id: GRID_C });
    await installThroughBrowser(t, { enterpriseId: GRID, orgWide: true });
    await installThroughBrowser(t, { teamId: GRID_C });
  });
  afterAll(async () => {
    const fake = t?.fake;
    await t?.close();
    await fake?.close();
  });
  const answerTo = (text: RegExp) => t.fake.waitFor('response_url', (c) => text.test(String(c.args.text)));

  it('someone first known in Grid B who is also a member of Grid A is known in A too when they use Handoff there: their App Home in A is theirs', async () => {
    await requesterOf(t, gridB).command({ userId: gridB.author.id, text: `<@${BOTH}> please check the Berlin rota` });
    await answerTo(/check the Berlin rota/);
    expect((await selectRows(t, 'users', { userId: BOTH })).map((u) => u.teamId)).toEqual([gridB.teamId]);
    // In A they hand something off themselves: A's handoff, their news as its author in A.
    await requesterOf(t, gridA).command({ userId: BOTH, text: `<@${gridA.recipient.id}> please send the Q3 numbers` });
    await answerTo(/Handoff #1 created:\* please send the Q3 numbers/);
    expect((await selectRows(t, 'users', { userId: BOTH })).map((u) => u.teamId).sort()).toEqual([gridA.teamId, gridB.teamId]);
    expect((await requesterOf(t, gridA).event({ type: 'app_home_opened', user: BOTH, channel: t.fake.dmChannelFor(BOTH), tab: 'home' })).status).toBe(200);
    await eventually(() => expect(t.fake.callsTo('views.publish').filter((c) => c.args.user_id === BOTH && c.team === gridA.teamId)).toHaveLength(1));
    expect(JSON.stringify(t.fake.homeViewFor(BOTH))).toContain('please send the Q3 numbers');
  });

  it('a colleague known only in a workspace of the org with its own install is not someone Grid A can hand off to', async () => {
    // Known in Grid C through C's own install.
    await requesterFor(t, GRID_C).event({ type: 'app_home_opened', user: ONLY_C, channel: t.fake.dmChannelFor(ONLY_C), tab: 'home' });
    await eventually(async () => expect((await selectRows(t, 'users', { userId: ONLY_C })).map((u) => u.teamId)).toEqual([GRID_C]));
    await requesterOf(t, gridA).command({ userId: AUTHOR, text: `<@${ONLY_C}> please check the Tokyo rota` });
    const answer = await answerTo(/Nothing was created/);
    expect(String(answer.args.text)).toContain(`<@${ONLY_C}>`);
    expect(await selectRows(t, 'handoffRecipients', { userId: ONLY_C })).toEqual([]);
  });
});
