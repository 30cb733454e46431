/**
 * Issue 16, part 3, end to end (both backends): an admin chooses who gets the weekly async-health
 * report in Workspace settings (a crafted submission by anyone else is refused), and the report
 * arrives at 09:00 on Monday in each recipient's own zone — Tokyo first, then UTC — as a PNG file
 * in their DM beside a text summary whose figures were worked out by hand from
 * test/harness/healthScenario.ts (week of 8 March 2027). Nothing is sent twice, never at night, not
 * to people nobody chose, not to an uninstalled workspace, and a week with nothing in it gets one
 * short line.
 */
import { eventually, startTestApp, type TestApp } from '../harness/testApp';
import { seedScenario } from '../harness/healthScenario';
import { selectOne, selectRows } from '../harness/testDb';
import type { FakeFile } from '../harness/fakeSlack';
import { ActionIds, AdminSettingsFields as A, CallbackIds, SettingsModalFields as S } from '../../src/ids';
import { openSettings, saveSettings } from '../harness/settingsForm';
import { claimAs, deadClaimant } from '../harness/claims';
import { itOnPostgres } from '../harness/testBackend';
import { PRIVACY_NOTE } from '../../src/views/healthSummary';

const TEAM = 'T0001';
const BOSS = 'U0BOSS';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The scenario's people as Slack knows them (same zones as healthScenario.ts's ZONES), plus an admin.
 * U1 (UTC) and U6 (Tokyo) are admins too: the "two admins in different zones" that BOSS chooses.
 */
function addPeople(t: TestApp): void {
  for (const id of ['U1', 'U2', 'U3', 'U4', 'U5']) t.fake.addUser({ id, name: `person-${id.toLowerCase()}`, tz: 'UTC', is_admin: id === 'U1' });
  t.fake.addUser({ id: 'U6', name: 'person-u6', tz: 'Asia/Tokyo', is_admin: true });
  t.fake.addUser({ id: BOSS, name: 'boss', tz: 'Europe/Lisbon', is_admin: true });
}

const adminValues = (recipients: string[], staleAfter: string) => ({
  [A.reportRecipients.block]: { [A.reportRecipients.action]: { type: 'multi_users_select', selected_users: recipients } },
  [A.staleAfter.block]: { [A.staleAfter.action]: { type: 'static_select', selected_option: { value: staleAfter } } },
});

const submitAdmin = (t: TestApp, userId: string, recipients: string[], staleAfter = '3') =>
  t.slack.interaction(t.slack.viewSubmission({ userId, callbackId: CallbackIds.adminSettingsModal, values: adminValues(recipients, staleAfter) }));

/** Files shared into someone's DM with Handoff. */
const filesTo = (t: TestApp, userId: string): FakeFile[] => [...t.fake.files.values()].filter((f) => f.completed && f.channel === t.fake.dmChannelFor(userId));

async function at(t: TestApp, iso: string): Promise<void> {
  t.clock.set(iso);
  await t.tick();
}

describe('weekly async-health report', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ now: '2027-03-14T12:00:00Z' }); // Sunday
    addPeople(t);
    await seedScenario(t.handoff.store, TEAM);
  });
  afterEach(async () => t.close());

  it('only admins may change workspace settings: the button, the form and the save all check', async () => {
    // A person who is not an admin: no button on their Home, the click is refused, a crafted submission too.
    await t.handoff.deps.home.publish(TEAM, 'U2');
    const home = JSON.stringify(t.fake.homeViewFor('U2')?.view.blocks);
    expect(home).not.toContain(ActionIds.openAdminSettings);
    await t.slack.interaction(t.slack.blockAction({ userId: 'U2', actionId: ActionIds.openAdminSettings, value: 'home', view: { id: 'VHOME', type: 'home' } }));
    // A click in App Home has no response_url: the refusal comes as a DM.
    const told = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'U2' && String(c.args.text).includes('Only workspace admins and owners'));
    expect(told.status).toBe(200);
    expect(t.fake.callsTo('views.open').filter((c) => (c.args.view as { callback_id?: string }).callback_id === CallbackIds.adminSettingsModal)).toHaveLength(0);
    const refused = await submitAdmin(t, 'U2', ['U2'], '9');
    expect(refused.json).toMatchObject({ response_action: 'errors', errors: { [A.reportRecipients.block]: expect.stringMatching(/Only workspace admins and owners/) } });
    expect(await t.handoff.store.weeklyReportRecipients(TEAM)).toEqual([]);
    expect((await t.handoff.store.getWorkspace(TEAM))?.staleAfterWorkingDays ?? 2).toBe(2);

    // The admin: the button is there, the form opens with the defaults, and the save is kept.
    await t.handoff.deps.home.publish(TEAM, BOSS);
    expect(JSON.stringify(t.fake.homeViewFor(BOSS)?.view.blocks)).toContain(ActionIds.openAdminSettings);
    await t.slack.interaction(t.slack.blockAction({ userId: BOSS, actionId: ActionIds.openAdminSettings, value: 'home', view: { id: 'VHOME', type: 'home' } }));
    const open = await t.fake.waitFor('views.open', (c) => (c.args.view as { callback_id?: string }).callback_id === CallbackIds.adminSettingsModal);
    const stale = (open.args.view as { blocks: Array<{ block_id?: string; element?: { initial_option?: { value: string } } }> }).blocks.find(
      (b) => b.block_id === A.staleAfter.block,
    );
    expect(stale?.element?.initial_option?.value).toBe('2');
    const saved = await submitAdmin(t, BOSS, ['U1', 'U6'], '3');
    expect(saved.json).toMatchObject({ response_action: 'update' });
    expect(await t.handoff.store.weeklyReportRecipients(TEAM)).toEqual(['U1', 'U6']);
    expect((await t.handoff.store.getWorkspace(TEAM))?.staleAfterWorkingDays).toBe(3);

    // Out of range (a crafted option) is refused even from an admin.
    const bad = await submitAdmin(t, BOSS, ['U1'], '11');
    expect(bad.json).toMatchObject({ response_action: 'errors', errors: { [A.staleAfter.block]: expect.stringMatching(/from 1 to 10/) } });
    expect((await t.handoff.store.getWorkspace(TEAM))?.staleAfterWorkingDays).toBe(3);
  });

  it('arrives at 09:00 Monday in each recipient’s zone, once, as a PNG beside figures that match the hand-computed week', async () => {
    // Two admins in different zones, chosen by a third.
    expect(await Promise.all(['U1', 'U6'].map((u) => t.handoff.deps.people.isAdminNow(TEAM, u)))).toEqual([true, true]);
    expect((await submitAdmin(t, BOSS, ['U1', 'U6'])).json).toMatchObject({ response_action: 'update' });

    // 08:58:30 in Tokyo, 23:58:30 UTC on Sunday: nothing yet.
    await at(t, '2027-03-14T23:58:30Z');
    expect(t.fake.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    // Planned a minute ahead of the start, but not sent before it.
    await at(t, '2027-03-14T23:59:30Z');
    expect(t.fake.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    expect(await selectRows(t, 'outbox', { kind: 'report' })).toHaveLength(1);

    // 09:00 Monday in Tokyo: U6's report. It is midnight for U1 (UTC): nothing for them.
    await at(t, '2027-03-15T00:00:00Z');
    const tokyo = filesTo(t, 'U6');
    expect(tokyo).toHaveLength(1);
    expect(filesTo(t, 'U1')).toHaveLength(0);
    const f6 = tokyo[0]!;
    expect(f6.bytes!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(f6.bytes!.length).toBe(f6.length); // what was announced is what arrived
    expect(f6.bytes!.length).toBeGreaterThan(5_000); // a real 960×560 chart, not an empty image
    expect(f6.bytes!.readUInt32BE(16)).toBe(960); // IHDR width
    expect(f6.bytes!.readUInt32BE(20)).toBe(560); // IHDR height
    expect(f6.filename).toBe('handoff-async-health-2027-W11.png');
    const text6 = f6.initialComment!;
    // The week as U6 lived it: Monday 8 to Sunday 14 March in Tokyo.
    expect(text6).toContain('2027-03-08 to 2027-03-14 (days in Asia/Tokyo)');
    expectTeamWeek(text6);
    // U6's own: H11 passed to them at 00:00 Tokyo (held), answered at 10:00: 1 working hour.
    expect(text6).toContain('• You created 0 handoffs; 0 of your asks were answered');
    expect(text6).toContain('• Your time to unblock (your working hours): no answers yet');
    expect(text6).toContain('• Asks you received: 1; answered: 1, 100 % (1 of 1) within one of your working days');
    expect(text6).toContain('• Night pings you were spared: 1');
    expect(text6).toContain(PRIVACY_NOTE);

    // 08:59 UTC: U1's is planned, not sent; 09:00: it arrives.
    await at(t, '2027-03-15T08:59:00Z');
    expect(filesTo(t, 'U1')).toHaveLength(0);
    await at(t, '2027-03-15T09:00:00Z');
    const utc = filesTo(t, 'U1');
    expect(utc).toHaveLength(1);
    expect(utc[0]!.bytes!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const text1 = utc[0]!.initialComment!;
    expect(text1).toContain('2027-03-08 to 2027-03-14 (UTC days)');
    expectTeamWeek(text1);
    // U1's own: H6 answered in 3 h of their time; H11 and H8 reached them; H8 was held overnight.
    expect(text1).toContain('• You created 1 handoff; 1 of your asks were answered');
    expect(text1).toContain('• Your time to unblock (your working hours): median 3 h, p90 3 h (1 answered)');
    expect(text1).toContain('• Asks you received: 2; answered: 0, no answers yet within one of your working days');
    expect(text1).toContain('• Night pings you were spared: 1');
    // Nobody sees anyone else's figures: U6's are not in U1's report.
    expect(text1).not.toContain('Asks you received: 1;');

    // Nothing twice: later ticks, and a planner that forgot it planned (the outbox's dedupe key holds).
    await at(t, '2027-03-15T09:05:00Z');
    await t.handoff.store.updateUser(TEAM, 'U1', { reportWeek: null }, t.clock.now());
    await at(t, '2027-03-15T10:00:00Z');
    expect(t.fake.callsTo('files.completeUploadExternal')).toHaveLength(2);
    expect(await selectRows(t, 'outbox', { kind: 'report' })).toHaveLength(2);
    // Nobody else got one.
    for (const id of ['U2', 'U3', 'U4', 'U5', BOSS]) expect(filesTo(t, id)).toHaveLength(0);

    // App Home links to the report, and shows the person's own figures of the last 7 days with the privacy rule.
    expect((await selectOne(t, 'users', { teamId: TEAM, userId: 'U1' })).reportLink).toContain(utc[0]!.id);
    await t.handoff.deps.home.publish(TEAM, 'U1');
    const home = JSON.stringify(t.fake.homeViewFor('U1')?.view.blocks);
    expect(home).toContain('Async health (last 7 days)');
    expect(home).toContain(utc[0]!.id);
    expect(home).toContain('Privacy: each person sees only their own figures');
    // Someone not chosen is told how to get it.
    await t.handoff.deps.home.publish(TEAM, 'U2');
    expect(JSON.stringify(t.fake.homeViewFor('U2')?.view.blocks)).toContain('Ask a workspace admin to add you');

    // App Home reuses the workspace's figures for 10 minutes (they read its whole week), then reads them again.
    const healthOf = async (u: string) => {
      await t.handoff.deps.home.publish(TEAM, u);
      const blocks = t.fake.homeViewFor(u)?.view.blocks as Array<{ text?: { text?: string } }>;
      return blocks.map((b) => b.text?.text ?? '').find((x) => x.startsWith('*Async health')) ?? '';
    };
    const before = await healthOf('U1');
    expect(before).toMatch(/You created \d+;/);
    const created = (text: string) => Number(/You created (\d+);/.exec(text)![1]);
    await t.slack.command({ userId: 'U1', text: '<@U2> send the Q1 numbers' });
    await eventually(async () => expect((await selectRows(t, 'handoffs')).some((h) => h.ask.includes('Q1 numbers'))).toBe(true));
    // A minute later (the period ends at "now": the new ask is in it) the figures are still the cached ones.
    t.clock.advance(60_000);
    expect(created(await healthOf('U1'))).toBe(created(before));
    t.clock.advance(9 * 60_000);
    expect(created(await healthOf('U1'))).toBe(created(before) + 1);
  });

  it('shows the week’s meeting count once five people are behind it, and still hides the night pings of two', async () => {
    // Four more people prompted in the week of 8 March, beside U2's converted prompt: five people.
    const more: Array<[string, string, 'kept' | 'dismissed' | 'converted' | 'muted']> = [
      ['U3', '2027-03-10T11:00:00Z', 'kept'],
      ['U4', '2027-03-10T12:00:00Z', 'dismissed'],
      ['U5', '2027-03-11T11:00:00Z', 'converted'],
      ['U6', '2027-03-11T03:00:00Z', 'muted'],
    ];
    for (const [userId, iso, outcome] of more) {
      const now = new Date(iso);
      const threadTs = `1800000100.${userId.slice(1).padStart(6, '0')}`;
      const id = await t.handoff.store.reservePrompt({ teamId: TEAM, userId, channelId: 'C0HEALTH', threadTs, messageTs: threadTs, reason: 'phrase' }, now, 0);
      expect(id).not.toBeNull();
      await t.handoff.store.setOutcome(id!, outcome, now);
    }
    expect((await submitAdmin(t, BOSS, ['U1'])).json).toMatchObject({ response_action: 'update' });
    await at(t, '2027-03-15T09:00:00Z');
    const files = filesTo(t, 'U1');
    expect(files).toHaveLength(1);
    const text = files[0]!.initialComment!;
    // U2 converted, U3 kept, U4 dismissed, U5 converted, U6 muted (counted as dismissed).
    expect(text).toContain('• Meetings: 5 proposed, 2 turned into handoffs, 1 kept with an agenda, 2 dismissed');
    // The same report's night pings are still two people's (U6, U1): not shown.
    expect(text).toContain('• Night pings avoided (messages held for working hours): not shown (fewer than 5 people)');
  });

  it('a person an admin chose can stop it from their own settings; others are not offered the choice', async () => {
    expect((await submitAdmin(t, BOSS, ['U1', 'U6'])).json).toMatchObject({ response_action: 'update' });
    const offered = async (u: string) => JSON.stringify(await openSettings(t, u)).includes(S.stopWeeklyReport.block);
    expect(await offered('U1')).toBe(true);
    expect(await offered('U2')).toBe(false);
    // Unticked, a save changes nothing; ticked, it stops.
    expect((await saveSettings(t, 'U6', { stopWeeklyReport: false })).status).toBe(200);
    expect((await saveSettings(t, 'U1', { stopWeeklyReport: true })).status).toBe(200);
    expect((await selectOne(t, 'users', { teamId: TEAM, userId: 'U1' })).weeklyReport).toBe(false);
    expect((await selectOne(t, 'users', { teamId: TEAM, userId: 'U6' })).weeklyReport).toBe(true);
    expect(await offered('U1')).toBe(false);
    // Monday: Tokyo's report comes (00:00 UTC), U1's does not.
    await at(t, '2027-03-15T00:00:00Z');
    await at(t, '2027-03-15T09:00:00Z');
    await at(t, '2027-03-15T12:00:00Z');
    expect(filesTo(t, 'U6')).toHaveLength(1);
    expect(filesTo(t, 'U1')).toHaveLength(0);
  });

  it('after a crash mid-send, the chart is found in the DM by its file name and not uploaded again; one that never arrived is sent once', async () => {
    expect((await submitAdmin(t, BOSS, ['U1', 'U2'])).json).toMatchObject({ response_action: 'update' });
    await at(t, '2027-03-15T09:00:00Z');
    expect([filesTo(t, 'U1').length, filesTo(t, 'U2').length]).toEqual([1, 1]);
    const rows = await selectRows(t, 'outbox', { kind: 'report' });
    const rowOf = (u: string) => rows.find((r) => r.userId === u)!;
    // Both as a process killed while sending them left them: claimed, the post started.
    const now = t.clock.now().getTime();
    for (const u of ['U1', 'U2']) await claimAs(t, rowOf(u).id, { by: deadClaimant(), leaseUntil: now + 60_000, postingSince: now });
    // U2's upload never reached Slack: its DM holds nothing.
    t.fake.forgetMessagesIn(t.fake.dmChannelFor('U2'));
    const uploads = t.fake.callsTo('files.getUploadURLExternal').length;
    t.clock.advance(10_000); // the default API timeout: a started post has landed or failed by now
    await t.tick();
    await eventually(async () => expect((await selectRows(t, 'outbox', { kind: 'report' })).map((r) => r.status)).toEqual(['sent', 'sent']));
    expect(t.fake.callsTo('files.getUploadURLExternal').length).toBe(uploads + 1);
    expect(filesTo(t, 'U1')).toHaveLength(1);
    expect(t.fake.callsTo('files.completeUploadExternal').filter((c) => c.args.channel_id === t.fake.dmChannelFor('U2'))).toHaveLength(2);
  });

  itOnPostgres('two processes on one database ticking at the same instant send each report once', async () => {
    expect((await submitAdmin(t, BOSS, ['U1', 'U2'])).json).toMatchObject({ response_action: 'update' });
    const other = await startTestApp({ now: t.clock.now().toISOString(), databaseUrl: t.databaseUrl, fake: t.fake });
    try {
      for (const app of [t, other]) app.clock.set('2027-03-15T09:00:00Z');
      await Promise.all([t.tick(), other.tick()]);
      await Promise.all([t.tick(), other.tick()]);
      await eventually(async () => expect((await selectRows(t, 'outbox', { kind: 'report' })).map((r) => r.status)).toEqual(['sent', 'sent']));
      expect([filesTo(t, 'U1').length, filesTo(t, 'U2').length]).toEqual([1, 1]);
      expect(t.fake.callsTo('files.completeUploadExternal')).toHaveLength(2);
    } finally {
      await other.close();
    }
  });

  it('a workspace that uninstalled Handoff gets nothing', async () => {
    expect((await submitAdmin(t, BOSS, ['U1'])).json).toMatchObject({ response_action: 'update' });
    await t.slack.event({ type: 'app_uninstalled' });
    // As after a real uninstall, Slack refuses the token from now on (else the periodic re-check resumes the workspace).
    t.fake.revokeToken();
    await eventually(async () => expect((await t.handoff.store.getWorkspace(TEAM))?.status).toBe('uninstalled'));
    await at(t, '2027-03-15T09:00:00Z');
    await at(t, '2027-03-15T12:00:00Z');
    expect(t.fake.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    expect(filesTo(t, 'U1')).toHaveLength(0);
    expect((await t.handoff.store.getWorkspace(TEAM))?.status).toBe('uninstalled');
  });
});

describe('weekly async-health report: a quiet week', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ now: '2027-03-14T12:00:00Z' });
    addPeople(t);
  });
  afterEach(async () => t.close());

  it('says so in one line, with no chart', async () => {
    expect((await submitAdmin(t, BOSS, ['U1'])).json).toMatchObject({ response_action: 'update' });
    await at(t, '2027-03-15T09:00:00Z');
    expect(t.fake.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    const said = t.fake.messagesIn('U1').filter((m) => m.text.includes('weekly async-health report'));
    expect(said).toHaveLength(1);
    expect(said[0]!.text).toContain('nobody in this workspace created or answered a handoff, and no meeting was proposed');
  });
});

/** The team's figures for the week of 8 March 2027, worked out by hand from healthScenario.ts's steps. */
function expectTeamWeek(text: string): void {
  // Created in the week: H6, H11, H9, H8, H10. Answered: H3 (3 h), H6 (3 h), H11 (3 h), each within a day.
  expect(text).toContain('• Handoffs created: 5; answered: 3');
  expect(text).toContain('• Time to unblock (working hours of the person waiting): median 3 h, p90 3 h (3 answered)');
  expect(text).toContain('• Answered within one of the recipient’s working days: 100 % (3 of 3)');
  // H11 held for U6, H8 held for U1: two people, so their count is not shown (it would be theirs).
  expect(text).toContain('• Night pings avoided (messages held for working hours): not shown (fewer than 5 people)');
  // One prompt seen (U2's, converted; U1's failed prompt was never shown): one person's figure, hidden
  // as the chart hides that week's meetings.
  expect(text).toContain('• Meetings: not shown (fewer than 5 people)');
  expect(text).not.toMatch(/Meetings: \d/);
  expect(text).not.toMatch(/Night pings avoided \(messages held for working hours\): \d/);
  // UTC → UTC (U1, U3, U4) and UTC → Tokyo (U5, U6): both under 5 people.
  expect(text).toContain('2 pairs of time zones not shown: fewer than 5 people each.');
}
