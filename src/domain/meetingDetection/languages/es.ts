/** Spanish proposal phrases, negation and past-tense cues (matched on accent-free text). */
import { END_OF_CLAUSE, gap, rx, type LanguageRules } from './shared';

const ES_NOUN = '(?:video\\s*llamada|llamadita|llamada|reunioncita|reunion|reu|junta|meet|call|zoom|meeting|videoconferencia|sesion|charla|huddle)';
const ES_ART = '(?:(?:una|un|la|el|otra|alguna)\\s+)?';
const ES_WHEN =
  '(?:manana|hoy|ahora|luego|mas tarde|esta (?:tarde|manana|semana)|la (?:semana|proxima)|el (?:lunes|martes|miercoles|jueves|viernes)|a las \\d|en \\d+|en un rato|un rato|rapido|un momento)';

export const SPANISH: LanguageRules = {
  lang: 'es',
  proposals: [
    // "¿hacemos una llamada rápida?", "agendemos una reunión", "podemos tener una reunión mañana?"
    rx(
      `\\b(?:hacemos|hagamos|tenemos|tengamos|agendemos|agendamos|programemos|programamos|organicemos|organizamos|armemos|armamos|coordinemos|coordinamos|montemos|montamos|(?:podemos|podriamos|vamos a|quieres|quieren|queres|te parece|les parece|deberiamos|necesitamos|hay que|que tal si|y si|puedes|pueden|se puede)\\s+(?:hacer|tener|agendar|programar|organizar|armar|coordinar|montar|marcar)|que tal|te (?:viene|va) bien|les (?:viene|va) bien|te sirve|te late)\\s+${ES_ART}${gap(2)}${ES_NOUN}\\b`,
    ),
    // "¿tienes 5 minutos para una llamada?", "¿estás libre para una llamada?"
    rx(
      `\\b(?:tienes|tenes|tiene|tienen|tendrias|hay|estas libre|estas disponible|estan libres|libre|disponible)\\s+${gap(2)}(?:(?:\\d+\\s*(?:min|mins|minutos)|un (?:momento|minuto|minutito|rato|segundo)|tiempo)\\s+)?(?:para|pa)\\s+${ES_ART}${gap(2)}${ES_NOUN}\\b`,
    ),
    // "te llamo en 5", "llámame cuando puedas"
    rx('\\b(?:te llamo|te llamamos|llamame|llamanos|me llamas|me puedes llamar|puedo llamarte|te marco|marcame|te hago una llamada|me marcas)\\b'),
    // "¿nos conectamos por zoom?", "lo hablamos por teléfono"
    rx(
      `\\b(?:nos conectamos|conectemos|nos vemos|nos juntamos|juntemonos|nos reunimos|reunamos|reunamonos|podemos reunirnos|podemos vernos|podemos juntarnos|podemos conectarnos|hablamos|hablemos|lo hablamos|lo vemos|charlamos|charlemos|platicamos|platiquemos)\\s+${gap(3)}(?:por|en|via|mediante)\\s+(?:(?:una|un|el|la)\\s+)?(?:zoom|meet|teams|videollamada|video\\s*llamada|llamada|telefono|video|huddle|slack|persona|vivo|reunion|reu|call|junta)\\b`,
    ),
    // "¿nos reunimos mañana a las 10?"
    rx(
      `\\b(?:nos reunimos|reunamonos|nos vemos|nos juntamos|juntemonos|podemos reunirnos|podemos vernos|nos conectamos|podemos juntarnos|podemos conectarnos|nos llamamos)(?:${END_OF_CLAUSE}|\\s+${ES_WHEN}\\b)`,
    ),
    // "podemos hablarlo en una llamada?"
    rx(
      `\\b(?:hablar(?:lo)?|verlo|discutir(?:lo)?|comentar(?:lo)?|revisar(?:lo)?|charlar(?:lo)?|platicar(?:lo)?)\\s+${gap(2)}(?:en|por)\\s+(?:(?:una|un)\\s+)?(?:llamada|videollamada|reunion|zoom|meet|teams|persona|vivo|directo|call)\\b`,
    ),
    // "¿puedes unirte a una llamada?", "súmate a la reunión"
    rx(`\\b(?:unirte|unete|unirse|unanse|sumate|sumarte|conectate|entra|entras)\\s+(?:a|al)\\s+(?:(?:la|una|el|un|mi)\\s+)?${gap(1)}${ES_NOUN}\\b`),
    // "te mando una invitación"
    rx(
      '\\b(?:mando|envio|paso|mandare|enviare|mandamos|enviamos|comparto)\\s+(?:(?:una|la|el)\\s+)?(?:invitacion|invite|invi|convocatoria)\\b(?!\\s+(?:al|a la) (?:repo|doc|documento|canal|workspace|carpeta|drive|figma|notion)\\b)',
    ),
  ],
  negation:
    /\b(?:sin necesidad|sin (?:(?:una|un|la|el)\s+)?(?:llamada|reunion|call|meet)|no hace falta|prefiero no|mejor no|evit\w*|no creo que (?:haga falta|sea necesari\w*|necesitemos)|no es necesari|no necesitamos|no hay que|no hagamos|no tengamos|en lugar de|en vez de|cancel\w*|ningun\w*)\b/,
  past: /\b(?:ayer|anoche|la semana pasada|hace (?:un|una|\d+|unos|unas)|acabo de|acabamos de|ya (?:tuvimos|hicimos|hablamos)|tuvimos|hicimos|estuvo)\b/,
  abbreviations: {
    q: 'que',
    xq: 'porque',
    pq: 'porque',
    pa: 'para',
    tb: 'tambien',
    tmb: 'tambien',
    mna: 'manana',
    mnn: 'manana',
    mñn: 'manana',
    xfa: 'por favor',
    porfa: 'por favor',
    dsp: 'despues',
    dps: 'despues',
    llamda: 'llamada',
    reu: 'reunion',
  },
  keywords: ['llamada', 'llamadita', 'reunion', 'videollamada', 'invitacion', 'manana', 'rapido', 'rapida', 'semanal', 'llamame', 'hablamos', 'hablar', 'charlar'],
  lexicon: {
    DURATION: 'tarda\\w*|demora\\w*',
    REPORT: '(?:y|luego) (?:les|te) (?:cuento|aviso|comento)|despues de hablarlo|despues de hablar',
    REMAIN: '(?:me |nos )?quedan?|restantes?|bateria|falta(?:n)?',
    TASK: 'verific\\w*|chequea\\w*|checa\\w*|(?:me (?:mandas|pasas|envias)|mandame|pasame)(?!\\s+(?:[a-z]+\\s+)?(?:invit\\w*|invite|inv|convite|einladung|calendar|cal|agenda))|revis\\w*|aprob\\w*|aprueb\\w*|arregl\\w*|encargar\\w*|encargues|mirar|mira|echar un vistazo|echale un ojo|corregir|corrige|completar|rellenar|actualizar|probar|mergear',
    SOLO: 'tranquil[oa]|con calma|sin apuro|para (?:enfocarme|concentrarme|avanzar|escribir|limpiar)|no me molesten|sin interrupciones|por mi cuenta|cada uno por su lado|me bloqueo',
    WHENFREE2: 'cuando (?:tenga|tengan|alguien tenga|pueda|puedan) (?:un |0 )?(?:rato|momento|minuto|minutos|segundo|tiempo)',
    WHENFREE: 'cuando (?:tengas|puedas|tenga|pueda)(?: un (?:rato|momento|minuto|segundo))?|sin apuro|sin prisa|cuando te venga bien',
    CANCEL: 'cancel\\w*|suspend\\w*|se cae|se cayo|anul\\w*|pospon\\w*|libero el|quitamos|quitar la',
    RECORD: 'graba\\w*|grabacion|video|loom|transcripcion|acta|notas|resumen|minuta',
    WAIT: 'dame (?:un|0|cinco|dos)|un momento y|ahora te (?:paso|mando|envio)|te (?:paso|mando|envio) (?:los|las|el|la)|ya vuelvo|espera un',
    THANKS: 'gracias|muchas gracias|se agradece|buena (?:llamada|reunion|charla)|estuvo (?:genial|buena|bien)|me ahorro',
    QINFO: 'quien|cual|donde|como se|cuantos|cuantas|alguien sabe|sabes si|sabeis si|saben si|hay (?:un|una|algun)|es posible que',
    ROOM: 'sala|salas|salon',
    SCREEN: 'pantalla|compartir pantalla|comparto pantalla|verlo|ver en vivo',
    TOGETHER: 'juntos|juntas|todos|todo el equipo|entre todos|tu y yo|los dos',
    MEET: 'llamadas?|llamadita|videollamadas?|reunion(?:es|cita)?|reu|junta|call|meet|zoom|meeting|videoconferencia|sesion|charla|huddle|daily|sync|conversacion|call|zoom|meet|conferencia|llamadita|reunioncita|videollamada|reunion breve|charla|cafe virtual|sesion',
    CALLV:
      'te llamo|llamame|llamarte|llamarnos|me llamas|te marco|marcame|me marcas|nos llamamos|llamar|le marco|te marco|marcarle|le llamo|le llamamos|llamarle|hablarle|le marcamos|llamamos a|marcamos a',
    TALK: 'hablar\\w*|hablamos|hablemos|charlar\\w*|charlamos|charlemos|platica\\w*|conversar\\w*|conversamos|discutir\\w*|comentar\\w*|verlo|lo vemos|repasar|alinear\\w*|coordinar|explicar\\w*|mostrar\\w*|revisarlo|lo revisamos|lo platicamos|platicamos|charlita|aclarar\\w*|cuadrar|repasamos|ver juntos|lo vemos juntos|sacamos',
    JOIN: 'unirte|unete|sumate|sumarte|entras|entrar|conectarnos|conectamos|conectemos|metete|caete|pegamos|pegarnos|hacemos un zoom|me conecto|te conectas|abro (?:un )?huddle|abrimos|sumamos a|sumar a|meter a|traer a|entra(?:s)? al|caete',
    TIME: '0 ?(?:m|min|mins|minutos?|seg|segundos?|horas?)|un (?:rato|ratito|momento|minuto|minutito|segundo)|unos minutos|media hora|una hora|rapidito|un ratito|5 minutitos|unos minutitos|cortito|breve|rapidita|minutito',
    WHEN: 'hoy|manana|ahora|ahorita|luego|mas tarde|esta (?:tarde|manana|semana)|la (?:semana )?proxima|lunes|martes|miercoles|jueves|viernes|a las 0|0 ?h|despues de (?:comer|almorzar|la daily|la demo)|antes de (?:la|comer)|en un rato|en 0',
    CAL: 'calendario|invitacion|invite|invi|agenda\\w*|hueco|huequito|horario|convocatoria|reserva\\w*|agende|agendo|agendamos|te agende|aparte|reserve|reservado|invitacion|convocatoria|evento|google calendar|te reenvio|la invitacion|bloque|agenda (?:esta )?(?:libre|abierta)|calendario (?:esta )?(?:libre|abierto)',
    RECUR:
      'semanal\\w*|quincenal|mensual|diaria|cada (?:semana|lunes|martes|miercoles|jueves|viernes|manana|dia|sprint)|todos los (?:lunes|martes|miercoles|jueves|viernes|dias)|recurrente|periodic\\w*|semanalmente|cada quince dias|cada dos semanas|todas las semanas|una vez por semana|fija|periodica',
    SUGGEST:
      'estaria (?:bueno|bien)|seria (?:bueno|ideal)|habria que|deberiamos|quien se (?:suma|apunta|prende|anota)|podemos|podriamos|hacemos|hagamos|vamos|armamos|armemos|tenemos|tengamos|agendamos|agendemos|te parece|les parece|que tal|y si|quieres|queres|quieren|puedes|podes|tenes|tienes|te (?:viene|va) bien|propongo|deberiamos',
    VOICE:
      'en tiempo real|en persona|en vivo|en directo|por telefono|al telefono|por tel|de viva voz|hablando|cara a cara|de voz|por voz|audio|hablarlo|hablandolo|de palabra|fuera del canal|en voz alta|paso por tu (?:escritorio|mesa|lugar)|un cafe|cafecito|de viva voz|contartelo|te lo cuento',
    EASY: 'mas productivo|mas eficiente|mas rapido|mas facil|mas sencillo|mas agil|que por escrito|que por aca|que por aqui|ida y vuelta|mas claro|mas productivo|por chat no|por texto no|no nos vamos a entender|no hay manera|se explica mejor|mejor lo hablamos|mejor hablar|dando vueltas|se pierde el tono|que escribirlo|que por chat|mas facil de explicar|se explica mejor',
    OTHER3: 'con xuser|con (?:el equipo|la gente|el cliente|los de)|sumar a|incluir a|invitar a',
    ASYNC: 'canal|por escrito|asincron\\w*|async|en el doc|documento|hilo|ticket|comentario|correo|mail',
    TECH: 'api|endpoint|funcion|metodo|servicio|deploy|build|repo|rama|servidor|base de datos|script|test|prod|bug|log',
    BUSY: 'estoy en (?:una )?(?:reunion|llamada)|reuniones todo|ocupad[oa]|en reunion',
  },
};
