/** The personal settings form as Slack submits it, and opening it, for e2e tests. */
import { CallbackIds, SettingsModalFields as S } from '../../src/ids';
import { eventually, listenersSettled, type TestApp } from './testApp';

export interface SettingsForm {
  region?: string | null;
  code?: string;
  notAway?: boolean;
  /** Tick "Stop sending me the weekly report" (offered to people an admin chose). */
  stopWeeklyReport?: boolean;
}

/** A settings submission with the defaults (09:00–17:00 Mon–Fri, digest on) and the fields under test. */
export function settingsValues(v: SettingsForm) {
  return {
    [S.tz.block]: { [S.tz.action]: '' },
    [S.start.block]: { [S.start.action]: { type: 'timepicker', selected_time: '09:00' } },
    [S.end.block]: { [S.end.action]: { type: 'timepicker', selected_time: '17:00' } },
    [S.days.block]: { [S.days.action]: { type: 'checkboxes', selected_options: [1, 2, 3, 4, 5].map((d) => ({ value: String(d) })) } },
    [S.digest.block]: { [S.digest.action]: { type: 'checkboxes', selected_options: [{ value: 'on' }] } },
    [S.deflection.block]: { [S.deflection.action]: { type: 'checkboxes', selected_options: [{ value: 'on' }] } },
    [S.awayUntil.block]: { [S.awayUntil.action]: { type: 'datepicker', selected_date: null } },
    ...(v.region !== undefined ? { [S.holidayRegion.block]: { [S.holidayRegion.action]: { type: 'static_select', selected_option: v.region ? { value: v.region } : null } } } : {}),
    [S.holidayRegionCode.block]: { [S.holidayRegionCode.action]: v.code ?? '' },
    ...(v.notAway !== undefined ? { [S.notAway.block]: { [S.notAway.action]: { type: 'checkboxes', selected_options: v.notAway ? [{ value: 'on' }] : [] } } } : {}),
    ...(v.stopWeeklyReport !== undefined
      ? { [S.stopWeeklyReport.block]: { [S.stopWeeklyReport.action]: { type: 'checkboxes', selected_options: v.stopWeeklyReport ? [{ value: 'on' }] : [] } } }
      : {}),
  };
}

/**
 * Submits the form and waits until the app has finished with it. Slack has its answer at the ack; a
 * save that outlasts the ack budget (a loaded CI machine) goes on after it, with an empty answer. A
 * test's next step (moving the clock, a sweep) is the person's next step, after the save.
 */
export async function saveSettings(t: TestApp, userId: string, v: SettingsForm) {
  const res = await t.slack.interaction(t.slack.viewSubmission({ userId, callbackId: CallbackIds.settingsModal, values: settingsValues(v) }));
  await listenersSettled(t);
  return res;
}

/** Opens settings and returns the modal Slack was asked to show. */
export async function openSettings(t: TestApp, userId: string): Promise<Record<string, unknown>> {
  const before = t.fake.callsTo('views.open').length;
  await t.slack.command({ userId, text: 'settings' });
  await eventually(() => expect(t.fake.callsTo('views.open').length).toBeGreaterThan(before));
  return t.fake.callsTo('views.open')[before]!.args.view as Record<string, unknown>;
}
