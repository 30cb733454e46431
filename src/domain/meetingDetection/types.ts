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

export type DetectionReason = 'phrase' | 'model' | 'meeting_link' | 'huddle' | 'calendar_app';
export type DetectionLanguage = 'en' | 'es' | 'de' | 'fr' | 'pt';

export interface Detection {
  isProposal: boolean;
  reason?: DetectionReason;
  matched?: string;
  provider?: string;
  language?: DetectionLanguage;
  /** The rule that matched ("en.3", "terse", "link"), when one did. */
  rule?: string;
  /** The model's probability, for every person message that reached it (proposal or not). */
  score?: number;
  /** Why it fired, readable: the rule's words, or the n-grams that weighed most. For the prompt and logs. */
  why?: string[];
  /** The model would have fired, but a guard vetoed it ("link context": a recording, minutes, a dead link). */
  vetoedBy?: string;
}

export const NO: Detection = { isProposal: false };
