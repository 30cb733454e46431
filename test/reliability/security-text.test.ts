/**
 * Invisible and control characters (issue 10, item 10), end to end through the real receiver.
 * `‮gnp.exe` displays as `exe.png`: a right-to-left override, zero-width characters, bidi
 * isolates, C0 controls (NUL included) and DEL reached Slack unchanged in about half the surfaces.
 * Every entry point (command, modal fields, notes, reasons, agenda, shortcut, meeting-deflection
 * text, display names from profiles) is fed them; then every surface the bot sent and every stored
 * text column is checked. A title with `*` or a lone backtick must not break the bold headline.
 * The properties of the cleaning function itself are in fuzz-text.test.ts.
 */
import { eventually, startTestApp, type TestApp } from '../harness/testApp';
import { ActionIds, AgendaModalFields, CallbackIds, ReassignModalFields, ResolveModalFields } from '../../src/ids';
import { sqlAll, sqlGet } from '../harness/testSql';
import { CaseLog } from './support/cases';
import { errorLines, modalValues, NOW, People, seedWorkspace, sleep, surfaceCalls, TEAM, watchProcess } from './support/world';

/**
 * What must not reach Slack or the database, judged here independently of the code under test:
 * C0 (but tab and newline), CR, DEL, C1, bidi controls and marks, zero-width and invisible format
 * characters, joiners (the fixtures below use none legitimately), Hangul fillers, tag characters,
 * noncharacters and lone surrogates.
 */
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- single code points, listed on purpose
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB\uFFFE\uFFFF\u{E0000}-\u{E007F}\u{10FFFF}]|[\uD800-\uDFFF]/u;
const hasDangerous = (s: string): boolean => FORBIDDEN.test(s);

let t: TestApp;
let watch: ReturnType<typeof watchProcess>;

/** Every string in `value`, with where it was. */
function strings(value: unknown, where = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[where, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${where}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, `${where}.${k}`));
  return [];
}

/** "prefix" with every dangerous character woven in. */
const poisoned = (prefix: string) => `\u202E${prefix}\u200B-\u2067x\u2069\u0000\u0007\u007F\u200D\u3164\u{E0041}end\u202C`;

describe('end to end: every entry point, every surface', () => {
  beforeAll(async () => {
    watch = watchProcess();
    t = await startTestApp({ now: NOW });
    seedWorkspace(t);
    // Display names from profiles: an override in the name, a "blank" name of fillers.
    t.fake.addUser({ id: 'U0SPOOF', name: '\u202Egnp.exe', real_name: 'Spoof', tz: 'Europe/Lisbon' });
    t.fake.addUser({ id: 'U0BLANK', name: '\u3164\u200B', real_name: '\u3164', tz: 'Europe/Lisbon' });
  });
  afterAll(async () => {
    await t.close();
    watch.stop();
  });

  it('no invisible or control character reaches Slack or the database, whatever the way in', async () => {
    const log = new CaseLog('security');
    const from = t.fake.calls.length;
    const acks: unknown[] = [];
    const command = async (userId: string, text: string) => {
      const responseUrl = t.fake.responseUrl();
      const res = await t.slack.command({ userId, text, responseUrl });
      // Some answers come in the ack itself ("who is this for?", help), the others on the response_url.
      if ((res.json as { text?: string } | undefined)?.text) return void acks.push(res.json);
      await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl);
    };
    // Inline command: the ask (and the echo of the text when something is wrong).
    await command(People.author, `<@${People.ana}> ${poisoned('inline ask')}`);
    await command(People.author, `@nobody-known ${poisoned('unknown name echo')}`);
    // An ask without a mention is answered in the ack, with the ask echoed in the example.
    await command(People.author, `please ${poisoned('no mention echo')}`);
    // Modal: every free-text field, to the spoofed and the blank-named person, posted in #proj.
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: People.author,
        callbackId: CallbackIds.handoffModal,
        privateMetadata: JSON.stringify({ key: 'text-1' }),
        values: modalValues({
          recipients: [People.ana, 'U0SPOOF', 'U0BLANK'],
          ask: poisoned('modal ask'),
          title: poisoned('title'),
          context: poisoned('context'),
          links: poisoned('links'),
          ifOffline: poisoned('offline'),
          channel: 'C0PROJ',
        }),
      }),
    );
    await eventually(async () => expect(await t.handoff.store.findHandoffIdByNumber(TEAM, 2)).toBeDefined());
    const id1 = (await t.handoff.store.findHandoffIdByNumber(TEAM, 1))!;
    const id2 = (await t.handoff.store.findHandoffIdByNumber(TEAM, 2))!;
    // Notes and reasons: /handoff done with a note, a reassignment note, a cancel reason.
    await command(People.ana, `done 1 ${poisoned('done note')}`);
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: People.ana,
        callbackId: CallbackIds.reassignModal,
        privateMetadata: JSON.stringify({ handoffId: id2 }),
        values: {
          [ReassignModalFields.to.block]: { [ReassignModalFields.to.action]: { type: 'users_select', selected_user: People.ken } },
          [ReassignModalFields.note.block]: { [ReassignModalFields.note.action]: poisoned('reassign note') },
        },
      }),
    );
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: People.author,
        callbackId: CallbackIds.resolveModal,
        privateMetadata: JSON.stringify({ handoffId: id2, action: 'cancel' }),
        values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: poisoned('cancel reason') } },
      }),
    );
    // A profile change arriving as an event.
    await t.slack.event({ type: 'user_change', user: { id: People.eve, team_id: TEAM, name: 'eve', tz: 'Europe/Berlin', profile: { display_name: poisoned('eve') } } });
    // The message shortcut pre-fills the modal from a message.
    t.fake.addMessage('C0PROJ', { user: People.eve, text: poisoned('shortcut text'), ts: '1700000000.000700' });
    await t.slack.interaction(
      t.slack.messageShortcut({
        userId: People.author,
        callbackId: CallbackIds.handThisOffShortcut,
        channelId: 'C0PROJ',
        message: { ts: '1700000000.000700', text: poisoned('shortcut text'), user: People.eve },
      }),
    );
    await t.fake.waitFor('views.open', (c) => JSON.stringify(c.args.view).includes('shortcut text'));
    // Meeting deflection: the proposal's text is kept for the pre-fill, then an agenda is posted.
    const proposal = t.fake.addMessage('C0PROJ', { user: People.author, text: `<@${People.ana}> can we hop on a quick call tomorrow? ${poisoned('proposal')}` });
    await t.slack.event({ type: 'message', channel: 'C0PROJ', channel_type: 'channel', user: People.author, text: proposal.text, ts: proposal.ts, event_ts: proposal.ts });
    await eventually(() => expect(t.fake.ephemerals.length).toBeGreaterThan(0));
    const prompt = t.fake.ephemerals.at(-1)!;
    const deflectionId = Number(/"value":"(\d+)"/.exec(JSON.stringify(prompt.blocks))![1]);
    const pending = (await sqlGet<{ text: string }>(t, 'select pending_text as text from deflections where id = ?', deflectionId))!;
    await t.slack.interaction(
      t.slack.blockAction({ userId: People.author, actionId: ActionIds.deflectKeep, value: String(deflectionId), channelId: 'C0PROJ', messageTs: prompt.message_ts }),
    );
    const agendaOpen = await t.fake.waitFor('views.open', (c) => (c.args.view as { callback_id?: string }).callback_id === CallbackIds.agendaModal);
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: People.author,
        callbackId: CallbackIds.agendaModal,
        privateMetadata: String((agendaOpen.args.view as { private_metadata: string }).private_metadata),
        values: { [AgendaModalFields.agenda.block]: { [AgendaModalFields.agenda.action]: poisoned('agenda') } },
      }),
    );
    await t.fake.waitFor('chat.postMessage', (c) => String(c.args.text).includes('Agenda'));
    // Lists and App Home render what was stored.
    await command(People.author, 'list');
    await t.slack.event({ type: 'app_home_opened', user: People.author, channel: 'D0AUTH', tab: 'home', event_ts: '1.0' });
    await t.fake.waitFor('views.publish', (c) => c.args.user_id === People.author);
    await t.handoff.dispatcher.idle();
    await sleep(50);

    const calls = surfaceCalls(t.fake.calls.slice(from));
    await log.check('every kind of surface was exercised', () => {
      const methods = new Set(calls.map((c) => c.method));
      for (const m of ['chat.postMessage', 'chat.postEphemeral', 'views.open', 'views.publish', 'response_url']) expect([...methods]).toContain(m);
    });
    await log.check('answers given in the ack', () => {
      expect(acks.length).toBeGreaterThan(0);
      expect(strings(acks).filter(([, v]) => hasDangerous(v))).toEqual([]);
    });
    for (const c of calls) {
      await log.check(`${c.method} → ${String(c.args.channel ?? c.args.user_id ?? c.args.response_url ?? c.args.trigger_id ?? '')}`, () => {
        expect(
          strings(c.args)
            .filter(([, s]) => hasDangerous(s))
            .map(([w, s]) => `${w}: ${JSON.stringify(s).slice(0, 120)}`),
        ).toEqual([]);
      });
    }
    const columns: Array<[string, string]> = [
      ['handoffs', 'title'],
      ['handoffs', 'ask'],
      ['handoffs', 'context'],
      ['handoffs', 'links'],
      ['handoffs', 'if_offline'],
      ['handoffs', 'resolution_note'],
      ['handoff_events', 'note'],
      ['users', 'display_name'],
      ['deflections', 'pending_text'],
    ];
    for (const [table, column] of columns) {
      await log.check(`stored ${table}.${column}`, async () => {
        const values = (await sqlAll<{ v: string }>(t, `select ${column} as v from ${table} where ${column} is not null`)).map((r) => r.v);
        expect(values.filter(hasDangerous).map((v) => JSON.stringify(v))).toEqual([]);
      });
    }
    await log.check('the text itself arrived (only the invisible parts were dropped)', async () => {
      const stored = JSON.stringify(await sqlAll(t, 'select title, ask, context, links, if_offline, resolution_note from handoffs'));
      for (const word of ['inline ask', 'modal ask', 'title', 'context', 'links', 'offline', 'done note', 'cancel reason']) expect(stored).toContain(`${word}-xend`);
      expect(pending.text).toContain('proposal-xend');
      expect(await sqlGet(t, "select display_name as n from users where user_id = 'U0SPOOF'")).toEqual({ n: 'gnp.exe' });
      // Every name made of fillers only: the person is shown by their user id, not as a blank.
      expect(await sqlGet(t, "select display_name as n from users where user_id = 'U0BLANK'")).toEqual({ n: 'U0BLANK' });
    });
    await log.check('no listener errors', () => expect(errorLines(t.logs)).toEqual([]));
    expect(id1).toBeDefined();
    log.finish();
  }, 60_000);

  it('a title with * and a lone backtick keeps the bold headline intact on every card', async () => {
    const log = new CaseLog('security');
    const from = t.fake.calls.length;
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: People.author,
        callbackId: CallbackIds.handoffModal,
        privateMetadata: JSON.stringify({ key: 'bold-1' }),
        values: modalValues({ recipients: [People.ana], title: 'Fix *all* the `bugs', ask: 'run `npm test` and *then* ship', channel: 'C0PROJ' }),
      }),
    );
    const dm = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === People.ana && JSON.stringify(c.args.blocks ?? '').includes('the ˋbugs'));
    const post = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'C0PROJ' && JSON.stringify(c.args.blocks ?? '').includes('the ˋbugs'));
    for (const [label, call] of [
      ['DM card', dm],
      ['channel post', post],
    ] as const) {
      await log.check(`${label}: headline bold span has no * or backtick inside`, () => {
        const texts = strings(call.args.blocks).map(([, s]) => s);
        const headline = texts.find((s) => s.includes('the ˋbugs'))!;
        expect(headline).toMatch(/^\*#\d+ · Fix ∗all∗ the ˋbugs\*/);
      });
      await log.check(`${label}: every mrkdwn text has balanced backticks`, () => {
        for (const s of strings(call.args.blocks).map(([, v]) => v)) expect((s.split('`').length - 1) % 2).toBe(0);
      });
    }
    await log.check('the stored title is what was typed', async () => {
      expect(await sqlGet(t, "select title from handoffs where ask like 'run `npm test`%'")).toEqual({ title: 'Fix *all* the `bugs' });
    });
    expect(t.fake.calls.length).toBeGreaterThan(from);
    log.finish();
  });
});
