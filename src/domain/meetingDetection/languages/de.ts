/** German proposal phrases, negation and past-tense cues (umlauts are stripped: "können" → "konnen"). */
import { gap, rx, type LanguageRules } from './shared';

const DE_NOUN =
  '(?:video-?call|videokonferenz|telefonkonferenz|telefonat|telko|anruf|call|meeting|besprechung|termin|huddle|zoom(?:-call)?|teams(?:-call|-meeting)?|abstimmung|jour fixe|gesprach)';
const DE_CUE = '(?:ko(?:e)?nnen|ko(?:e)?nnten|sollen|sollten|wollen|mu(?:e)?ssen)\\s+wir';

export const GERMAN: LanguageRules = {
  lang: 'de',
  proposals: [
    // "sollen wir uns kurz abstimmen?", "können wir uns morgen treffen?"
    rx(`\\b${DE_CUE}\\s+uns\\s+${gap(3)}(?:treffen|abstimmen|austauschen|zusammensetzen|kurzschliessen|sprechen|unterhalten|sehen)\\b`),
    // "können wir kurz telefonieren?", "wollen wir kurz huddlen?"
    rx(`\\b${DE_CUE}\\s+${gap(3)}(?:telefonieren|callen|huddlen|zoomen|quatschen)\\b`),
    // "können wir das kurz per Videocall klären?"
    rx(
      `\\b${DE_CUE}\\s+${gap(4)}(?:per|via|uber|ueber|in (?:einem|nem)|im)\\s+(?:(?:kurzen|schnellen)\\s+)?(?:videocall|video-call|call|anruf|telefon|teams|zoom|meeting|huddle|telko|video)(?:-(?:call|meeting))?(?![\\w-])`,
    ),
    // "sollen wir morgen kurz einen Call machen?", "können wir einen Termin vereinbaren?"
    rx(`\\b${DE_CUE}\\s+${gap(4)}(?:einen|ein|eine|ne|nen|n)\\s+${gap(1)}${DE_NOUN}\\s+(?:machen|ausmachen|vereinbaren|aufsetzen|einrichten|einplanen|haben|abhalten)\\b`),
    // "können wir kurz sprechen?" — weak verbs only with a "right now / soon" cue, like English "talk"
    rx(`\\b${DE_CUE}\\s+(?:(?:morgen|heute|gleich|jetzt|nachher|spater|mal)\\s+)*(?:kurz|schnell|gleich|jetzt)\\s+(?:mal\\s+)?(?:sprechen|reden|quatschen)\\b`),
    // "ich schick euch gleich den Zoom-Link"
    rx(
      '\\b(?:schick(?:e)?|send(?:e)?|poste|teile)\\s+(?:(?:dir|euch|ihnen)\\s+)?(?:gleich\\s+)?(?:(?:den|einen|nen|n)\\s+)?(?:zoom|teams|meet|meeting|call|huddle|webex)-?link\\b',
    ),
    // "lass uns kurz einen Call machen", "lasst uns einen Termin ausmachen"
    rx(`\\b(?:lass|lasst|lassen)\\s+(?:sie\\s+)?uns\\s+${gap(4)}${DE_NOUN}(?![\\w-])`),
    rx(
      `\\b(?:lass|lasst|lassen)\\s+(?:sie\\s+)?uns\\s+${gap(4)}(?:per|via|uber|ueber|in (?:einem|nem)|im)\\s+(?:(?:kurzen|schnellen)\\s+)?(?:videocall|video-call|call|anruf|telefonat|telefon|teams|zoom|meeting|huddle|telko|video)(?:-(?:call|meeting))?(?![\\w-])`,
    ),
    rx(`\\b(?:lass|lasst|lassen)\\s+(?:sie\\s+)?uns\\s+${gap(3)}(?:telefonieren|treffen|callen|huddlen|zoomen|zusammensetzen|kurzschliessen)\\b`),
    // "hast du morgen Zeit für ein kurzes Meeting?", "Zeit für einen Call?"
    rx(
      `\\b(?:(?:hast du|hattest du|habt ihr|hattet ihr|haben sie|hatten sie|bist du|seid ihr)\\s+${gap(3)})?(?:zeit|\\d+\\s*min(?:uten|s)?|(?:einen|ne|eine|ein paar)\\s+(?:moment|minute|minuten|sekunde))\\s+(?:fur|fuer|zum|zu)\\s+${gap(2)}(?:${DE_NOUN}|telefonieren|quatschen)\\b`,
    ),
    // "ich schicke dir eine Einladung"
    rx(
      '\\b(?:schick(?:e)?|send(?:e)?|schicken|senden)\\s+(?:(?:dir|euch|ihnen)\\s+)?(?:gleich\\s+)?(?:(?:eine|ne|die|n)\\s+)?(?:kalender-?|teams-?|zoom-?|meeting-?)?einladung\\b',
    ),
    // "ruf mich an", "ich ruf dich gleich an", "kann ich dich kurz anrufen?"
    rx('\\bruf(?:e|st|t)?\\s+(?:mich|dich|euch|sie|uns)\\b(?:\\s+[a-z0-9,]+){0,6}?\\s+an\\b'),
    rx(`\\b(?:kann|darf|soll)\\s+ich\\s+(?:dich|euch|sie)\\s+${gap(1)}anrufen\\b`),
    rx(`\\b(?:magst|kannst|ko(?:e)?nntest|willst|mo(?:e)?chtest|wu(?:e)?rdest|ko(?:e)?nnt|ko(?:e)?nnen)\\s+(?:du|ihr|sie)\\s+(?:mich|uns)\\s+${gap(2)}anrufen\\b`),
    // "ich lade euch zu einem kurzen Meeting ein"
    rx(`\\blade\\s+(?:dich|euch|sie)\\s+${gap(2)}(?:zu|zum|zur)\\s+${gap(2)}${DE_NOUN}(?![\\w-])`),
  ],
  // Bare "nicht" is not a cue: "können wir nicht kurz telefonieren?" is still a proposal.
  negation:
    /\b(?:kein(?:e|en|er|em)?\s+(?:[a-z]+\s+)?(?:call|calls|meeting|anruf|termin|besprechung|telefonat)|nicht (?:notig|noetig|notwendig|erforderlich)|(?:mussen|brauchen) (?:uns |wir |das )?(?:dafur |deswegen )?nicht (?:treffen|zusammensetzen|sprechen|telefonieren|reden)|ungern|lieber (?:nicht|kein\w*)|wirklich (?:einen|ein|nen) (?:termin|call|meeting)|statt|anstatt|anstelle|ohne|absag\w*|abgesagt)\b/,
  // "hier" means "here" in German, so it must never be a past cue (see the French table).
  past: /\b(?:gestern|vorhin|letzte woche|letzten (?:montag|dienstag|mittwoch|donnerstag|freitag)|hatten|hatte|war super|war gut)\b/,
  abbreviations: {
    hab: 'habe',
    vllt: 'vielleicht',
    vlt: 'vielleicht',
    heut: 'heute',
    grad: 'gerade',
    nochmal: 'noch mal',
    nen: 'einen',
    wg: 'wegen',
    morgn: 'morgen',
    telko: 'telefonkonferenz',
  },
  keywords: ['telefonieren', 'anrufen', 'besprechung', 'termin', 'einladung', 'kalender', 'schnell', 'meeting', 'treffen', 'sprechen', 'kurzer', 'telefonat'],
  lexicon: {
    DURATION: 'dauert|gedauert|braucht (?:ca |etwa |so )?0|lauft (?:ca |etwa )?0',
    REPORT: 'und (?:berichte|melde mich|geb bescheid)|nachdem wir (?:gesprochen|telefoniert)|nach dem gesprach',
    REMAIN: 'ubrig|verbleibend\\w*|akku|noch 0 (?:min|minuten|prozent)',
    TASK: 'checken|checkst|nachsehen|nachschauen|(?:schickst du mir|schick mir|schicken sie mir)(?!\\s+(?:[a-z]+\\s+)?(?:invit\\w*|invite|inv|convite|einladung|calendar|cal|agenda))|review\\w*|freigeben|freigabe|prufen|pruf|fixen|fix|kummern|anschauen|drueberschauen|druberschauen|gegenlesen|mergen|ausfullen|aktualisieren|testen|durchlesen',
    SOLO: 'in ruhe|ungestort|(?:um mich zu |zum )?konzentrieren|fokuszeit|fokus|nicht storen|fur mich|jeder fur sich|zum schreiben|zum aufraumen',
    WHENFREE2: 'wenn (?:er|sie|jemand|ihr|man) (?:mal |kurz )?(?:0 min |0 minuten |zeit|ne minute|einen moment)\\w*(?: hat| habt)?',
    WHENFREE: 'wenn du (?:mal |kurz )?(?:zeit|ne minute|einen moment) hast|wenn du dazu kommst|keine eile|wann immer du',
    CANCEL: 'absag\\w*|abgesagt|fallt aus|entfallt|streichen|gestrichen|verschieb\\w*|verschoben|storniert',
    RECORD: 'aufzeichnung|aufgezeichnet|aufnahme|nehm\\w* .{0,20}auf|video|loom|protokoll|notizen|zusammenfassung|mitschrift',
    WAIT: 'gib mir (?:0|ne|eine|kurz|fünf|zwei)|moment,? ich|bin gleich|gleich zuruck|ich schick dir (?:gleich )?(?:die|den|das)',
    THANKS: 'danke|vielen dank|merci|war (?:super|gut|hilfreich|produktiv)|gutes (?:gesprach|meeting)|hat mir .{0,20}gespart',
    QINFO: "wer|welche[rsmn]?|wie (?:viele|lange|geht|kann)|weiss jemand|weisst du ob|wisst ihr|gibt'?s|gibt es|kennt jemand|ist es moglich",
    ROOM: 'raum|konferenzraum|besprechungsraum',
    SCREEN: 'bildschirm|bildschirm teilen|screen|zeigen|live sehen|ansehen|anschauen',
    TOGETHER: 'zusammen|gemeinsam|alle|allen beteiligten|wir beide|du und ich|dem ganzen team',
    MEET: 'call|calls|meeting|meetings|anruf|telefonat|telko|besprechung|termin|huddle|zoom(?:-call)?|teams(?:-call|-meeting)?|abstimmung|jour fixe|gesprach|videocall|video-call|sync|austausch|daily|runde|telefonkonferenz|videokonferenz|besprechung|termin|workshop|gesprach|kurzgesprach|telefontermin|abstimmungstermin|videokonferenz|call|calls|runde|austausch|meeting|telko|update-meeting|standup|[a-z-]+(?:termin|gesprach|besprechung|meeting|telefonat|runde|call|konferenz)',
    CALLV:
      'anrufen|ruf (?:mich|dich|euch|sie)|rufst|rufe|telefonieren|telefonier\\w*|callen|durchklingeln|klingel\\w*|anrufen|anzurufen|rufen|ruf an|rufe an|telefoniere\\w*|telefonieren|callen|durchrufen|klingel durch|durchklingeln',
    TALK: 'sprechen|reden|quatschen|besprechen|klaren|abklaren|austauschen|abstimmen|durchgehen|unterhalten|schnacken|zusammensetzen|bereden|durchsprechen|besprechen|erklaren|zeigen|klaren|durchgehen|anschauen|reden|schnacken|red ma|reden ma|ausdiskutieren|diskutieren|durchdiskutieren|bequatschen|abstimmen',
    JOIN: 'reinspringen|reinkommen|dazukommen|beitreten|einwahlen|komm rein|kommst du|reinhupfen|hupfen|springen|dazukommen|kommt dazu|komm dazu|reinschauen|dazuholen|holen|starte (?:einen|nen|n) huddle|huddle gestartet|mach (?:einen|nen) huddle auf|aufmachen',
    TIME: '0 ?(?:m|min|minuten|minute|mins|sek|sekunden|stunden?)|kurz|kurze|kurzen|kurzer|(?:eine|ne|n) (?:minute|sekunde|moment)|ein paar minuten|zeit|halbe stunde|eine stunde|viertelstunde|kurz|kurzes|kurzen|kurzer|churz|paar minuten|ne minute|nen moment|5 minuten|halbe stunde|viertelstunde|sekunde',
    WHEN: 'heute|morgen|jetzt|gleich|nachher|spater|nachmittag|vormittag|montag|dienstag|mittwoch|donnerstag|freitag|nachste woche|diese woche|um 0|0 uhr|nach dem (?:mittag\\w*|daily|standup|lunch)|vor dem (?:release|daily|standup)|in 0',
    CAL: 'kalender|einladung|slot|blocker|gebucht|buchen|eingestellt|einstellen|outlook|terminanfrage|einladung|serie|serientermin|kalender|eintrag|eingetragen|reserviert|gebucht|geblockt|blocker|outlook|[a-z-]*einladung|terminanfrage|[a-z-]*anfrage fur|eingetragen|reingestellt|kalender ist (?:offen|frei|aktuell)',
    RECUR:
      'wochentlich\\w*|zweiwochentlich\\w*|taglich\\w*|monatlich\\w*|jede woche|jeden (?:montag|dienstag|mittwoch|donnerstag|freitag|morgen|tag)|regelmassig\\w*|jour fixe|wiederkehrend\\w*|wochentlich|alle zwei wochen|jede woche|jede wuche|jeden montag|jeden dienstag|jeden mittwoch|jeden donnerstag|jeden freitag|im monat|regelmassig|fester|festen|serie',
    SUGGEST:
      'machen wir|treffen wir uns|telefonieren wir|sprechen wir|reden wir|war(?:e)? gut|ware gut|sollten wir|wer ist dabei|wer kommt (?:mit|dazu)|wer ist am start|konnen wir|konnten wir|sollen wir|sollten wir|wollen wir|mussen wir|lass uns|lasst uns|lassen sie uns|hast du|habt ihr|haben sie|magst du|kannst du|konntest du|wie ware|ich schlage vor|schlage vor|bock auf|lust auf',
    VOICE:
      'in echtzeit|echtes gesprach|mundlich|personlich|live|telefonisch|am telefon|per telefon|per video|face to face|mundlich|telefonisch|per telefon|live|personlich|vor ort|offline|laut|an deinen platz|bei dir vorbei|auf (?:einen|nen|n) kaffee|kaffee|erzahl\\w*',
    EASY: 'produktiver|effizienter|sinnvoller|schneller|einfacher|leichter|effizienter|als (?:tippen|schreiben|hier)|hin und her|schneller|einfacher|leichter|aneinander vorbei|kommen wir nicht weiter|wird das nix|dauert ewig|schreiben dauert|zu viel hin und her|im kreis|ton geht verloren|als aufzuschreiben|als zu schreiben|leichter zu erklaren',
    OTHER3: 'mit xuser|mit (?:dem team|dem kunden|den leuten)|dazuholen|einbinden|dazunehmen',
    ASYNC: '[a-z-]*kanal|schriftlich|async\\w*|asynchron|im doc|doku|dokument|thread|ticket|kommentar|mail|hier im',
    TECH: 'api|endpoint|funktion|methode|deploy\\w*|build|repo|branch|server|datenbank|skript|script|test|prod|bug|log',
    BUSY: 'in meetings|im meeting|im call|bin (?:im|in) (?:einem )?(?:call|meeting)|termine bis|durchgetaktet|ausgebucht',
  },
};
