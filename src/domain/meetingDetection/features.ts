/**
 * Features for the learned component: word uni/bi-grams and character 3–5-grams of the normalised
 * text, plus a few dense features that carry what the rules and guards already know. The model
 * text has accents stripped, Slack tokens unwrapped, mentions, channels, links and numbers replaced
 * by placeholders (so "<@U1> 5 min?" and "<@U2> 10 min?" look the same), and look-alikes ("good call",
 * "API call", "on-call") replaced by one token the model can weigh.
 *
 * Features are hashed (FNV-1a) into a fixed number of buckets; the names are kept alongside so an
 * explanation can say which n-grams pushed a message over the threshold.
 */
import { conceptHits, type ConceptHit } from './concepts';
import { ALL_NEGATIONS } from './guards';
import { LANGUAGES } from './languages';
import { LINK_CONTEXT_GUARD, MEETING_LINKS } from './links';
import { neutraliseLookAlikes } from './lookAlikes';
import { respell } from './spelling';
import type { NormalizedText } from './normalize';
import type { PhraseEvidence } from './rules';

export interface FeatureOptions {
  /** Number of hash buckets (a power of two). */
  dim: number;
  /** Character n-gram lengths, inclusive. */
  charMin: number;
  charMax: number;
  /** Concept features per clause, marked by the clause's guard cues. */
  clauseConcepts: boolean;
  /** Unordered pairs of the concepts in the message. */
  conceptPairs: boolean;
  /** Expand chat shorthand and correct one-letter typos of key words. */
  respell: boolean;
  /** Keep sentence punctuation as a "." token. */
  punctuation: boolean;
  /** Scale of each block (word n-grams and character n-grams are each unit-length before scaling). */
  wordWeight: number;
  charWeight: number;
  denseWeight: number;
  /** Word trigrams as well as uni/bi-grams (off in older models). */
  trigrams?: boolean;
  /**
   * Bigrams over the tokens with every concept phrase replaced by its tag ("pegame un MEET por MEET"),
   * so a known pattern with an unseen word around it still reads the same (off in older models).
   */
  abstractBigrams?: boolean;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = {
  dim: 1 << 18,
  charMin: 3,
  charMax: 5,
  clauseConcepts: true,
  conceptPairs: true,
  respell: true,
  punctuation: true,
  wordWeight: 5,
  charWeight: 3,
  denseWeight: 1,
  abstractBigrams: true,
};

export interface FeatureVector {
  /** Hashed bucket per feature (same order as names and values). Duplicate buckets are possible. */
  index: number[];
  value: number[];
  /** Readable feature names: "w:call", "b:hop on", "c:cal", "r:rule", "g:negation", … */
  names: string[];
  /**
   * A guard vetoes the model: a meeting link is being talked about (a recording, minutes, a dead
   * link), as the link rule's own guard says. Negation and past-tense cues are features instead of
   * vetoes: as whole-message vetoes they mostly silenced real proposals ("a call instead of this
   * thread", "hätten Sie Zeit") in cross-validation, so the model weighs them. Rules keep their
   * own per-match guards.
   */
  veto?: 'link context';
}

const RECORDING_LINK =
  /\/rec\/|recording|loom\.com|youtube\.com|youtu\.be|vimeo\.com|drive\.google|docs\.google|notion\.so|figma\.com|github\.com|gitlab|atlassian|jira|confluence/;

/** A URL as a placeholder word: live meeting room, recording/document, or any other link. */
function linkToken(url: string): string {
  if (MEETING_LINKS.some((p) => p.pattern.test(url))) return 'xmeetlink';
  if (RECORDING_LINK.test(url)) return 'xdoclink';
  return 'xlink';
}

// Words, "?" (a question is a strong cue), and "." for any other sentence or clause break.
const TOKEN = /[a-z0-9@#'_-]+|\?|[.!;:,]+/g;

/** The text the model reads, as tokens. Exposed for tests and the eval's error listing. */
export function modelTokens(norm: NormalizedText, opts: Pick<FeatureOptions, 'respell' | 'punctuation'> = DEFAULT_FEATURE_OPTIONS): string[] {
  let s = norm.text.replace(/ß/g, 'ss');
  for (const url of [...norm.urls].sort((a, b) => b.length - a.length)) s = s.split(url).join(` ${linkToken(url)} `);
  s = s
    .replace(/\bhttps?:\/\/\S+/g, ' xlink ')
    .replace(/@user\b/g, ' xuser ')
    .replace(/@here\b/g, ' xhere ')
    .replace(/#channel\b/g, ' xchannel ');
  s = neutraliseLookAlikes(s, 'xlookalike');
  const tokens = (s.match(TOKEN) ?? []).flatMap((t) => (/^[.!;:,]+$/.test(t) ? (opts.punctuation ? ['.'] : []) : [t]));
  // Shorthand first ("b4", "2moro" hold digits), then every number reads as 0.
  return (opts.respell ? respell(tokens) : tokens).map((t) => t.replace(/\d+/g, '0'));
}

const CLAUSE_WORDS = new Set(['but', 'though', 'however', 'pero', 'sino', 'aber', 'sondern', 'mais', 'mas', 'porem']);

/**
 * Clauses as character ranges of the tokens joined by spaces: cut at "." and conjunctions; a "?"
 * ends its clause and stays in it.
 */
function clauseRanges(tokens: readonly string[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let at = 0;
  let start = -1;
  let end = 0;
  const close = () => {
    if (start >= 0) out.push({ start, end });
    start = -1;
  };
  for (const t of tokens) {
    if (t === '.' || CLAUSE_WORDS.has(t)) close();
    else {
      if (start < 0) start = at;
      end = at + t.length;
      if (t === '?') close();
    }
    at += t.length + 1;
  }
  close();
  return out;
}

/** FNV-1a over UTF-16 code units: stable across runs and platforms. */
export function hashFeature(name: string, dim: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & (dim - 1);
}

const PAST_CUES = LANGUAGES.map((l) => l.past);

/**
 * The tokens with each concept phrase replaced by its tag, framed by <s> and </s>: a token inside a
 * hit becomes the hit's concept (the longest hit starting first wins; the "?" hits are the "?" token).
 */
function abstractTokens(tokens: readonly string[], hits: readonly ConceptHit[]): string[] {
  const out = ['<s>'];
  let at = 0;
  let covered = -1;
  let tag = '';
  const spans = hits.filter((h) => h.concept !== '?');
  for (const t of tokens) {
    const start = at;
    at += t.length + 1;
    if (start < covered) {
      if (out[out.length - 1] !== tag) out.push(tag);
      continue;
    }
    const hit = spans.filter((h) => h.at === start).sort((a, b) => b.end - a.end)[0];
    if (hit) {
      covered = hit.end;
      tag = hit.concept;
      out.push(tag);
    } else out.push(t);
  }
  out.push('</s>');
  return out;
}

export function extractFeatures(norm: NormalizedText, evidence: PhraseEvidence, opts: FeatureOptions = DEFAULT_FEATURE_OPTIONS): FeatureVector {
  const tokens = modelTokens(norm, opts);
  const words = new Set<string>();
  const chars = new Set<string>();
  const dense = new Set<string>();

  const seq = ['<s>', ...tokens, '</s>'];
  for (const t of tokens) words.add(`w:${t}`);
  for (let i = 0; i + 1 < seq.length; i++) words.add(`b:${seq[i]} ${seq[i + 1]}`);
  if (opts.trigrams) for (let i = 0; i + 2 < seq.length; i++) words.add(`t:${seq[i]} ${seq[i + 1]} ${seq[i + 2]}`);
  for (const t of tokens) {
    if (t === '?') continue;
    const padded = ` ${t} `;
    for (let n = opts.charMin; n <= opts.charMax; n++) {
      for (let i = 0; i + n <= padded.length; i++) chars.add(`c:${padded.slice(i, i + n)}`);
    }
  }
  for (const e of norm.emoji) dense.add(`e:${e}`);
  const neutral = neutraliseLookAlikes(norm.prose);
  const lookAlike = neutral.includes('~');
  // Concepts and their order, language-independent: "k:MEET", "kb:SUGGEST MEET", "kb:MEET ?".
  const joined = tokens.join(' ');
  const hits = conceptHits(joined);
  const concepts = ['<s>', ...hits.map((h) => h.concept), '</s>'];
  for (let i = 1; i + 1 < concepts.length; i++) dense.add(`k:${concepts[i]}`);
  for (let i = 0; i + 1 < concepts.length; i++) dense.add(`kb:${concepts[i]} ${concepts[i + 1]}`);
  if (opts.abstractBigrams) {
    const abstract = abstractTokens(tokens, hits);
    for (let i = 0; i + 1 < abstract.length; i++) if (abstract[i] !== abstract[i + 1]) words.add(`a:${abstract[i]} ${abstract[i + 1]}`);
  }
  // Which concepts occur together, in any order ("QINFO+MEET" reads differently from "SUGGEST+MEET").
  if (opts.conceptPairs) {
    const set = [...new Set(concepts.slice(1, -1))].sort();
    if (lookAlike) set.push('LOOKALIKE');
    for (let i = 0; i < set.length; i++) for (let j = i + 1; j < set.length; j++) dense.add(`kp:${set[i]}+${set[j]}`);
  }
  // The same per clause, marked by whether a negation or past-tense cue sits in that clause: "no call
  // needed today, but can we do one monday?" has a guarded clause and a clean proposal clause.
  for (const { start, end } of opts.clauseConcepts ? clauseRanges(tokens) : []) {
    const text = joined.slice(start, end);
    const mark = ALL_NEGATIONS.some((re) => re.test(text)) || PAST_CUES.some((re) => re.test(text)) ? 'g' : 'u';
    const cs = hits.filter((h) => h.at >= start && h.at < end).map((h) => h.concept);
    for (const c of cs) dense.add(`ck${mark}:${c}`);
    for (let i = 0; i + 1 < cs.length; i++) dense.add(`ckb${mark}:${cs[i]} ${cs[i + 1]}`);
  }

  // What the rules and guards know, as features the model weighs (it learns how far to trust them).
  if (evidence.fired) dense.add('r:rule').add(`r:${evidence.fired.rule === 'terse' ? 'terse' : evidence.fired.lang}`);
  if (evidence.vetoed) dense.add('r:vetoed');
  if (ALL_NEGATIONS.some((re) => re.test(neutral))) dense.add('g:negation');
  if (PAST_CUES.some((re) => re.test(neutral))) dense.add('g:past');
  if (lookAlike) dense.add('g:lookalike');
  const linkTalkedAbout = tokens.includes('xmeetlink') && LINK_CONTEXT_GUARD.test(norm.prose);
  if (tokens.includes('xmeetlink')) dense.add(linkTalkedAbout ? 'l:meetlink-guarded' : 'l:meetlink');
  dense.add(`n:${tokens.length <= 2 ? '1-2' : tokens.length <= 5 ? '3-5' : tokens.length <= 12 ? '6-12' : '13+'}`);

  const names: string[] = [];
  const value: number[] = [];
  // Each block is scaled to unit length, so long messages do not get bigger scores just for length.
  const push = (set: Set<string>, scale: number) => {
    for (const n of set) {
      names.push(n);
      value.push(scale);
    }
  };
  push(words, words.size ? opts.wordWeight / Math.sqrt(words.size) : 0);
  push(chars, chars.size ? opts.charWeight / Math.sqrt(chars.size) : 0);
  push(dense, opts.denseWeight);
  return { index: names.map((n) => hashFeature(n, opts.dim)), value, names, ...(linkTalkedAbout ? { veto: 'link context' as const } : {}) };
}
