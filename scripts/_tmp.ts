import { detectMeetingProposal } from '../src/domain/meetingDetection';
import { meetingMessages, type FixtureLang } from '../test/fixtures/meetingMessages';
import { score } from './eval-deflection';
