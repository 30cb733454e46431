/** App Home: what is waiting on you, what you wait on, what got unblocked — never over 100 blocks. */
import type { HomeView, KnownBlock } from '@slack/types';
import { ActionIds } from '../ids';
import type { HandoffWithRecipients } from '../db/queries/handoffs';
import { LIMITS, safeMrkdwn } from './text';
import { sectionsWithinBudget } from './handoffList';
import type { CardWorkspace } from './handoffCard';

export interface AppHomeData {
  userId: string;
  now: Date;
  waitingOnYou: HandoffWithRecipients[];
  waitingOnYouTotal: number;
  youAreWaitingOn: HandoffWithRecipients[];
  youAreWaitingOnTotal: number;
  recentlyUnblocked: HandoffWithRecipients[];
  /** e.g. "Your day: 09:00–17:00 Mon–Fri, Europe/Lisbon · next digest Tue 09:00" */
  scheduleLine: string;
  /** Where each person is right now ("14:02 in Lisbon"). */
  whereIs?: (userId: string) => string | null;
  /** The workspace it is read in, and its org's other workspaces' names (cards made there say where). */
  workspace?: CardWorkspace;
  /** "Async health (last 7 days)" (views/weeklyReport.ts homeHealthBlocks); none when it could not be computed. */
  health?: KnownBlock[];
  /** Their Slack profile says workspace admin or owner: the Workspace settings button is shown (and checked again on click). */
  isAdmin?: boolean;
}

export function appHomeView(d: AppHomeData): HomeView {
  const top: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Handoff' } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: safeMrkdwn(d.scheduleLine, 2000) }] },
    {
      type: 'actions',
      elements: [
        { type: 'button', style: 'primary', text: { type: 'plain_text', text: 'New handoff' }, action_id: ActionIds.newHandoff, value: 'home' },
        { type: 'button', text: { type: 'plain_text', text: 'Settings' }, action_id: ActionIds.openSettings, value: 'home' },
        ...(d.isAdmin
          ? [{ type: 'button' as const, text: { type: 'plain_text' as const, text: 'Workspace settings' }, action_id: ActionIds.openAdminSettings, value: 'home' }]
          : []),
      ],
    },
    { type: 'divider' },
    ...(d.health ?? []),
  ];
  const card = { viewerId: d.userId, surface: 'home' as const, now: d.now, whereIs: d.whereIs, workspace: d.workspace };
  const lists = sectionsWithinBudget(
    [
      {
        title: 'Waiting on you',
        emptyText: 'Nothing is waiting on you. :tada:',
        items: d.waitingOnYou,
        extraCount: d.waitingOnYouTotal - d.waitingOnYou.length,
        card,
      },
      {
        title: 'You’re waiting on',
        emptyText: 'You aren’t waiting on anyone.',
        items: d.youAreWaitingOn,
        extraCount: d.youAreWaitingOnTotal - d.youAreWaitingOn.length,
        card,
      },
      { title: 'Recently resolved for you', emptyText: 'Nothing resolved in the last 7 days.', items: d.recentlyUnblocked, card },
    ],
    LIMITS.surfaceBlocks - top.length,
    'Use `/handoff list` or finish a few to see the rest.',
  );
  return { type: 'home', blocks: [...top, ...lists] };
}
