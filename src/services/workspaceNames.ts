/**
 * The names of an Enterprise Grid org's workspaces (issue 15). Handoff numbers are per workspace, so a
 * colleague in Sales reading an ask made in Design would see Design's "#4" beside Sales' own #4: a
 * card from a sibling workspace is labelled with its workspace's name ("Design #4").
 *
 * Read with the org's token (auth.teams.list: no scope needed, Tier 2), from the scheduler tick: one
 * org a tick, an org again after a day (renames), or after NAMES_RETRY_MS while one of its workspaces has no
 * name yet (one just joined). A workspace Slack never lists (not approved for the app) would keep that
 * going, so while the same count stays unnamed the wait doubles, up to the day. Each process keeps its
 * own times: a restart or a second replica reads an org once more, a call or two, which is cheaper than
 * keeping the times in the database.
 */
import type { WebClient } from '@slack/web-api';
import type { Store } from '../db/store';
import type { WorkspaceName } from '../db/queries/workspaces';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { inTenant } from '../slack/tenant';
import { withDeadline } from '../deadline';
import { classifySlackError } from '../slack/errors';

/** How often an org's names are read again when all are known. */
export const NAMES_EVERY_MS = 24 * 3600_000;
/** How soon again while one of its workspaces has no name (a workspace newly linked to the org). */
export const NAMES_RETRY_MS = 10 * 60_000;
/** auth.teams.list's largest page; an org has more workspaces than this only rarely. */
const PAGE_SIZE = 1000;
const MAX_PAGES = 10;
/** One page's wait for Slack; the tick's housekeeping (and so the next sweep) waits for it. */
const PAGE_CALL_MS = 2000;

/** When this process last asked Slack for an org's names, how many of its workspaces had none then, and how long until the next time. */
interface Asked {
  at: number;
  unnamed: number;
  wait: number;
}

export class WorkspaceNames {
  private readonly asked = new Map<string, Asked>();

  constructor(
    private readonly store: Pick<Store, 'orgsToName' | 'setWorkspaceNames'>,
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Reads the names of at most one org that is due; the org read, or null. Never throws for Slack. */
  async readDue(opts: { stopping?: () => boolean } = {}): Promise<string | null> {
    const now = this.clock.now().getTime();
    for (const org of await this.store.orgsToName()) {
      if (opts.stopping?.()) return null;
      const last = this.asked.get(org.enterpriseId);
      if (last && now - last.at < waitAfter(last, org.unnamed)) continue;
      // The same workspaces still unnamed after the last read: Slack is not listing them; ask less often.
      const again = last !== undefined && org.unnamed > 0 && last.unnamed === org.unnamed;
      this.asked.set(org.enterpriseId, { at: now, unnamed: org.unnamed, wait: again ? Math.min(last.wait * 2, NAMES_EVERY_MS) : NAMES_RETRY_MS });
      const names = await this.read(org.enterpriseId, org.teamId);
      if (names) {
        const changed = await this.store.setWorkspaceNames(names);
        if (changed > 0) this.logger.info({ enterpriseId: org.enterpriseId, changed }, 'workspace names read from Slack');
      }
      return org.enterpriseId;
    }
    return null;
  }

  /** Every workspace the org's install is approved for, or null when Slack did not say (tried again later). */
  private async read(enterpriseId: string, teamId: string): Promise<WorkspaceName[] | null> {
    // By workspace: a workspace listed on two pages is saved once (PostgreSQL's update … from would pick either).
    const names = new Map<string, WorkspaceName>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      try {
        const answer = await inTenant({ teamId, enterpriseId }, () => withDeadline(this.client.auth.teams.list({ limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }), PAGE_CALL_MS));
        if (answer === 'timeout') return null;
        for (const t of answer.teams ?? []) if (t.id && t.name) names.set(t.id, { teamId: t.id, name: t.name });
        cursor = answer.response_metadata?.next_cursor || undefined;
      } catch (e) {
        const failure = classifySlackError(e);
        // Busy or slow: nothing to say. Either way the org is asked again when next due (see readDue).
        if (failure.kind !== 'transient' && failure.kind !== 'rate_limited')
          this.logger.warn({ enterpriseId, error: failure.code }, 'could not read workspace names (auth.teams.list)');
        return null;
      }
      if (!cursor) break;
    }
    return [...names.values()];
  }
}

/** How long after `last` an org with `unnamed` workspaces without a name is due again. */
function waitAfter(last: Asked, unnamed: number): number {
  if (unnamed === 0) return NAMES_EVERY_MS;
  // A different set unnamed than at the last read (a workspace just joined): soon.
  return unnamed === last.unnamed ? last.wait : NAMES_RETRY_MS;
}
