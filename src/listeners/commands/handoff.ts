/** `/handoff` — opens the modal, creates inline, lists, completes, shows help and settings. */
import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import { randomUUID } from 'node:crypto';
import { COMMAND } from '../../ids';
import { parseCommandText } from '../../domain/commandText';
import { readableSlackText } from '../../domain/slackText';
import { helpText } from '../../views/help';
import { handoffModal } from '../../views/handoffModal';
import { LIMITS, mrkdwnParts, safeMrkdwn } from '../../views/text';
import { classifySlackError } from '../../slack/errors';
import { lengthProblem, TEXT_LIMITS } from '../../domain/textLimits';
import type { ListenerDeps } from '../context';

/** Text given back when nothing was saved: all of it, in parts that fit a message with words around them. */
const GIVE_BACK_PART = LIMITS.messageText - 2000;
/** A response_url takes five messages: the first carries the explanation, four more the rest. */
const GIVE_BACK_PARTS = 5;

export function registerHandoffCommand(app: App, deps: ListenerDeps): void {
  app.command(COMMAND, async ({ command, ack, respond, client }) => {
    const parsed = parseCommandText(command.text ?? '');
    const teamId = command.team_id;
    switch (parsed.kind) {
      case 'help':
        return ack({ response_type: 'ephemeral', text: helpText() });
      case 'unknown':
        return ack({ response_type: 'ephemeral', text: helpText(parsed.word) });
      case 'done_usage':
        return ack({ response_type: 'ephemeral', text: `Usage: \`${COMMAND} done <number> [note]\`, e.g. \`${COMMAND} done 12 shipped in PR 345\`.` });
      case 'broadcast_mention':
        return ack({
          response_type: 'ephemeral',
          text: `Handoffs go to people, not to ${safeMrkdwn(parsed.what, 40)}. Mention the people you need something from, e.g. \`${COMMAND} @ana what I need\`.`,
        });
      case 'needs_recipient': {
        const example = parsed.ask ? `${COMMAND} @ana ${safeMrkdwn(parsed.ask, 200)}` : `${COMMAND} @ana @raj what I need`;
        return ack({ response_type: 'ephemeral', text: `Who is this for? Start with one or more @mentions, e.g. \`${example}\` — or just \`${COMMAND}\` for the form.` });
      }
      case 'needs_ask':
        return ack({ response_type: 'ephemeral', text: `What do you need from them? Add it after the mentions: \`${COMMAND} @ana the Q3 numbers by Friday\`.` });
      case 'list':
        // Ack first: rendering a long list must never hold up Slack's 3-second window.
        await ack();
        return void (await respond({ response_type: 'ephemeral', ...(await deps.home.listMessage(teamId, command.user_id)) }));
      case 'modal':
        await ack();
        return openModal(deps, client, command, respond);
      case 'settings':
        await ack();
        return deps.settings.open(teamId, command.user_id, command.trigger_id, (text) => respond({ response_type: 'ephemeral', text }));
      case 'deflection':
        if (parsed.setting === 'status') {
          const on = await deps.deflection.workspaceEnabled(teamId);
          return ack({
            response_type: 'ephemeral',
            text: `Meeting deflection is *${on ? 'on' : 'off'}* for this workspace. Workspace admins can change it with \`${COMMAND} deflection on|off\`; everyone can turn it off for themselves in \`${COMMAND} settings\`.`,
          });
        }
        await ack();
        return setWorkspaceDeflection(deps, command, parsed.setting === 'on', respond);
      case 'done': {
        await ack();
        const tooLong = lengthProblem(parsed.note, TEXT_LIMITS.note);
        if (tooLong) {
          return giveBack(respond, `That note is too long, so nothing was changed. ${tooLong} Your note, to shorten and send again:`, parsed.note);
        }
        const out = await deps.handoffs.completeByNumber(teamId, command.user_id, parsed.number, parsed.note);
        return void (await respond({ response_type: 'ephemeral', text: out.message }));
      }
      case 'create':
        await ack();
        return createInline(deps, command, parsed, respond);
    }
  });
}

/**
 * The workspace-wide switch is for this workspace's admins and owners only (checked live with
 * users.info). `is_admin` is about the person's own organisation: an admin of another organisation
 * in a shared channel (Slack Connect) is no admin here, so their team must be this workspace.
 */
async function setWorkspaceDeflection(deps: ListenerDeps, command: SlashCommand, on: boolean, respond: RespondFn): Promise<void> {
  let admin: boolean;
  try {
    const info = await deps.client.users.info({ user: command.user_id });
    const ofThisWorkspace = info.user?.team_id === command.team_id;
    admin = ofThisWorkspace && Boolean(info.user?.is_admin || info.user?.is_owner);
  } catch (e) {
    deps.logger.warn({ error: classifySlackError(e).code }, 'could not check admin rights');
    await respond({ response_type: 'ephemeral', text: 'I couldn’t check your admin rights with Slack just now; nothing was changed. Please try again.' });
    return;
  }
  if (!admin) {
    await respond({
      response_type: 'ephemeral',
      text: `Only workspace admins can switch meeting deflection for everyone. You can turn it off for yourself in \`${COMMAND} settings\`.`,
    });
    return;
  }
  await deps.deflection.setWorkspaceEnabled(command.team_id, on);
  deps.logger.info({ teamId: command.team_id, on }, 'workspace deflection switched');
  await respond({ response_type: 'ephemeral', text: `Meeting deflection is now *${on ? 'on' : 'off'}* for the whole workspace.` });
}

async function openModal(deps: ListenerDeps, client: ListenerDeps['client'], command: SlashCommand, respond: RespondFn): Promise<void> {
  try {
    await client.views.open({ trigger_id: command.trigger_id, view: handoffModal({}, { key: randomUUID() }) });
  } catch (e) {
    deps.logger.warn({ err: e }, 'views.open failed for /handoff');
    await respond({ response_type: 'ephemeral', text: `I couldn’t open the form (Slack took too long). Try again, or use the quick form: \`${COMMAND} @ana what I need\`.` });
  }
}

async function createInline(deps: ListenerDeps, command: SlashCommand, parsed: { recipientIds: string[]; plainNames: string[]; ask: string }, respond: RespondFn): Promise<void> {
  const teamId = command.team_id;
  try {
    // A replayed request carries the same trigger_id (Slack's signature stays valid for 5 minutes,
    // and the key for good); a double Enter sends two, and the service treats the repeat as one.
    const key = command.trigger_id ? `command:${command.trigger_id}` : null;
    const out = await deps.handoffs.createInline(teamId, command.user_id, parsed, { idempotencyKey: key, repeatIsDuplicate: true });
    if (out.kind === 'unknown_names') {
      const names = out.names.map((n) => `@${safeMrkdwn(n, 40)}`).join(', ');
      await giveBack(
        respond,
        `I couldn’t tell who ${names} is. Pick them from Slack’s @-autocomplete so the name turns into a mention, or use \`${COMMAND}\` to open the form. Your text was:`,
        command.text,
      );
      return;
    }
    if (out.kind === 'invalid' && out.limited) {
      await giveBack(respond, `${Object.values(out.errors).join(' ')} Your text, to try again:`, command.text);
      return;
    }
    if (out.kind === 'invalid') {
      const problems = Object.values(out.errors).join('\n• ');
      await giveBack(respond, `Nothing was created:\n• ${problems}\n\nYour text, to copy and fix:`, command.text);
      return;
    }
    if (out.kind === 'duplicate') {
      await respond({ response_type: 'ephemeral', text: out.lines.join('\n') });
      return;
    }
    const h = out.handoff;
    await respond({ response_type: 'ephemeral', text: [`*Handoff #${h.number} created:* ${safeMrkdwn(h.title, 200)}`, ...out.lines.map((l) => `• ${l}`)].join('\n') });
  } catch (e) {
    // Slack failing us (a profile lookup during an outage, a revoked token) is told as such and is a
    // warning; anything else is a bug and logged as an error.
    const failure = classifySlackError(e);
    const slackSide = failure.kind !== 'permanent' && String((e as { code?: unknown } | null)?.code).startsWith('slack_webapi_');
    if (slackSide) deps.logger.warn({ error: failure.code }, 'inline handoff failed: Slack unavailable');
    else deps.logger.error({ err: e }, 'inline handoff failed');
    const why =
      failure.kind === 'revoked'
        ? 'Slack no longer accepts Handoff’s access to this workspace (was the app uninstalled?), so'
        : slackSide
          ? 'Slack is busy or unreachable right now, so'
          : 'Something went wrong and';
    await giveBack(respond, `${why} nothing was created. Your text, to try again:`, command.text);
  }
}

/** Says why nothing was saved, then gives the person's text back in full (in several messages if it must). */
async function giveBack(respond: RespondFn, intro: string, text: string): Promise<void> {
  // Given back as the person typed it (mentions and links readable), not in Slack's wire format.
  const [first = '', ...rest] = mrkdwnParts(readableSlackText(text), GIVE_BACK_PART, GIVE_BACK_PARTS);
  await respond({ response_type: 'ephemeral', text: `${intro}\n> ${first}` });
  for (const part of rest) await respond({ response_type: 'ephemeral', text: part });
}
