/** Lifecycle buttons on every surface. Permission is decided by the domain, never by which buttons showed. */
import type { BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { View } from '@slack/types';
import { randomUUID } from 'node:crypto';
import { ActionIds } from '../../ids';
import { noteModal, reassignModal, type NoteAction } from '../../views/actionModals';
import { handoffModal } from '../../views/handoffModal';
import { plainNumberLabel } from '../../views/handoffCard';
import { teamIdOf, type ListenerDeps } from '../context';
import { afterChange, originOf } from '../afterChange';
import { tellClicker } from '../tellClicker';
import type { ListenerRouter } from '../router';

const BROKEN_BUTTON = 'That button is broken — please use `/handoff list`.';

function handoffIdOf(action: ButtonAction): number | null {
  const n = Number(action.value);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

export function registerHandoffActions(router: ListenerRouter, deps: ListenerDeps): void {
  router.action<BlockAction<ButtonAction>>(ActionIds.acknowledge, async ({ ack, body, action, respond }) => {
    await ack();
    const id = handoffIdOf(action);
    if (!id) return tellClicker(deps, body, respond, BROKEN_BUTTON);
    const out = await deps.handoffs.act(teamIdOf(body), body.user.id, id, { kind: 'acknowledge' }, null);
    await afterChange(deps, body, out.ok ? out.handoff : null, out.message, respond);
  });

  router.action<BlockAction<ButtonAction>>(ActionIds.snooze, async ({ ack, body, action, respond }) => {
    await ack();
    const id = handoffIdOf(action);
    const out = id ? await deps.handoffs.snooze(teamIdOf(body), body.user.id, id) : { ok: false as const, message: BROKEN_BUTTON };
    await tellClicker(deps, body, respond, out.message);
  });

  // From the author's digest: `<handoff id>:<recipient id>`.
  router.action<BlockAction<ButtonAction>>(ActionIds.nudge, async ({ ack, body, action, respond }) => {
    await ack();
    const m = /^(\d{1,15}):([A-Z0-9]{2,32})$/.exec(action.value ?? '');
    const out = m ? await deps.handoffs.nudge(teamIdOf(body), body.user.id, Number(m[1]), m[2]!) : { ok: false, message: BROKEN_BUTTON };
    await tellClicker(deps, body, respond, out.message);
  });

  // These ask for a note or a person first: the form opens only for someone who may act at all.
  for (const [actionId, kind] of [
    [ActionIds.complete, 'complete'],
    [ActionIds.decline, 'decline'],
    [ActionIds.cancel, 'cancel'],
  ] as const) {
    router.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const id = handoffIdOf(action);
      const checked = id ? await deps.handoffs.check(teamIdOf(body), body.user.id, id, kind) : { ok: false as const, message: BROKEN_BUTTON };
      if (!checked.ok) return tellClicker(deps, body, respond, checked.message);
      const h = checked.handoff;
      await openOrExplain(
        deps,
        body,
        respond,
        noteModal({ handoffId: h.id, action: kind as NoteAction, ...originOf(body) }, `${plainNumberLabel(h, checked.workspace)} · ${h.title}`),
      );
    });
  }

  router.action<BlockAction<ButtonAction>>(ActionIds.reassign, async ({ ack, body, action, respond }) => {
    await ack();
    const id = handoffIdOf(action);
    const checked = id ? await deps.handoffs.check(teamIdOf(body), body.user.id, id, 'reassign') : { ok: false as const, message: BROKEN_BUTTON };
    if (!checked.ok) return tellClicker(deps, body, respond, checked.message);
    const h = checked.handoff;
    await openOrExplain(deps, body, respond, reassignModal({ handoffId: h.id, ...originOf(body) }, `${plainNumberLabel(h, checked.workspace)} · ${h.title}`));
  });

  // A declined ask, written again as a new handoff: the form pre-filled, the people left for the author to pick.
  router.action<BlockAction<ButtonAction>>(ActionIds.rewrite, async ({ ack, body, action, respond }) => {
    await ack();
    const id = handoffIdOf(action);
    const h = id ? await deps.handoffs.find(teamIdOf(body), id) : undefined;
    if (!h || h.authorId !== body.user.id) return tellClicker(deps, body, respond, 'Only the person who wrote this handoff can rewrite it.');
    await openOrExplain(deps, body, respond, handoffModal({ title: h.title, ask: h.ask, context: h.context, links: h.links }, { key: randomUUID() }));
  });

  router.action<BlockAction<ButtonAction>>(ActionIds.newHandoff, async ({ ack, body, respond }) => {
    await ack();
    await openOrExplain(deps, body, respond, handoffModal({}, { key: randomUUID() }));
  });

  router.action<BlockAction<ButtonAction>>(ActionIds.openSettings, async ({ ack, body, respond }) => {
    await ack();
    // If the form cannot open (expired trigger, Slack slow), the clicker is told rather than left waiting.
    await deps.settings.open(teamIdOf(body), body.user.id, body.trigger_id, (text) => tellClicker(deps, body, respond, text));
  });

  // Workspace settings: the service asks Slack whether the clicker is an admin before opening them.
  router.action<BlockAction<ButtonAction>>(ActionIds.openAdminSettings, async ({ ack, body, respond }) => {
    await ack();
    await deps.admin.open(teamIdOf(body), body.user.id, body.trigger_id, (text) => tellClicker(deps, body, respond, text));
  });
}

async function openOrExplain(deps: ListenerDeps, body: BlockAction, respond: RespondFn, view: View): Promise<void> {
  try {
    await deps.client.views.open({ trigger_id: body.trigger_id, view });
  } catch {
    await tellClicker(deps, body, respond, 'Slack took too long to open the form — please click again.');
  }
}
