/** Helpers for the core-loop end-to-end tests: people in zones, settings, commands, digests. */
import { commandText, startTestApp, eventually, listenersSettled, TEAM, type TestApp } from '../harness/testApp';
import type { FakeMessage } from '../harness/fakeSlack';
import { CallbackIds, MetadataEventTypes, ResolveModalFields, SettingsModalFields as S } from '../../src/ids';
import { selectOne, selectRows } from '../harness/testDb';

export const HOUR = 3600_000;

export async function appWith(now: string, people: Record<string, string>, env: Record<string, string> = {}): Promise<TestApp> {
  const t = await startTestApp({ now, env });
  for (const [id, tz] of Object.entries(people)) t.fake.addUser({ id, name: id.slice(1).toLowerCase(), tz });
  return t;
}

export interface SettingsInput {
  tz?: string;
  start?: string;
  end?: string;
  days?: number[];
  digest?: boolean;
  away?: string | null;
}

export function settingsValues(v: SettingsInput) {
  return {
    [S.tz.block]: { [S.tz.action]: v.tz ?? '' },
    [S.start.block]: { [S.start.action]: { type: 'timepicker', selected_time: v.start ?? '09:00' } },
    [S.end.block]: { [S.end.action]: { type: 'timepicker', selected_time: v.end ?? '17:00' } },
    [S.days.block]: { [S.days.action]: { type: 'checkboxes', selected_options: (v.days ?? [1, 2, 3, 4, 5]).map((d) => ({ value: String(d) })) } },
    [S.digest.block]: { [S.digest.action]: { type: 'checkboxes', selected_options: v.digest === false ? [] : [{ value: 'on' }] } },
    [S.deflection.block]: { [S.deflection.action]: { type: 'checkboxes', selected_options: [{ value: 'on' }] } },
    [S.awayUntil.block]: { [S.awayUntil.action]: { type: 'datepicker', selected_date: v.away ?? null } },
  };
}

/** Opens settings as the person would, then submits the form; returns the modal's answer as text. */
export async function saveSettings(t: TestApp, userId: string, v: SettingsInput): Promise<string> {
  await t.slack.command({ userId, text: 'settings' });
  const res = await t.slack.interaction(t.slack.viewSubmission({ userId, callbackId: CallbackIds.settingsModal, values: settingsValues(v) }));
  expect(res.status).toBe(200);
  // A save past the ack budget goes on after the answer: the person's next step comes after it.
  await listenersSettled(t);
  return JSON.stringify(res.json);
}

/** Sends `/handoff …` and returns the text posted to its own response_url (or the ack's text). */
export const command = commandText;

/** Creates an inline handoff and returns its database id. */
export async function handoff(t: TestApp, from: string, text: string): Promise<{ id: number; number: number; reply: string }> {
  const reply = await command(t, from, text);
  const m = /Handoff #(\d+) created/.exec(reply);
  if (!m) throw new Error(`not created: ${reply}`);
  const number = Number(m[1]);
  return { id: (await t.handoff.store.findHandoffIdByNumber(TEAM, number))!, number, reply };
}

export async function resolve(t: TestApp, userId: string, handoffId: number, action: 'complete' | 'decline' | 'cancel', note: string) {
  return t.slack.interaction(
    t.slack.viewSubmission({
      userId,
      callbackId: CallbackIds.resolveModal,
      privateMetadata: JSON.stringify({ handoffId, action }),
      values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: note } },
    }),
  );
}

export const handoffRow = async (t: TestApp, id: number) => (await t.handoff.store.loadHandoff(TEAM, id))!;

/** Everything the bot posted in its DM with the person. */
export const dmsTo = (t: TestApp, userId: string): FakeMessage[] => t.fake.messagesIn(userId);
export const digestsTo = (t: TestApp, userId: string): FakeMessage[] => dmsTo(t, userId).filter((m) => m.metadata?.event_type === MetadataEventTypes.digest);
export const textOf = (m: FakeMessage): string => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

/** The person's digest rows, in id order. */
export const digestRows = (t: TestApp, userId: string) => selectRows(t, 'outbox', { teamId: TEAM, kind: 'digest', userId });

export const userRow = (t: TestApp, userId: string) => selectOne(t, 'users', { teamId: TEAM, userId });

/** Advances the clock in steps, running the scheduler at each (as the cron tick would). */
export async function tickFor(t: TestApp, ms: number, step = 30 * 60_000): Promise<void> {
  const end = t.clock.now().getTime() + ms;
  while (t.clock.now().getTime() < end) {
    t.clock.advance(Math.min(step, end - t.clock.now().getTime()));
    await t.tick();
  }
}

/** The sent-at instant of the outbox row behind a posted message. */
export async function sentAtOf(t: TestApp, m: FakeMessage): Promise<Date> {
  const id = Number((m.metadata?.event_payload as { outbox_id?: unknown } | undefined)?.outbox_id);
  const row = await t.handoff.store.getOutboxRow(id);
  if (!row) throw new Error('message without an outbox row');
  return new Date(row.sentAt!);
}

export { eventually };
