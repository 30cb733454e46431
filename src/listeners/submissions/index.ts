/** Modal submissions. Validation errors go back into the modal; nothing typed is ever lost. */
import type { ViewOutput } from '@slack/bolt';
import { AdminSettingsFields as A, AgendaModalFields, CallbackIds, HandoffModalFields as F, ReassignModalFields, ResolveModalFields, SettingsModalFields as S } from '../../ids';
import { titleFromAsk } from '../../domain/commandText';
import type { DraftField, HandoffDraft } from '../../domain/handoffDraft';
import { cleanText } from '../../domain/slackText';
import { lengthProblem, TEXT_LIMITS } from '../../domain/textLimits';
import { isWorkspacePermalink } from '../../domain/permalink';
import { parseModalMeta } from '../../views/handoffModal';
import { parseJsonMeta, type NoteModalMeta, type ReassignModalMeta } from '../../views/actionModals';
import { safeMrkdwn } from '../../views/text';
import { explainOneShotFailure } from '../../slack/errors';
import type { SettingsField } from '../../services/settings';
import type { AdminField } from '../../services/adminSettings';
import type { ActOutcome, HandoffWithRecipients } from '../../services/handoffs';
import { afterChange } from '../afterChange';
import { teamIdOf, type ListenerDeps } from '../context';
import { ACK_BUDGET_MS, withDeadline } from '../../deadline';
import { bestEffort } from '../../bestEffort';
import type { ListenerRouter } from '../router';

type State = ViewOutput['state']['values'];

/** Said in the form when a save failed (e.g. the database stayed busy): nothing typed is lost. */
export const SAVE_FAILED = 'I couldn’t save this just now (the database was busy), so nothing changed. Please press the button again; everything you typed is still here.';

/** An agenda for a prompt that is not the person's (another's, another workspace's, or gone). */
const NOT_YOUR_SUGGESTION = 'This suggestion isn’t yours to act on.';

/** Said by DM when the form had to close before a save finished, and it then failed. */
const NOT_SAVED_LATE = 'Sorry — that didn’t go through (the database was busy), so nothing changed. Please try again.';

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects, so a failed save can be answered instead of escaping the listener. */
/**
 * The handoff as acting left it, else as it is now in this workspace: it may be a sibling workspace's
 * (a colleague acting from their own), which `find` would not see here.
 */
async function handoffAfter(deps: ListenerDeps, acted: Settled<ActOutcome>, teamId: string, handoffId: number): Promise<HandoffWithRecipients | null> {
  return (acted.ok && acted.value.ok ? acted.value.handoff : await deps.handoffs.find(teamId, handoffId)) ?? null;
}

function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}
type Field = { block: string; action: string };

/**
 * Readers for submitted values. Slack's shapes are trusted only as far as their types: a value of the
 * wrong type (absent, null, a number where a string belongs…) reads as empty instead of crashing the
 * handler before it can acknowledge.
 */
const read = (v: State, f: Field, key: string): unknown => (v[f.block]?.[f.action] as Record<string, unknown> | undefined)?.[key];
const stringOf = (v: State, f: Field, key: string): string | null => {
  const x = read(v, f, key);
  return typeof x === 'string' && x !== '' ? x : null;
};
/** Typed text, with invisible and control characters neutralised where it enters. */
const textOf = (v: State, f: Field): string => cleanText(stringOf(v, f, 'value') ?? '').trim();
const stringsOf = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
const optionValues = (v: State, f: Field): string[] => {
  const x = read(v, f, 'selected_options');
  return Array.isArray(x) ? stringsOf(x.map((o: unknown) => (o && typeof o === 'object' ? (o as { value?: unknown }).value : undefined))) : [];
};
/** The value of a static select's chosen option, or null. */
const selectedValue = (v: State, f: Field): string | null => {
  const o = read(v, f, 'selected_option');
  const value = o && typeof o === 'object' ? (o as { value?: unknown }).value : undefined;
  return typeof value === 'string' && value !== '' ? value : null;
};
/** Epoch seconds from a datetimepicker; anything that is not a real instant reads as "not set". */
const instantOf = (x: unknown): Date | null => (typeof x === 'number' && Number.isFinite(x) && Math.abs(x) < 8.64e12 ? new Date(x * 1000) : null);

/** The submitted values; a view without state reads as an empty form rather than a crash before ack. */
const valuesOf = (view: { state?: { values?: State } | null }): State => {
  const values = view.state?.values;
  return values && typeof values === 'object' ? values : {};
};

const FIELD_BLOCK: Record<DraftField, string> = {
  recipients: F.recipients.block,
  title: F.title.block,
  ask: F.ask.block,
  context: F.context.block,
  links: F.links.block,
  ifOffline: F.ifOffline.block,
  neededBy: F.neededBy.block,
};

export function draftFromView(userId: string, v: State): HandoffDraft {
  const ask = textOf(v, F.ask);
  return {
    authorId: userId,
    recipientIds: stringsOf(read(v, F.recipients, 'selected_users')),
    title: textOf(v, F.title) || titleFromAsk(ask),
    context: textOf(v, F.context),
    ask,
    links: textOf(v, F.links),
    ifOffline: textOf(v, F.ifOffline),
    neededByAt: instantOf(read(v, F.neededBy, 'selected_date_time')),
    channelId: stringOf(v, F.channel, 'selected_conversation'),
    urgent: optionValues(v, F.urgent).includes('urgent'),
  };
}

export function registerSubmissions(router: ListenerRouter, deps: ListenerDeps): void {
  router.view(CallbackIds.handoffModal, async ({ ack, body, view }) => {
    const teamId = teamIdOf(body);
    const draft = draftFromView(body.user.id, valuesOf(view));
    const meta = parseModalMeta(view.private_metadata);
    // The key makes a double-clicked submit (or a Slack retry) create one handoff.
    // Without either (never from Slack) there is nothing to dedupe on: a constant key would make
    // every such submission a "duplicate" of the first.
    const key = meta.key ? `modal:${body.user.id}:${meta.key}` : typeof view.id === 'string' && view.id ? `view:${view.id}` : null;
    const permalink = meta.permalink && isWorkspacePermalink(meta.permalink, deps.identity.current()?.url) ? meta.permalink : null;
    if (meta.permalink && !permalink) deps.logger.warn({ teamId }, 'permalink in a modal submission is not this workspace’s: dropped');
    const creating = settle(deps.handoffs.create(teamId, draft, { idempotencyKey: key, permalink }));
    const out = await withDeadline(creating, ACK_BUDGET_MS);
    if (out === 'timeout') {
      // Slack is slow to answer profile lookups: close the modal, finish, and report by DM.
      await ack();
      const late = await creating;
      if (!late.ok) deps.logger.error({ err: late.error }, 'could not save a handoff from the form');
      const done = late.ok ? late.value : null;
      if (done && (done.kind === 'created' || done.kind === 'duplicate')) await recordConversion(deps, teamId, meta.deflectionId, body.user.id, done.handoff.id);
      return reportByDm(deps, body.user.id, done, draft);
    }
    if (!out.ok) {
      // Nothing was saved; the form stays open with everything typed, and says so.
      deps.logger.error({ err: out.error }, 'could not save a handoff from the form');
      return ack({ response_action: 'errors', errors: { [F.ask.block]: SAVE_FAILED } });
    }
    const done = out.value;
    if (done.kind === 'invalid') {
      const errors = Object.fromEntries(Object.entries(done.errors).map(([field, msg]) => [FIELD_BLOCK[field as DraftField], msg]));
      return ack({ response_action: 'errors', errors });
    }
    await ack();
    await recordConversion(deps, teamId, meta.deflectionId, body.user.id, done.handoff.id);
    await reportByDm(deps, body.user.id, done, draft);
  });

  router.view(CallbackIds.resolveModal, async ({ ack, body, view }) => {
    const meta = parseJsonMeta<NoteModalMeta>(view.private_metadata, (m) => typeof m.handoffId === 'number' && typeof m.action === 'string');
    if (!meta || !['complete', 'decline', 'cancel'].includes(meta.action)) return ack();
    const note = textOf(valuesOf(view), ResolveModalFields.note);
    if (meta.action === 'decline' && !note) return ack({ response_action: 'errors', errors: { [ResolveModalFields.note.block]: 'Say why, so they know what to do next.' } });
    const tooLong = lengthProblem(note, TEXT_LIMITS.note);
    if (tooLong) return ack({ response_action: 'errors', errors: { [ResolveModalFields.note.block]: tooLong } });
    const teamId = teamIdOf(body);
    const action =
      meta.action === 'complete'
        ? { kind: 'complete' as const, note }
        : meta.action === 'decline'
          ? { kind: 'decline' as const, reason: note }
          : { kind: 'cancel' as const, reason: note };
    const acting = settle(deps.handoffs.act(teamId, body.user.id, meta.handoffId, action, note || null));
    const out = await withDeadline(acting, ACK_BUDGET_MS);
    if (out !== 'timeout' && !out.ok) {
      deps.logger.error({ err: out.error }, 'could not save a resolution');
      return ack({ response_action: 'errors', errors: { [ResolveModalFields.note.block]: SAVE_FAILED } });
    }
    if (out !== 'timeout' && !out.value.ok) return ack({ response_action: 'errors', errors: { [ResolveModalFields.note.block]: out.value.message } });
    await ack();
    const late = out === 'timeout' ? await acting : out;
    if (!late.ok) deps.logger.error({ err: late.error }, 'could not save a resolution');
    const h = await handoffAfter(deps, late, teamId, meta.handoffId);
    const message = late.ok ? late.value.message : NOT_SAVED_LATE;
    await afterChange(deps, body, h, message, null, meta);
  });

  router.view(CallbackIds.reassignModal, async ({ ack, body, view }) => {
    const meta = parseJsonMeta<ReassignModalMeta>(view.private_metadata, (m) => typeof m.handoffId === 'number');
    if (!meta) return ack();
    const to = stringOf(valuesOf(view), ReassignModalFields.to, 'selected_user');
    if (!to) return ack({ response_action: 'errors', errors: { [ReassignModalFields.to.block]: 'Pick someone.' } });
    const note = textOf(valuesOf(view), ReassignModalFields.note);
    const tooLong = lengthProblem(note, TEXT_LIMITS.note);
    if (tooLong) return ack({ response_action: 'errors', errors: { [ReassignModalFields.note.block]: tooLong } });
    const teamId = teamIdOf(body);
    const acting = settle(deps.handoffs.act(teamId, body.user.id, meta.handoffId, { kind: 'reassign', to }, note || null));
    const out = await withDeadline(acting, ACK_BUDGET_MS);
    if (out !== 'timeout' && !out.ok) {
      deps.logger.error({ err: out.error }, 'could not save a reassignment');
      return ack({ response_action: 'errors', errors: { [ReassignModalFields.to.block]: SAVE_FAILED } });
    }
    if (out !== 'timeout' && !out.value.ok) return ack({ response_action: 'errors', errors: { [ReassignModalFields.to.block]: out.value.message } });
    await ack();
    const late = out === 'timeout' ? await acting : out;
    if (!late.ok) deps.logger.error({ err: late.error }, 'could not save a reassignment');
    const h = await handoffAfter(deps, late, teamId, meta.handoffId);
    await afterChange(deps, body, h, late.ok ? late.value.message : NOT_SAVED_LATE, null, meta);
  });

  router.view(CallbackIds.settingsModal, async ({ ack, body, view }) => {
    const v = valuesOf(view);
    const input = {
      tz: textOf(v, S.tz),
      start: stringOf(v, S.start, 'selected_time'),
      end: stringOf(v, S.end, 'selected_time'),
      days: optionValues(v, S.days)
        .map(Number)
        .filter((d) => Number.isInteger(d) && d >= 0 && d <= 6),
      digestEnabled: optionValues(v, S.digest).length > 0,
      deflectionEnabled: optionValues(v, S.deflection).length > 0,
      awayUntil: stringOf(v, S.awayUntil, 'selected_date'),
      holidayRegion: selectedValue(v, S.holidayRegion),
      holidayRegionCode: textOf(v, S.holidayRegionCode),
      // Offered only while a Slack status says away: absent, it changes nothing.
      notAway: v[S.notAway.block] ? optionValues(v, S.notAway).length > 0 : null,
      stopWeeklyReport: optionValues(v, S.stopWeeklyReport).length > 0,
    };
    const saved = await withDeadline(settle(deps.settings.save(teamIdOf(body), body.user.id, input)), ACK_BUDGET_MS);
    if (saved === 'timeout') return ack();
    if (!saved.ok) {
      deps.logger.error({ err: saved.error }, 'could not save settings');
      return ack({ response_action: 'errors', errors: { [S.tz.block]: SAVE_FAILED } });
    }
    const out = saved.value;
    if (!out.view) {
      const blocks: Record<SettingsField, string> = {
        tz: S.tz.block,
        start: S.start.block,
        end: S.end.block,
        days: S.days.block,
        awayUntil: S.awayUntil.block,
        holidayRegion: S.holidayRegionCode.block,
      };
      return ack({ response_action: 'errors', errors: Object.fromEntries(Object.entries(out.errors).map(([k, m]) => [blocks[k as SettingsField], m])) });
    }
    await ack({ response_action: 'update', view: out.view });
    await deps.home.publish(teamIdOf(body), body.user.id);
  });

  // Workspace settings: the service checks with Slack that the submitter is an admin before saving.
  router.view(CallbackIds.adminSettingsModal, async ({ ack, body, view }) => {
    const v = valuesOf(view);
    const input = { reportRecipients: stringsOf(read(v, A.reportRecipients, 'selected_users')), staleAfter: selectedValue(v, A.staleAfter) };
    const saved = await withDeadline(settle(deps.admin.save(teamIdOf(body), body.user.id, input)), ACK_BUDGET_MS);
    if (saved === 'timeout') return ack();
    if (!saved.ok) {
      deps.logger.error({ err: saved.error }, 'could not save workspace settings');
      return ack({ response_action: 'errors', errors: { [A.reportRecipients.block]: SAVE_FAILED } });
    }
    const out = saved.value;
    if ('errors' in out) {
      const blocks: Record<AdminField, string> = { reportRecipients: A.reportRecipients.block, staleAfter: A.staleAfter.block };
      return ack({ response_action: 'errors', errors: Object.fromEntries(Object.entries(out.errors).map(([k, m]) => [blocks[k as AdminField], m])) });
    }
    await ack({ response_action: 'update', view: out.view });
    await deps.home.publish(teamIdOf(body), body.user.id);
  });

  router.view(CallbackIds.agendaModal, async ({ ack, body, view }) => {
    const meta = parseJsonMeta<{ deflectionId: number }>(view.private_metadata, (m) => typeof m.deflectionId === 'number');
    const row = meta ? await deps.deflection.forActor(teamIdOf(body), meta.deflectionId, body.user.id) : null;
    // Said in the form (the person is looking at it), as the prompt's buttons say it.
    if (!row) return ack({ response_action: 'errors', errors: { [AgendaModalFields.agenda.block]: NOT_YOUR_SUGGESTION } });
    const agenda = textOf(valuesOf(view), AgendaModalFields.agenda);
    if (!agenda) return ack({ response_action: 'errors', errors: { [AgendaModalFields.agenda.block]: 'Write at least one line.' } });
    const tooLong = lengthProblem(agenda, TEXT_LIMITS.agenda);
    if (tooLong) return ack({ response_action: 'errors', errors: { [AgendaModalFields.agenda.block]: tooLong } });
    await ack();
    const error = await deps.deflection.postAgenda(row, agenda);
    if (error) {
      // Posting an agenda is one attempt, not an outbox delivery: the DM must not promise a retry.
      const why = explainOneShotFailure(error, `<#${row.channelId}>`);
      await bestEffort(
        deps.client.chat.postMessage({
          channel: body.user.id,
          text: `I couldn’t post your agenda: ${why}\n\nYour agenda, to post yourself:\n${safeMrkdwn(agenda, TEXT_LIMITS.agenda)}`,
        }),
        deps.logger,
        'agenda given back by DM',
      );
    }
  });
}

/** Only the person the prompt was shown to can convert it (the id comes from private_metadata). */
async function recordConversion(deps: ListenerDeps, teamId: string, deflectionId: number | undefined, userId: string, handoffId: number): Promise<void> {
  if (deflectionId && (await deps.deflection.forActor(teamId, deflectionId, userId))) await deps.deflection.record(deflectionId, 'converted', handoffId);
}

async function reportByDm(deps: ListenerDeps, userId: string, out: Awaited<ReturnType<ListenerDeps['handoffs']['create']>> | null, draft: HandoffDraft): Promise<void> {
  let text: string;
  if (!out) text = `Something went wrong and your handoff was not saved. Here is what you wrote:\n> ${safeMrkdwn(draft.ask, 2500)}`;
  else if (out.kind === 'invalid') text = `Your handoff was not saved: ${Object.values(out.errors).join(' ')}\nWhat you wrote:\n> ${safeMrkdwn(draft.ask, 2500)}`;
  else text = [`*Handoff #${out.handoff.number}:* ${safeMrkdwn(out.handoff.title, 200)}`, ...out.lines.map((l) => `• ${l}`)].join('\n');
  await deps.client.chat.postMessage({ channel: userId, text }).catch((e) => deps.logger.warn({ err: e }, 'could not send confirmation DM'));
}
