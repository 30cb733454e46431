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

export interface MessageForDetection {
  text: string;
  subtype?: string;
  botId?: string;
  appName?: string;
  attachmentsText?: string[];
  blocksText?: string[];
  hasHuddleRoom?: boolean;
}

export type DetectionReason = 'phrase' | 'meeting_link' | 'huddle' | 'calendar_app';
export type DetectionLanguage = 'en' | 'es' | 'de' | 'fr' | 'pt';

export interface Detection {
  isProposal: boolean;
  reason?: DetectionReason;
  matched?: string;
  provider?: string;
  language?: DetectionLanguage;
}

const NO: Detection = { isProposal: false };

// =================================================================================================
// Normalisation
// =================================================================================================

export interface NormalizedText {
  /** Lowercased, accent-free text with Slack formatting removed; URLs are kept in place. */
  text: string;
  /** Same as `text` with every URL replaced by the word `link`, so URL parts never match phrases. */
  prose: string;
  /** URLs found in `<url|label>` / `<url>` tokens and bare `https://…` text, lowercased. */
  urls: string[];
}

const BARE_URL = /\bhttps?:\/\/[^\s<>|]+/g;

export function normalizeSlackText(raw: string): NormalizedText {
  let s = raw;
  // Code is never a proposal: `client.call("meeting.create")` or a pasted log must not fire.
  s = s.replace(/```[\s\S]*?(?:```|$)/g, ' ').replace(/`[^`\n]*`/g, ' ');
  // Quoted text (`>` lines; Slack sends them as `&gt;`) is someone else's words being discussed.
  // `>>>` quotes everything that follows.
  s = s.replace(/^\s*(?:&gt;|>){3}[\s\S]*$/m, ' ');
  s = s
    .split('\n')
    .filter((line) => !/^\s*(?:&gt;|>)/.test(line))
    .join('\n');

  const urls: string[] = [];
  s = s.replace(/<([^<>\n]+)>/g, (_all, inner: string) => {
    if (inner.startsWith('@')) return ' @user ';
    if (inner.startsWith('#')) return ' #channel ';
    if (inner.startsWith('!')) return ' @here ';
    const url = inner.split('|', 1)[0] ?? '';
    if (/^https?:\/\//i.test(url)) {
      urls.push(url.toLowerCase());
      return ` ${url} `;
    }
    return ' '; // mailto:, tel:, unknown tokens
  });
  s = s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  // A short double-quoted phrase is a mention, not a use: the "hop on a call" culture.
  s = s.replace(/["“][^"“”\n]{1,60}["”]/g, ' ');
  for (const m of s.matchAll(BARE_URL)) {
    const url = m[0].toLowerCase();
    if (!urls.includes(url)) urls.push(url);
  }

  s = s
    .replace(/(?<![\w])(?::[a-z0-9_+'-]+:)+/gi, ' ') // :phone: :skin-tone-2:
    .replace(/[\u{1F000}-\u{1FAFF}\u{2600}-\u{27BF}]|\u{FE0F}|\u{200D}/gu, ' ') // unicode emoji, ZWJ, VS16
    .replace(/[’‘`´]/g, "'")
    // Single-quoted spans are labels or mentions too ('Schedule meeting' button). Elisions such as
    // l'appel or let's are untouched because the opening quote must follow a space.
    .replace(/(^|[\s(])'[^'\n]{1,60}'(?=$|[\s.,!?;:)])/g, '$1 ')
    .replace(/[“”«»]/g, '"')
    .replace(/[¿¡]/g, ' ')
    .replace(/[—–]/g, ' - ')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '') // strip accents: reunión → reunion, können → konnen
    .replace(/(^|\s)[*_~]+|[*_~]+(?=\s|$|[?!.,])/g, '$1') // *bold* _italic_ ~strike~
    .replace(/\s+/g, ' ')
    .trim();

  const prose = s.replace(BARE_URL, ' link ').replace(/\s+/g, ' ').trim();
  return { text: s, prose, urls };
}

// =================================================================================================
// Meeting links
// =================================================================================================

interface LinkProvider {
  provider: string;
  pattern: RegExp;
}

// Only links that open a live room. Recording links (zoom.us/rec/…, Drive, SharePoint) never match.
const MEETING_LINKS: LinkProvider[] = [
  { provider: 'Zoom', pattern: /\b(?:[a-z0-9-]+\.)?zoom(?:gov)?\.(?:us|com)\/(?:j|my|w|s)\/[\w.-]+/ },
  { provider: 'Google Meet', pattern: /\bmeet\.google\.com\/(?:[a-z]{3}-[a-z]{4}-[a-z]{3}|lookup\/[\w-]+)\b/ },
  { provider: 'Microsoft Teams', pattern: /\bteams\.microsoft\.com\/(?:l\/meetup-join|meet)\/|\bteams\.live\.com\/meet\// },
  { provider: 'Webex', pattern: /\b[a-z0-9-]+\.webex\.com\/(?:(?:[a-z0-9-]+\/)?(?:meet|join)\/|[a-z0-9-]+\/j\.php)/ },
  { provider: 'Whereby', pattern: /\bwhereby\.com\/(?!(?:information|user|org|pricing|blog|login|signup|about)\b)[a-z0-9][\w-]*/ },
  { provider: 'Around', pattern: /\baround\.co\/(?!(?:pricing|blog|about|download|login)\b)[a-z0-9][\w/-]*/ },
  { provider: 'Jitsi', pattern: /\bmeet\.jit\.si\/[a-z0-9][\w-]*/ },
  { provider: 'Slack Huddle', pattern: /\bapp\.slack\.com\/huddle\/[\w/]+/ },
  { provider: 'Calendly', pattern: /\bcalendly\.com\/[a-z0-9][\w-]*/ },
];

// A live-room link next to these words is being talked about, not offered ("the zoom link has
// expired", "recording of yesterday's call: …").
const LINK_CONTEXT_GUARD =
  /\b(?:recording|recorded|rec|transcript|notes|(?:meeting )?minutes (?:from|of)|summary|expired|expires|broken|outdated|dead|doesn'?t work|not working|old link|yesterday|last week|ended|cancell?ed|grabacion|grabado|ayer|aufzeichnung|gestern|abgesagt|enregistrement|compte rendu|annulee?|gravacao|ontem|ata|cancelada)\b/;

function findMeetingLink(norm: NormalizedText): { url: string; provider: string } | undefined {
  // Bare domains ("meet.google.com/abc-defg-hij" typed without a scheme) are in the text too.
  const candidates = [...norm.urls, ...norm.text.split(' ')];
  for (const candidate of candidates) {
    for (const { provider, pattern } of MEETING_LINKS) {
      const m = pattern.exec(candidate);
      if (m) return { url: candidate, provider };
    }
  }
  return undefined;
}

// =================================================================================================
// Look-alikes: rewritten to a neutral token before any phrase rule runs
// =================================================================================================

// Each entry neutralises a use of call/meet/sync/zoom that has nothing to do with a meeting.
const LOOK_ALIKES: RegExp[] = [
  // "good call", "tough call", "API call", "function call", "cold call", "close call"
  /\b(?:good|great|nice|bad|tough|close|hard|fair|smart|right|wrong|final|last|judge?ment|your|cold|curtain|roll|wake[- ]?up|api|apis|function|method|rpc|http|rest|fetch|network|system|sdk|db|database|ajax|graphql|recursive|nested|async|blocking|outbound|inbound|tool|lambda|syscall|webhook|backend|server|js|extra|redundant|duplicate)[- ]calls?\b/g,
  // "call stack", "call site", "call out the risks"
  /\bcall(?:s|ed|ing)?[- ](?:stack|stacks|site|sites|graph|chain|count|counts|rate|log|logs|path|center|centre|queue|option|options|sign|out|outs)\b/g,
  // "call it a day", "call this v2": the verb "to name". Not the noun in "a call this afternoon".
  /(?<!\b(?:a|an|the|quick|short|brief|video|phone|zoom|teams|min|mins|minute)\s)\bcall(?:s|ed|ing)?\s+(?:it|this|that|these|those|them)\b(?!\s+(?:morning|afternoon|evening|week|weekend|monday|tuesday|wednesday|thursday|friday)\b)/g,
  // "what do you call a meeting that could've been an email?" (naming), "call me old-fashioned"
  /\bwhat (?:do|would|should|did|does) (?:you|we|they|i|u|people|one) call\b/g,
  /\bcall me (?:old[- ]fashioned|crazy|paranoid|biased|lazy|picky|skeptical|sceptical|cynical|naive|pedantic|a |an )/g,
  // "calling the endpoint", "call the function with null"
  /\bcall(?:s|ed|ing)?\s+(?:(?:the|a|an|this|that|our|my|your|each|every|its)\s+)?(?:api|apis|endpoint|endpoints|function|functions|method|methods|service|hook|webhook|lambda|handler|script|constructor|helper|query|procedure|sdk|db|database|backend|server|fn|func|callback|setter|getter|mock|stub|module|library|lib|plugin|command|cli|job)\b/g,
  // "on call" / "on-call rotation" is duty, but "hop on call" is a (sloppy) proposal.
  /(?<!\b(?:hop|jump|get|hopping|jumping|getting)\s)\bon[- ]call\b/g,
  // "meet the deadline", "meets the requirements"
  /\b(?:meet|meets|meeting|met)\s+(?:(?:the|our|your|all|these|those|its|their|this|that|a|an)\s+)?(?:deadline|deadlines|requirement|requirements|expectation|expectations|criteria|goal|goals|target|targets|sla|slas|need|needs|bar|standard|standards|spec|specs|quota|demand|demands|budget|threshold|definition)\b/g,
  // "nice to meet you"
  /\b(?:nice|good|great|pleasure|pleased|glad|lovely|excited|happy)\s+(?:to\s+)?meet(?:ing)?\s+(?:you|y'all|everyone|all of you|u)\b/g,
  // "sync with upstream", "syncing from S3": data or git sync, not people
  /\bsync(?:s|ed|ing)?\s+(?:with|from|to|against)\s+(?:(?:the|our|your)\s+)?(?:upstream|main|master|origin|remote|repo|repository|branch|fork|git|prod|production|staging|server|db|database|s3|cloud|backend|api|disk|cache)\b/g,
  // "zoom in on the chart", "zoom level"
  /\bzoom(?:ed|ing)?[- ](?:in|out|level|levels|factor|ratio|into)\b/g,
  // "no-meeting week", "meeting-free"
  /\bno[- ]meetings?\b|\bmeetings?[- ]free\b/g,
  // ES/PT/FR/DE "API call": "llamada a la API", "chamada da API", "appel à l'API", "API-Aufruf"
  /\b(?:llamadas?|chamadas?|appels?)\s+(?:a|de|da|do|na|no|al|del|pour|vers)\s+(?:(?:la|el|l'|a|o|une?)\s*)?(?:api|apis|funcion|funcao|fonction|endpoint|servicio|servico|service|metodo|methode|backend|servidor|serveur)\b/g,
  /\bl'appel (?:a |de )?l'api\b/g,
];

function neutraliseLookAlikes(prose: string): string {
  let s = prose;
  for (const re of LOOK_ALIKES) s = s.replace(re, ' ~ ');
  return s.replace(/\s+/g, ' ').trim();
}

// =================================================================================================
// Shared pattern fragments
// =================================================================================================

const gap = (n: number): string => `(?:[a-z0-9'/-]+\\s+){0,${n}}?`;

/** English meeting nouns. Optional medium prefix: "video call", "zoom call", "teams meeting". */
const EN_NOUN =
  "(?:(?:phone|video|voice|zoom|teams|conference|group|team|sync|google|gmeet|meet|slack|kickoff|kick-off|planning|design|quick|short|brief)\\s+)?(?:call|meeting|mtg|huddle|sync|sync-?up|zoom|google meet|gmeet|hangout|webex|facetime|1:1|1-1|1-on-1|one-on-one|catch-?up|videocall|video chat|screen ?share|meet)";
/** Named kinds of meeting, only used after an arranging verb ("schedule a post-mortem"). */
const EN_EVENT =
  '(?:post-?mortem|retro|retrospective|all-?hands|all hands|kick-?off|brainstorm(?:ing)?(?: session)?|workshop|walk-?through|demo|review session|working session|pairing session|stand-?up|offsite|town ?hall|office hours)';
/** A meeting noun must not be the first half of a compound that is about something else. */
const NOUN_END =
  "(?![\\w-])(?!\\s+(?:notes|minutes|recording|recordings|room|rooms|link|links|transcript|transcripts|summary|summaries|free|stack|site|log|logs|rotation|list|job|jobs|script|service|button|step|steps|task|process|error|errors|issue|issues|logic|worker|queue|template|invite to|invites to)\\b)";

/** Suggestion cues that put a proposal in motion. */
const EN_CUE =
  "(?:let'?s|lets|let us|shall we|can we|could we|should we|why don'?t we|why not|we should|we could|maybe we|wanna|want to|do you want to|would you like to|happy to|i'?d (?:like|love) to|we need to|how about|what about|maybe|perhaps|up for|down for|open to|would it help to|(?:would|wouldn'?t|might) it be (?:(?:a lot|much|way)\\s+)?(?:easier|faster|quicker|simpler|better|ok|okay|crazy|possible) to|it(?:'?d| would) (?:probably )?be (?:(?:a lot|much|way)\\s+)?(?:easier|faster|quicker|simpler) to)";

const EN_WHEN =
  "(?:today|tonight|tomorrow|tmrw|tmr|tmw|later(?: today| this week)?|this (?:morning|afternoon|evening|week|arvo)|next (?:week|mon\\w*|tue\\w*|wed\\w*|thu\\w*|fri\\w*)|(?:on\\s+)?(?:mon|tue|tues|wed|thu|thur|thurs|fri)(?:day)?|at \\d|@ ?\\d|around \\d|in (?:\\d+|a few|a couple(?: of)?|a bit|a sec|a min|an hour|half an hour)|\\d{1,2}(?::\\d\\d)?\\s*(?:am|pm)|after (?:lunch|standup|the standup|this)|before (?:standup|lunch|eod|the)|eod|asap|now|right now|soon|sometime|first thing|again)";
const EN_MEDIUM = '(?:call|zoom|video|phone|meet|google meet|teams|huddle|webex)';
const LIVE_WORD = "(?<!\\b(?:went|go|goes|going|gone|is|are|was|were|be|been|being|now|still|it'?s|its)\\s)live";
const EN_LIVE = `(?:${LIVE_WORD}(?!\\s+(?:site|env|environment|data|demo|traffic|version|server|prod|production|system|stream|feed|app|db|database|deploy|release|link))|in person|irl|f2f|face[- ]to[- ]face|quick(?:ly)?|real quick|briefly|for (?:a (?:sec|second|min|minute|moment|bit|few)|\\d+\\s*(?:m|min|mins|minutes))|over (?:a |the )?${EN_MEDIUM}|on (?:a |the )?${EN_MEDIUM}|via (?:a )?${EN_MEDIUM}|by phone)`;
const END_OF_CLAUSE = '(?=\\s*(?:[?!.,;]|$))';

// =================================================================================================
// Language tables
// =================================================================================================

interface LanguageRules {
  lang: DetectionLanguage;
  /** Proposal patterns; any match (that survives the guards) fires. */
  proposals: RegExp[];
  /** Negation cues: "no need for a call", "instead of a meeting". Checked just before the match. */
  negation: RegExp;
  /** Past-tense / retrospective cues: "the call yesterday", "we had a meeting". Checked on the clause. */
  past: RegExp;
}

const rx = (source: string): RegExp => new RegExp(source, 'g');

const ENGLISH: LanguageRules = {
  lang: 'en',
  proposals: [
    // "hop on a quick call", "jump on zoom", "get on a call this afternoon"
    rx(`\\b(?:hop|jump|get|hopping|jumping|getting|pop)\\s+(?:back\\s+)?(?:on|onto|in|into)\\s+(?:(?:a|an|the|my|our|your)\\s+)?${gap(2)}${EN_NOUN}${NOUN_END}`),
    // "can you hop on real quick?" — Slack idiom for joining a call, noun implied
    rx(`\\b(?:can|could|wanna|want to|able to)\\s+(?:you\\s+|u\\s+|we\\s+)?(?:hop|jump)\\s+on(?:\\s+(?:real\\s+)?quick(?:ly)?\\b|\\s+for\\s+a\\s+(?:sec|min|minute|bit)\\b|\\s+now\\b|${END_OF_CLAUSE})`),
    // "let's sync tomorrow at 10", "can we meet tomorrow?", "wanna huddle?", "want to pair on this?"
    rx(`\\b${EN_CUE}\\s+(?:just\\s+|quickly\\s+|briefly\\s+|all\\s+)?(?:sync(?:[\\s-]*up)?|meet(?:\\s+up)?|huddle|catch[\\s-]*up|zoom|facetime|pair)(?:${END_OF_CLAUSE}|\\s+(?:on|with|about|re|up)\\b|\\s+${EN_WHEN}\\b|\\s+${EN_LIVE})`),
    // "can we talk?", "let's chat live", "happy to connect tomorrow"; weak verbs need a live/time cue
    rx(`\\b${EN_CUE}\\s+(?:just\\s+)?(?:chat|talk|speak|connect)(?:${END_OF_CLAUSE}|\\s+${EN_WHEN}\\b|\\s+${EN_LIVE}|\\s+(?:it|this|that)\\s+(?:through|over|out)\\b)`),
    // "let's take this offline and talk tomorrow morning": a second verb coordinated with the cue
    rx(`\\b${EN_CUE}\\s+${gap(4)}and\\s+(?:then\\s+)?(?:just\\s+)?(?:chat|talk|speak|connect|sync(?:[\\s-]*up)?|meet(?:\\s+up)?|catch[\\s-]*up|huddle)(?:\\s+${EN_WHEN}\\b|\\s+${EN_LIVE}|\\s+(?:it|this|that)\\s+(?:through|over|out)\\b)`),
    // "got 5 min for a huddle?", "free for a chat at 3?", "are you around for a quick sync?"
    rx(`(?<!feel\\s)\\b(?:free|available|avail|around|(?:got|have|has|any)\\s+(?:a\\s+)?(?:sec|second|min|minute|moment|few min\\w*|bandwidth|time)|(?:\\d+|a few|few|a couple(?: of)?)\\s*(?:m|min|mins|minutes|sec|secs)|a (?:sec|second|min|minute|moment))\\s+(?:for|to)\\s+(?:(?:a|an|the)\\s+)?${gap(2)}(?:${EN_NOUN}|chat|talk|quick word|hop on|jump on)${NOUN_END}`),
    // "is now a good time for a call?", "how's 2pm for a quick chat?", "does tomorrow work for a sync?"
    rx(`\\b(?:(?:good|better|ok|okay|convenient)\\s+time|\\d{1,2}(?::\\d\\d)?\\s*(?:am|pm|h)?|today|tomorrow|tmrw|tonight|(?:mon|tues|wednes|thurs|fri)day|this (?:morning|afternoon|evening|week)|next week)\\s+(?:work\\s+|works\\s+|good\\s+|ok\\s+)?for\\s+(?:(?:a|an)\\s+)?${gap(2)}(?:${EN_NOUN}|chat)${NOUN_END}[^.!;]*\\?`),
    // "got 10 min?", "do you have a sec?": asking for someone's time, nothing else in the clause
    rx(`(?:^|[.!?;,]\\s*|\\s-\\s|@user\\s+)(?:hey\\s+)?(?:(?:do\\s+)?(?:you|u)\\s+)?(?:got|have)\\s+(?:(?:\\d+|a few|few|a couple(?: of)?|two|five|ten)\\s*(?:m|min|mins|minutes|sec|secs|seconds)|(?:a|an)\\s+(?:sec|second|min|minute|moment))(?:\\s+(?:today|now|later|tomorrow|this (?:morning|afternoon|week)|after (?:lunch|standup)))?\\s*\\?`),
    // "need 10 min of your time on a call", "can I steal 5 minutes over zoom"
    rx(`\\b(?:(?:borrow|steal|grab)\\s+(?:you\\s+for\\s+)?(?:\\d+|a few|a couple(?: of)?)\\s*(?:m|min|mins|minutes)\\s+(?:of your time\\s+|with you\\s+)?|(?:need|want|like)\\s+(?:\\d+|a few|a couple(?: of)?)\\s*(?:m|min|mins|minutes)\\s+(?:of your time|with you)\\s+)(?:on|over|via)\\s+(?:a\\s+|the\\s+)?${EN_MEDIUM}\\b`),
    // "free anytime after 2?" — an availability question
    rx(`(?<!feel\\s)\\b(?:free|available)\\s+(?:anytime|any time|(?:at|after|before|around)\\s+\\d|later today|this (?:afternoon|morning|evening))\\b[^.!;]*\\?`),
    // "let's set up a meeting", "could we schedule a meeting", "I'll set up a kickoff meeting"
    rx(`\\b(?:set(?:ting)?\\s*up|setup|schedul(?:e|ing)|book(?:ing)?|arrang(?:e|ing)|organi[sz](?:e|ing)|spin(?:ning)?\\s+up|kick(?:ing)?\\s+off|put(?:ting)?\\s+together)\\s+(?:(?:a|an|another|the|one|us a|you a|me a)\\s+)?${gap(2)}(?:${EN_NOUN}|${EN_EVENT})${NOUN_END}`),
    // "calling an all-hands for Friday": to call a meeting is to convene it
    rx(`\\bcall(?:ing)?\\s+(?:a|an)\\s+(?:(?:quick|short|team|emergency)\\s+)?(?:meeting|huddle|sync|${EN_EVENT})${NOUN_END}`),
    // "can you join a call with the customer at 2?", "feel free to join the huddle"
    rx(`\\b(?:can|could|would|wanna|want to|please|pls|come|free to|you should|mind)\\s+(?:you\\s+|u\\s+)?join(?:ing)?\\s+(?:(?:a|an|the|my|our|us in|us on|us for)\\s+)?${gap(2)}${EN_NOUN}${NOUN_END}`),
    // "I'll create a meet link and drop it here"
    rx(`\\b(?:create|make|generate|spin up|set up|send|drop|share|post|grab)\\s+(?:(?:a|the|my)\\s+)?(?:zoom|meet|google meet|gmeet|teams|webex|huddle|meeting|call|jitsi|whereby)\\s+link\\b`),
    // "can I grab you for 10 min after standup?"
    rx(`\\bgrab\\s+(?:you|u|ya|someone|anyone|somebody)\\s+for\\s+(?:a (?:sec|second|min|minute|few|bit|moment)|\\d+\\s*(?:m|min|mins|minutes))\\b`),
    // "I'm gonna start a huddle"
    rx(`\\bstart(?:ing)?\\s+(?:a|an)\\s+${gap(2)}${EN_NOUN}${NOUN_END}`),
    rx(`\\bopen(?:ing)?\\s+(?:up\\s+)?(?:a|an)\\s+(?:quick\\s+)?(?:huddle|zoom|google meet|gmeet|bridge|war room)(?=\\s*(?:[?!.,;:]|$)|\\s+(?:for|with|in|now|so|if|to|at|on|and|here|right|later|after)\\b)`),
    // "can you screen share and show me?", "could you share your screen?"
    rx(`\\b(?:can|could|would|will)\\s+(?:you|u)\\s+(?:(?:quickly|just|maybe)\\s+)?(?:screen ?share|share (?:your|ur|the) screen)\\b(?!\\s+(?:recording|recordings|shot|shots|capture|settings|permission|permissions|size|resolution|name|reader))`),
    // "let's do a video call", "let's have a quick chat tomorrow", "shall we do a quick zoom"
    rx(`\\b${EN_CUE}\\s+(?:just\\s+|maybe\\s+|quickly\\s+)?(?:have|do|get|grab|hold|run|organi[sz]e|plan|set up|setup|schedule|book|arrange)\\s+(?:(?:a|an|another|one)\\s+)?${gap(2)}(?:${EN_NOUN}|chat|quick word)${NOUN_END}`),
    // "let's grab 15 mins tomorrow to go over this", "can we find 30 minutes to walk through it"
    rx(`\\b${EN_CUE}\\s+(?:just\\s+)?(?:set up|setup|schedule|book|grab|find|carve out)\\s+(?:some\\s+)?(?:time|\\d+\\s*(?:m|min|mins|minutes)|an hour|half an hour)\\s+${gap(3)}(?:with|to (?:chat|talk|sync|discuss|go over|go through|walk through|review|meet|catch up|align|pair|hash)|together|tomorrow|today|this week|next week|later)\\b`),
    // "could we set some time aside tomorrow to go through the rollout?": blocking time is often solo
    // focus work, so this one needs a together-purpose, not just a day
    rx(`\\b${EN_CUE}\\s+(?:just\\s+)?(?:block|set aside|put aside|set|reserve)\\s+(?:some\\s+)?(?:time|\\d+\\s*(?:m|min|mins|minutes)|an hour|half an hour)\\s+(?:aside\\s+)?${gap(3)}(?:with (?:you|u|the|everyone|@user)|to (?:chat|talk|sync|discuss|go over|go through|walk through|meet|catch up|align|pair|hash)|together)\\b`),
    // "how about a call tomorrow?", "should we get the team together for a meeting?"
    rx(`\\b${EN_CUE}\\s+(?!(?:not|never)\\b)(?:(?!(?:add|remove|make|mock|stub|wrap|log|write|retry|cache|batch|replace|skip|avoid|record|cancel|move|reschedule|shorten|extend|drop|kill|end|leave|mute|wait|trace|instrument|keep)\\b)[a-z0-9'-]+\\s+){0,5}(?:a|an)\\s+${gap(2)}${EN_NOUN}${NOUN_END}`),
    // "I'll send an invite", "sending you a calendar invite"
    rx(`\\b(?:send|sending|shoot|shooting|throw|throwing|drop|dropping|fire off|put out)\\s+(?:(?:you|u|y'all|everyone|over|them|him|her|us|out)\\s+)?(?:(?:a|an|the)\\s+)?(?:(?:calendar|cal|gcal|outlook|meeting|zoom|teams|google meet|meet|quick)\\s+)?(?:invite|invitation|inv|calendar hold)\\b(?!\\s+(?:to|for)\\s+(?:the\\s+)?(?:repo|repository|doc|docs|file|figma|workspace|channel|org|organization|notion|github|drive|folder|slack|project|board|space)\\b)`),
    // "grab time on my calendar", "I'll throw something on your calendar"
    rx(`\\b(?:grab|book|find|put|throw|stick|pick|schedule|snag|get|add)\\s+(?:(?:some|a)\\s+)?(?:time|something|slot|a slot|a time|\\d+\\s*(?:min|mins|minutes)|(?:a|an)\\s+${gap(1)}(?:${EN_NOUN}|${EN_EVENT}))?\\s*(?:on|in|into|from|off)\\s+(?:your|my|our|his|her|their|the)\\s+(?:calendar|cal|gcal|books)\\b`),
    // "can we discuss this live?", "talk about this over a call", "sync on a call"
    rx(`\\b(?:discuss|talk|chat|go over|go through|walk (?:you |me |us )?through|review|hash|sort|figure|work|align|debug|run through|talk through|catch up|sync|explain|show (?:you|u|me|us))\\b(?:\\s+[a-z0-9'-]+){0,5}?\\s+(?:${LIVE_WORD}(?!\\s+(?:site|env|environment|data|demo|traffic|version|server|prod|production|system|stream|feed|app|db|database|deploy|release|link))|in person|irl|face[- ]to[- ]face|f2f|synchronously|over (?:a |the )?${gap(1)}${EN_MEDIUM}|on (?:a |the )?${gap(1)}${EN_MEDIUM}\\b|via (?:a )?${EN_MEDIUM}|in (?:a|an) ${gap(1)}(?:call|meeting|huddle))\\b`),
    // "call me when you're free", "calling you in 2 min", "mind if I ring you?"
    rx(`(?<!\\bdid\\s(?:you|u|someone|anyone)\\s)\\b(?:call|calling|ring|ringing|phone|phoning)\\s+(?:me|you|u|ya)\\b(?!\\s+(?:that|this|out|crazy|by|when you (?:said|did)))`),
    rx(`\\bgive\\s+(?:me|you|u|us|them)\\s+a\\s+(?:quick\\s+)?(?:call|ring|buzz|bell)\\b`),
    // "maybe a call would be faster?", "would a quick call help?", "I think we need a meeting"
    rx(`\\b(?:a|an)\\s+${gap(2)}${EN_NOUN}${NOUN_END}\\s+(?:would|might|could|may|will|should)\\s+(?:(?:be|probably|really|honestly)\\s+)*(?:(?:much|way|a lot|so much)\\s+)?(?:faster|easier|quicker|simpler|better|help|helpful|save|work|make sense|clear)`),
    rx(`\\b(?:would|might|could|will)\\s+(?:a|an)\\s+${gap(2)}${EN_NOUN}\\s+(?:help|be|work|make sense)\\b`),
    rx(`\\b(?:need|needs|want|wants|deserves|warrants)\\s+(?:a|an)\\s+${gap(2)}${EN_NOUN}${NOUN_END}`),
    rx(`\\b(?:face[- ]to[- ]face|f2f|in person|talking|synchronous(?:ly)?|voice)\\s+(?:would|might|could|will|is|seems)\\s+(?:be\\s+)?(?:(?:much|way|a lot|probably)\\s+)?(?:faster|easier|quicker|simpler|better)`),
    // "let's get everyone in a room on Monday"
    rx(`\\b(?:get|put|bring)\\s+(?:everyone|everybody|us|all of us|the team|y'all|folks|people|the group)\\s+(?:together\\s+)?in(?:to)?\\s+(?:a|one|the same)\\s+room\\b`),
  ],
  // Guard: the same proposal words appear in refusals ("no need to hop on a call") and in pushback
  // ("do we really need a meeting?"). "why don't we" is a suggestion, so bare "don't" is not a cue.
  negation:
    /\b(?:no need|(?:do|does|did)\s*n[o']?t (?:really )?need|do (?:we|you|i|they) (?:really |actually |even |honestly )?need|does (?:this|it|that) (?:really |actually |even )?need|(?:do|does) not need|not need|don'?t (?:think|want|have to|bother|schedule|set up|setup|book|hop|jump|call|send)|do not (?:think|want|schedule|set up|book|send)|no (?:call|meeting|huddle|sync|zoom)s?\b|without|instead of|rather than|rather not|let'?s not|lets not|let us not|skip|cancel\w*|avoid|no point|won'?t need|isn'?t needed|not needed|unnecessary|not necessary|no reason to|never)\b/,
  // Guard: retrospective talk about a meeting that already happened.
  past:
    /\b(?:yesterday|last (?:week|night|time|month|mon\w*|tue\w*|wed\w*|thu\w*|fri\w*)|earlier today|ago|already (?:had|did|set|scheduled|met|synced)|just (?:had|got off|finished|wrapped|ended)|we had|i had|was great|went well)\b/,
};

// ---- Spanish ------------------------------------------------------------------------------------
const ES_NOUN = '(?:video\\s*llamada|llamadita|llamada|reunioncita|reunion|reu|junta|meet|call|zoom|meeting|videoconferencia|sesion|charla|huddle)';
const ES_ART = '(?:(?:una|un|la|el|otra|alguna)\\s+)?';
const ES_WHEN = '(?:manana|hoy|ahora|luego|mas tarde|esta (?:tarde|manana|semana)|la (?:semana|proxima)|el (?:lunes|martes|miercoles|jueves|viernes)|a las \\d|en \\d+|en un rato|un rato|rapido|un momento)';

const SPANISH: LanguageRules = {
  lang: 'es',
  proposals: [
    // "¿hacemos una llamada rápida?", "agendemos una reunión", "podemos tener una reunión mañana?"
    rx(`\\b(?:hacemos|hagamos|tenemos|tengamos|agendemos|agendamos|programemos|programamos|organicemos|organizamos|armemos|armamos|coordinemos|coordinamos|montemos|montamos|(?:podemos|podriamos|vamos a|quieres|quieren|queres|te parece|les parece|deberiamos|necesitamos|hay que|que tal si|y si|puedes|pueden|se puede)\\s+(?:hacer|tener|agendar|programar|organizar|armar|coordinar|montar|marcar)|que tal|te (?:viene|va) bien|les (?:viene|va) bien|te sirve|te late)\\s+${ES_ART}${gap(2)}${ES_NOUN}\\b`),
    // "¿tienes 5 minutos para una llamada?", "¿estás libre para una llamada?"
    rx(`\\b(?:tienes|tenes|tiene|tienen|tendrias|hay|estas libre|estas disponible|estan libres|libre|disponible)\\s+${gap(2)}(?:(?:\\d+\\s*(?:min|mins|minutos)|un (?:momento|minuto|minutito|rato|segundo)|tiempo)\\s+)?(?:para|pa)\\s+${ES_ART}${gap(2)}${ES_NOUN}\\b`),
    // "te llamo en 5", "llámame cuando puedas"
    rx('\\b(?:te llamo|te llamamos|llamame|llamanos|me llamas|me puedes llamar|puedo llamarte|te marco|marcame|te hago una llamada|me marcas)\\b'),
    // "¿nos conectamos por zoom?", "lo hablamos por teléfono"
    rx(`\\b(?:nos conectamos|conectemos|nos vemos|nos juntamos|juntemonos|nos reunimos|reunamos|reunamonos|podemos reunirnos|podemos vernos|podemos juntarnos|podemos conectarnos|hablamos|hablemos|lo hablamos|lo vemos|charlamos|charlemos|platicamos|platiquemos)\\s+${gap(3)}(?:por|en|via|mediante)\\s+(?:(?:una|un|el|la)\\s+)?(?:zoom|meet|teams|videollamada|video\\s*llamada|llamada|telefono|video|huddle|slack|persona|vivo|reunion|reu|call|junta)\\b`),
    // "¿nos reunimos mañana a las 10?"
    rx(`\\b(?:nos reunimos|reunamonos|nos vemos|nos juntamos|juntemonos|podemos reunirnos|podemos vernos|nos conectamos|podemos juntarnos|podemos conectarnos|nos llamamos)(?:${END_OF_CLAUSE}|\\s+${ES_WHEN}\\b)`),
    // "podemos hablarlo en una llamada?"
    rx(`\\b(?:hablar(?:lo)?|verlo|discutir(?:lo)?|comentar(?:lo)?|revisar(?:lo)?|charlar(?:lo)?|platicar(?:lo)?)\\s+${gap(2)}(?:en|por)\\s+(?:(?:una|un)\\s+)?(?:llamada|videollamada|reunion|zoom|meet|teams|persona|vivo|directo|call)\\b`),
    // "¿puedes unirte a una llamada?", "súmate a la reunión"
    rx(`\\b(?:unirte|unete|unirse|unanse|sumate|sumarte|conectate|entra|entras)\\s+(?:a|al)\\s+(?:(?:la|una|el|un|mi)\\s+)?${gap(1)}${ES_NOUN}\\b`),
    // "te mando una invitación"
    rx('\\b(?:mando|envio|paso|mandare|enviare|mandamos|enviamos|comparto)\\s+(?:(?:una|la|el)\\s+)?(?:invitacion|invite|invi|convocatoria)\\b(?!\\s+(?:al|a la) (?:repo|doc|documento|canal|workspace|carpeta|drive|figma|notion)\\b)'),
  ],
  negation: /\b(?:sin necesidad|sin (?:(?:una|un|la|el)\s+)?(?:llamada|reunion|call|meet)|no hace falta|no es necesari|no necesitamos|no hay que|no hagamos|no tengamos|en lugar de|en vez de|cancel\w*|ningun\w*)\b/,
  past: /\b(?:ayer|anoche|la semana pasada|hace (?:un|una|\d+|unos|unas)|acabo de|acabamos de|ya (?:tuvimos|hicimos|hablamos)|tuvimos|hicimos|estuvo)\b/,
};

// ---- German -------------------------------------------------------------------------------------
const DE_NOUN = '(?:video-?call|videokonferenz|telefonkonferenz|telefonat|telko|anruf|call|meeting|besprechung|termin|huddle|zoom(?:-call)?|teams(?:-call|-meeting)?|abstimmung|jour fixe|gesprach)';
const DE_CUE = '(?:ko(?:e)?nnen|ko(?:e)?nnten|sollen|sollten|wollen|mu(?:e)?ssen)\\s+wir';

const GERMAN: LanguageRules = {
  lang: 'de',
  proposals: [
    // "sollen wir uns kurz abstimmen?", "können wir uns morgen treffen?"
    rx(`\\b${DE_CUE}\\s+uns\\s+${gap(3)}(?:treffen|abstimmen|austauschen|zusammensetzen|kurzschliessen|sprechen|unterhalten|sehen)\\b`),
    // "können wir kurz telefonieren?", "wollen wir kurz huddlen?"
    rx(`\\b${DE_CUE}\\s+${gap(3)}(?:telefonieren|callen|huddlen|zoomen|quatschen)\\b`),
    // "können wir das kurz per Videocall klären?"
    rx(`\\b${DE_CUE}\\s+${gap(4)}(?:per|via|uber|ueber|in (?:einem|nem)|im)\\s+(?:(?:kurzen|schnellen)\\s+)?(?:videocall|video-call|call|anruf|telefon|teams|zoom|meeting|huddle|telko|video)(?:-(?:call|meeting))?(?![\\w-])`),
    // "sollen wir morgen kurz einen Call machen?", "können wir einen Termin vereinbaren?"
    rx(`\\b${DE_CUE}\\s+${gap(4)}(?:einen|ein|eine|ne|nen|n)\\s+${gap(1)}${DE_NOUN}\\s+(?:machen|ausmachen|vereinbaren|aufsetzen|einrichten|einplanen|haben|abhalten)\\b`),
    // "können wir kurz sprechen?" — weak verbs only with a "right now / soon" cue, like English "talk"
    rx(`\\b${DE_CUE}\\s+(?:(?:morgen|heute|gleich|jetzt|nachher|spater|mal)\\s+)*(?:kurz|schnell|gleich|jetzt)\\s+(?:mal\\s+)?(?:sprechen|reden|quatschen)\\b`),
    // "ich schick euch gleich den Zoom-Link"
    rx('\\b(?:schick(?:e)?|send(?:e)?|poste|teile)\\s+(?:(?:dir|euch|ihnen)\\s+)?(?:gleich\\s+)?(?:(?:den|einen|nen|n)\\s+)?(?:zoom|teams|meet|meeting|call|huddle|webex)-?link\\b'),
    // "lass uns kurz einen Call machen", "lasst uns einen Termin ausmachen"
    rx(`\\b(?:lass|lasst|lassen)\\s+(?:sie\\s+)?uns\\s+${gap(4)}${DE_NOUN}(?![\\w-])`),
    rx(`\\b(?:lass|lasst|lassen)\\s+(?:sie\\s+)?uns\\s+${gap(4)}(?:per|via|uber|ueber|in (?:einem|nem)|im)\\s+(?:(?:kurzen|schnellen)\\s+)?(?:videocall|video-call|call|anruf|telefonat|telefon|teams|zoom|meeting|huddle|telko|video)(?:-(?:call|meeting))?(?![\\w-])`),
    rx(`\\b(?:lass|lasst|lassen)\\s+(?:sie\\s+)?uns\\s+${gap(3)}(?:telefonieren|treffen|callen|huddlen|zoomen|zusammensetzen|kurzschliessen)\\b`),
    // "hast du morgen Zeit für ein kurzes Meeting?", "Zeit für einen Call?"
    rx(`\\b(?:(?:hast du|hattest du|habt ihr|hattet ihr|haben sie|hatten sie|bist du|seid ihr)\\s+${gap(3)})?(?:zeit|\\d+\\s*min(?:uten|s)?|(?:einen|ne|eine|ein paar)\\s+(?:moment|minute|minuten|sekunde))\\s+(?:fur|fuer|zum|zu)\\s+${gap(2)}(?:${DE_NOUN}|telefonieren|quatschen)\\b`),
    // "ich schicke dir eine Einladung"
    rx('\\b(?:schick(?:e)?|send(?:e)?|schicken|senden)\\s+(?:(?:dir|euch|ihnen)\\s+)?(?:gleich\\s+)?(?:(?:eine|ne|die|n)\\s+)?(?:kalender-?|teams-?|zoom-?|meeting-?)?einladung\\b'),
    // "ruf mich an", "ich ruf dich gleich an", "kann ich dich kurz anrufen?"
    rx('\\bruf(?:e|st|t)?\\s+(?:mich|dich|euch|sie|uns)\\b(?:\\s+[a-z0-9,]+){0,6}?\\s+an\\b'),
    rx(`\\b(?:kann|darf|soll)\\s+ich\\s+(?:dich|euch|sie)\\s+${gap(1)}anrufen\\b`),
    rx(`\\b(?:magst|kannst|ko(?:e)?nntest|willst|mo(?:e)?chtest|wu(?:e)?rdest|ko(?:e)?nnt|ko(?:e)?nnen)\\s+(?:du|ihr|sie)\\s+(?:mich|uns)\\s+${gap(2)}anrufen\\b`),
    // "ich lade euch zu einem kurzen Meeting ein"
    rx(`\\blade\\s+(?:dich|euch|sie)\\s+${gap(2)}(?:zu|zum|zur)\\s+${gap(2)}${DE_NOUN}(?![\\w-])`),
  ],
  // Bare "nicht" is not a cue: "können wir nicht kurz telefonieren?" is still a proposal.
  negation: /\b(?:kein(?:e|en|er|em)?\s+(?:[a-z]+\s+)?(?:call|calls|meeting|anruf|termin|besprechung|telefonat)|nicht (?:notig|noetig|notwendig|erforderlich)|statt|anstatt|anstelle|ohne|absag\w*|abgesagt)\b/,
  // "hier" means "here" in German, so it must never be a past cue (see the French table).
  past: /\b(?:gestern|vorhin|letzte woche|letzten (?:montag|dienstag|mittwoch|donnerstag|freitag)|hatten|hatte|war super|war gut)\b/,
};

// ---- French -------------------------------------------------------------------------------------
const FR_NOUN = '(?:appel(?: video)?|visio(?:conference)?|reunion|point|call|meet|zoom|teams|rdv|rendez-vous|rendez vous|huddle|conf call|creneau|sync|meeting|echange)';

const FRENCH: LanguageRules = {
  lang: 'fr',
  proposals: [
    // "on peut faire un point en visio ?", "on se cale un créneau ?", "organisons une réunion"
    rx(`\\b(?:on (?:peut|pourrait) (?:se )?(?:faire|caler|organiser|avoir|prendre|planifier|programmer|fixer|bloquer)|on se (?:fait|cale|prend|programme|planifie|fixe|bloque|organise)|on (?:fait|cale|prend|organise|planifie|programme|fixe)|peut-on (?:se )?(?:faire|caler|organiser|avoir|prendre|planifier)|est[- ]ce qu'on (?:peut|pourrait) (?:se )?(?:faire|caler|organiser|avoir|prendre|planifier)|faisons|organisons|calons|planifions|prenons|fixons|programmons|je (?:te |vous )?propose|(?:je (?:te |vous )?propose|tu veux|vous voulez|il faudrait|faudrait|ce serait bien|ca serait bien) qu'on (?:se )?(?:fasse|cale|organise|prenne|planifie|programme|ait)|tu veux (?:faire|qu'on fasse|qu'on se fasse)|ca te dit|ca vous dit|je (?:te |vous )?(?:cale|organise|planifie|programme|bloque)|il faudrait (?:faire|organiser|caler)|on devrait (?:faire|organiser|caler|se faire))\\s+(?:(?:un|une|le|la|des|du|notre|ton|votre)\\s+|l')?${gap(2)}${FR_NOUN}\\b`),
    // "dispo pour un appel rapide ?", "tu as 5 min pour un call ?"
    rx(`\\b(?:dispo|dispos|disponible|disponibles|libre|libres|(?:as|avez|aurais|auriez)\\s+(?:\\d+\\s*min(?:utes)?|un moment|un instant|deux minutes|cinq minutes|le temps)|\\d+\\s*min(?:utes)?)\\s+(?:pour|pr)\\s+(?:(?:un|une|le|la)\\s+|l')?${gap(2)}${FR_NOUN}\\b`),
    // "est-ce qu'on peut se voir demain ?", "on s'appelle à 15h ?"
    rx(`\\b(?:on (?:peut|pourrait) se (?:voir|parler|capter|retrouver)|peut-on se (?:voir|parler|capter)|on se (?:voit|parle|capte|retrouve|rejoint)|on s'appelle|on s'en parle)(?:${END_OF_CLAUSE}|\\s+(?:demain|aujourd'hui|tout a l'heure|cet? (?:aprem|apres-midi|matin|semaine)|ce (?:soir|matin)|lundi|mardi|mercredi|jeudi|vendredi|(?:a|dans|vers) \\d+(?:h\\d*)?|\\d+h\\d*|\\d+\\s*min(?:utes)?|(?:deux|cinq|dix) (?:min|minutes|secondes)|vite fait|rapidement|vite|pour en parler|la semaine prochaine|maintenant|en visio|par (?:visio|tel|telephone|zoom|teams|meet))\\b)`),
    // "on en parle de vive voix demain ?", "on en discute ?" (but "comme on en parle, …" is not a proposal)
    rx(`\\bon en (?:parle|discute|cause)(?:\\s*\\?|\\s+(?:demain|aujourd'hui|cet? (?:aprem|apres-midi|matin|semaine)|ce (?:soir|matin)|lundi|mardi|mercredi|jeudi|vendredi|(?:a|dans|vers) \\d+(?:h\\d*)?|\\d+h\\d*|\\d+\\s*min(?:utes)?|maintenant|de vive voix|a l'oral|en visio|par (?:visio|tel|telephone|zoom|teams|meet))\\b)`),
    // "on se prend 15 minutes pour en discuter ?"
    rx(`\\b(?:on se (?:prend|garde|bloque|cale)|on (?:prend|bloque|cale)|prenons|bloquons|calons)\\s+(?:\\d+\\s*min(?:utes)?|un moment|une heure|une demi-heure|quelques minutes|(?:un|une) (?:petit|petite|quart d'heure)\\w*)\\s+(?:pour|ensemble|demain|cet|ce|aujourd'hui)\\b`),
    // "on peut en discuter de vive voix ?"
    rx(`\\b(?:en discuter|discuter|en discute|en parler|parler|en parle|voir ca|regarder ca|echanger|en causer)\\s+${gap(2)}(?:de vive voix|a l'oral|oralement|en visio|en direct|en live|par telephone|au telephone|en reunion|en call|par (?:visio|zoom|teams|meet|appel|tel))\\b`),
    // "je t'envoie une invitation"
    rx("\\b(?:envoie|envoyer|envoyons|enverrai|mets|mettre)\\s+(?:(?:une|un)\\s+|l')?(?:invitation|invit|invite|convocation)\\b"),
    // "je t'appelle dans 5 minutes", "appelle-moi" — but not "comment s'appelle ce composant"
    rx("\\b(?:je t'appelle|je vous appelle|appelle[- ]moi|appelez[- ]moi|tu m'appelles|tu peux m'appeler|on (?:peut|pourrait) s'appeler|peut-on s'appeler|vous pouvez m'appeler|je peux t'appeler|je peux vous appeler|on t'appelle)\\b"),
  ],
  negation: /\b(?:pas besoin|pas la peine|pas necessaire|inutile|au lieu d|plutot qu|sans (?:(?:un|une|le|la)\s+)?(?:reunion|appel|call|visio)|pas de (?:reunion|call|appel|visio|point)|annul\w*)/,
  // Plain "hier" would also hit German "hier der Link", so only unambiguous forms are listed.
  past: /(?:\bd'hier\b|\bhier (?:soir|matin|apres-midi)\b|\b(?:reunion|appel|call|point|visio) hier\b|\bla semaine derniere\b|\btout a l'heure\b(?=.*\b(?:eu|fait)\b)|\b(?:j'ai|on a|nous avons|j'avais|on avait) eu\b)/,
};

// ---- Portuguese ---------------------------------------------------------------------------------
const PT_NOUN = '(?:call|ligacaozinha|ligacao|chamada|video\\s*chamada|videochamada|reuniaozinha|reuniao|meet|zoom|teams|papo|huddle|alinhamento|daily)';

const PORTUGUESE: LanguageRules = {
  lang: 'pt',
  proposals: [
    // "bora fazer uma call rápida?", "podemos marcar uma reunião amanhã?", "que tal uma call agora?"
    rx(`\\b(?:bora|vamos|vamo|podemos|poderiamos|que tal|quer|querem|topa|topam|consegue|conseguimos|da pra|da para|rola|partiu)\\s+(?:(?:fazer|marcar|agendar|ter|bater|abrir|alinhar|conversar|falar|entrar|pular|fazermos|marcarmos|agendarmos|gente|nos|um|uma|numa|num|em|por|no|na|o|a|rapidinho|rapido|so|la)\\s+){0,4}${PT_NOUN}\\b`),
    // "tem 5 min pra uma call?", "você está livre pra uma chamada?"
    rx(`\\b(?:tem|tens|teria|sobra|livre|livres|disponivel|disponiveis)\\s+${gap(2)}(?:(?:\\d+\\s*(?:min|mins|minutos)|um (?:minuto|minutinho|tempo|tempinho|momento)|tempo|uns minutos)\\s+)?(?:pra|para|p/)\\s+(?:(?:uma|um)\\s+)?${gap(2)}(?:${PT_NOUN}|conversar|falar|trocar (?:uma )?ideia|bater um papo)\\b`),
    // "vamos nos reunir amanhã?", "podemos conversar por vídeo?"
    rx(`\\b(?:vamos nos reunir|nos reunimos|podemos nos reunir|bora se reunir|vamos nos falar|nos falamos|a gente se fala|vamos conversar|podemos conversar|bora conversar|da pra conversar|podemos falar|vamos falar)\\s+${gap(2)}(?:amanha|hoje|agora|as \\d|depois|mais tarde|(?:por|via|pelo|pela|no|na|em|numa)\\s+(?:video|call|zoom|meet|teams|telefone|chamada|ligacao|huddle))\\b`),
    rx(`\\b(?:vamos nos reunir|podemos nos reunir|bora se reunir|vamos conversar|podemos conversar|bora conversar)${END_OF_CLAUSE}`),
    // "te ligo em 10 minutos", "me liga quando puder"
    rx('\\b(?:te ligo|te ligamos|me liga|me ligue|liga pra mim|ligo pra (?:voce|vc|ti)|posso te ligar|(?<!\\bnao\\s)(?:pode|podes|poderia|consegue|conseguiria|da pra|da para|quer)\\s+(?:me|te)\\s+ligar|me chama (?:na|no|numa|num) (?:call|meet|zoom|teams|huddle))\\b'),
    // "vou te mandar um convite"
    rx('\\b(?:mando|mandar|envio|enviar|mandando|enviando|mandamos|enviamos)\\s+(?:[a-z]+\\s+)?(?:(?:um|o|uma)\\s+)?(?:convite|invite)\\b'),
  ],
  negation: /\b(?:nao precisa\w*|nao tem necessidade|sem necessidade|sem (?:(?:uma|um|a|o)\s+)?(?:call|reuniao|chamada|ligacao)|em vez de|ao inves de|no lugar de|nao vamos|nao e necessari\w*|cancel\w*|desmarc\w*)\b/,
  past: /\b(?:ontem|semana passada|acabei de|acabamos de|tivemos|fizemos|foi (?:otima|boa|otimo|bom|cancelada)|ja (?:tivemos|fizemos))\b/,
};

const LANGUAGES: LanguageRules[] = [ENGLISH, SPANISH, PORTUGUESE, FRENCH, GERMAN];

/**
 * Terse proposals in any language: the whole message is a meeting noun as a question or with a
 * time ("call?", "quick huddle?", "Kurzer Call um 15 Uhr?", "huddle in 5 mins"), optionally after
 * mentions. Anchored at the start so a noun in the middle of a sentence never qualifies. "sync"
 * only counts as a question ("sync?"): "sync at 10 failed" is a cron job.
 */
const TERSE_NOUN =
  '(?:call|video ?call|zoom|huddle|meeting|mtg|google meet|llamada|videollamada|reunion|anruf|telefonat|telko|appel|visio|reuniao|ligacao|chamada)';
const TERSE_ADJ =
  '(?:quick|short|fast|brief|quik|\\d+\\s*-?\\s*min(?:ute)?s?|kurze[rsn]?|schnelle[rsn]?|petit|petite|rapid[oa]|rapide)';
/** Time words a terse proposal may end with: "quick call after lunch?", "Kurzer Huddle nach dem Mittag?". */
const TERSE_WHEN =
  "(?:rapide|rapid[oa]|rapidinh[oa]|kurz|real quick|now|today|later(?: today)?|tomorrow(?: morning)?|ahora|agora|maintenant|jetzt|gleich|heute(?: nachmittag)?|morgen(?: fruh)?|manana|amanha|demain(?: matin)?|this (?:morning|afternoon)|after (?:lunch|standup|the standup|the demo)|nach (?:dem (?:mittag(?:essen)?|daily|standup|lunch)|der mittagspause)|despues (?:de comer|del almuerzo|de la daily)|esta tarde|apres (?:le )?(?:dej|dejeuner|daily)|cet aprem|cet apres-midi|depois do almoco|hoje a tarde|mais tarde)";
const TERSE = new RegExp(
  `^(?:[@#]\\S+\\s+)*(?:(?:${TERSE_ADJ}|un|une|una|uma|um|ein|einen|a)\\s+)?(?:sync(?=\\s*\\?)|${TERSE_NOUN})(?:\\s+${TERSE_WHEN}){0,2}\\s*(?:\\?|(?:um|at|a las|as|a|@|in|en|dans|em|vers)\\s+\\d)`,
);
/**
 * The same terse question as its own sentence later in a message ("this thread is getting long.
 * quick call?"); only as a question, and a purpose ("15 min call to unblock?") only after a
 * size word, so "Thanks. Call at 3 still on?" or "Zoom broken again?" stay quiet.
 */
const TERSE_SENTENCE = new RegExp(
  `(?:^|[.!]\\s+|\\n)(?:[@#]\\S+\\s+)*(?:(?:${TERSE_ADJ}|a|un|une|una|uma|um|ein|einen)\\s+)?(?:sync|${TERSE_NOUN})(?:\\s+${TERSE_WHEN}){0,2}\\s*\\?` +
    `|(?:^|[.!]\\s+|\\n)(?:[@#]\\S+\\s+)*(?:a\\s+)?${TERSE_ADJ}\\s+${TERSE_NOUN}(?:\\s+${TERSE_WHEN}){0,2}\\s+(?:to|for|pra|para|pour|um|zum|zur)\\s+(?:[a-z0-9'@#-]+\\s+){0,3}[a-z0-9'@#-]+\\s*\\?`,
  'g',
);

// =================================================================================================
// Guards shared by every phrase match
// =================================================================================================

const CLAUSE_BOUNDARY = /[.!?;\n]|,\s|\s(?:but|though|however|pero|aber|mais|mas|porem)\s/g;

function clauseAround(text: string, start: number, end: number): { before: string; clause: string } {
  let clauseStart = 0;
  let clauseEnd = text.length;
  for (const m of text.matchAll(CLAUSE_BOUNDARY)) {
    const idx = m.index ?? 0;
    if (idx + m[0].length <= start) clauseStart = idx + m[0].length;
    else if (idx >= end) {
      clauseEnd = idx;
      break;
    }
  }
  return { before: text.slice(clauseStart, start), clause: text.slice(clauseStart, clauseEnd) };
}

/** Last few words before the match: a negation further away usually belongs to something else. */
function lastWords(s: string, n: number): string {
  return s.trim().split(/\s+/).slice(-n).join(' ');
}

const ALL_NEGATIONS = LANGUAGES.map((l) => l.negation);

function isGuarded(text: string, start: number, matched: string, rules: LanguageRules): boolean {
  const { before, clause } = clauseAround(text, start, start + matched.length);
  const window = `${lastWords(before, 8)} ${matched}`;
  // Negation: "no need to hop on a call", "kein Meeting nötig", "pas besoin de réunion".
  // Every language's cues are checked because people mix languages ("sin necesidad de call").
  if (ALL_NEGATIONS.some((neg) => neg.test(window))) return true;
  // Past tense / retrospective: "we set up a call last week", "la reunión de ayer".
  if (rules.past.test(clause) || ENGLISH.past.test(clause)) return true;
  return false;
}

function findPhrase(prose: string): { matched: string; lang: DetectionLanguage } | undefined {
  const text = neutraliseLookAlikes(prose);
  const terse = TERSE.exec(text) ?? [...text.matchAll(TERSE_SENTENCE)].find((m) => !isGuarded(text, m.index ?? 0, m[0], ENGLISH));
  if (terse && !isGuarded(text, terse.index ?? 0, terse[0], ENGLISH)) {
    return { matched: terse[0].replace(/^[.!?]/, '').trim(), lang: guessLanguage(text) ?? 'en' };
  }
  for (const rules of LANGUAGES) {
    for (const pattern of rules.proposals) {
      for (const m of text.matchAll(pattern)) {
        if (!isGuarded(text, m.index ?? 0, m[0], rules)) return { matched: m[0].trim(), lang: rules.lang };
      }
    }
  }
  return undefined;
}

// =================================================================================================
// Calendar and meeting apps
// =================================================================================================

const CALENDAR_APPS: { pattern: RegExp; provider: string }[] = [
  { pattern: /google calendar|gcal/i, provider: 'Google Calendar' },
  { pattern: /outlook/i, provider: 'Outlook Calendar' },
  { pattern: /calendly/i, provider: 'Calendly' },
  { pattern: /\bzoom\b/i, provider: 'Zoom' },
  { pattern: /microsoft teams|^teams$/i, provider: 'Microsoft Teams' },
  { pattern: /webex/i, provider: 'Webex' },
  { pattern: /calendar/i, provider: 'Calendar' },
];

// Apps also post cancellations, reminders, "meeting ended" and recordings: none of those is a new call.
const CALENDAR_NOISE =
  /\b(?:cancel\w*|declined|ended|has ended|recording|recordings|transcript|summary|reminder|deleted|removed|rescheduled|no longer|starts in|starting in|cancelad[oa]|abgesagt|annulee?)\b/;
const CALENDAR_ANNOUNCEMENT =
  /\b(?:invitation|invited|invites? you|new event|event scheduled|new meeting|scheduled|has started|started|starting now|join (?:the )?(?:meeting|call|zoom|now)|join with|new booking|booked|event created|einladung|invitacion|convite)\b/;

function detectCalendarApp(msg: MessageForDetection): Detection | undefined {
  const app = CALENDAR_APPS.find((a) => a.pattern.test(msg.appName ?? ''));
  if (!app) return undefined;
  const all = [msg.text, ...(msg.attachmentsText ?? []), ...(msg.blocksText ?? [])].join('\n');
  const norm = normalizeSlackText(all);
  if (CALENDAR_NOISE.test(norm.prose)) return NO;
  const announcement = CALENDAR_ANNOUNCEMENT.exec(norm.prose);
  const link = findMeetingLink(norm);
  if (!announcement && !link) return NO;
  return {
    isProposal: true,
    reason: 'calendar_app',
    matched: announcement?.[0] ?? link?.url,
    provider: app.provider,
    language: guessLanguage(norm.prose),
  };
}

// =================================================================================================
// Language guess (for link-only messages; phrase matches know their language)
// =================================================================================================

const STOPWORDS: Record<DetectionLanguage, Set<string>> = {
  en: new Set('the a an to and is you we for on this that it can let\'s lets i\'ll here join anyone me my if'.split(' ')),
  es: new Set('el la los las de que y en para por con te una un es aqui puedes nos'.split(' ')),
  de: new Set('der die das und ich du wir ist nicht mit fur hier ein eine uns dir kurz'.split(' ')),
  fr: new Set('le la les de et un une pour est on je tu ici moi vous avec des'.split(' ')),
  pt: new Set('o a os de que e do da em um uma para pra com voce vc aqui segue'.split(' ')),
};

export function guessLanguage(normalized: string): DetectionLanguage | undefined {
  const words = normalized.split(/[^a-z']+/).filter(Boolean);
  let best: DetectionLanguage | undefined;
  let bestScore = 0;
  let tie = false;
  for (const lang of Object.keys(STOPWORDS) as DetectionLanguage[]) {
    const score = words.filter((w) => STOPWORDS[lang].has(w)).length;
    if (score > bestScore) {
      best = lang;
      bestScore = score;
      tie = false;
    } else if (score === bestScore && score > 0) tie = true;
  }
  return tie ? undefined : best;
}

function providerMentioned(text: string): string | undefined {
  if (/\bzoom\b/.test(text)) return 'Zoom';
  if (/\bgoogle meet|gmeet\b/.test(text)) return 'Google Meet';
  if (/\bteams\b/.test(text)) return 'Microsoft Teams';
  if (/\bwebex\b/.test(text)) return 'Webex';
  if (/\bhuddle/.test(text)) return 'Slack Huddle';
  return undefined;
}

// =================================================================================================
// Entry points
// =================================================================================================

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

/** User ids from `<@U123>` and `<@U123|name>` mentions, de-duplicated, in order of appearance. */
export function extractMentionedUserIds(text: string): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)) {
    const id = m[1];
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}
