/** What every listener needs, built once in app.ts and handed to each register function. */
import type { WebClient } from '@slack/web-api';
import type { Db } from '../db/client';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Config } from '../config';
import type { People } from '../services/people';
import type { HandoffService } from '../services/handoffs';
import type { HomeService } from '../services/home';
import type { SettingsService } from '../services/settings';
import type { DeflectionService } from '../services/deflection';
import type { SlackIdentity } from '../slack/identity';

export interface ListenerDeps {
  db: Db;
  client: WebClient;
  clock: Clock;
  logger: Logger;
  config: Config;
  /** The bot's ids and the workspace URL, from auth.test. */
  identity: SlackIdentity;
  people: People;
  handoffs: HandoffService;
  home: HomeService;
  settings: SettingsService;
  deflection: DeflectionService;
}

/** Slack sends the team in different places depending on the payload; enterprise installs use `user.team_id`. */
export function teamIdOf(body: { team_id?: string; team?: { id?: string } | null; user?: { team_id?: string } }): string {
  return body.team?.id ?? body.team_id ?? body.user?.team_id ?? 'unknown';
}

/** Races a promise against a deadline, for work that must finish inside Slack's 3-second window. */
export async function withDeadline<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
