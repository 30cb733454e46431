/** The meeting-deflection detector's public API. Pure: no Slack SDK, no DB, no network. */
export { detectMeetingProposal } from './pipeline';
export { normalizeSlackText } from './normalize';
export type { Detection, DetectionLanguage, MessageForDetection } from './types';
