import fc from 'fast-check';
import {
  detectMeetingProposal,
  normalizeSlackText,
  type MessageForDetection,
} from '../../src/domain/meetingDetection';
import { mentionedUserIds } from '../../src/domain/slackText';
import { LEGACY_DIR, readFolder, toDetectionInput } from '../../scripts/deflection/corpus';

// The original labelled set, now in the JSONL corpus format (test/fixtures/deflection/legacy/).
const meetingMessages = readFolder(LEGACY_DIR).map((m) => ({ ...toDetectionInput(m), lang: m.lang, label: m.label }));

const fires = (text: string, extra: Omit<MessageForDetection, 'text'> = {}): boolean =>
  detectMeetingProposal({ text, ...extra }).isProposal;

describe('labelled set', () => {
  const results = meetingMessages.map((m) => ({ m, predicted: detectMeetingProposal(m).isProposal }));
  const tp = results.filter((r) => r.predicted && r.m.label).length;
  const fp = results.filter((r) => r.predicted && !r.m.label).length;
  const fn = results.filter((r) => !r.predicted && r.m.label).length;

  it('is large, balanced and covers every language', () => {
    expect(meetingMessages.length).toBeGreaterThanOrEqual(240);
    const positives = meetingMessages.filter((m) => m.label).length;
    expect(positives / meetingMessages.length).toBeGreaterThan(0.4);
    expect(positives / meetingMessages.length).toBeLessThan(0.6);
    for (const lang of ['es', 'de', 'fr', 'pt'] as const) {
      const subset = meetingMessages.filter((m) => m.lang === lang);
      expect(subset.length).toBeGreaterThanOrEqual(20);
      expect(subset.some((m) => m.label)).toBe(true);
      expect(subset.some((m) => !m.label)).toBe(true);
    }
  });

  it('reaches precision >= 0.95 and recall >= 0.85', () => {
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.85);
  });
});

describe('proposals in words', () => {
  it.each([
    'can we hop on a quick call?',
    "let's sync tomorrow at 10",
    'got 5 min for a huddle?',
    "I'll send an invite",
    'can we discuss this live?',
    'grab time on your calendar',
    "let's jump on zoom",
    'free for a chat at 3?',
    "let's set up a meeting",
    "call me when you're free",
    'why don\'t we just hop on a call?',
  ])('EN: %s', (text) => {
    expect(detectMeetingProposal({ text })).toMatchObject({ isProposal: true, reason: 'phrase', language: 'en' });
  });

  it.each([
    ['es', '¿hacemos una llamada rápida?'],
    ['es', 'podemos tener una reunión mañana?'],
    ['es', 'hacemos una llamada rapida?'],
    ['de', 'können wir kurz telefonieren?'],
    ['de', 'koennen wir kurz telefonieren?'],
    ['de', 'lass uns kurz einen Call machen'],
    ['fr', 'on peut faire un point en visio ?'],
    ['fr', 'dispo pour un appel rapide ?'],
    ['pt', 'bora fazer uma call rápida?'],
    ['pt', 'podemos marcar uma reunião amanhã?'],
    ['pt', 'podemos marcar uma reuniao amanha?'],
  ] as const)('%s: %s', (language, text) => {
    expect(detectMeetingProposal({ text })).toMatchObject({ isProposal: true, reason: 'phrase', language });
  });

  it('reports the medium when a phrase names one', () => {
    expect(detectMeetingProposal({ text: "let's jump on zoom" }).provider).toBe('Zoom');
  });

  it('survives Slack formatting: mentions, emoji, bold, curly apostrophes', () => {
    expect(fires('<@U024BE7LH> *can we hop on a call?* :phone:')).toBe(true);
    expect(fires('Let’s sync live on this')).toBe(true);
  });
});

describe('look-alikes do not fire', () => {
  it.each([
    'good call',
    'the API call is timing out',
    'a function call inside the loop',
    "let's call it a day",
    'the meeting yesterday was great',
    'we need to meet the deadline',
    'synced the repo',
    'no need for a call',
    "we don't need a meeting",
    'meeting is cancelled',
    'check the call stack',
    "who's on the on-call rotation?",
    'update the cold call list',
    'nice to meet you',
    'we should sync the database',
    'calling the endpoint returns 404',
    'great conference talk',
    'thanks for the call earlier',
    'sorry I missed the meeting',
    "Notes from today's meeting are in the doc",
    'what do you call a meeting that could have been an email?',
    'do we really need a meeting for this?',
    "the 'Schedule meeting' button is misaligned",
    "let's sync with upstream before tagging",
    'sync at 10 failed again',
  ])('%s', (text) => {
    expect(fires(text)).toBe(false);
  });

  it.each([
    'no need to hop on a call',
    'instead of a call, I recorded a loom',
    "rather than a meeting, let's keep it here",
    "let's not do a call, async is fine",
    "Don't schedule a meeting for this",
    'sin necesidad de llamada',
    'kein Meeting nötig',
    'pas besoin de réunion',
    'não precisa de reunião',
    'we set up a call last week to discuss it',
  ])('negation / past tense: %s', (text) => {
    expect(fires(text)).toBe(false);
  });

  it('ignores quoted lines and code', () => {
    expect(fires('&gt; can we hop on a call?\nthe customer wrote this')).toBe(false);
    expect(fires('> can we hop on a call?')).toBe(false);
    expect(fires('&gt;&gt;&gt; can we hop on a call?\nthat was their ask')).toBe(false);
    expect(fires('```can we hop on a call?```')).toBe(false);
    expect(fires('`scheduleMeeting()` is broken')).toBe(false);
    expect(fires('fix `hop_on_a_call()` then ship')).toBe(false);
    expect(fires('&gt; the PR is fine\ncan we hop on a call?')).toBe(true);
  });
});

describe('rules added after the fourth held-out batch (holdout4)', () => {
  // Each rule was added for a phrasing the held-out batch showed missing; these cases pin the rule
  // and, more importantly, the look-alikes written against it afterwards.
  it.each([
    'got 10 min? easier to explain live',
    'hey, got 5 min?',
    'do you have a sec?',
    'Would it be easier to just talk this through? I can do 3pm ET',
    'would it be easier to hop on a call?',
    "Let's take this offline and talk tomorrow morning",
    'this thread is getting long. 15 min call to unblock?',
    'Ok I read it all. quick call?',
    'can you screen share and show me where it breaks?',
    "I'm opening a huddle for anyone who wants to pair on the flaky test",
    'need 10 min of your time on a call, when works?',
    'can I steal 10 minutes over zoom?',
    'Could we set some time aside tomorrow to go through the rollout?',
    'quick call after lunch?',
    'Kurzer Huddle nach dem Mittag?',
    'Reunión rápida después de comer?',
    'Call rapidinho depois do almoço?',
    'Mejor lo hablamos en una reunión, ¿te parece el jueves?',
    '¿Montamos una reu corta con producto?',
    'Lass uns das morgen in einem kurzen Call klären',
    'lass uns das per Teams-Call klären',
    'Magst du mich kurz anrufen, wenn du Zeit hast?',
    "On s'appelle 5 min pour trancher ?",
    "Je propose qu'on fasse un point rapide demain matin",
    "Ce serait plus simple d'en discuter à l'oral",
    'on en parle de vive voix demain ?',
    'Dá pra gente fazer um alinhamento rapidinho por call?',
    'consegue me ligar agora?',
  ])('fires: %s', (text) => {
    expect(fires(text)).toBe(true);
  });

  it.each([
    'would it be easier to write it down in the doc?',
    "it'd be easier to talk to the vendor directly",
    'would it be better to connect via the API?',
    'it would be quicker to just fix it myself',
    'would it be faster to run the tests in parallel?',
    'would it be better to have a sync job for this?',
    'would it be ok to record the call?',
    "let's merge this and sync with upstream tomorrow",
    "let's ship it and talk about it in the retro",
    'I got 10 min left on my battery',
    'Need a spare monitor. Have two?',
    'How long did the build take? 10 min?',
    'do you have 10 min to review my PR? no rush',
    'I need 10 min on the call tomorrow to present the numbers',
    "I'm opening a Zoom support ticket",
    'Can you share your screen recording from the demo?',
    'Let me explain why the site went live late',
    'What tool do you use for video? Zoom?',
    'Thanks. Call at 3 still on?',
    'Thanks. Zoom broken again?',
    'Deploy went fine. Meeting room booked?',
    'we should set some time aside next week for tech debt',
    'comme on en parle, le bug est revenu',
    'lass uns das im Teams-Kanal besprechen',
    'lass uns das im Meeting-Protokoll festhalten',
    'Ele não consegue me ligar, o telefone tá sem sinal',
  ])('stays quiet: %s', (text) => {
    expect(fires(text)).toBe(false);
  });
});

describe('meeting links', () => {
  it.each([
    ['Zoom', '<https://zoom.us/j/123456789?pwd=abc|zoom.us/j/123456789>'],
    ['Zoom', '<https://us02web.zoom.us/j/85512345678>'],
    ['Google Meet', '<https://meet.google.com/abc-defg-hij>'],
    ['Google Meet', 'meet.google.com/abc-defg-hij'],
    ['Microsoft Teams', '<https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0|Join>'],
    ['Microsoft Teams', '<https://teams.live.com/meet/9876543210>'],
    ['Webex', '<https://acme.webex.com/meet/jdoe>'],
    ['Webex', '<https://acme.webex.com/join/jdoe>'],
    ['Whereby', '<https://whereby.com/handoff-team>'],
    ['Around', '<https://around.co/r/design-crit>'],
    ['Jitsi', '<https://meet.jit.si/HandoffDesignReview>'],
    ['Slack Huddle', '<https://app.slack.com/huddle/T01234567/C01234567>'],
  ])('%s: %s', (provider, link) => {
    expect(detectMeetingProposal({ text: `join here ${link}` })).toMatchObject({
      isProposal: true,
      reason: 'meeting_link',
      provider,
    });
  });

  it('keeps the URL in `matched` and in the normalised text', () => {
    const d = detectMeetingProposal({ text: 'quick call? <https://zoom.us/j/123456789?pwd=abc|Join>' });
    expect(d.matched).toBe('https://zoom.us/j/123456789?pwd=abc');
    expect(normalizeSlackText('<https://zoom.us/j/1|Join> now').text).toBe('https://zoom.us/j/1 now');
  });

  it('still fires when the invitation mentions a time in minutes', () => {
    expect(fires('starting in 5 minutes: <https://zoom.us/j/123456789>')).toBe(true);
  });

  it('does not treat recordings, dead links or refused links as invitations', () => {
    expect(fires('minutes from the sync: <https://zoom.us/j/123456789>')).toBe(false);
    expect(fires("here's the recording: <https://zoom.us/rec/share/abcDEF123|recording>")).toBe(false);
    expect(fires('this zoom link <https://zoom.us/j/987654321> has expired')).toBe(false);
    expect(fires('<https://github.com/acme/zoom-sdk/issues/12|zoom-sdk#12> needs triage')).toBe(false);
    expect(fires('no need for a call, the old link <https://meet.google.com/abc-defg-hij> is just for reference')).toBe(false);
  });
});

describe('huddles, bots and system messages', () => {
  it('fires for huddles started in the channel', () => {
    expect(detectMeetingProposal({ text: '', subtype: 'huddle_thread' })).toMatchObject({ isProposal: true, reason: 'huddle' });
    expect(detectMeetingProposal({ text: '', hasHuddleRoom: true })).toMatchObject({ isProposal: true, reason: 'huddle' });
  });

  it.each(['message_changed', 'message_deleted', 'channel_join', 'channel_topic', 'bot_message'])(
    'ignores subtype %s even with proposal text',
    (subtype) => {
      expect(fires('can we hop on a call?', { subtype })).toBe(false);
    },
  );

  it('ignores non-calendar bots', () => {
    expect(fires("Let's hop on a call", { botId: 'B1', appName: 'Standup Bot' })).toBe(false);
  });

  it('still reads person subtypes such as thread_broadcast', () => {
    expect(fires('can we hop on a call?', { subtype: 'thread_broadcast' })).toBe(true);
  });

  it.each([
    ['Google Calendar', 'Invitation: Design review @ Thu 10am', 'Google Calendar'],
    ['Outlook Calendar', 'New event: Q3 planning', 'Outlook Calendar'],
    ['Calendly', 'New Event Scheduled: 30 Minute Meeting with Jane', 'Calendly'],
    ['Zoom', 'Jane started a Zoom meeting', 'Zoom'],
    ['Microsoft Teams', 'Sam scheduled a meeting: Sprint sync', 'Microsoft Teams'],
  ])('fires for %s announcing a new event', (appName, text, provider) => {
    expect(detectMeetingProposal({ text, botId: 'B1', appName, subtype: 'bot_message' })).toMatchObject({
      isProposal: true,
      reason: 'calendar_app',
      provider,
    });
  });

  it('reads calendar content from attachments', () => {
    expect(fires('', { botId: 'B1', appName: 'Outlook Calendar', attachmentsText: ['New event: Q3 planning'] })).toBe(true);
  });

  it.each([
    'Event cancelled: Design review',
    'Reminder: Design review has been cancelled',
    'Meeting ended: Design review (45 min)',
    'Cloud recording is now available',
    'Reminder: Design review starts in 10 minutes',
  ])('ignores calendar noise: %s', (text) => {
    expect(fires(text, { botId: 'B1', appName: 'Google Calendar' })).toBe(false);
    expect(fires(text, { botId: 'B2', appName: 'Zoom' })).toBe(false);
  });
});

describe('robustness', () => {
  it('never fires for anything inside a code block', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => !fires('```' + s.replace(/`/g, '') + '```')),
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), (text, subtype) => {
        const d = detectMeetingProposal({ text, subtype });
        return typeof d.isProposal === 'boolean';
      }),
    );
  });

  it('stays fast on long messages (no catastrophic backtracking)', () => {
    const long = 'can we please maybe just talk about the thing that we want to do a '.repeat(400);
    const started = Date.now();
    detectMeetingProposal({ text: long });
    detectMeetingProposal({ text: 'a '.repeat(20000) + '?' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('extractMentionedUserIds', () => {
  it('reads plain and labelled mentions in order, de-duplicated', () => {
    expect(mentionedUserIds('<@U024BE7LH> and <@U0G9QF9C6|maria>, again <@U024BE7LH>')).toEqual([
      'U024BE7LH',
      'U0G9QF9C6',
    ]);
  });

  it('accepts enterprise W ids and ignores channels, broadcasts and user groups', () => {
    expect(mentionedUserIds('<@W123ABC> <#C024BE7LR|general> <!here> <!subteam^S123|@eng>')).toEqual(['W123ABC']);
  });

  it('returns an empty list when nobody is mentioned', () => {
    expect(mentionedUserIds('can we hop on a call?')).toEqual([]);
    expect(mentionedUserIds('')).toEqual([]);
  });
});
