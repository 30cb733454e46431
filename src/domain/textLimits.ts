/**
 * Server-side length limits for free text. A modal's `max_length` is only a hint to Slack's
 * client: a crafted submission (or an old client) sends whatever it likes, so every field is
 * checked again here before anything is stored or posted.
 */

export const TEXT_LIMITS = {
  /** Resolution notes, decline/cancel reasons and reassignment notes (the modals' max_length). */
  note: 2000,
  /** A meeting agenda posted in the thread (the agenda modal's max_length). */
  agenda: 2500,
  /** Slack caps display and real names at 80 characters; anything longer is cut, not refused. */
  displayName: 80,
} as const;

/** Characters as people count them (code points), the way Slack counts max_length. */
export const lengthOf = (text: string): number => Array.from(text).length;

/** A friendly field error when `text` is over `max`, else null. */
export function lengthProblem(text: string, max: number): string | null {
  const n = lengthOf(text);
  return n > max ? `Please keep this under ${max} characters (it is ${n}).` : null;
}
