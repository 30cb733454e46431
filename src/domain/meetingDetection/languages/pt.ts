/** Portuguese proposal phrases, negation and past-tense cues (matched on accent-free text). */
import { END_OF_CLAUSE, gap, rx, type LanguageRules } from './shared';

const PT_NOUN = '(?:call|ligacaozinha|ligacao|chamada|video\\s*chamada|videochamada|reuniaozinha|reuniao|meet|zoom|teams|papo|huddle|alinhamento|daily)';

export const PORTUGUESE: LanguageRules = {
  lang: 'pt',
  proposals: [
    // "bora fazer uma call rápida?", "podemos marcar uma reunião amanhã?", "que tal uma call agora?"
    rx(
      `\\b(?:bora|vamos|vamo|podemos|poderiamos|que tal|quer|querem|topa|topam|consegue|conseguimos|da pra|da para|rola|partiu)\\s+(?:(?:fazer|marcar|agendar|ter|bater|abrir|alinhar|conversar|falar|entrar|pular|fazermos|marcarmos|agendarmos|gente|nos|um|uma|numa|num|em|por|no|na|o|a|rapidinho|rapido|so|la)\\s+){0,4}${PT_NOUN}\\b`,
    ),
    // "tem 5 min pra uma call?", "você está livre pra uma chamada?"
    rx(
      `\\b(?:tem|tens|teria|sobra|livre|livres|disponivel|disponiveis)\\s+${gap(2)}(?:(?:\\d+\\s*(?:min|mins|minutos)|um (?:minuto|minutinho|tempo|tempinho|momento)|tempo|uns minutos)\\s+)?(?:pra|para|p/)\\s+(?:(?:uma|um)\\s+)?${gap(2)}(?:${PT_NOUN}|conversar|falar|trocar (?:uma )?ideia|bater um papo)\\b`,
    ),
    // "vamos nos reunir amanhã?", "podemos conversar por vídeo?"
    rx(
      `\\b(?:vamos nos reunir|nos reunimos|podemos nos reunir|bora se reunir|vamos nos falar|nos falamos|a gente se fala|vamos conversar|podemos conversar|bora conversar|da pra conversar|podemos falar|vamos falar)\\s+${gap(2)}(?:amanha|hoje|agora|as \\d|depois|mais tarde|(?:por|via|pelo|pela|no|na|em|numa)\\s+(?:video|call|zoom|meet|teams|telefone|chamada|ligacao|huddle))\\b`,
    ),
    rx(`\\b(?:vamos nos reunir|podemos nos reunir|bora se reunir|vamos conversar|podemos conversar|bora conversar)${END_OF_CLAUSE}`),
    // "te ligo em 10 minutos", "me liga quando puder"
    rx(
      '\\b(?:te ligo|te ligamos|me liga|me ligue|liga pra mim|ligo pra (?:voce|vc|ti)|posso te ligar|(?<!\\bnao\\s)(?:pode|podes|poderia|consegue|conseguiria|da pra|da para|quer)\\s+(?:me|te)\\s+ligar|me chama (?:na|no|numa|num) (?:call|meet|zoom|teams|huddle))\\b',
    ),
    // "vou te mandar um convite"
    rx('\\b(?:mando|mandar|envio|enviar|mandando|enviando|mandamos|enviamos)\\s+(?:[a-z]+\\s+)?(?:(?:um|o|uma)\\s+)?(?:convite|invite)\\b'),
  ],
  negation:
    /\b(?:nao precisa\w*|prefiro nao|melhor nao|evit\w*|nao acho que|nao tem necessidade|sem necessidade|sem (?:(?:uma|um|a|o)\s+)?(?:call|reuniao|chamada|ligacao)|em vez de|ao inves de|no lugar de|nao vamos|nao e necessari\w*|cancel\w*|desmarc\w*)\b/,
  past: /\b(?:ontem|semana passada|acabei de|acabamos de|tivemos|fizemos|foi (?:otima|boa|otimo|bom|cancelada)|ja (?:tivemos|fizemos))\b/,
  abbreviations: {
    q: 'que',
    vc: 'voce',
    vcs: 'voces',
    pq: 'porque',
    tb: 'tambem',
    tbm: 'tambem',
    pf: 'por favor',
    pfv: 'por favor',
    pfvr: 'por favor',
    qd: 'quando',
    qdo: 'quando',
    hj: 'hoje',
    amn: 'amanha',
    dps: 'depois',
    msg: 'mensagem',
    agr: 'agora',
    mt: 'muito',
    td: 'tudo',
    blz: 'beleza',
    ta: 'esta',
    tamo: 'estamos',
  },
  keywords: ['reuniao', 'ligacao', 'chamada', 'convite', 'agenda', 'rapidinho', 'amanha', 'conversar', 'videochamada', 'ligar', 'semanal'],
  lexicon: {
    DURATION: 'leva|levou|demora\\w*',
    REPORT: '(?:e|depois) (?:te|vos|lhes) (?:conto|aviso)|e conto pra (?:voces|vcs)|depois de conversar|depois de falar',
    REMAIN: 'faltam|restam|restantes?|sobrando|bateria',
    TASK: 'verific\\w*|checa\\w*|(?:me (?:manda|passa|envia)|manda pra mim)(?!\\s+(?:[a-z]+\\s+)?(?:invit\\w*|invite|inv|convite|einladung|calendar|cal|agenda))|revis\\w*|aprovar|aprova|corrigir|corrige|dar uma olhada|olhar|mergear|preencher|atualizar|testar|cuidar d\\w*',
    SOLO: 'com calma|sossegad[oa]|tranquil[oa]|pra (?:focar|escrever|limpar|me concentrar)|para (?:focar|escrever|limpar|me concentrar)|nao me chamem|sem interrupcao|por minha conta|cada um no seu|vou bloquear minha',
    WHENFREE2: 'quando (?:alguem|ele|ela|voces|a gente) (?:tiver|puder|tiverem) (?:um |0 )?(?:tempo|tempinho|minuto|minutinho|minutos)',
    WHENFREE: 'quando (?:puder|tiver|der)(?: um (?:tempo|tempinho|minuto|minutinho))?|sem pressa|quando der',
    CANCEL: 'cancel\\w*|desmarc\\w*|adia\\w*|remarc\\w*|caiu|libera(?:r|ndo)? o horario|vamos pular',
    RECORD: 'grava\\w*|gravacao|video|loom|transcricao|ata|notas|resumo',
    WAIT: 'me da (?:um|0|cinco|dois)|peraí|perai|ja volto|ja te (?:mando|passo|envio)|te mando (?:os|as|o|a)',
    THANKS: 'obrigad[oa]|valeu|agradeco|foi (?:otim[oa]|boa|bom|util)|me poupou',
    QINFO: 'quem|qual|quais|onde|como se|quantos|quantas|alguem sabe|voce sabe se|sabe se|tem (?:como|limite|jeito)|e possivel',
    ROOM: 'sala|salas',
    SCREEN: 'tela|compartilhar tela|ver isso rodando|na tua maquina|na sua maquina|print',
    TOGETHER: 'junto|juntos|todo mundo|o time todo|a equipe toda|nos dois|eu e voce|a gente',
    MEET: 'call|calls|ligacao|ligacaozinha|ligacoes|chamada|chamadas|videochamada|video chamada|reuniao|reuniaozinha|reunioes|meet|zoom|teams|papo|papinho|huddle|alinhamento|daily|sync|conversa|conversinha|call|callzinha|ligacao|chamada|reuniao|conversa|conversinha|papo|alinhamento|daily|meet|zoom|teams|encontro|sessao',
    CALLV:
      'ligar|liga|ligo|te ligo|me liga|me ligue|ligue|ligamos|telefonar|me chama|te chamo|ligar pro|ligar para|liga pro|liga pra|ligamos|ligo pra|telefonar|chama o|chama a|chamar o|chamar a',
    TALK: 'falar|falamos|conversar|conversamos|bater (?:um )?papo|trocar (?:uma )?ideia|alinhar|discutir|ver isso|dar uma olhada|explicar|mostrar|alinhar|resolver falando|falarmos|falar sobre|conversar sobre|bater um papo|trocar uma ideia|olhar junto|ver junto|parear',
    JOIN: 'entrar|entra|entro|pular|pula|colar|cola|se juntar|participar|entrar|entra|chega|chega ai|cola|colar|pular|vou abrir|abri um|abrir um|to num|puxa o|puxa a|puxar o|juntar|chamar',
    TIME: '0 ?(?:m|min|mins|minutos?|minutinhos?|seg|segundos?|horas?)|um (?:minuto|minutinho|tempo|tempinho|momento|segundo)|uns minutos|meia hora|uma hora|rapidinho|rapidao|rapido|rapidinho|minutinho|minutinhos|5 min|um minuto|uns minutos|meia hora|rapido',
    WHEN: 'hoje|amanha|agora|ja ja|depois|mais tarde|de tarde|a tarde|de manha|segunda|terca|quarta|quinta|sexta|semana que vem|proxima semana|as 0|0 ?h|depois do almoco|antes da|daqui a|em 0',
    CAL: 'agenda|agendar|agendo|agendei|calendario|convite|invite|horario|reservar|reservei|bloquear|bloqueei|marcar|marquei|convite|agenda|agendei|agendar|marquei|marcar|evento|te adicionei|reservei|reservada|bloqueei|google agenda|calendario|agenda (?:ta|esta) (?:livre|aberta)',
    RECUR:
      'semanal\\w*|quinzenal\\w*|diari[oa]|mensal|toda (?:semana|segunda|terca|quarta|quinta|sexta|manha)|todo (?:dia|sprint)|todas as (?:semanas|segundas|tercas|quartas|quintas|sextas)|recorrente|semanal|quinzenal|quinzenais|toda semana|toda segunda|toda sexta|semanalmente|recorrente|fixa',
    SUGGEST:
      'seria (?:bom|legal|otimo|util)|valeria a pena|deveriamos|quem topa|quem ta dentro|quem vem|quem cola|bora|vamos|vamo|podemos|poderiamos|que tal|topa|topam|quer|querem|rola|da pra|da para|consegue|tem|tens|teria|proponho|sugiro|partiu',
    VOICE:
      'em tempo real|ao vivo|pessoalmente|presencial|por telefone|pelo telefone|de viva voz|falando|por voz|por video|por audio|por audio|de viva voz|ao vivo|falando|por telefone|presencialmente|fora do canal|em voz alta|passo na tua mesa|passo na sua mesa|cafe|cafezinho|de viva voz|te contar|prefiro contar',
    EASY: 'mais produtivo|mais eficiente|mais rapido|mais facil|mais simples|mais pratico|do que digitar|do que escrever|que por escrito|vai e volta|ida e volta|mais produtivo|mais rapido|mais facil|por texto nao|nos perdendo|nao estar a conseguir|nao to conseguindo explicar|andando em circulos|o tom se perde|do que escrever|mais facil explicar|mais facil de explicar',
    OTHER3: 'com xuser|com (?:o time|a equipe|o cliente|a galera)|incluir|puxar',
    ASYNC: 'por escrito|assincron\\w*|async|no doc|documento|thread|fio|por aqui|ticket|comentario|email',
    TECH: 'api|endpoint|funcao|metodo|servico|deploy|build|repo|branch|servidor|banco de dados|script|teste|prod|bug|log',
    BUSY: 'em reuniao|em call|reunioes o dia|ocupad[oa]',
  },
};
