/** The meeting-deflection detector's public API. Pure: no Slack SDK, no DB, no network. */
export { detectMeetingProposal } from './pipeline';
export { normalizeSlackText, type NormalizedText } from './normalize';
export { guessLanguage } from './language';
export type { Detection, DetectionLanguage, DetectionReason, MessageForDetection } from './types';
