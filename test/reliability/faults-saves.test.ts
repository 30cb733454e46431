/**
 * A save that fails (the database stays locked by another process, a damaged or read-only file) is
 * explained to the person, on every surface: a form stays open with a field error, a command or a
 * click gets a private "nothing changed, please try again". Never Slack's "operation timed out"
 * (Bolt answering 404 after 3 s) and never silence. The failure is forced by switching the app's
 * own connection to read-only (`PRAGMA query_only`), so every write fails at once.
 */
import { ActionIds, CallbackIds, HandoffModalFields as F, ResolveModalFields, SettingsModalFields as S } from '../../src/ids';
import { NOTHING_CHANGED } from '../../src/listeners/failureNet';
import { SAVE_FAILED } from '../../src/listeners/submissions';
import { CaseLog } from './support/cases';
import { itOnSqlite } from '../harness/testBackend';
import { People, seededAppPerTest, submitModal } from './support/world';

const t = seededAppPerTest();

/** Private replies to this person: response_url posts and DMs from the app, after `from` calls. */
function toldSince(from: number, userId: string): string[] {
  return t.fake.calls
    .slice(from)
    .filter((c) => c.method === 'response_url' || (c.method === 'chat.postMessage' && c.args.channel === userId) || (c.method === 'chat.postEphemeral' && c.args.user === userId))
    .map((c) => String(c.args.text ?? ''));
}

const settingsValues = () => ({
  [S.tz.block]: { [S.tz.action]: 'Europe/Lisbon' },
  [S.start.block]: { [S.start.action]: { type: 'timepicker', selected_time: '08:00' } },
  [S.end.block]: { [S.end.action]: { type: 'timepicker', selected_time: '16:00' } },
  [S.days.block]: { [S.days.action]: { type: 'checkboxes', selected_options: [1, 2, 3, 4, 5].map((d) => ({ value: String(d) })) } },
  [S.digest.block]: { [S.digest.action]: { type: 'checkboxes', selected_options: [{ value: 'on' }] } },
  [S.deflection.block]: { [S.deflection.action]: { type: 'checkboxes', selected_options: [{ value: 'on' }] } },
  [S.awayUntil.block]: { [S.awayUntil.action]: { type: 'datepicker', selected_date: null } },
});

describe('a save that fails is explained, never a timeout or silence', () => {
  // The failure is SQLite's PRAGMA query_only on the app's own connection.
  itOnSqlite(
    'form, command, button, resolve form and settings form while every write fails',
    async () => {
      const log = new CaseLog('faults');
      // A handoff to act on, and every profile cached, while the database still takes writes.
      const ok = await submitModal(t, People.author, 'setup', { recipients: [People.ana], ask: 'setup ask' });
      expect(ok.status).toBe(200);
      const { id, number } = t.handoff.db.sqlite.prepare('select id, number from handoffs').get() as { id: number; number: number };
      await t.handoff.deps.people.get('T0001', People.ken);
      t.handoff.db.sqlite.pragma('query_only = ON');
      const count = () => (t.handoff.db.sqlite.prepare('select count(*) n from handoffs').get() as { n: number }).n;

      await log.check('the handoff form: answered at once with a field error, everything typed kept, nothing created', async () => {
        const res = await submitModal(t, People.author, 'fails', { recipients: [People.ana], ask: 'will not save' });
        expect(res.status).toBe(200);
        expect(res.ms).toBeLessThan(2500);
        expect(res.json).toEqual({ response_action: 'errors', errors: { [F.ask.block]: SAVE_FAILED } });
        expect(count()).toBe(1);
      });

      await log.check('inline /handoff: told nothing was created, with the text to try again', async () => {
        const responseUrl = t.fake.responseUrl();
        const res = await t.slack.command({ userId: People.author, text: `<@${People.ken}> inline will not save`, responseUrl });
        expect(res.status).toBe(200);
        const reply = await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl, 5000);
        expect(String(reply.args.text)).toMatch(/nothing was created\. Your text, to try again:\n> .*inline will not save/);
        expect(count()).toBe(1);
      });

      await log.check('/handoff done: told nothing changed', async () => {
        const from = t.fake.calls.length;
        const responseUrl = t.fake.responseUrl();
        const res = await t.slack.command({ userId: People.ana, text: `done ${number}`, responseUrl });
        expect(res.status).toBe(200);
        await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl, 5000);
        expect(toldSince(from, People.ana)).toContain(NOTHING_CHANGED);
      });

      await log.check('the Acknowledge button: acknowledged, and the clicker is told nothing changed', async () => {
        const from = t.fake.calls.length;
        const res = await t.slack.interaction(t.slack.blockAction({ userId: People.ana, actionId: ActionIds.acknowledge, value: String(id) }));
        expect(res.status).toBe(200);
        await t.fake.waitFor('response_url', () => toldSince(from, People.ana).includes(NOTHING_CHANGED), 5000);
      });

      await log.check('the resolve form: answered at once with an error on the note, the form stays open', async () => {
        const res = await t.slack.interaction(
          t.slack.viewSubmission({
            userId: People.ana,
            callbackId: CallbackIds.resolveModal,
            privateMetadata: JSON.stringify({ handoffId: id, action: 'complete' }),
            values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: 'shipped' } },
          }),
        );
        expect(res.status).toBe(200);
        expect(res.ms).toBeLessThan(2500);
        expect(res.json).toEqual({ response_action: 'errors', errors: { [ResolveModalFields.note.block]: SAVE_FAILED } });
      });

      await log.check('the settings form: answered at once with an error, the form stays open', async () => {
        const res = await t.slack.interaction(t.slack.viewSubmission({ userId: People.ana, callbackId: CallbackIds.settingsModal, values: settingsValues() }));
        expect(res.status).toBe(200);
        expect(res.ms).toBeLessThan(2500);
        expect(res.json).toEqual({ response_action: 'errors', errors: { [S.tz.block]: SAVE_FAILED } });
      });

      await log.check('nothing was changed', () => {
        expect(t.handoff.db.sqlite.prepare('select state from handoffs where id = ?').get(id)).toEqual({ state: 'open' });
      });
      t.handoff.db.sqlite.pragma('query_only = OFF');
      await log.check('once writes work again, the same form saves', async () => {
        const res = await submitModal(t, People.author, 'fails', { recipients: [People.ana], ask: 'will not save' });
        expect(res.status).toBe(200);
        expect(res.json).toBeUndefined();
        expect(count()).toBe(2);
      });
      log.finish();
    },
    30_000,
  );
});
