/**
 * Meeting-deflection detector: decides whether a Slack message proposes (or starts) a synchronous
 * call or meeting, so Handoff can privately offer an async handoff instead.
 *
 * Pure: no Slack SDK, no DB, no network. A false prompt costs more trust than a missed one.
 *
 * Pipeline for a person's message:
 *   1. normalise: drop code and quoted lines, unwrap Slack tokens (keeping URLs), lowercase, strip accents;
 *      nothing left (only code or quotes) → no;
 *   2. rules: meeting links from known providers (unless the message is about a recording / dead
 *      link / refusal), then terse proposals and the per-language phrase tables, each match checked
 *      by the negation and past-tense guards on its own clause, after look-alikes are neutralised;
 *   3. the model (model.ts; a logistic regression over word and character n-grams, cross-lingual
 *      concept tags and the rules' and guards' verdicts, see features.ts) scores the message.
 *      A rule fires unless the model is confidently against it (below ruleThreshold); without a rule
 *      the model fires on its own at `threshold`, unless a guard vetoes it (a meeting link that is
 *      being talked about). Both thresholds come from batch-grouped cross-validation at precision
 *      0.98 (scripts/deflection/modelling.ts). Negation, past tense, cancellation and look-alike cues
 *      reach the model as features, per clause.
 *   4. the result says why: the rule and its words, or the model's strongest readable cues.
 * Huddles, calendar/meeting apps and system subtypes are decided before any of this.
 */
import { detectCalendarApp } from './calendarApps';
import { extractFeatures } from './features';
import { ALL_NEGATIONS } from './guards';
import { guessLanguage, providerMentioned } from './language';
import { findMeetingLink, LINK_CONTEXT_GUARD } from './links';
import { neutraliseLookAlikes } from './lookAlikes';
import { explain, loadModel, scoreMessage, type LoadedModel, type ModelData } from './model';
import weights from './model/weights.json';
import { normalizeSlackText } from './normalize';
import { phraseEvidence } from './rules';
import { NO, type Detection, type MessageForDetection } from './types';
import { isPersonSubtype } from '../messageEvent';


let defaultModel: LoadedModel | undefined;
/** The committed model, loaded on first use. */
export function committedModel(): LoadedModel {
  defaultModel ??= loadModel(weights as unknown as ModelData);
  return defaultModel;
}

/** Is this a person's own message, the only kind the rules and the model read? */
export function isPersonMessage(msg: MessageForDetection): boolean {
  return !(msg.subtype === 'huddle_thread' || msg.hasHuddleRoom || msg.botId || !isPersonSubtype(msg.subtype));
}

export function detectMeetingProposal(msg: MessageForDetection, model: LoadedModel = committedModel()): Detection {
  // A huddle started in the channel is the synchronous call itself.
  if (msg.subtype === 'huddle_thread' || msg.hasHuddleRoom) {
    return { isProposal: true, reason: 'huddle', provider: 'Slack Huddle' };
  }
  // Bots and apps never propose anything, except calendar/meeting apps announcing a new event.
  if (msg.botId || msg.subtype === 'bot_message') return detectCalendarApp(msg) ?? NO;
  // Edits, deletions, joins, topic changes…: not a fresh message from a person.
  if (!isPersonSubtype(msg.subtype)) return NO;

  const raw = msg.text.trim() !== '' ? msg.text : (msg.blocksText ?? []).join('\n');
  const norm = normalizeSlackText(raw);
  if (norm.text === '') return NO;

  const evidence = phraseEvidence(norm.prose);
  const features = extractFeatures(norm, evidence, model.data.features);
  const probability = scoreMessage(model, features, 0).probability;
  const score = Math.round(probability * 1000) / 1000;
  const provider = providerMentioned(norm.prose);
  const extra = provider ? { provider } : {};

  const link = findMeetingLink(norm);
  if (link && probability >= model.data.ruleThreshold) {
    const guarded = LINK_CONTEXT_GUARD.test(norm.prose) || ALL_NEGATIONS.some((neg) => neg.test(neutraliseLookAlikes(norm.prose)));
    if (!guarded) {
      return { isProposal: true, reason: 'meeting_link', matched: link.url, provider: link.provider, language: guessLanguage(norm.prose), rule: 'link', score, why: [link.provider] };
    }
  }
  const phrase = evidence.fired;
  if (phrase && probability >= model.data.ruleThreshold) {
    return { isProposal: true, reason: 'phrase', matched: phrase.matched, language: phrase.lang, rule: phrase.rule, score, why: [phrase.matched], ...extra };
  }
  // Guards veto the model (rules carry their own guards, checked per match above).
  if (probability >= model.data.threshold && !features.veto) {
    // The explanation sorts every contribution, so it is only worked out for a message that fires.
    const why = explain(scoreMessage(model, features, 24).top);
    return { isProposal: true, reason: 'model', language: guessLanguage(norm.prose), score, why, ...extra };
  }
  return { isProposal: false, score, ...(features.veto && probability >= model.data.threshold ? { vetoedBy: features.veto } : {}) };
}
