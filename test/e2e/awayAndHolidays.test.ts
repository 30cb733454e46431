/**
 * Issue 16, part 2, end to end: the public-holiday region in settings (proposed from the zone), away
 * read from the Slack status (set, expired, corrected by the person with "I'm not away"), and what
 * the author is told about a recipient who is away or on a holiday.
 */
import { commandText, startTestApp, eventually, type TestApp } from '../harness/testApp';
import type { FakeMessage } from '../harness/fakeSlack';
import { selectOne, selectRows, updateRows } from '../harness/testDb';
import { openSettings, saveSettings } from '../harness/settingsForm';
import { modalValues } from '../harness/handoffForm';
import { CallbackIds, MetadataEventTypes, SettingsModalFields as S } from '../../src/ids';

const TEAM = 'T0001';
const LISBON = 'ULISBON';
const NYC = 'UNYC';

const userRow = (t: TestApp, userId: string) => selectOne(t, 'users', { teamId: TEAM, userId });

interface SelectElement {
  initial_option?: { value: string; text: { text: string } };
  option_groups: { label: { text: string }; options: { value: string; text: { text: string } }[] }[];
}

function blockOf(view: Record<string, unknown>, blockId: string): Record<string, unknown> | undefined {
  return (view.blocks as Record<string, unknown>[]).find((b) => b.block_id === blockId);
}

function digestsIn(t: TestApp, userId: string): FakeMessage[] {
  return t.fake.messagesIn(userId).filter((m) => m.metadata?.event_type === MetadataEventTypes.digest);
}

describe('settings: public-holiday region', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ now: '2026-11-30T12:00:00Z' }); // Mon 12:00 in Lisbon; Tue 1 Dec is a holiday in Portugal
    t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
    t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
  });
  afterEach(async () => t.close());

  it('proposes the country of the zone, says so, and lists its states within Slack’s 100 options', async () => {
    const view = await openSettings(t, LISBON);
    const block = blockOf(view, S.holidayRegion.block)!;
    const select = block.element as SelectElement;
    expect(select.initial_option?.value).toBe('PT');
    expect((block.hint as { text: string }).text).toContain('Portugal’s public holidays are on, from your time zone (Europe/Lisbon)');
    expect(select.option_groups.map((g) => g.label.text)).toEqual(['Off', 'Portugal']);
    expect(select.option_groups[0]!.options.map((o) => o.text.text)).toEqual(['No public holidays']);
    // New York: the United States and its 51 states and districts, one select.
    const ny = blockOf(await openSettings(t, NYC), S.holidayRegion.block)!.element as SelectElement;
    const options = ny.option_groups.flatMap((g) => g.options);
    expect(ny.initial_option?.value).toBe('US');
    expect(options.map((o) => o.value)).toContain('US-CA');
    expect(options.length).toBeLessThanOrEqual(100);
    // Not stored by opening: the zone's country stays in force, and follows the zone, until a region is saved.
    expect((await userRow(t, LISBON)).holidayRegion).toBeNull();
  });

  it('her zone’s holidays hold before she chooses; saving a region replans around it; “No public holidays” switches it off; a typed code is checked', async () => {
    await openSettings(t, LISBON);
    // Nobody chose yet: Portugal's holidays are in force from her zone, so Tuesday 1 Dec has no digest.
    expect(await userRow(t, LISBON)).toMatchObject({ holidayRegion: null, nextDigestLocalDate: '2026-12-02' });
    await saveSettings(t, LISBON, { region: 'off' });
    expect(await userRow(t, LISBON)).toMatchObject({ holidayRegion: 'off', nextDigestLocalDate: '2026-12-01' });
    const saved = await saveSettings(t, LISBON, { region: 'PT' });
    expect(saved.json).toMatchObject({ response_action: 'update' });
    expect(await userRow(t, LISBON)).toMatchObject({ holidayRegion: 'PT', nextDigestLocalDate: '2026-12-02' });
    expect(JSON.stringify(saved.json)).toContain('Wed 2 Dec, 09:00 Lisbon time');
    expect(JSON.stringify(saved.json)).not.toContain('Tue 1 Dec');

    await saveSettings(t, LISBON, { region: 'off' });
    expect(await userRow(t, LISBON)).toMatchObject({ holidayRegion: 'off', nextDigestLocalDate: '2026-12-01' });
    // Chosen "off" stays off: the form shows the choice, not the proposal.
    expect((blockOf(await openSettings(t, LISBON), S.holidayRegion.block)!.element as SelectElement).initial_option?.value).toBe('off');

    const bad = await saveSettings(t, LISBON, { region: 'off', code: 'XX-Q' });
    expect(bad.json).toMatchObject({ response_action: 'errors', errors: { [S.holidayRegionCode.block]: expect.stringContaining('isn’t a region I know') } });
    expect((await userRow(t, LISBON)).holidayRegion).toBe('off');

    await saveSettings(t, LISBON, { region: 'off', code: 'de-by' });
    expect((await userRow(t, LISBON)).holidayRegion).toBe('DE-BY');
    const shown = blockOf(await openSettings(t, LISBON), S.holidayRegion.block)!.element as SelectElement;
    expect(shown.initial_option).toMatchObject({ value: 'DE-BY', text: { text: 'Bayern, Germany' } });
  });
});

describe('public holidays nobody chose: the zone’s country', () => {
  it('Lia never opened settings: Monday’s digest says Tuesday is a holiday and where that comes from; Tuesday has none; Wednesday’s has what waited', async () => {
    const t = await startTestApp({ now: '2026-11-30T07:00:00Z' }); // Mon 07:00 in Lisbon; Tue 1 Dec is a holiday in Portugal
    try {
      t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      const asked = await commandText(t, NYC, `<@${LISBON}> check the invoice run`);
      expect(asked).toContain('created');
      expect((await userRow(t, LISBON)).holidayRegion).toBeNull();
      for (const at of ['2026-11-30T09:00:00Z', '2026-12-01T09:00:00Z']) {
        t.clock.set(at);
        await t.tick();
      }
      const digests = digestsIn(t, LISBON);
      expect(digests).toHaveLength(1);
      const monday = JSON.stringify(digests[0]!.blocks);
      expect(monday).toContain(':palm_tree: Tue 1 Dec is a public holiday in Portugal: no digest then');
      expect(monday).toContain('These are your time zone’s public holidays; `/handoff settings` changes the region or turns them off.');
      // On the holiday itself a new ask waits, and its author is told why.
      const second = await commandText(t, NYC, `<@${LISBON}> and sign the lease`);
      expect(second).toContain('Tue 1 Dec is a public holiday in Portugal');
      t.clock.set('2026-12-02T09:00:00Z');
      await t.tick();
      expect(digestsIn(t, LISBON)).toHaveLength(2);
      expect(JSON.stringify(digestsIn(t, LISBON)[1]!.blocks)).toContain('sign the lease');
      expect((await selectRows(t, 'outbox', { teamId: TEAM, kind: 'digest', userId: LISBON })).map((r) => r.localDate).sort()).toEqual(['2026-11-30', '2026-12-02']);
      // Still nothing stored: the region follows her zone until she chooses.
      expect((await userRow(t, LISBON)).holidayRegion).toBeNull();
    } finally {
      await t.close();
    }
  });
});

describe('away by Slack status, as the person sees and corrects it', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ now: '2026-12-02T18:00:00Z' }); // Wed 18:00 in Lisbon (UTC+0 in winter)
    t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
    t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
  });
  afterEach(async () => t.close());

  const vacationUntilFriday = { text: 'Vacationing', emoji: ':palm_tree:', expiration: Date.parse('2026-12-04T23:59:59Z') / 1000 };

  async function handOff(text: string): Promise<void> {
    await t.slack.command({ userId: NYC, text: `<@${LISBON}> ${text}` });
    await t.fake.waitFor('response_url', (c) => String(c.args.text).includes(` created:* ${text}\n`));
  }

  async function tickAt(iso: string): Promise<void> {
    t.clock.set(iso);
    await t.tick();
  }

  it('set, then expired: no digests while the status holds, the first workday after it brings them, and settings stop saying away', async () => {
    await handOff('check the invoice run');
    await t.slack.event(t.fake.setStatus(LISBON, vacationUntilFriday));
    await eventually(async () => expect(await userRow(t, LISBON)).toMatchObject({ statusAwayUntil: '2026-12-05', statusAwayKind: 'vacation', nextDigestLocalDate: '2026-12-07' }));
    const away = JSON.stringify(await openSettings(t, LISBON));
    expect(away).toContain('*Away until Mon 7 Dec*, from your Slack status (vacation)');
    expect(away).toContain(S.notAway.block);
    await tickAt('2026-12-03T09:00:00Z');
    await tickAt('2026-12-04T09:00:00Z');
    expect(digestsIn(t, LISBON)).toHaveLength(0);
    // The clock passes the status's end (Slack clears it; no event is needed for Handoff to know).
    await tickAt('2026-12-07T09:00:00Z');
    expect(digestsIn(t, LISBON)).toHaveLength(1);
    expect((await selectRows(t, 'outbox', { teamId: TEAM, kind: 'digest', userId: LISBON })).map((r) => r.localDate)).toEqual(['2026-12-07']);
    const after = JSON.stringify(await openSettings(t, LISBON));
    expect(after).not.toContain('from your Slack status');
    expect(after).not.toContain(S.notAway.block);
  });

  it('corrected by the person: “I’m not away” brings tomorrow’s digest back and holds for that status; a new away status counts again; unticking restores it', async () => {
    await handOff('check the invoice run');
    await t.slack.event(t.fake.setStatus(LISBON, vacationUntilFriday));
    await eventually(async () => expect((await userRow(t, LISBON)).nextDigestLocalDate).toBe('2026-12-07'));
    await openSettings(t, LISBON);
    const saved = await saveSettings(t, LISBON, { notAway: true });
    expect(saved.json).toMatchObject({ response_action: 'update' });
    expect(await userRow(t, LISBON)).toMatchObject({ statusAwayUntil: null, statusAwayKind: null, nextDigestLocalDate: '2026-12-03' });
    expect(JSON.stringify(await openSettings(t, LISBON))).toContain('you told me you’re not, so I ignore it until your status changes');

    // The same status seen again (a profile change) stays ignored.
    await t.slack.event(t.fake.setStatus(LISBON, vacationUntilFriday));
    expect(await t.handoff.inFlight.drain(10_000)).toBe(true);
    expect(await userRow(t, LISBON)).toMatchObject({ statusAwayUntil: null, nextDigestLocalDate: '2026-12-03' });
    await tickAt('2026-12-03T09:00:00Z');
    expect(digestsIn(t, LISBON)).toHaveLength(1);

    // Unticking the box: the status counts again.
    t.clock.set('2026-12-03T12:00:00Z');
    await openSettings(t, LISBON);
    await saveSettings(t, LISBON, { notAway: false });
    expect(await userRow(t, LISBON)).toMatchObject({ statusAwayUntil: '2026-12-05', statusAwayKind: 'vacation', statusAwayDismissed: null, nextDigestLocalDate: '2026-12-07' });

    // Ignored again, then a different away status (sick, to Tuesday) applies at once.
    await saveSettings(t, LISBON, { notAway: true });
    expect((await userRow(t, LISBON)).nextDigestLocalDate).toBe('2026-12-04');
    await t.slack.event(t.fake.setStatus(LISBON, { text: 'Out sick', emoji: ':face_with_thermometer:', expiration: Date.parse('2026-12-08T20:00:00Z') / 1000 }));
    await eventually(async () =>
      expect(await userRow(t, LISBON)).toMatchObject({ statusAwayUntil: '2026-12-09', statusAwayKind: 'sick', statusAwayDismissed: null, nextDigestLocalDate: '2026-12-09' }),
    );
  });
});

describe('what the author is told: away by Slack status, a public holiday, and who is working for something urgent', () => {
  const PEDRO = 'UPEDRO';
  const NED = 'UNED';
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ now: '2026-11-30T18:00:00Z' }); // Mon: 18:00 in Lisbon (after work), 13:00 in New York
    t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
    t.fake.addUser({ id: PEDRO, name: 'pedro', tz: 'Europe/Lisbon' });
    t.fake.addUser({ id: NED, name: 'ned', tz: 'America/New_York' });
    t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
    // Lia is on vacation until the end of Friday by her Slack status; Pedro keeps Portugal's holidays (Tue 1 Dec).
    await t.slack.event(t.fake.setStatus(LISBON, { text: 'Vacationing', emoji: ':palm_tree:', expiration: Date.parse('2026-12-04T23:59:59Z') / 1000 }));
    await eventually(async () => expect((await userRow(t, LISBON)).statusAwayKind).toBe('vacation'));
    await openSettings(t, PEDRO);
    await saveSettings(t, PEDRO, { region: 'PT' });
    expect((await userRow(t, PEDRO)).holidayRegion).toBe('PT');
  });
  afterEach(async () => t.close());

  it('the confirmation says why each one waits, and the list says it too', async () => {
    const reply = await commandText(t, NYC, `<@${LISBON}> <@${PEDRO}> check the invoice run`);
    expect(reply).toContain(`<@${LISBON}> — 18:00 in Lisbon, away until Mon 7 Dec (Slack status): it waits for their return, Mon 09:00 Lisbon time`);
    expect(reply).toContain(`<@${PEDRO}> — 18:00 in Lisbon; Tue 1 Dec is a public holiday in Portugal: it waits for their morning digest, Wed 09:00 Lisbon time`);
    const before = t.fake.callsTo('response_url').length;
    await t.slack.command({ userId: NYC, text: 'list', responseUrl: t.fake.responseUrl() });
    await eventually(() => expect(t.fake.callsTo('response_url').length).toBeGreaterThan(before));
    const list = JSON.stringify(t.fake.callsTo('response_url')[before]!.args);
    expect(list).toContain('away until Mon 7 Dec (Slack status)');
    expect(list).toContain('Tue 1 Dec is a public holiday in Portugal');
  });

  it('an urgent handoff names who on it is working now', async () => {
    await t.slack.command({ userId: NYC, text: '' });
    const view = (await t.fake.waitFor('views.open')).args.view as { private_metadata: string };
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: NYC,
        callbackId: CallbackIds.handoffModal,
        privateMetadata: view.private_metadata,
        values: modalValues({ recipients: [LISBON, PEDRO, NED], ask: 'The payment run failed, please rerun it', urgent: true }),
      }),
    );
    await eventually(() => expect(t.fake.messagesIn(NYC).map((m) => String(m.text))).toContainEqual(expect.stringContaining('For something urgent')));
    const told = t.fake
      .messagesIn(NYC)
      .map((m) => String(m.text))
      .find((x) => x.includes('For something urgent'))!;
    expect(told).toContain(`<@${LISBON}> — 18:00 in Lisbon, away until Mon 7 Dec (Slack status): urgent, so sent now anyway.`);
    expect(told).toContain(`<@${PEDRO}> — 18:00 in Lisbon, their day starts in 1 d 15 h; Tue 1 Dec is a public holiday in Portugal: urgent, so sent now anyway.`);
    expect(told).toContain(`For something urgent: <@${NED}> is on it and working now.`);
  });
});

describe('the Slack status is read again before the digest is planned', () => {
  it('an away status with no end keeps holding day after day; cleared without an event, the next digest comes; nobody else is asked', async () => {
    const t = await startTestApp({ now: '2026-12-02T18:00:00Z' }); // Wed 18:00 in Lisbon
    try {
      t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      await t.slack.command({ userId: NYC, text: `<@${LISBON}> check the invoice run` });
      await t.fake.waitFor('response_url', (c) => String(c.args.text).includes(' created:* check the invoice run\n'));
      await t.slack.event(t.fake.setStatus(LISBON, { text: 'OOO', emoji: '', expiration: 0 }));
      // No end: away today only, as far as this reading goes.
      await eventually(async () => expect(await userRow(t, LISBON)).toMatchObject({ statusAwayUntil: '2026-12-03', nextDigestLocalDate: '2026-12-03' }));
      const asked = (userId: string) => t.fake.callsTo('users.info').filter((c) => c.args.user === userId).length;
      const askedNora = asked(NYC);

      t.clock.set('2026-12-03T07:30:00Z'); // Thu, 90 minutes before her digest: Slack is asked again
      const before = asked(LISBON);
      await t.tick();
      expect(asked(LISBON)).toBe(before + 1);
      expect(await userRow(t, LISBON)).toMatchObject({ statusAwayUntil: '2026-12-04', nextDigestLocalDate: '2026-12-04' });
      t.clock.set('2026-12-03T09:00:00Z');
      await t.tick();
      expect(digestsIn(t, LISBON)).toHaveLength(0);

      // She clears it and no user_change reaches Handoff: Friday's re-read finds it gone.
      t.fake.setStatus(LISBON, null);
      t.clock.set('2026-12-04T07:30:00Z');
      await t.tick();
      expect(await userRow(t, LISBON)).toMatchObject({ statusAwayUntil: null, statusAwayKey: null, nextDigestLocalDate: '2026-12-04' });
      t.clock.set('2026-12-04T09:00:00Z');
      await t.tick();
      expect(digestsIn(t, LISBON)).toHaveLength(1);
      // Nora's status never said away: no users.info for her.
      expect(asked(NYC)).toBe(askedNora);
    } finally {
      await t.close();
    }
  });
});

describe('everyone’s Slack status is read in full once a day (users.list), a few pages a tick', () => {
  it('finds an away status whose user_change never arrived, before the next digest; only people Handoff knows are looked at', async () => {
    const t = await startTestApp({ now: '2026-12-02T18:00:00Z' }); // Wed 18:00 in Lisbon
    try {
      // 448 people Handoff has never met come first: Lia is on the third page of 200.
      for (let i = 0; i < 448; i++) t.fake.addUser({ id: `UFILL${String(i).padStart(3, '0')}`, tz: 'Europe/Berlin' });
      t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      await t.slack.command({ userId: NYC, text: `<@${LISBON}> check the invoice run` });
      await t.fake.waitFor('response_url', (c) => String(c.args.text).includes(' created:* check the invoice run\n'));
      expect(await userRow(t, LISBON)).toMatchObject({ statusAwayKey: null, nextDigestLocalDate: '2026-12-03' });

      // She goes on vacation while Handoff is down: the user_change is lost.
      t.fake.setStatus(LISBON, { text: 'Vacationing', emoji: ':palm_tree:', expiration: Date.parse('2026-12-04T23:59:59Z') / 1000 });
      const listCalls = () => t.fake.callsTo('users.list');
      await t.tick();
      // Two pages this tick (400 people): she is not among them yet, and the read goes on from page 3.
      expect(listCalls().map((c) => String(c.args.limit))).toEqual(['200', '200']);
      expect(listCalls()[0]!.args.cursor).toBeUndefined();
      expect(await userRow(t, LISBON)).toMatchObject({ statusAwayKey: null });
      expect((await selectOne(t, 'workspaces', { teamId: TEAM })).statusesCursor).toEqual(expect.any(String));

      t.clock.set('2026-12-02T18:00:30Z');
      await t.tick();
      expect(listCalls()).toHaveLength(3);
      expect(listCalls()[2]!.args.cursor).toEqual(expect.any(String));
      expect(await userRow(t, LISBON)).toMatchObject({ statusAwayUntil: '2026-12-05', statusAwayKind: 'vacation', nextDigestLocalDate: '2026-12-07' });
      expect(await selectOne(t, 'workspaces', { teamId: TEAM })).toMatchObject({ statusesCursor: null, statusesReadAt: Date.parse('2026-12-02T18:00:30Z') });
      // Nobody Handoff does not know was stored or looked up.
      expect(await selectRows(t, 'users', { teamId: TEAM })).toHaveLength(2);
      expect(t.fake.callsTo('users.info').filter((c) => String(c.args.user).startsWith('UFILL'))).toEqual([]);

      // Read in full: not again until a day has passed.
      t.clock.set('2026-12-03T09:00:00Z'); // Thu 09:00 in Lisbon: no digest, she is away
      await t.tick();
      expect(listCalls()).toHaveLength(3);
      expect(digestsIn(t, LISBON)).toHaveLength(0);
      t.clock.set('2026-12-03T18:01:00Z');
      await t.tick();
      expect(listCalls()).toHaveLength(5);
    } finally {
      await t.close();
    }
  });

  it('waits while deliveries are under way (a wave goes first), and reads once they are done', async () => {
    const t = await startTestApp({ now: '2026-12-02T18:00:00Z' });
    try {
      t.fake.addUser({ id: LISBON, name: 'lia', tz: 'Europe/Lisbon' });
      t.fake.addUser({ id: NYC, name: 'nora', tz: 'America/New_York' });
      // Nora is at work (13:00 in New York): her DM goes out now, through the outbox.
      await t.slack.command({ userId: LISBON, text: `<@${NYC}> check the invoice run` });
      await t.fake.waitFor('response_url', (c) => String(c.args.text).includes(' created:*'));
      // As if another replica were sending it at this moment.
      expect(await updateRows(t, 'outbox', { status: 'sending', claimedBy: 'another-replica', leaseUntil: Date.parse('2026-12-02T18:10:00Z') }, { userId: NYC, kind: 'dm' })).toBe(
        1,
      );
      await t.tick();
      expect(t.fake.callsTo('users.list')).toHaveLength(0);
      await updateRows(t, 'outbox', { status: 'sent', claimedBy: null, leaseUntil: null }, { userId: NYC, kind: 'dm' });
      t.clock.set('2026-12-02T18:00:30Z');
      await t.tick();
      expect(t.fake.callsTo('users.list')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
