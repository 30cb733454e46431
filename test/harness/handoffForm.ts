/** The handoff form's values as Slack submits them (view_submission `state.values`), for e2e tests. */
import { HandoffModalFields as F } from '../../src/ids';

export function modalValues(v: { recipients: string[]; ask: string; title?: string; context?: string; urgent?: boolean; channel?: string }) {
  return {
    [F.recipients.block]: { [F.recipients.action]: { type: 'multi_users_select', selected_users: v.recipients } },
    [F.ask.block]: { [F.ask.action]: v.ask },
    [F.title.block]: { [F.title.action]: v.title ?? '' },
    [F.context.block]: { [F.context.action]: v.context ?? '' },
    [F.links.block]: { [F.links.action]: '' },
    [F.ifOffline.block]: { [F.ifOffline.action]: '' },
    [F.neededBy.block]: { [F.neededBy.action]: { type: 'datetimepicker', selected_date_time: null } },
    [F.channel.block]: { [F.channel.action]: { type: 'conversations_select', selected_conversation: v.channel ?? null } },
    [F.urgent.block]: { [F.urgent.action]: { type: 'checkboxes', selected_options: v.urgent ? [{ value: 'urgent' }] : [] } },
  };
}
