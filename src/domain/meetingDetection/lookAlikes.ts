/**
 * Look-alikes: uses of call/meet/sync/zoom that have nothing to do with a meeting ("good call",
 * "API call", "on-call", "meet the deadline", "zoom in"). They are rewritten to a neutral token before
 * any phrase rule runs, and the model sees that token too.
 */

// Each entry neutralises a use of call/meet/sync/zoom that has nothing to do with a meeting.
export const LOOK_ALIKES: RegExp[] = [
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
  // …but "zoom in 5?" is a call in five minutes.
  /\bzoom(?:ed|ing)?[- ](?:in|out|level|levels|factor|ratio|into)\b(?!\s+\d)/g,
  // "no-meeting week", "meeting-free"
  /\bno[- ]meetings?\b|\bmeetings?[- ]free\b/g,
  // ES/PT/FR/DE "API call": "llamada a la API", "chamada da API", "appel à l'API", "API-Aufruf"
  /\b(?:llamadas?|chamadas?|appels?)\s+(?:a|de|da|do|na|no|al|del|pour|vers)\s+(?:(?:la|el|l'|a|o|une?)\s*)?(?:api|apis|funcion|funcao|fonction|endpoint|servicio|servico|service|metodo|methode|backend|servidor|serveur)\b/g,
  /\bl'appel (?:a |de )?l'api\b/g,
];

/** Replaces every look-alike with `token` (the rules use "~"; the model sees a word it can weigh). */
export function neutraliseLookAlikes(prose: string, token = '~'): string {
  let s = prose;
  for (const re of LOOK_ALIKES) s = s.replace(re, ` ${token} `);
  return s.replace(/\s+/g, ' ').trim();
}
