/**
 * The four request kinds of the ack bench, as Slack sends them: bodies built ahead of time, signed
 * just before they are due (a signature is valid for five minutes).
 */
import { stringify } from 'node:querystring';
import { SlackRequester, signRequest } from '../../test/harness/slackRequests';
import { ActionIds } from '../../src/ids';
import { CHANNEL, CLICK_USER, clickHandoffId, LIST_USER, LOAD_PEOPLE, SIGNING_SECRET, TEAM } from './world';

export const KINDS = ['create', 'list', 'click', 'proposal'] as const;
export type Kind = (typeof KINDS)[number];

/** The steady mix: mostly commands and clicks, some channel messages. */
export const STEADY_MIX: ReadonlyArray<readonly [Kind, number]> = [
  ['create', 4],
  ['list', 2],
  ['click', 3],
  ['proposal', 1],
];

export interface BenchRequest {
  body: string;
  contentType: string;
}

export interface SignedRequest extends BenchRequest {
  headers: Record<string, string>;
}

export class RequestFactory {
  private readonly slack: SlackRequester;
  private counter = 0;

  /** `fakeSlackUrl`: the fake's base URL (…/api/ stripped), so response_url posts reach it. */
  constructor(fakeSlackBase: string) {
    let n = 0;
    this.slack = new SlackRequester({
      baseUrl: 'http://127.0.0.1:1',
      signingSecret: SIGNING_SECRET,
      teamId: TEAM,
      responseUrl: () => `${fakeSlackBase}/response/${TEAM}/${++n}/bench`,
    });
  }

  build(kind: Kind): BenchRequest {
    const i = this.counter++;
    const person = LOAD_PEOPLE[i % LOAD_PEOPLE.length]!;
    switch (kind) {
      case 'create': {
        const to = LOAD_PEOPLE[(i + 1) % LOAD_PEOPLE.length]!;
        return form(this.slack.commandPayload({ userId: person, text: `<@${to}> bench ask ${i}: please review the rollout plan before Thursday` }));
      }
      case 'list':
        return form(this.slack.commandPayload({ userId: LIST_USER, text: 'list' }));
      case 'click':
        return form({ payload: JSON.stringify(this.slack.blockAction({ userId: CLICK_USER, actionId: ActionIds.acknowledge, value: String(clickHandoffId(i)) })) });
      case 'proposal': {
        const ts = `${1_700_000_000 + i}.000100`;
        const event = {
          type: 'message',
          channel: CHANNEL,
          channel_type: 'channel',
          user: person,
          text: `can we hop on a quick call about the rollout plan tomorrow <@${LOAD_PEOPLE[(i + 7) % LOAD_PEOPLE.length]}>?`,
          ts,
          event_ts: ts,
        };
        return { body: JSON.stringify(this.slack.eventCallback(event)), contentType: 'application/json' };
      }
    }
  }
}

function form(fields: Record<string, string>): BenchRequest {
  return { body: stringify(fields), contentType: 'application/x-www-form-urlencoded' };
}

export function sign(req: BenchRequest, timestampSec = Math.floor(Date.now() / 1000)): SignedRequest {
  return {
    ...req,
    headers: {
      'Content-Type': req.contentType,
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'X-Slack-Request-Timestamp': String(timestampSec),
      'X-Slack-Signature': signRequest(SIGNING_SECRET, req.body, timestampSec),
    },
  };
}
