/** English proposal phrases, negation and past-tense cues. */
import { END_OF_CLAUSE, gap, rx, type LanguageRules } from './shared';

/** English meeting nouns. Optional medium prefix: "video call", "zoom call", "teams meeting". */
export const EN_NOUN =
  '(?:(?:phone|video|voice|zoom|teams|conference|group|team|sync|google|gmeet|meet|slack|kickoff|kick-off|planning|design|quick|short|brief)\\s+)?(?:call|meeting|mtg|huddle|sync|sync-?up|zoom|google meet|gmeet|hangout|webex|facetime|1:1|1-1|1-on-1|one-on-one|catch-?up|videocall|video chat|screen ?share|meet)';
/** Named kinds of meeting, only used after an arranging verb ("schedule a post-mortem"). */
export const EN_EVENT =
  '(?:post-?mortem|retro|retrospective|all-?hands|all hands|kick-?off|brainstorm(?:ing)?(?: session)?|workshop|walk-?through|demo|review session|working session|pairing session|stand-?up|offsite|town ?hall|office hours)';
/** A meeting noun must not be the first half of a compound that is about something else. */
export const NOUN_END =
  '(?![\\w-])(?!\\s+(?:notes|minutes|recording|recordings|room|rooms|link|links|transcript|transcripts|summary|summaries|free|stack|site|log|logs|rotation|list|job|jobs|script|service|button|step|steps|task|process|error|errors|issue|issues|logic|worker|queue|template|invite to|invites to)\\b)';

/** Suggestion cues that put a proposal in motion. */
const EN_CUE =
  "(?:let'?s|lets|let us|shall we|can we|could we|should we|why don'?t we|why not|we should|we could|maybe we|wanna|want to|do you want to|would you like to|happy to|i'?d (?:like|love) to|we need to|how about|what about|maybe|perhaps|up for|down for|open to|would it help to|(?:would|wouldn'?t|might) it be (?:(?:a lot|much|way)\\s+)?(?:easier|faster|quicker|simpler|better|ok|okay|crazy|possible) to|it(?:'?d| would) (?:probably )?be (?:(?:a lot|much|way)\\s+)?(?:easier|faster|quicker|simpler) to)";

const EN_WHEN =
  '(?:today|tonight|tomorrow|tmrw|tmr|tmw|later(?: today| this week)?|this (?:morning|afternoon|evening|week|arvo)|next (?:week|mon\\w*|tue\\w*|wed\\w*|thu\\w*|fri\\w*)|(?:on\\s+)?(?:mon|tue|tues|wed|thu|thur|thurs|fri)(?:day)?|at \\d|@ ?\\d|around \\d|in (?:\\d+|a few|a couple(?: of)?|a bit|a sec|a min|an hour|half an hour)|\\d{1,2}(?::\\d\\d)?\\s*(?:am|pm)|after (?:lunch|standup|the standup|this)|before (?:standup|lunch|eod|the)|eod|asap|now|right now|soon|sometime|first thing|again)';
const EN_MEDIUM = '(?:call|zoom|video|phone|meet|google meet|teams|huddle|webex)';
const LIVE_WORD = "(?<!\\b(?:went|go|goes|going|gone|is|are|was|were|be|been|being|now|still|it'?s|its)\\s)live";
const EN_LIVE = `(?:${LIVE_WORD}(?!\\s+(?:site|env|environment|data|demo|traffic|version|server|prod|production|system|stream|feed|app|db|database|deploy|release|link))|in person|irl|f2f|face[- ]to[- ]face|quick(?:ly)?|real quick|briefly|for (?:a (?:sec|second|min|minute|moment|bit|few)|\\d+\\s*(?:m|min|mins|minutes))|over (?:a |the )?${EN_MEDIUM}|on (?:a |the )?${EN_MEDIUM}|via (?:a )?${EN_MEDIUM}|by phone)`;

export const ENGLISH: LanguageRules = {
  lang: 'en',
  proposals: [
    // "hop on a quick call", "jump on zoom", "get on a call this afternoon"
    rx(`\\b(?:hop|jump|get|hopping|jumping|getting|pop)\\s+(?:back\\s+)?(?:on|onto|in|into)\\s+(?:(?:a|an|the|my|our|your)\\s+)?${gap(2)}${EN_NOUN}${NOUN_END}`),
    // "can you hop on real quick?" — Slack idiom for joining a call, noun implied
    rx(
      `\\b(?:can|could|wanna|want to|able to)\\s+(?:you\\s+|u\\s+|we\\s+)?(?:hop|jump)\\s+on(?:\\s+(?:real\\s+)?quick(?:ly)?\\b|\\s+for\\s+a\\s+(?:sec|min|minute|bit)\\b|\\s+now\\b|${END_OF_CLAUSE})`,
    ),
    // "let's sync tomorrow at 10", "can we meet tomorrow?", "wanna huddle?", "want to pair on this?"
    rx(
      `\\b${EN_CUE}\\s+(?:just\\s+|quickly\\s+|briefly\\s+|all\\s+)?(?:sync(?:[\\s-]*up)?|meet(?:\\s+up)?|huddle|catch[\\s-]*up|zoom|facetime|pair)(?:${END_OF_CLAUSE}|\\s+(?:on|with|about|re|up)\\b|\\s+${EN_WHEN}\\b|\\s+${EN_LIVE})`,
    ),
    // "can we talk?", "let's chat live", "happy to connect tomorrow"; weak verbs need a live/time cue
    rx(`\\b${EN_CUE}\\s+(?:just\\s+)?(?:chat|talk|speak|connect)(?:${END_OF_CLAUSE}|\\s+${EN_WHEN}\\b|\\s+${EN_LIVE}|\\s+(?:it|this|that)\\s+(?:through|over|out)\\b)`),
    // "let's take this offline and talk tomorrow morning": a second verb coordinated with the cue
    rx(
      `\\b${EN_CUE}\\s+${gap(4)}and\\s+(?:then\\s+)?(?:just\\s+)?(?:chat|talk|speak|connect|sync(?:[\\s-]*up)?|meet(?:\\s+up)?|catch[\\s-]*up|huddle)(?:\\s+${EN_WHEN}\\b|\\s+${EN_LIVE}|\\s+(?:it|this|that)\\s+(?:through|over|out)\\b)`,
    ),
    // "got 5 min for a huddle?", "free for a chat at 3?", "are you around for a quick sync?"
    rx(
      `(?<!feel\\s)\\b(?:free|available|avail|around|(?:got|have|has|any)\\s+(?:a\\s+)?(?:sec|second|min|minute|moment|few min\\w*|bandwidth|time)|(?:\\d+|a few|few|a couple(?: of)?)\\s*(?:m|min|mins|minutes|sec|secs)|a (?:sec|second|min|minute|moment))\\s+(?:for|to)\\s+(?:(?:a|an|the)\\s+)?${gap(2)}(?:${EN_NOUN}|chat|talk|quick word|hop on|jump on)${NOUN_END}`,
    ),
    // "is now a good time for a call?", "how's 2pm for a quick chat?", "does tomorrow work for a sync?"
    rx(
      `\\b(?:(?:good|better|ok|okay|convenient)\\s+time|\\d{1,2}(?::\\d\\d)?\\s*(?:am|pm|h)?|today|tomorrow|tmrw|tonight|(?:mon|tues|wednes|thurs|fri)day|this (?:morning|afternoon|evening|week)|next week)\\s+(?:work\\s+|works\\s+|good\\s+|ok\\s+)?for\\s+(?:(?:a|an)\\s+)?${gap(2)}(?:${EN_NOUN}|chat)${NOUN_END}[^.!;]*\\?`,
    ),
    // "got 10 min?", "do you have a sec?": asking for someone's time, nothing else in the clause
    rx(
      `(?:^|[.!?;,]\\s*|\\s-\\s|@user\\s+)(?:hey\\s+)?(?:(?:do\\s+)?(?:you|u)\\s+)?(?:got|have)\\s+(?:(?:\\d+|a few|few|a couple(?: of)?|two|five|ten)\\s*(?:m|min|mins|minutes|sec|secs|seconds)|(?:a|an)\\s+(?:sec|second|min|minute|moment))(?:\\s+(?:today|now|later|tomorrow|this (?:morning|afternoon|week)|after (?:lunch|standup)))?\\s*\\?`,
    ),
    // "need 10 min of your time on a call", "can I steal 5 minutes over zoom"
    rx(
      `\\b(?:(?:borrow|steal|grab)\\s+(?:you\\s+for\\s+)?(?:\\d+|a few|a couple(?: of)?)\\s*(?:m|min|mins|minutes)\\s+(?:of your time\\s+|with you\\s+)?|(?:need|want|like)\\s+(?:\\d+|a few|a couple(?: of)?)\\s*(?:m|min|mins|minutes)\\s+(?:of your time|with you)\\s+)(?:on|over|via)\\s+(?:a\\s+|the\\s+)?${EN_MEDIUM}\\b`,
    ),
    // "free anytime after 2?" — an availability question
    rx(`(?<!feel\\s)\\b(?:free|available)\\s+(?:anytime|any time|(?:at|after|before|around)\\s+\\d|later today|this (?:afternoon|morning|evening))\\b[^.!;]*\\?`),
    // "let's set up a meeting", "could we schedule a meeting", "I'll set up a kickoff meeting"
    rx(
      `\\b(?:set(?:ting)?\\s*up|setup|schedul(?:e|ing)|book(?:ing)?|arrang(?:e|ing)|organi[sz](?:e|ing)|spin(?:ning)?\\s+up|kick(?:ing)?\\s+off|put(?:ting)?\\s+together)\\s+(?:(?:a|an|another|the|one|us a|you a|me a)\\s+)?${gap(2)}(?:${EN_NOUN}|${EN_EVENT})${NOUN_END}`,
    ),
    // "calling an all-hands for Friday": to call a meeting is to convene it
    rx(`\\bcall(?:ing)?\\s+(?:a|an)\\s+(?:(?:quick|short|team|emergency)\\s+)?(?:meeting|huddle|sync|${EN_EVENT})${NOUN_END}`),
    // "can you join a call with the customer at 2?", "feel free to join the huddle"
    rx(
      `\\b(?:can|could|would|wanna|want to|please|pls|come|free to|you should|mind)\\s+(?:you\\s+|u\\s+)?join(?:ing)?\\s+(?:(?:a|an|the|my|our|us in|us on|us for)\\s+)?${gap(2)}${EN_NOUN}${NOUN_END}`,
    ),
    // "I'll create a meet link and drop it here"
    rx(
      `\\b(?:create|make|generate|spin up|set up|send|drop|share|post|grab)\\s+(?:(?:a|the|my)\\s+)?(?:zoom|meet|google meet|gmeet|teams|webex|huddle|meeting|call|jitsi|whereby)\\s+link\\b`,
    ),
    // "can I grab you for 10 min after standup?"
    rx(`\\bgrab\\s+(?:you|u|ya|someone|anyone|somebody)\\s+for\\s+(?:a (?:sec|second|min|minute|few|bit|moment)|\\d+\\s*(?:m|min|mins|minutes))\\b`),
    // "I'm gonna start a huddle"
    rx(`\\bstart(?:ing)?\\s+(?:a|an)\\s+${gap(2)}${EN_NOUN}${NOUN_END}`),
    rx(
      `\\bopen(?:ing)?\\s+(?:up\\s+)?(?:a|an)\\s+(?:quick\\s+)?(?:huddle|zoom|google meet|gmeet|bridge|war room)(?=\\s*(?:[?!.,;:]|$)|\\s+(?:for|with|in|now|so|if|to|at|on|and|here|right|later|after)\\b)`,
    ),
    // "can you screen share and show me?", "could you share your screen?"
    rx(
      `\\b(?:can|could|would|will)\\s+(?:you|u)\\s+(?:(?:quickly|just|maybe)\\s+)?(?:screen ?share|share (?:your|ur|the) screen)\\b(?!\\s+(?:recording|recordings|shot|shots|capture|settings|permission|permissions|size|resolution|name|reader))`,
    ),
    // "let's do a video call", "let's have a quick chat tomorrow", "shall we do a quick zoom"
    rx(
      `\\b${EN_CUE}\\s+(?:just\\s+|maybe\\s+|quickly\\s+)?(?:have|do|get|grab|hold|run|organi[sz]e|plan|set up|setup|schedule|book|arrange)\\s+(?:(?:a|an|another|one)\\s+)?${gap(2)}(?:${EN_NOUN}|chat|quick word)${NOUN_END}`,
    ),
    // "let's grab 15 mins tomorrow to go over this", "can we find 30 minutes to walk through it"
    rx(
      `\\b${EN_CUE}\\s+(?:just\\s+)?(?:set up|setup|schedule|book|grab|find|carve out)\\s+(?:some\\s+)?(?:time|\\d+\\s*(?:m|min|mins|minutes)|an hour|half an hour)\\s+${gap(3)}(?:with|to (?:chat|talk|sync|discuss|go over|go through|walk through|review|meet|catch up|align|pair|hash)|together|tomorrow|today|this week|next week|later)\\b`,
    ),
    // "could we set some time aside tomorrow to go through the rollout?": blocking time is often solo
    // focus work, so this one needs a together-purpose, not just a day
    rx(
      `\\b${EN_CUE}\\s+(?:just\\s+)?(?:block|set aside|put aside|set|reserve)\\s+(?:some\\s+)?(?:time|\\d+\\s*(?:m|min|mins|minutes)|an hour|half an hour)\\s+(?:aside\\s+)?${gap(3)}(?:with (?:you|u|the|everyone|@user)|to (?:chat|talk|sync|discuss|go over|go through|walk through|meet|catch up|align|pair|hash)|together)\\b`,
    ),
    // "how about a call tomorrow?", "should we get the team together for a meeting?"
    rx(
      `\\b${EN_CUE}\\s+(?!(?:not|never)\\b)(?:(?!(?:add|remove|make|mock|stub|wrap|log|write|retry|cache|batch|replace|skip|avoid|record|cancel|move|reschedule|shorten|extend|drop|kill|end|leave|mute|wait|trace|instrument|keep)\\b)[a-z0-9'-]+\\s+){0,5}(?:a|an)\\s+${gap(2)}${EN_NOUN}${NOUN_END}`,
    ),
    // "I'll send an invite", "sending you a calendar invite"
    rx(
      `\\b(?:send|sending|shoot|shooting|throw|throwing|drop|dropping|fire off|put out)\\s+(?:(?:you|u|y'all|everyone|over|them|him|her|us|out)\\s+)?(?:(?:a|an|the)\\s+)?(?:(?:calendar|cal|gcal|outlook|meeting|zoom|teams|google meet|meet|quick)\\s+)?(?:invite|invitation|inv|calendar hold)\\b(?!\\s+(?:to|for)\\s+(?:the\\s+)?(?:repo|repository|doc|docs|file|figma|workspace|channel|org|organization|notion|github|drive|folder|slack|project|board|space)\\b)`,
    ),
    // "grab time with me", "book some time with us": time with someone is a meeting
    rx(`\\b(?:grab|book|find|snag|schedule|put|set up|block)\\s+(?:some\\s+|a\\s+(?:bit of\\s+)?)?time\\s+with\\s+(?:me|us|@user)\\b`),
    // "grab time on my calendar", "I'll throw something on your calendar"
    rx(
      `\\b(?:grab|book|find|put|throw|stick|pick|schedule|snag|get|add)\\s+(?:(?:some|a)\\s+)?(?:time|something|slot|a slot|a time|\\d+\\s*(?:min|mins|minutes)|(?:a|an)\\s+${gap(1)}(?:${EN_NOUN}|${EN_EVENT}))?\\s*(?:on|in|into|from|off)\\s+(?:your|my|our|his|her|their|the)\\s+(?:calendar|cal|gcal|books)\\b`,
    ),
    // "can we discuss this live?", "talk about this over a call", "sync on a call"
    rx(
      `\\b(?:discuss|talk|chat|go over|go through|walk (?:you |me |us )?through|review|hash|sort|figure|work|align|debug|run through|talk through|catch up|sync|explain|show (?:you|u|me|us))\\b(?:\\s+[a-z0-9'-]+){0,5}?\\s+(?:${LIVE_WORD}(?!\\s+(?:site|env|environment|data|demo|traffic|version|server|prod|production|system|stream|feed|app|db|database|deploy|release|link))|in person|irl|face[- ]to[- ]face|f2f|synchronously|over (?:a |the )?${gap(1)}${EN_MEDIUM}|on (?:a |the )?${gap(1)}${EN_MEDIUM}\\b|via (?:a )?${EN_MEDIUM}|in (?:a|an) ${gap(1)}(?:call|meeting|huddle))\\b`,
    ),
    // "call me when you're free", "calling you in 2 min", "mind if I ring you?"
    rx(`(?<!\\bdid\\s(?:you|u|someone|anyone)\\s)\\b(?:call|calling|ring|ringing|phone|phoning)\\s+(?:me|you|u|ya)\\b(?!\\s+(?:that|this|out|crazy|by|when you (?:said|did)))`),
    rx(`\\bgive\\s+(?:me|you|u|us|them)\\s+a\\s+(?:quick\\s+)?(?:call|ring|buzz|bell)\\b`),
    // "maybe a call would be faster?", "would a quick call help?", "I think we need a meeting"
    rx(
      `\\b(?:a|an)\\s+${gap(2)}${EN_NOUN}${NOUN_END}\\s+(?:would|might|could|may|will|should)\\s+(?:(?:be|probably|really|honestly)\\s+)*(?:(?:much|way|a lot|so much)\\s+)?(?:faster|easier|quicker|simpler|better|help|helpful|save|work|make sense|clear)`,
    ),
    rx(`\\b(?:would|might|could|will)\\s+(?:a|an)\\s+${gap(2)}${EN_NOUN}\\s+(?:help|be|work|make sense)\\b`),
    rx(`\\b(?:need|needs|want|wants|deserves|warrants)\\s+(?:a|an)\\s+${gap(2)}${EN_NOUN}${NOUN_END}`),
    rx(
      `\\b(?:face[- ]to[- ]face|f2f|in person|talking|synchronous(?:ly)?|voice)\\s+(?:would|might|could|will|is|seems)\\s+(?:be\\s+)?(?:(?:much|way|a lot|probably)\\s+)?(?:faster|easier|quicker|simpler|better)`,
    ),
    // "let's get everyone in a room on Monday"
    rx(`\\b(?:get|put|bring)\\s+(?:everyone|everybody|us|all of us|the team|y'all|folks|people|the group)\\s+(?:together\\s+)?in(?:to)?\\s+(?:a|one|the same)\\s+room\\b`),
  ],
  // Guard: the same proposal words appear in refusals ("no need to hop on a call") and in pushback
  // ("do we really need a meeting?"). "why don't we" is a suggestion, so bare "don't" is not a cue.
  negation:
    /\b(?:no need|(?:do|does|did)\s*n[o']?t (?:really )?need|do (?:we|you|i|they) (?:really |actually |even |honestly )?need|does (?:this|it|that) (?:really |actually |even )?need|(?:do|does) not need|not need|don'?t (?:think|want|have to|bother|schedule|set up|setup|book|hop|jump|call|send)|do not (?:think|want|schedule|set up|book|send)|no (?:call|meeting|huddle|sync|zoom)s?\b|without|instead of|rather than|rather not|i doubt|doubt (?:it|we|that)|let'?s not|lets not|let us not|skip|cancel\w*|avoid|no point|won'?t need|isn'?t needed|not needed|unnecessary|not necessary|no reason to|never)\b/,
  // Guard: retrospective talk about a meeting that already happened.
  past: /\b(?:yesterday|last (?:week|night|time|month|mon\w*|tue\w*|wed\w*|thu\w*|fri\w*)|earlier today|ago|already (?:had|did|set|scheduled|met|synced)|just (?:had|got off|finished|wrapped|ended)|we had|i had|was great|went well)\b/,
  abbreviations: {
    u: 'you',
    ur: 'your',
    b4: 'before',
    abt: 'about',
    w: 'with',
    wk: 'week',
    wks: 'weeks',
    nxt: 'next',
    tmrw: 'tomorrow',
    tmr: 'tomorrow',
    tmw: 'tomorrow',
    tomoz: 'tomorrow',
    '2moro': 'tomorrow',
    '2morrow': 'tomorrow',
    '2day': 'today',
    '2nite': 'tonight',
    pls: 'please',
    plz: 'please',
    thx: 'thanks',
    idk: "i don't know",
    lmk: 'let me know',
    rn: 'right now',
    hr: 'hour',
    hrs: 'hours',
    convo: 'conversation',
    mtg: 'meeting',
    mtgs: 'meetings',
    cn: 'can',
    hav: 'have',
    teh: 'the',
    shd: 'should',
    cld: 'could',
    wd: 'would',
    bc: 'because',
    cuz: 'because',
    gimme: 'give me',
    lemme: 'let me',
    gotta: 'got to',
    mo: 'moment',
    sec: 'second',
    secs: 'seconds',
  },
  keywords: [
    'meeting',
    'meetings',
    'huddle',
    'huddles',
    'calendar',
    'invite',
    'invites',
    'zoom',
    'phone',
    'tomorrow',
    'weekly',
    'standup',
    'schedule',
    'conversation',
    'sync',
    'call',
    'minutes',
    'discuss',
  ],
  lexicon: {
    DURATION: 'takes|took|runs for|lasts',
    REPORT:
      "(?:and|then) (?:i'll |will )?report back|(?:and|then) (?:i'll |will )?(?:update|circle back)|get back to (?:you|u|everyone) here|after talking|after (?:we )?(?:spoke|talked|chatting|speaking)",
    REMAIN: 'left|remaining|to go|battery|eta',
    TASK: 'check (?:the|this|that|my|our|if|whether|it)|(?:send me|can you send|shoot me)(?!\\s+(?:[a-z]+\\s+)?(?:invit\\w*|invite|inv|convite|einladung|calendar|cal|agenda))|review(?:ing)?|approve|sign off|merge|fix|look (?:at|into)|take a look|have a look|check (?:out|on)|fill(?:ing)? in|update|test|proofread|read through|get on it|jump on (?:this|that|it) (?:bug|ticket|issue)',
    SOLO: "in peace|quietly|undisturbed|focus(?: time)?|deep work|(?:set|setting|put|putting) (?:some )?time aside|set aside|heads-?down|(?:do not|don't|dont|pls don't|pls dont) (?:ping|disturb)|for myself|on my own|each on our own|to write|to clean up|to get through",
    WHENFREE2:
      'when(?:ever)? (?:they|someone|somebody|anyone|he|she|u) (?:have|has|get|gets|got|find|finds) (?:a|0|some|the) (?:sec|second|min|mins|minute|minutes|moment|chance|time)',
    WHENFREE:
      "when(?:ever)? you (?:have|get|got|find) (?:a|0|some|the) (?:sec|second|min|minute|moment|chance|bit of time|time)|when(?:ever)? you(?:'re| are) free|when you can|at your convenience|no rush|whenever suits",
    CANCEL:
      'cancel\\w*|call off|drop(?:ping)? the|skip(?:ping)? the|scrap\\w*|postpone\\w*|push(?:ed)? (?:it|the)|move(?:d)? (?:it|the)|no longer|not happening|free(?:ing)? up the slot',
    RECORD: 'record(?:ed|ing)?|recording|loom|video (?:walkthrough|message)|screencast|transcript|notes|minutes of|summary|write-?up|recap',
    WAIT: "give me (?:a|0|five|ten|two)|gimme|bear with me|hang on|hold on|one sec|just a sec|back in|brb|be right back|i'?ll (?:send|share|post|write|ping|get back)",
    THANKS: 'thanks|thank you|thx|ty|appreciate|cheers|great (?:chat|call|meeting|session)|good (?:chat|call|meeting|session)|was (?:great|useful|helpful|productive)',
    QINFO:
      'who|what|which|where|how (?:do|does|did|many|much|long|come)|does anyone know|anyone know|is there|are there|do you know (?:if|whether|where|what|how)|any idea|is it (?:possible|true) that|did (?:you|anyone|someone)',
    ROOM: 'rooms?|boardroom|conference room|meeting room|war room',
    SCREEN: 'screen|screens|screenshare|share (?:my|your|ur) screen|see it|show (?:you|me)|whiteboard|over my shoulder',
    TOGETHER: "together|all of us|everyone|the whole team|you and me|you and i|both of us|as a group|y'all",
    MEET: 'calls?|meetings?|mtgs?|huddles?|huddling|sync(?:-?ups?|s)?|zoom|zooms|g ?meet|google meet|meet|webex|hangouts?|facetime|0:0s?|0-0s?|one-on-ones?|catch-?ups?|check-?ins?|stand-?ups?|convo|conversation|screen ?share|video|conf(?:erence)? call|kick-?off|walk-?through|working session|office hours|war room|bridge|con-?call|natter|chinwag|a word|(?:quick|short) one|standup|session|workshop|review|retro|1-1|one on one|face ?time|bridge line',
    CALLV:
      'call(?:ing)? (?:me|you|u|ya|him|her|them)|ring(?:ing)? (?:me|you|u)|phone (?:me|you)|give (?:me|you|u) a (?:call|ring|buzz)|dial(?:ing)? in|buzz me|(?:teams|zoom|webex|slack|facetime|skype|ping) (?:you|u|me)|give (?:you|u|me) a (?:shout|bell|tinkle)|phone (?:them|him|her)|ring (?:them|him|her)|call (?:the|our|their) (?:vendor|client|customer|supplier)',
    TALK: 'talk(?:ing)?|chat(?:ting)?|speak|discuss(?:ing)?|go over|go through|walk (?:you|me|us) through|hash (?:it|this|that) out|pair(?:ing)?|catch up|align|connect|brainstorm|whiteboard|talk it through|talk through|run (?:you|me|it) through|walk through|explain|show (?:you|me|u)|look at (?:it|this) together|go over it|natter|jaw|have a word|talk (?:you|u) through|show you|walk you through|hear (?:you|your take)|say this|conversation|chat about',
    JOIN: 'hop(?:ping)? (?:on|in|into|onto)|jump(?:ing)? (?:on|in|into|onto)|get (?:on|onto) (?:a|the)|pop (?:in|into|on)|join(?:ing)?|swing by|drop in|come (?:join|in|by)|pull (?:xuser|\\w+) in(?:to)?|loop (?:xuser|\\w+) in|bring (?:xuser|\\w+) in(?:to)?|get (?:xuser|\\w+) on|grab (?:you|u|xuser|\\w+) for|started a|starting a|opened a|open(?:ing)? a',
    TIME: '0 ?(?:m|min|mins|minutes?|secs?|seconds?|hours?|hrs?)|a (?:sec|second|min|minute|moment|bit)|(?:a )?few (?:min|mins|minutes)|half an hour|an hour|some time|bandwidth|got 0|have 0|a mo|a tick|a jiffy|a couple (?:of )?(?:min|mins|minutes)|two mins|five mins|ten mins|0ish|ten minutes|five minutes|twenty minutes|half hour',
    WHEN: 'today|tonight|tomorrow|tmrw|tmr|tmw|now|rn|right now|later|soon|asap|this (?:morning|afternoon|arvo|evening|week)|next (?:week|mon\\w*|tue\\w*|wed\\w*|thu\\w*|fri\\w*)|(?:mon|tue|tues|wed|thu|thur|thurs|fri)(?:day)?|at 0|@ ?0|0 ?(?:am|pm)|0:0|after (?:lunch|standup|the standup|the demo|this)|before (?:the|standup|lunch|eod)|eod|eow|end of day|first thing|in 0',
    CAL: "calendars?|cal|gcal|outlook|invites?|invitation|inv|(?:a|calendar) hold|slots?|book(?:ing|ed)?|schedul\\w*|calendly|availability|block (?:time|off|some)|diary|reserved?|reserving|booked|put (?:something|time|a slot|it) (?:in|on)|hold for|sent (?:you )?an? (?:invite|inv)|calendar invite|meeting request|agenda|calendar(?:'s| is) (?:open|free|up to date)|time with (?:me|us|you|xuser)",
    RECUR:
      'weekly|biweekly|bi-weekly|fortnightly|daily|monthly|standing|recurring|regular|every (?:week|day|monday|tuesday|wednesday|thursday|friday|morning|other week|sprint)|cadence|each week|(?:a )?(?:weekly|monthly|fortnightly) thing|twice a week|once a week|every other|standing (?:meeting|call|sync)',
    SUGGEST:
      "(?:it'?d|it would|would) be (?:good|great|nice|worth) to|we should (?:get|grab|have|do)|who(?:'s| is) in|who can make it|who wants in|anyone up for it|let'?s|let us|shall we|can we|could we|should we|can you|could you|can u|wanna|want to|do you want|would you|how about|what about|why don'?t we|why not|maybe we|we should|we need to|up for|down for|open to|are you (?:free|around|available)|you free|u free|free for|available for|around for|any chance|mind if|would it help|happy to|i'?d love to|proposing|propose|suggest",
    VOICE:
      'real-?time|live|voice|phone|by phone|over the phone|in person|irl|f2f|face to face|face-to-face|verbally|out loud|synchronously|real quick|in real time|voice note|talk,? not type|out loud|verbal|by voice|hear|offline|take (?:this|it) offline|out loud|aloud|say (?:it|this)|(?:swing|come|pop) by (?:your|my) desk|at your desk|over (?:a )?coffee|grab a coffee|voice (?:this|it)',
    EASY: 'more productive|more efficient|easier|faster|quicker|simpler|more efficient|way better|much better|save (?:us )?time|than (?:typing|writing|slack|this thread|going back)|back and forth|going in circles|long thread|more productive|clearer|much clearer|than typing|than text|too much typing|doing it justice|not working in writing|lost in the details|talking past each other|going round in circles|(?:going|go|went) (?:round|around) in circles|tone (?:is|gets) (?:getting )?lost|talking past|deserves more than|save us|would save|clear (?:this|it) up|quicker than|faster than|easier than|than (?:describing|explaining|writing|comments|docs)',
    OTHER3: 'with xuser|with (?:the )?(?:team|vendor|client|customer|design|legal|data team|group|them|him|her)|loop (?:in|xuser)|bring in|include|pull in',
    ASYNC: 'channel|async|asynchronous|in writing|write (?:it )?up|writeup|in the doc|doc|docs|thread|loom|ticket|comment|jira|notion|email',
    TECH: 'api|apis|endpoint|function|method|deploy|build|repo|branch|pr|commit|query|stack|sdk|server|db|database|webhook|lambda|callback|cron|job|tests?|ci|script|bug|logs?|prod|staging|tech debt|refactor\\w*|dependenc\\w*|migrations?|backlog|tickets?',
    BUSY: "i'?m (?:in|on) (?:a )?(?:calls?|meetings?)|in meetings|back to back|back-to-back|stuck in|ooo|out of office|heads down|focus time|dnd|(?:was|been) (?:in|on) (?:a )?(?:call|meeting)",
  },
};
