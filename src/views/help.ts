/** `/handoff help` — also the answer to any unknown subcommand. */
import { COMMAND } from '../ids';
import { safeMrkdwn } from './text';

export function helpText(unknownWord?: string): string {
  const lead = unknownWord
    ? `I don’t know “${safeMrkdwn(unknownWord, 40)}”. Here’s what I can do:\n\n`
    : '*Handoff* turns “I need X from you” into a note that reaches people when their workday starts.\n\n';
  return (
    lead +
    [
      `• \`${COMMAND}\` — open the form: who, what you need, where it stands, needed by`,
      `• \`${COMMAND} @ana @raj what I need\` — quick handoff without the form`,
      `• \`${COMMAND} list\` — what’s waiting on you, and what you’re waiting on`,
      `• \`${COMMAND} done 12 [note]\` — mark handoff #12 done, with an optional note`,
      `• \`${COMMAND} settings\` — your time zone, working hours and morning digest`,
      `• \`${COMMAND} deflection [on|off]\` — meeting-deflection status; admins switch it for the workspace`,
      `• \`${COMMAND} help\` — this message`,
      '',
      'Non-urgent handoffs wait for each person’s working hours; they arrive in their morning digest.',
    ].join('\n')
  );
}
