/**
 * Workspace settings for workspace admins and owners (issue 16): who gets the weekly async-health
 * report, and after how many of the recipient's working days an ask is stale. The button is shown on
 * App Home only to people whose stored profile says admin; opening the form and saving it both ask
 * Slack again (users.info) — a crafted payload from anyone else, or from an admin whose rights were
 * taken away, changes nothing.
 */
import type { WebClient } from '@slack/web-api';
import type { Store } from '../db/store';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { MAX_STALE_AFTER_WORKING_DAYS, MIN_STALE_AFTER_WORKING_DAYS, staleThresholdOf } from '../domain/followThrough';
import { adminSettingsModal, adminSettingsSavedView, MAX_REPORT_RECIPIENTS, type AdminSettingsValues } from '../views/adminSettingsModal';
import { classifySlackError } from '../slack/errors';
import { isOfWorkspace, type People } from './people';

export const NOT_AN_ADMIN = 'Only workspace admins and owners can change Handoff’s workspace settings.';
const CANNOT_CHECK = 'I couldn’t check your admin rights with Slack just now, so nothing was changed. Please try again.';

export type AdminField = 'reportRecipients' | 'staleAfter';

export interface AdminSettingsInput {
  reportRecipients: string[];
  staleAfter: string | null;
}

export type AdminSaveResult = { errors: Partial<Record<AdminField, string>> } | { view: ReturnType<typeof adminSettingsSavedView> };

export class AdminSettingsService {
  constructor(
    private readonly store: Store,
    private readonly client: WebClient,
    private readonly people: People,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Asked of Slack each time; 'unknown' when Slack cannot say (then nothing is done). */
  private async isAdmin(teamId: string, userId: string): Promise<boolean | 'unknown'> {
    try {
      return await this.people.isAdminNow(teamId, userId);
    } catch (e) {
      this.logger.warn({ teamId, userId, error: classifySlackError(e).code }, 'could not check admin rights');
      return 'unknown';
    }
  }

  async values(teamId: string): Promise<AdminSettingsValues> {
    const [recipients, ws] = await Promise.all([this.store.weeklyReportRecipients(teamId), this.store.getWorkspace(teamId)]);
    return { reportRecipients: recipients, staleAfterWorkingDays: staleThresholdOf(ws?.staleAfterWorkingDays) };
  }

  /** Opens the form for an admin; anyone else is told why not (`tell`). */
  async open(teamId: string, userId: string, triggerId: string, tell: (text: string) => Promise<unknown>): Promise<void> {
    const admin = await this.isAdmin(teamId, userId);
    if (admin !== true) {
      await tell(admin === 'unknown' ? CANNOT_CHECK : NOT_AN_ADMIN);
      return;
    }
    try {
      await this.client.views.open({ trigger_id: triggerId, view: adminSettingsModal(await this.values(teamId)) });
    } catch (e) {
      this.logger.warn({ err: e }, 'could not open workspace settings');
      await tell('I couldn’t open the workspace settings (Slack took too long). Please try again.');
    }
  }

  /** Checks the submitter is an admin now, validates, and saves; field errors go back into the form. */
  async save(teamId: string, userId: string, input: AdminSettingsInput): Promise<AdminSaveResult> {
    const admin = await this.isAdmin(teamId, userId);
    if (admin !== true) {
      this.logger.warn({ teamId, userId }, 'workspace settings refused: not an admin');
      return { errors: { reportRecipients: admin === 'unknown' ? CANNOT_CHECK : NOT_AN_ADMIN } };
    }
    const days = Number(input.staleAfter);
    if (!Number.isInteger(days) || days < MIN_STALE_AFTER_WORKING_DAYS || days > MAX_STALE_AFTER_WORKING_DAYS) {
      return { errors: { staleAfter: `Pick from ${MIN_STALE_AFTER_WORKING_DAYS} to ${MAX_STALE_AFTER_WORKING_DAYS} working days.` } };
    }
    const ids = [...new Set(input.reportRecipients)];
    if (ids.length > MAX_REPORT_RECIPIENTS) return { errors: { reportRecipients: `Choose at most ${MAX_REPORT_RECIPIENTS} people.` } };
    // Each one must be a person of this workspace (a row is made for them if Handoff had none).
    const people = await this.people.getMany(teamId, ids);
    const refused = people.filter((p) => !isOfWorkspace(p, teamId) || p.isBot || p.deleted);
    if (refused.length > 0) {
      return { errors: { reportRecipients: `${refused.map((p) => p.displayName).join(', ')} can’t get the report: only people of this workspace can.` } };
    }
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      await tx.setWeeklyReportRecipients(teamId, ids, now);
      await tx.setStaleAfterWorkingDays(teamId, days, now);
    });
    this.logger.info({ teamId, userId, recipients: ids.length, staleAfterWorkingDays: days }, 'workspace settings saved');
    return { view: adminSettingsSavedView({ reportRecipients: ids, staleAfterWorkingDays: days }) };
  }
}
