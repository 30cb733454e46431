/**
 * Validation of a new handoff, shared by the modal, the inline command and the shortcut.
 * Errors are keyed by field so the modal can show them next to the input.
 */
import { lengthProblem } from './textLimits';
import { mention } from './slackText';

export interface HandoffDraft {
  authorId: string;
  recipientIds: string[];
  title: string;
  context: string;
  ask: string;
  links: string;
  ifOffline: string;
  neededByAt: Date | null;
  channelId: string | null;
  urgent: boolean;
}

export interface RecipientFacts {
  userId: string;
  exists: boolean;
  isBot: boolean;
  deleted: boolean;
  /** True when the user belongs to another workspace (Slack Connect). */
  external?: boolean;
}

export type DraftField = 'recipients' | 'title' | 'ask' | 'context' | 'links' | 'ifOffline' | 'neededBy';

export const DRAFT_LIMITS = { title: 150, ask: 3000, context: 3000, links: 2000, ifOffline: 2000, recipients: 20 } as const;

export function validateDraft(draft: HandoffDraft, recipients: readonly RecipientFacts[], now: Date): Partial<Record<DraftField, string>> {
  const errors: Partial<Record<DraftField, string>> = {};
  const recipientError = checkRecipients(draft.authorId, draft.recipientIds, recipients);
  if (recipientError) errors.recipients = recipientError;
  if (draft.ask.trim() === '') errors.ask = 'Say what you need from them — that is the heart of a handoff.';
  for (const field of ['title', 'ask', 'context', 'links', 'ifOffline'] as const) {
    const problem = lengthProblem(draft[field], DRAFT_LIMITS[field]);
    if (problem && !errors[field]) errors[field] = problem;
  }
  if (draft.neededByAt && draft.neededByAt.getTime() < now.getTime() - 60_000) {
    errors.neededBy = 'That time has already passed — pick a time in the future or leave it empty.';
  }
  return errors;
}

/**
 * At least one human, no bots, no deactivated accounts. Yourself alone is a note to self (it lands
 * in your own morning digest — handy for "pick this up tomorrow"); yourself among others is
 * almost always a slip, so it is refused with a hint.
 */
export function checkRecipients(authorId: string, recipientIds: readonly string[], facts: readonly RecipientFacts[]): string | null {
  if (recipientIds.length === 0) return 'Pick at least one person to hand this off to.';
  if (recipientIds.length > DRAFT_LIMITS.recipients) {
    return `A handoff can go to at most ${DRAFT_LIMITS.recipients} people — for more, post it in a channel.`;
  }
  const byId = new Map(facts.map((f) => [f.userId, f]));
  for (const id of recipientIds) {
    const f = byId.get(id);
    if (!f || !f.exists) return `I can’t find ${mention(id)} in this workspace.`;
    if (f.isBot) return `${mention(id)} is an app, not a person — handoffs need a human on the other end.`;
    if (f.deleted) return `${mention(id)}’s account is deactivated, so they can’t pick this up.`;
    if (f.external)
      return `${mention(id)} isn’t a member of this workspace (they are in another workspace or organisation); Handoff can only hand off inside this workspace for now.`;
  }
  if (recipientIds.includes(authorId) && recipientIds.length > 1) {
    return 'You included yourself. Remove yourself — or hand it only to yourself for a note to self.';
  }
  return null;
}

export const isNoteToSelf = (draft: Pick<HandoffDraft, 'authorId' | 'recipientIds'>): boolean => draft.recipientIds.length === 1 && draft.recipientIds[0] === draft.authorId;
