/**
 * Issue 16, part 2: "The author sees it everywhere a recipient's availability is shown". The
 * confirmation and `/handoff list` are covered in awayAndHolidays.test.ts; here the two other
 * surfaces, end to end: the handoff form's recipient clocks (updated when the author picks people)
 * and the cards on the author's App Home, each for a recipient away by Slack status and for one whose
 * next working day is a public holiday of their zone's country (Lisbon → Portugal, nothing chosen).
 */
import { commandText, startTestApp, eventually, type TestApp } from '../harness/testApp';
import { selectOne } from '../harness/testDb';
import { ActionIds, CallbackIds, HandoffModalFields as F } from '../../src/ids';

const TEAM = 'T0001';
const LIA = 'ULIA'; // Lisbon, on vacation by her Slack status until the end of Friday 4 Dec
const PEDRO = 'UPEDRO'; // Lisbon, never opened settings: Portugal's holidays from his zone (Tue 1 Dec)
const NORA = 'UNORA'; // New York, the author

const AWAY = '18:00 in Lisbon, away until Mon 7 Dec (Slack status)';
const HOLIDAY = '18:00 in Lisbon, their day starts in 1 d 15 h; Tue 1 Dec is a public holiday in Portugal';
const HOLIDAY_ON_CARD = '18:00 in Lisbon; Tue 1 Dec is a public holiday in Portugal';

const userRow = (t: TestApp, userId: string) => selectOne(t, 'users', { teamId: TEAM, userId });

interface OpenedView {
  id: string;
  hash: string;
}

/** Opens the empty handoff form as the author, picks `recipients`, and returns the text of the form Slack was asked to show. */
async function formWithRecipients(t: TestApp, authorId: string, recipients: string[]): Promise<{ clocks: string; view: string }> {
  await t.slack.command({ userId: authorId, text: '' });
  const open = await t.fake.waitFor('views.open', (c) => JSON.stringify(c.args.view).includes(CallbackIds.handoffModal));
  const view = open.args.view as Record<string, unknown>;
  const opened = (open.response as { view: OpenedView }).view;
  const before = t.fake.callsTo('views.update').length;
  const payload = t.slack.blockAction({
    userId: authorId,
    actionId: ActionIds.recipientsSelect,
    actionType: 'multi_users_select',
    blockId: F.recipients.block,
    // The harness's view container is typed for its own fields; Slack sends the whole view as opened.
    view: { ...view, id: opened.id, hash: opened.hash } as never,
  });
  // The harness's builder has no selected_users; add them as Slack sends them.
  (payload.actions as Record<string, unknown>[])[0]!.selected_users = recipients;
  await t.slack.interaction(payload);
  await eventually(() => expect(t.fake.callsTo('views.update').length).toBeGreaterThan(before));
  const update = t.fake.callsTo('views.update')[before]!;
  expect(update.args.view_id).toBe(opened.id);
  const blocks = (update.args.view as { blocks: { block_id?: string; text?: { text: string } }[] }).blocks;
  const clocks = blocks.find((b) => b.block_id === F.recipientTimes.block);
  expect(clocks?.text?.text).toEqual(expect.any(String));
  return { clocks: clocks!.text!.text, view: JSON.stringify(update.args.view) };
}

/** Publishes App Home for `userId` (app_home_opened) and returns the view's text. */
async function appHome(t: TestApp, userId: string): Promise<string> {
  const before = t.fake.callsTo('views.publish').length;
  await t.slack.event({ type: 'app_home_opened', user: userId, channel: `D${userId.slice(1)}`, tab: 'home', event_ts: '1.0' });
  await eventually(() =>
    expect(
      t.fake
        .callsTo('views.publish')
        .slice(before)
        .some((c) => c.args.user_id === userId),
    ).toBe(true),
  );
  const publish = t.fake
    .callsTo('views.publish')
    .slice(before)
    .find((c) => c.args.user_id === userId)!;
  return JSON.stringify(publish.args.view);
}

describe('the author sees a recipient’s away status and holidays in the form and on App Home', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ now: '2026-11-30T18:00:00Z' }); // Mon: 18:00 in Lisbon (after work), 13:00 in New York
    t.fake.addUser({ id: LIA, name: 'lia', tz: 'Europe/Lisbon' });
    t.fake.addUser({ id: PEDRO, name: 'pedro', tz: 'Europe/Lisbon' });
    t.fake.addUser({ id: NORA, name: 'nora', tz: 'America/New_York' });
    await t.slack.event(t.fake.setStatus(LIA, { text: 'Vacationing', emoji: ':palm_tree:', expiration: Date.parse('2026-12-04T23:59:59Z') / 1000 }));
    await eventually(async () => expect(await userRow(t, LIA)).toMatchObject({ statusAwayKind: 'vacation', statusAwayUntil: '2026-12-05' }));
  });
  afterEach(async () => t.close());

  describe('the handoff form’s recipient clocks', () => {
    it('picking someone whose Slack status says away shows when they are back, from their Slack status', async () => {
      const form = await formWithRecipients(t, NORA, [LIA]);
      expect(form.clocks).toBe(`• *lia* — ${AWAY}`);
      expect(form.view).not.toContain('their day starts');
    });

    it('picking someone whose next working day is a public holiday of their zone’s country says so', async () => {
      const form = await formWithRecipients(t, NORA, [PEDRO]);
      expect(form.clocks).toBe(`• *pedro* — ${HOLIDAY}`);
      // Nothing was chosen: the holiday comes from his zone (Europe/Lisbon → Portugal).
      expect((await userRow(t, PEDRO)).holidayRegion).toBeNull();
    });

    it('both at once: each line carries its own reason, and nobody else is said to be away', async () => {
      const form = await formWithRecipients(t, NORA, [LIA, PEDRO, NORA]);
      expect(form.clocks.split('\n')).toEqual([`• *lia* — ${AWAY}`, `• *pedro* — ${HOLIDAY}`, '• *nora* — 13:00 in New York, working now']);
    });
  });

  describe('App Home cards', () => {
    it('the author’s “You’re waiting on” card says the recipient is away by Slack status', async () => {
      expect(await commandText(t, NORA, `<@${LIA}> check the invoice run`)).toContain('created');
      const home = await appHome(t, NORA);
      expect(home).toContain('You’re waiting on');
      expect(home).toContain('check the invoice run');
      expect(home).toContain(`to <@${LIA}> (${AWAY})`);
    });

    it('the author’s “You’re waiting on” card says the recipient’s next day is a public holiday in Portugal', async () => {
      expect(await commandText(t, NORA, `<@${PEDRO}> sign the lease`)).toContain('created');
      expect((await userRow(t, PEDRO)).holidayRegion).toBeNull();
      const home = await appHome(t, NORA);
      expect(home).toContain('You’re waiting on');
      expect(home).toContain('sign the lease');
      expect(home).toContain(`to <@${PEDRO}> (${HOLIDAY_ON_CARD})`);
    });
  });
});
