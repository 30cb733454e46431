/**
 * One-off: converts test/fixtures/meetingMessages.ts (the TS fixture) into the corpus JSONL format
 * under test/fixtures/deflection/legacy/, one file per batch, with a best-effort category.
 */
import fs from 'node:fs';
import path from 'node:path';
import { meetingMessages, type LabelledMessage } from '../test/fixtures/meetingMessages';

const OUT = path.join(__dirname, '..', 'test', 'fixtures', 'deflection', 'legacy');
const WRITTEN = '2026-11-28';
const AUTHOR = 'project maintainers (legacy TS fixture)';

function category(m: LabelledMessage): string {
  const t = m.text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
  const note = (m.note ?? '').toLowerCase();
  const app = m.botId || m.subtype === 'bot_message';
  if (m.subtype === 'huddle_thread' || m.hasHuddleRoom) return 'huddle';
  if (m.subtype && m.subtype !== 'bot_message' && m.subtype !== 'thread_broadcast' && m.subtype !== 'file_share' && m.subtype !== 'me_message') return 'system';
  if (app) return m.label ? 'calendar_app' : 'bot_noise';
  if (/```|`[^`]+`|^(?:&gt;|>)|\n(?:&gt;|>)/.test(m.text) || /quot|code/.test(note)) return 'quoted_code';
  if (m.label) {
    if (/zoom\.us\/j|meet\.google|teams\.microsoft|webex|whereby|jit\.si|huddle\/|calendly|around\.co|teams\.live/.test(t)) return 'meeting_link';
    if (/implicit|feels like|easier (?:to|if)|faster (?:to|if)|would be (?:faster|easier|quicker)|face[- ]to[- ]face|in person|f2f|rather than a \d+/.test(t + ' ' + note)) return 'implicit';
    if (/weekly|every (?:week|day|monday|tuesday|wednesday|thursday|friday)|recurring|biweekly|standing|semanal|wochentlich|jeden|hebdo|toutes les semaines|semanal|todas as semanas|cada semana/.test(t)) return 'recurring';
    if (/invite|invitation|invit|calendar|calendrier|kalender|agenda|einladung|convite|convocatoria|book|slot|creneau|horario|hueco/.test(t)) return 'calendar_action';
    if (/\b(?:got|have|tienes|tenes|tem|as|hast|habt)\b.{0,20}\d+\s*(?:m|min|mins|minutes|minutos|minuten)\b|\bgrab (?:you|u)\b|\bsteal\b|\bborrow\b|\d+\s*(?:min|mins|minutes|minutos|minuten)\s*\?/.test(t)) return 'time_request';
    if (/\bwith (?:the |our )?(?:vendor|customer|client|legal|design|team|<@|priya)|\bcon (?:el|la) |\bmit (?:dem|der) |\bavec (?:le|la|l') |\bcom (?:o|a) /.test(t)) return 'third_person';
    if (/^(?:<@[^>]+>\s*)*(?:[a-z]+\s+){0,3}(?:call|huddle|sync|zoom|meeting|mtg|llamada|reunion|anruf|call|appel|visio|reuniao|ligacao|chamada)\b[^.!]{0,30}\?$/.test(t.trim())) return 'bare_question';
    if (/\b(?:hop|jump|get|pop)\s+(?:on|onto|in)\b|\bcall me\b|\bring\b|llam|ligo|ligar|liga\b|appell|anruf|telefonier|ruf\b/.test(t)) return 'call_verb';
    if (/\b(?:live|over a call|on a call|de vive voix|per (?:video)?call|por (?:zoom|telefono|video)|en visio|talk|chat|discuss|hablar|sprechen|parler|conversar|falar)\b/.test(t)) return 'talk_live';
    return 'scheduling';
  }
  if (/good call|great call|tough call|close call|bad call|right call|call it|make a call|call (?:this|out)|what do (?:we|you) call|call me old|calling the shots|called in sick|nice to meet|nice meeting|meet the|meet our|meeting our|meet the sla|cumplir|einhalten|respecter|cumprir|deadline|kennenzulernen|rencontrer|conocerte|conhecer|decision|decisao|entscheidung|cold call|judgment call|your call|could have been an email/.test(t)) return 'idiom';
  if (/on[- ]call|de guardia|bereitschaft|d'astreinte|de plantao|rufbereitschaft|astreinte|plantao/.test(t)) return 'on_call';
  if (/\bapi\b|endpoint|function|funcion|funktion|fonction|funcao|metodo|methode|method|caller|calls to|call to|call routing|call is expensive|retry the call|aufgerufen|ruft diese|se llama|s'appelle|se chama|chama essa|llama al|appelee|chamado|stack|webhook|mock|repo|database|\bdb\b|zoom (?:in|out|level)|sync (?:job|the)|synced|sdk|`|figma|integration|component|flags/.test(t)) return 'tech';
  if (/cancel|abgesagt|annul|cancelad|desmarc|skip/.test(t)) return 'cancellation';
  if (/in meetings|back-to-back|en reunion|em reuniao|in meetings|reuniones todo|stuck in|was in a call|will reply|respondo|antworte/.test(t)) return 'busy_status';
  if (/thanks (?:for|everyone)|merci pour|gracias por|danke|valeu|obrigado|good meeting|acabo de|acabei|hatte gerade|j'ai eu|se corto|caiu|war gut|zu lange/.test(t)) return 'past';
  if (/recording|notes|summary|minutes|grabacion|aufzeichnung|enregistrement|gravacao|notas|protokoll|compte rendu|ata\b|resumen|expired|broken/.test(t)) return 'notes_recording';
  if (/no need|don'?t need|instead|rather|let'?s not|without|no hace falta|sin |en vez|kein|nicht notig|ohne|statt|pas besoin|sans |au lieu|nao precisa|sem |em vez|async|in the thread|in writing/.test(t)) return 'negation';
  if (/yesterday|last week|earlier|just got off|we had|went well|missed|was great|was helpful|ayer|gestern|hier|ontem|tuvimos|hatten|tivemos|semana pasada|letzte woche|semaine derniere|semana passada|discussed/.test(t)) return 'past';
  return 'meeting_mention';
}

const byBatch = new Map<string, object[]>();
const counters = new Map<string, number>();
for (const m of meetingMessages) {
  const batch = m.split ?? 'dev';
  const n = (counters.get(batch) ?? 0) + 1;
  counters.set(batch, n);
  const rec = {
    id: `legacy-${batch}-${String(n).padStart(3, '0')}`,
    text: m.text,
    label: m.label,
    lang: m.lang,
    category: category(m),
    batch,
    author: AUTHOR,
    written: WRITTEN,
    ...(m.note ? { note: m.note } : {}),
    ...(m.subtype ? { subtype: m.subtype } : {}),
    ...(m.botId ? { botId: m.botId } : {}),
    ...(m.appName ? { appName: m.appName } : {}),
    ...(m.attachmentsText ? { attachmentsText: m.attachmentsText } : {}),
    ...(m.blocksText ? { blocksText: m.blocksText } : {}),
    ...(m.hasHuddleRoom ? { hasHuddleRoom: true } : {}),
  };
  const list = byBatch.get(batch) ?? [];
  list.push(rec);
  byBatch.set(batch, list);
}
fs.mkdirSync(OUT, { recursive: true });
for (const [batch, list] of byBatch) {
  fs.writeFileSync(path.join(OUT, `${batch}.jsonl`), list.map((r) => JSON.stringify(r)).join('\n') + '\n');
  console.log(batch, list.length);
}
