/** Types shared by the detector's modules and its callers. */
export interface MessageForDetection {
  text: string;
  subtype?: string;
  botId?: string;
  appName?: string;
  attachmentsText?: string[];
  blocksText?: string[];
  hasHuddleRoom?: boolean;
}

export type DetectionReason = 'phrase' | 'meeting_link' | 'huddle' | 'calendar_app';
export type DetectionLanguage = 'en' | 'es' | 'de' | 'fr' | 'pt';

export interface Detection {
  isProposal: boolean;
  reason?: DetectionReason;
  matched?: string;
  provider?: string;
  language?: DetectionLanguage;
}

export const NO: Detection = { isProposal: false };
