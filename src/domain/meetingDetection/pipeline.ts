/**
 * Meeting-deflection detector: decides whether a Slack message proposes (or starts) a synchronous
 * call or meeting, so Handoff can privately offer an async handoff instead.
 *
 * Pure: no Slack SDK, no DB, no network. A false prompt costs more trust than a missed one, so every
 * rule needs a positive proposal cue (a suggestion, an availability question, an invite, a live
 * meeting link, a huddle, a calendar app announcing a new event); a meeting noun alone never fires.
 *
 * Pipeline for a person's message:
 *   1. normalise: drop code and quoted lines, unwrap Slack tokens (keeping URLs), lowercase, strip accents;
 *   2. neutralise look-alikes ("good call", "API call", "on-call", "meet the deadline", "zoom in", …);
 *   3. meeting links from known providers (unless the message is about a recording / dead link);
 *   4. per-language phrase tables (EN, ES, DE, FR, PT), each match checked by the negation and
 *      past-tense guards on its own clause.
 */
import { detectCalendarApp } from './calendarApps';
import { ALL_NEGATIONS } from './guards';
import { guessLanguage, providerMentioned } from './language';
import { findMeetingLink, LINK_CONTEXT_GUARD } from './links';
import { neutraliseLookAlikes } from './lookAlikes';
import { normalizeSlackText } from './normalize';
import { findPhrase } from './rules';
import { NO, type Detection, type MessageForDetection } from './types';

/** Subtypes that are still a person speaking. Every other subtype is system or app traffic. */
const PERSON_SUBTYPES = new Set(['thread_broadcast', 'file_share', 'me_message']);

export function detectMeetingProposal(msg: MessageForDetection): Detection {
  // A huddle started in the channel is the synchronous call itself.
  if (msg.subtype === 'huddle_thread' || msg.hasHuddleRoom) {
    return { isProposal: true, reason: 'huddle', provider: 'Slack Huddle' };
  }
  // Bots and apps never propose anything, except calendar/meeting apps announcing a new event.
  if (msg.botId || msg.subtype === 'bot_message') return detectCalendarApp(msg) ?? NO;
  // Edits, deletions, joins, topic changes…: not a fresh message from a person.
  if (msg.subtype && !PERSON_SUBTYPES.has(msg.subtype)) return NO;

  const raw = msg.text.trim() !== '' ? msg.text : (msg.blocksText ?? []).join('\n');
  const norm = normalizeSlackText(raw);
  if (norm.text === '') return NO;

  const link = findMeetingLink(norm);
  if (link) {
    const guarded =
      LINK_CONTEXT_GUARD.test(norm.prose) || ALL_NEGATIONS.some((neg) => neg.test(neutraliseLookAlikes(norm.prose)));
    if (!guarded) {
      return {
        isProposal: true,
        reason: 'meeting_link',
        matched: link.url,
        provider: link.provider,
        language: guessLanguage(norm.prose),
      };
    }
  }

  const phrase = findPhrase(norm.prose);
  if (!phrase) return NO;
  const provider = providerMentioned(norm.prose);
  return { isProposal: true, reason: 'phrase', matched: phrase.matched, language: phrase.lang, ...(provider ? { provider } : {}) };
}
