/** Terse proposals that read the same in every language: "call?", "quick huddle?", "Kurzer Call um 15 Uhr?". */

/**
 * Terse proposals in any language: the whole message is a meeting noun as a question or with a
 * time ("call?", "quick huddle?", "Kurzer Call um 15 Uhr?", "huddle in 5 mins"), optionally after
 * mentions. Anchored at the start so a noun in the middle of a sentence never qualifies. "sync"
 * only counts as a question ("sync?"): "sync at 10 failed" is a cron job.
 */
const TERSE_NOUN = '(?:call|video ?call|zoom|huddle|meeting|mtg|google meet|llamada|videollamada|reunion|anruf|telefonat|telko|appel|visio|reuniao|ligacao|chamada)';
const TERSE_ADJ = '(?:quick|short|fast|brief|quik|\\d+\\s*-?\\s*min(?:ute)?s?|kurze[rsn]?|schnelle[rsn]?|petit|petite|rapid[oa]|rapide)';
/** Time words a terse proposal may end with: "quick call after lunch?", "Kurzer Huddle nach dem Mittag?". */
const TERSE_WHEN =
  '(?:rapide|rapid[oa]|rapidinh[oa]|kurz|real quick|now|today|later(?: today)?|tomorrow(?: morning)?|ahora|agora|maintenant|jetzt|gleich|heute(?: nachmittag)?|morgen(?: fruh)?|manana|amanha|demain(?: matin)?|this (?:morning|afternoon)|after (?:lunch|standup|the standup|the demo)|nach (?:dem (?:mittag(?:essen)?|daily|standup|lunch)|der mittagspause)|despues (?:de comer|del almuerzo|de la daily)|esta tarde|apres (?:le )?(?:dej|dejeuner|daily)|cet aprem|cet apres-midi|depois do almoco|hoje a tarde|mais tarde)';
export const TERSE = new RegExp(
  `^(?:[@#]\\S+\\s+)*(?:(?:${TERSE_ADJ}|un|une|una|uma|um|ein|einen|a)\\s+)?(?:sync(?=\\s*\\?)|${TERSE_NOUN})(?:\\s+${TERSE_WHEN}){0,2}\\s*(?:\\?|(?:um|at|a las|as|a|@|in|en|dans|em|vers)\\s+\\d)`,
);
/**
 * The same terse question as its own sentence later in a message ("this thread is getting long.
 * quick call?"); only as a question, and a purpose ("15 min call to unblock?") only after a
 * size word, so "Thanks. Call at 3 still on?" or "Zoom broken again?" stay quiet.
 */
export const TERSE_SENTENCE = new RegExp(
  `(?:^|[.!]\\s+|\\n)(?:[@#]\\S+\\s+)*(?:(?:${TERSE_ADJ}|a|un|une|una|uma|um|ein|einen)\\s+)?(?:sync|${TERSE_NOUN})(?:\\s+${TERSE_WHEN}){0,2}\\s*\\?` +
    `|(?:^|[.!]\\s+|\\n)(?:[@#]\\S+\\s+)*(?:a\\s+)?${TERSE_ADJ}\\s+${TERSE_NOUN}(?:\\s+${TERSE_WHEN}){0,2}\\s+(?:to|for|pra|para|pour|um|zum|zur)\\s+(?:[a-z0-9'@#-]+\\s+){0,3}[a-z0-9'@#-]+\\s*\\?`,
  'g',
);
