/**
 * Server-side length limits (issue 10, item 11). A modal's `max_length` is only a hint to Slack's
 * client: 39 kB notes were stored, and a 40 kB agenda failed to post while the DM promised a retry
 * that never happens. Every free-text field is now checked on the server: a modal gets a field
 * error (`response_action: errors`, the text stays in the form), a command gets a friendly message
 * that gives the whole text back, nothing over the limit is stored; and a failed agenda post says
 * it was not posted, gives the agenda back, and promises nothing.
 */
import { eventually } from '../harness/testApp';
import { ActionIds, AgendaModalFields, CallbackIds, HandoffModalFields as F, ReassignModalFields, ResolveModalFields } from '../../src/ids';
import { sqlGet } from '../harness/testSql';
import { CaseLog } from './support/cases';
import { modalValues, People, TEAM, seededAppPerTest } from './support/world';

const t = seededAppPerTest();

const KB39 = 'n'.repeat(39 * 1024);

async function command(userId: string, text: string): Promise<string> {
  const responseUrl = t.fake.responseUrl();
  const res = await t.slack.command({ userId, text, responseUrl });
  expect(res.status).toBe(200);
  const acked = (res.json as { text?: string } | undefined)?.text;
  if (acked) return acked;
  return String((await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl)).args.text ?? '');
}

async function handoffForAna(ask: string): Promise<number> {
  const n = Number(/#(\d+)/.exec(await command(People.author, `<@${People.ana}> ${ask}`))![1]);
  return (await t.handoff.store.findHandoffIdByNumber(TEAM, n))!;
}

const fieldErrors = (json: unknown): Record<string, string> => {
  const body = json as { response_action?: string; errors?: Record<string, string> } | undefined;
  expect(body?.response_action).toBe('errors');
  return body!.errors!;
};

/** What the handoff and its events hold, to compare before and after. */
const storedState = async (id: number) => JSON.stringify({ h: await t.handoff.store.loadHandoff(TEAM, id), events: await t.handoff.store.listEvents(id) });

const longestStored = async () =>
  (await sqlGet<Record<string, number | null>>(
    t,
    'select max(length(resolution_note)) as note, max(length(ask)) as ask, max(length(context)) as context, max(length(links)) as links, max(length(if_offline)) as offline, max(length(title)) as title from handoffs',
  ))!;

describe('server-side length limits', () => {
  it('notes and reasons over 2,000 characters: a field error in the modal, nothing stored', async () => {
    const log = new CaseLog('security');
    const id = await handoffForAna('numbers please');
    const before = await storedState(id);
    const note = (userId: string, action: 'complete' | 'decline' | 'cancel', text: string) =>
      t.slack.interaction(
        t.slack.viewSubmission({
          userId,
          callbackId: CallbackIds.resolveModal,
          privateMetadata: JSON.stringify({ handoffId: id, action }),
          values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: text } },
        }),
      );
    for (const [label, send] of [
      ['done note of 39 kB', () => note(People.ana, 'complete', KB39)],
      ['decline reason of 2,001 characters', () => note(People.ana, 'decline', 'r'.repeat(2001))],
      ['cancel reason of 39 kB', () => note(People.author, 'cancel', KB39)],
    ] as const) {
      await log.check(label, async () => {
        const errors = fieldErrors((await send()).json);
        expect(errors[ResolveModalFields.note.block]).toMatch(/under 2000 characters \(it is \d+\)/);
      });
    }
    await log.check('reassignment note of 39 kB', async () => {
      const res = await t.slack.interaction(
        t.slack.viewSubmission({
          userId: People.ana,
          callbackId: CallbackIds.reassignModal,
          privateMetadata: JSON.stringify({ handoffId: id }),
          values: {
            [ReassignModalFields.to.block]: { [ReassignModalFields.to.action]: { type: 'users_select', selected_user: People.ken } },
            [ReassignModalFields.note.block]: { [ReassignModalFields.note.action]: KB39 },
          },
        }),
      );
      expect(fieldErrors(res.json)[ReassignModalFields.note.block]).toMatch(/under 2000 characters/);
    });
    await log.check('exactly 2,000 characters is accepted', async () => {
      const res = await note(People.ana, 'complete', 'ok'.repeat(1000));
      expect((res.json as { response_action?: string } | undefined)?.response_action).toBeUndefined();
      await eventually(async () => expect((await t.handoff.store.loadHandoff(TEAM, id))!.state).toBe('done'));
    });
    await log.check('nothing over the limit was stored', async () => {
      expect(await storedState(id)).not.toBe(before);
      expect((await longestStored()).note).toBe(2000);
      const notes = (await sqlGet<{ n: number }>(t, 'select max(length(note)) as n from handoff_events'))!.n;
      expect(notes).toBeLessThanOrEqual(2000);
    });
    log.finish();
  }, 30_000);

  it('/handoff done with a 39 kB note: nothing changes, and the whole note is given back', async () => {
    const log = new CaseLog('security');
    const id = await handoffForAna('the contract');
    const note = 'ω'.repeat(39 * 1024); // a letter that appears nowhere in what the app says itself
    const responseUrl = t.fake.responseUrl();
    await t.slack.command({ userId: People.ana, text: `done 1 ${note}`, responseUrl });

    await eventually(() => expect(t.fake.callsTo('response_url').filter((c) => c.args.response_url === responseUrl).length).toBeGreaterThanOrEqual(2));
    const answers = t.fake
      .callsTo('response_url')
      .filter((c) => c.args.response_url === responseUrl)
      .map((c) => String(c.args.text));
    await log.check('told why, nothing changed', async () => {
      expect(answers[0]).toMatch(/too long/);
      expect((await t.handoff.store.loadHandoff(TEAM, id))!.state).toBe('open');
    });
    await log.check('the whole note is in the answers, to copy, each within Slack’s 40,000 characters', () => {
      expect(answers.join('').replace(/[^ω]/g, '')).toBe(note);
      for (const a of answers) expect(a.length).toBeLessThanOrEqual(40_000);
    });
    log.finish();
  });

  it('every handoff field over its limit: field errors from the modal, the text given back in full from the command', async () => {
    const log = new CaseLog('security');
    const res = await t.slack.interaction(
      t.slack.viewSubmission({
        userId: People.author,
        callbackId: CallbackIds.handoffModal,
        privateMetadata: JSON.stringify({ key: 'long-1' }),
        values: modalValues({ recipients: [People.ana], title: 't'.repeat(151), ask: 'a'.repeat(3001), context: KB39, links: 'l'.repeat(2001), ifOffline: 'o'.repeat(2001) }),
      }),
    );
    const errors = fieldErrors(res.json);
    for (const [label, block] of [
      ['title', F.title.block],
      ['ask', F.ask.block],
      ['context', F.context.block],
      ['links', F.links.block],
      ['if offline', F.ifOffline.block],
    ] as const) {
      await log.check(`modal ${label}`, () => expect(errors[block]).toMatch(/Please keep this under \d+ characters/));
    }
    const longAsk = `${'q'.repeat(3400)} END-OF-ASK`;
    const said = await command(People.author, `<@${People.ana}> ${longAsk}`);
    await log.check('inline ask over 3,000: nothing created, the whole text given back', () => {
      expect(said).toMatch(/Nothing was created/);
      expect(said).toContain(longAsk);
    });
    await log.check('nothing was stored', async () => expect(await sqlGet(t, 'select count(*) n from handoffs')).toEqual({ n: 0 }));
    log.finish();
  });

  it('display names longer than Slack’s 80 characters are cut when stored', async () => {
    const log = new CaseLog('security');
    t.fake.addUser({ id: 'U0LONG', name: 'L'.repeat(5000), real_name: 'L'.repeat(5000), tz: 'Europe/Lisbon' });
    await command(People.author, '<@U0LONG> please');
    await log.check('stored name is at most 80 characters', async () => {
      const row = (await sqlGet<{ n: string }>(t, "select display_name as n from users where user_id = 'U0LONG'"))!;
      expect(row.n).toBe('L'.repeat(80));
    });
    await t.slack.event({ type: 'user_change', user: { id: People.ana, team_id: TEAM, name: 'ana', tz: 'Europe/Lisbon', profile: { display_name: 'A'.repeat(39 * 1024) } } });
    await log.check('the same for a user_change event', async () => {
      await eventually(async () => {
        const row = (await sqlGet<{ n: string }>(t, 'select display_name as n from users where user_id = ?', People.ana))!;
        expect(row.n).toBe('A'.repeat(80));
      });
    });
    log.finish();
  });
});

describe('meeting agendas', () => {
  /** A proposal in #proj, its private prompt, "Keep the meeting", and the agenda modal that opened. */
  async function agendaModal(): Promise<{ submit: (agenda: string) => Promise<unknown> }> {
    const proposal = t.fake.addMessage('C0PROJ', { user: People.author, text: `<@${People.ana}> can we hop on a quick call tomorrow?` });
    await t.slack.event({ type: 'message', channel: 'C0PROJ', channel_type: 'channel', user: People.author, text: proposal.text, ts: proposal.ts, event_ts: proposal.ts });
    await eventually(() => expect(t.fake.ephemerals.length).toBeGreaterThan(0));
    const prompt = t.fake.ephemerals.at(-1)!;
    const id = Number(/"value":"(\d+)"/.exec(JSON.stringify(prompt.blocks))![1]);
    await t.slack.interaction(
      t.slack.blockAction({ userId: People.author, actionId: ActionIds.deflectKeep, value: String(id), channelId: 'C0PROJ', messageTs: prompt.message_ts }),
    );
    const opened = await t.fake.waitFor('views.open', (c) => (c.args.view as { callback_id?: string }).callback_id === CallbackIds.agendaModal);
    const meta = String((opened.args.view as { private_metadata: string }).private_metadata);
    return {
      submit: async (agenda) =>
        (
          await t.slack.interaction(
            t.slack.viewSubmission({
              userId: People.author,
              callbackId: CallbackIds.agendaModal,
              privateMetadata: meta,
              values: { [AgendaModalFields.agenda.block]: { [AgendaModalFields.agenda.action]: agenda } },
            }),
          )
        ).json,
    };
  }

  it('a 40 kB agenda gets a field error and is not posted', async () => {
    const log = new CaseLog('security');
    const modal = await agendaModal();
    const posts = () => t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0PROJ').length;
    const before = posts();
    const json = await modal.submit('a'.repeat(40 * 1024));
    await log.check('field error on the agenda', () => expect(fieldErrors(json)[AgendaModalFields.agenda.block]).toMatch(/under 2500 characters/));
    await log.check('nothing posted in the channel', () => expect(posts()).toBe(before));
    log.finish();
  });

  for (const [label, fault] of [
    ['message too long for Slack', { error: 'msg_too_long' }],
    ['rate limited', { status: 429 }],
    ['an unknown Slack error', { error: 'fatal_error' }],
  ] as const) {
    it(`a failed agenda post (${label}) says it was not posted, gives it back, and promises no retry`, async () => {
      const log = new CaseLog('security');
      const modal = await agendaModal();
      t.fake.failNext('chat.postMessage', fault);
      await modal.submit('1. Decide the date\n2. Agree the owner');
      const dm = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === People.author && String(c.args.text).includes('agenda'));
      const text = String(dm.args.text);
      await log.check('says it was not posted', () => expect(text).toMatch(/not posted/));
      await log.check('gives the agenda back', () => expect(text).toContain('1. Decide the date\n2. Agree the owner'));
      await log.check('promises no retry', () => expect(text).not.toMatch(/I’ll (keep|deliver|retry|try)|retry where|shortly/));
      await log.check('and indeed nothing retries it', async () => {
        await t.handoff.dispatcher.idle();
        await t.tick();
        const delivered = t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0PROJ' && (c.response as { ok?: boolean }).ok);
        expect(delivered.filter((c) => String(c.args.text).includes('Agenda'))).toHaveLength(0);
      });
      log.finish();
    });
  }
});
