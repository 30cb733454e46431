/** French proposal phrases, negation and past-tense cues (matched on accent-free text). */
import { END_OF_CLAUSE, gap, rx, type LanguageRules } from './shared';

const FR_NOUN = '(?:appel(?: video)?|visio(?:conference)?|reunion|point|call|meet|zoom|teams|rdv|rendez-vous|rendez vous|huddle|conf call|creneau|sync|meeting|echange)';

export const FRENCH: LanguageRules = {
  lang: 'fr',
  proposals: [
    // "on peut faire un point en visio ?", "on se cale un créneau ?", "organisons une réunion"
    rx(
      `\\b(?:on (?:peut|pourrait) (?:se )?(?:faire|caler|organiser|avoir|prendre|planifier|programmer|fixer|bloquer)|on se (?:fait|cale|prend|programme|planifie|fixe|bloque|organise)|on (?:fait|cale|prend|organise|planifie|programme|fixe)|peut-on (?:se )?(?:faire|caler|organiser|avoir|prendre|planifier)|est[- ]ce qu'on (?:peut|pourrait) (?:se )?(?:faire|caler|organiser|avoir|prendre|planifier)|faisons|organisons|calons|planifions|prenons|fixons|programmons|je (?:te |vous )?propose|(?:je (?:te |vous )?propose|tu veux|vous voulez|il faudrait|faudrait|ce serait bien|ca serait bien) qu'on (?:se )?(?:fasse|cale|organise|prenne|planifie|programme|ait)|tu veux (?:faire|qu'on fasse|qu'on se fasse)|ca te dit|ca vous dit|je (?:te |vous )?(?:cale|organise|planifie|programme|bloque)|il faudrait (?:faire|organiser|caler)|on devrait (?:faire|organiser|caler|se faire))\\s+(?:(?:un|une|le|la|des|du|notre|ton|votre)\\s+|l')?${gap(2)}${FR_NOUN}\\b`,
    ),
    // "dispo pour un appel rapide ?", "tu as 5 min pour un call ?"
    rx(
      `\\b(?:dispo|dispos|disponible|disponibles|libre|libres|(?:as|avez|aurais|auriez)\\s+(?:\\d+\\s*min(?:utes)?|un moment|un instant|deux minutes|cinq minutes|le temps)|\\d+\\s*min(?:utes)?)\\s+(?:pour|pr)\\s+(?:(?:un|une|le|la)\\s+|l')?${gap(2)}${FR_NOUN}\\b`,
    ),
    // "est-ce qu'on peut se voir demain ?", "on s'appelle à 15h ?"
    rx(
      `\\b(?:on (?:peut|pourrait) se (?:voir|parler|capter|retrouver)|peut-on se (?:voir|parler|capter)|on se (?:voit|parle|capte|retrouve|rejoint)|on s'appelle|on s'en parle)(?:${END_OF_CLAUSE}|\\s+(?:demain|aujourd'hui|tout a l'heure|cet? (?:aprem|apres-midi|matin|semaine)|ce (?:soir|matin)|lundi|mardi|mercredi|jeudi|vendredi|(?:a|dans|vers) \\d+(?:h\\d*)?|\\d+h\\d*|\\d+\\s*min(?:utes)?|(?:deux|cinq|dix) (?:min|minutes|secondes)|vite fait|rapidement|vite|pour en parler|la semaine prochaine|maintenant|en visio|par (?:visio|tel|telephone|zoom|teams|meet))\\b)`,
    ),
    // "on en parle de vive voix demain ?", "on en discute ?" (but "comme on en parle, …" is not a proposal)
    rx(
      `\\bon en (?:parle|discute|cause)(?:\\s*\\?|\\s+(?:demain|aujourd'hui|cet? (?:aprem|apres-midi|matin|semaine)|ce (?:soir|matin)|lundi|mardi|mercredi|jeudi|vendredi|(?:a|dans|vers) \\d+(?:h\\d*)?|\\d+h\\d*|\\d+\\s*min(?:utes)?|maintenant|de vive voix|a l'oral|en visio|par (?:visio|tel|telephone|zoom|teams|meet))\\b)`,
    ),
    // "on se prend 15 minutes pour en discuter ?"
    rx(
      `\\b(?:on se (?:prend|garde|bloque|cale)|on (?:prend|bloque|cale)|prenons|bloquons|calons)\\s+(?:\\d+\\s*min(?:utes)?|un moment|une heure|une demi-heure|quelques minutes|(?:un|une) (?:petit|petite|quart d'heure)\\w*)\\s+(?:pour|ensemble|demain|cet|ce|aujourd'hui)\\b`,
    ),
    // "on peut en discuter de vive voix ?"
    rx(
      `\\b(?:en discuter|discuter|en discute|en parler|parler|en parle|voir ca|regarder ca|echanger|en causer)\\s+${gap(2)}(?:de vive voix|a l'oral|oralement|en visio|en direct|en live|par telephone|au telephone|en reunion|en call|par (?:visio|zoom|teams|meet|appel|tel))\\b`,
    ),
    // "je t'envoie une invitation"
    rx("\\b(?:envoie|envoyer|envoyons|enverrai|mets|mettre)\\s+(?:(?:une|un)\\s+|l')?(?:invitation|invit|invite|convocation)\\b"),
    // "je t'appelle dans 5 minutes", "appelle-moi" — but not "comment s'appelle ce composant"
    rx(
      "\\b(?:je t'appelle|je vous appelle|appelle[- ]moi|appelez[- ]moi|tu m'appelles|tu peux m'appeler|on (?:peut|pourrait) s'appeler|peut-on s'appeler|vous pouvez m'appeler|je peux t'appeler|je peux vous appeler|on t'appelle)\\b",
    ),
  ],
  negation:
    /\b(?:pas besoin|evit\w*|je prefere (?:pas|ne pas)|pas sur qu|pas la peine|pas necessaire|inutile|au lieu d|plutot qu|sans (?:(?:un|une|le|la)\s+)?(?:reunion|appel|call|visio)|pas de (?:reunion|call|appel|visio|point)|annul\w*)/,
  // Plain "hier" would also hit German "hier der Link", so only unambiguous forms are listed.
  past: /(?:\bd'hier\b|\bhier (?:soir|matin|apres-midi)\b|\b(?:reunion|appel|call|point|visio) hier\b|\bla semaine derniere\b|\btout a l'heure\b(?=.*\b(?:eu|fait)\b)|\b(?:j'ai|on a|nous avons|j'avais|on avait) eu\b)/,
  abbreviations: {
    qd: 'quand',
    pr: 'pour',
    ds: 'dans',
    jsuis: 'je suis',
    chuis: 'je suis',
    qqn: "quelqu'un",
    qqch: 'quelque chose',
    tjs: 'toujours',
    mtn: 'maintenant',
    bcp: 'beaucoup',
    ajd: "aujourd'hui",
    auj: "aujourd'hui",
    dem1: 'demain',
    jarrive: "j'arrive",
    lexpliquer: "l'expliquer",
    sapelle: "s'appelle",
    sappelle: "s'appelle",
    tas: "t'as",
    jai: "j'ai",
    cest: "c'est",
  },
  keywords: ['appeler', 'appelle', "s'appelle", "s'appeler", 'reunion', 'rendez-vous', 'visio', 'invitation', 'calendrier', 'rapide', 'demain', 'telephone', 'discuter'],
  lexicon: {
    DURATION: '(?:ca|il|elle) prend|a pris|ca dure|met (?:environ )?0',
    REPORT: '(?:et )?je (?:vous|te) fais un retour|je reviens vers (?:vous|toi)|apres en avoir parle|apres avoir parle',
    REMAIN: 'il (?:me |nous )?reste|restant\\w*|batterie',
    TASK: "verifi\\w*|(?:tu m'envoies|envoie-moi|tu me passes|tu peux m'envoyer)(?!\\s+(?:[a-z]+\\s+)?(?:invit\\w*|invite|inv|convite|einladung|calendar|cal|agenda))|relire|relis|relit|valider|valide|approuver|approuve|corriger|corrige|regarder|jeter un (?:oeil|coup d'oeil)|merger|remplir|mettre a jour|tester|s'occuper de|t'occuper de",
    SOLO: 'tranquille\\w*|au calme|a tete reposee|pour (?:avancer|me concentrer|ecrire|nettoyer)|ne (?:me )?derangez pas|ne pas deranger|de mon cote|chacun de son cote|chacun de notre cote|je bloque ma',
    WHENFREE2: "quand (?:il|elle|quelqu'un|on|vous) (?:a|aura|avez|aurez) (?:un moment|deux minutes|le temps|0 min\\w*)",
    WHENFREE: "quand tu (?:as|auras) (?:un moment|deux minutes|le temps|0 min)|quand tu peux|pas d'urgence|rien ne presse|a l'occasion",
    CANCEL: 'annul\\w*|saute|reporte\\w*|decale\\w*|je libere|on laisse tomber|supprim\\w*',
    RECORD: 'enregistre\\w*|enregistrement|video|loom|compte rendu|cr|notes|transcription|resume',
    WAIT: "donne-moi|laisse-moi|deux secondes|2 sec|je reviens|je t'envoie (?:les|le|la)|je te (?:renvoie|partage) (?:les|le|la)",
    THANKS: "merci|super (?:echange|appel|reunion)|c'etait (?:super|utile|top)|m'a fait gagner",
    QINFO: "quoi|quel(?:le)?s?|comment|combien|quelqu'un sait|tu sais si|vous savez si|y a-t-il|est-ce qu'il y a|il y a moyen",
    ROOM: 'salle|salles',
    SCREEN: "ecran|partage d'ecran|partager mon ecran|montrer|voir",
    TOGETHER: "ensemble|tous|toute l'equipe|tout le monde|toi et moi|nous deux",
    MEET: "appels?|visio(?:s|conference)?|reunions?|(?:un|le|petit|faire (?:un|le)) point|points? (?:rapide|hebdo|d'equipe)|call|calls|meet|zoom|teams|rdv|rendez-vous|huddle|conf|sync|meeting|echange|daily|coup de (?:fil|tel)|visio|reunion|appel|point|echange|entretien|rdv|rendez-vous|atelier|call|meet|teams|zoom|conf call|daily|sync|telephone",
    CALLV:
      "appelle|appeler|appelez|appellerai|t'appelle|m'appeler|s'appelle|s'appeler|telephoner|passer un coup|appelle|appeler|on appelle|qu'on appelle|appelons|te phone|t'appelle|coup de fil|passer un coup de fil|telephone avec",
    TALK: "parler|parle|discuter|discute|echanger|en causer|causer|voir ca|regarder ca|se voir|se capter|faire le point|debriefer|s'aligner|en discuter|discuter|echanger|parler|en parler|expliquer|montrer|clarifier|trancher|regarder ensemble|voir ensemble|jaser|jase|causer|se parler",
    JOIN: 'rejoindre|rejoins|rejoignez|se connecter|connecte-toi|viens|me connecter|te connecter|se connecter|rejoindre|viens|venez|passe|je lance|on lance|lance un|ouvert|ouvre un|embarquer',
    TIME: "0 ?(?:m|min|mins|minutes?|sec|secondes?|heures?)|un (?:moment|instant|quart d'heure)|deux minutes|cinq minutes|quelques minutes|une minute|une demi-heure|le temps|vite fait|rapide|rapidement|deux minutes|2 min|cinq minutes|cinq min|dix minutes|un quart d'heure|une demi-heure|vite fait|rapide|rapido|un instant|une seconde",
    WHEN: "aujourd'hui|demain|maintenant|tout de suite|tantot|plus tard|ce (?:matin|soir)|cet? (?:aprem|apres-midi|semaine)|lundi|mardi|mercredi|jeudi|vendredi|semaine prochaine|a 0|0 ?h|0h0|vers 0|dans 0|apres (?:le )?(?:dej|dejeuner|daily|la demo)|avant (?:la|le)",
    CAL: "calendrier|agenda|invitation|invit|invite|creneaux?|bloquer|reserver|outlook|invitation|invit|demande de rdv|creneau|agenda|calendrier|j'ai reserve|reserve|reservee|bloque|serie|ordre du jour|outlook|agenda est (?:ouvert|libre|a jour)",
    RECUR:
      'hebdo\\w*|quotidien\\w*|mensuel\\w*|chaque (?:semaine|lundi|mardi|mercredi|jeudi|vendredi|matin|jour|sprint)|tous les (?:lundis|mardis|mercredis|jeudis|vendredis|jours|matins)|recurrent\\w*|regulier\\w*|rituel|hebdomadaire|hebdo|quotidien|chaque semaine|tous les|toutes les semaines|toutes les deux semaines|regulier|recurrent|de suivi',
    SUGGEST:
      "ce serait (?:bien|top|utile)|ca serait (?:bien|top|utile)|ca vaudrait le coup|qui en est|qui est partant|qui est chaud|qui se joint|on (?:peut|pourrait|se|fait|prend|cale|organise)|peut-on|tu veux|vous voulez|ca te dit|ca vous dit|et si|je propose|je te propose|je vous propose|il faudrait|faudrait|on devrait|t'as|tu as|vous avez|t'aurais|tu aurais|dispo|disponible|libre",
    VOICE:
      "en temps reel|de vive voix|a l'oral|oral|oralement|au telephone|par telephone|par tel|en direct|en live|live|en visio|en presentiel|en vrai|en personne|telephonique|au tel|de vive voix|a l'oral|oralement|en presentiel|en vrai|en off|hors canal|a voix haute|a ton bureau|passe a ton bureau|un cafe|autour d'un cafe|de vive voix|te raconter|te l'expliquer",
    EASY: "plus productif|plus efficace|plus simple|plus rapide|plus facile|plus efficace|que par ecrit|que d'ecrire|allers-retours|aller-retour|plus efficace|plus clair|plus vite|pas tres clair par ecrit|par ecrit c'est|tourne en rond|on tourne en rond|tourne en rond|le ton se perd|qu'a l'ecrit|que l'ecrire|plus simple a expliquer",
    OTHER3: "avec xuser|avec (?:l'equipe|le client|la team)|inclure|embarquer|convier",
    ASYNC: 'par ecrit|asynchrone|async|en async|dans le doc|doc|thread|fil|ticket|commentaire|mail',
    TECH: 'api|endpoint|fonction|methode|service|deploy\\w*|build|repo|branche|serveur|base de donnees|script|test|prod|bug|log',
    BUSY: 'en reunion|en call|en rendez-vous|reunions toute|je suis pris|overbooke',
  },
};
