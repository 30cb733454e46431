/** What every listener needs, built once in app.ts and handed to each register function. */
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Config } from '../config';
import type { People } from '../services/people';
import type { HandoffService } from '../services/handoffs';
import type { HomeService } from '../services/home';
import type { SettingsService } from '../services/settings';
import type { DeflectionService } from '../services/deflection';
import type { ThreadParticipants } from '../services/threadParticipants';
import type { SlackIdentity } from '../slack/identity';
import type { CardRefresher } from '../services/cardRefresh';
import type { WorkspaceService } from '../services/workspaces';
import type { AdminSettingsService } from '../services/adminSettings';

export interface ListenerDeps {
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
  /** Who is in each channel thread, noted from every message event. */
  threads: ThreadParticipants;
  cards: CardRefresher;
  workspaces: WorkspaceService;
  admin: AdminSettingsService;
}

/** Slack sends the team in different places depending on the payload; enterprise installs use `user.team_id`. */
export function teamIdOf(body: { team_id?: string; team?: { id?: string } | null; user?: { team_id?: string }; view?: { app_installed_team_id?: string } | null }): string {
  return body.team?.id ?? body.team_id ?? body.user?.team_id ?? body.view?.app_installed_team_id ?? 'unknown';
}
