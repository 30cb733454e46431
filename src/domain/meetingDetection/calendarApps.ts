/**
 * Calendar and meeting apps (Google Calendar, Outlook, Zoom, Teams, …) announcing a new event or a
 * started call. Their cancellations, reminders, "meeting ended" and recording notices never count.
 */
import { guessLanguage } from './language';
import { findMeetingLink } from './links';
import { normalizeSlackText } from './normalize';
import { NO, type Detection, type MessageForDetection } from './types';

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

export function detectCalendarApp(msg: MessageForDetection): Detection | undefined {
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
