/** Meeting links from known providers, and the context that says a link is talked about rather than offered. */
import type { NormalizedText } from './normalize';

interface LinkProvider {
  provider: string;
  pattern: RegExp;
}

// Only links that open a live room. Recording links (zoom.us/rec/…, Drive, SharePoint) never match.
export const MEETING_LINKS: LinkProvider[] = [
  { provider: 'Zoom', pattern: /\b(?:[a-z0-9-]+\.)?zoom(?:gov)?\.(?:us|com)\/(?:j|my|w|s)\/[\w.-]+/ },
  { provider: 'Google Meet', pattern: /\bmeet\.google\.com\/(?:[a-z]{3}-[a-z]{4}-[a-z]{3}|lookup\/[\w-]+)\b/ },
  { provider: 'Microsoft Teams', pattern: /\bteams\.microsoft\.com\/(?:l\/meetup-join|meet)\/|\bteams\.live\.com\/meet\// },
  { provider: 'Webex', pattern: /\b[a-z0-9-]+\.webex\.com\/(?:(?:[a-z0-9-]+\/)?(?:meet|join)\/|[a-z0-9-]+\/j\.php)/ },
  { provider: 'Whereby', pattern: /\bwhereby\.com\/(?!(?:information|user|org|pricing|blog|login|signup|about)\b)[a-z0-9][\w-]*/ },
  { provider: 'Around', pattern: /\baround\.co\/(?!(?:pricing|blog|about|download|login)\b)[a-z0-9][\w/-]*/ },
  { provider: 'Jitsi', pattern: /\bmeet\.jit\.si\/[a-z0-9][\w-]*/ },
  { provider: 'Slack Huddle', pattern: /\bapp\.slack\.com\/huddle\/[\w/]+/ },
  { provider: 'Calendly', pattern: /\bcalendly\.com\/[a-z0-9][\w-]*/ },
];

// A live-room link next to these words is being talked about, not offered ("the zoom link has
// expired", "recording of yesterday's call: …").
export const LINK_CONTEXT_GUARD =
  /\b(?:recording|recorded|rec|transcript|notes|(?:meeting )?minutes (?:from|of)|summary|expired|expires|broken|outdated|dead|doesn'?t work|not working|old link|yesterday|last week|ended|cancell?ed|grabacion|grabado|ayer|aufzeichnung|gestern|abgesagt|enregistrement|compte rendu|annulee?|gravacao|ontem|ata|cancelada)\b/;

export function findMeetingLink(norm: NormalizedText): { url: string; provider: string } | undefined {
  // Bare domains ("meet.google.com/abc-defg-hij" typed without a scheme) are in the text too.
  const candidates = [...norm.urls, ...norm.text.split(' ')];
  for (const candidate of candidates) {
    for (const { provider, pattern } of MEETING_LINKS) {
      const m = pattern.exec(candidate);
      if (m) return { url: candidate, provider };
    }
  }
  return undefined;
}
