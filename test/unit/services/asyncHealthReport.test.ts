/**
 * The async-health report of a workspace reads each person's working hours where Handoff knows them:
 * a colleague of a sibling workspace of the org (one org-wide install) in their own workspace, not
 * the defaults of someone unknown (src/services/asyncHealthReport.ts).
 */
import { healthReport, personalFigures, type HealthStore } from '../../../src/services/asyncHealthReport';
import { createdDetail } from '../../../src/domain/eventDetail';
import type { InstallationRow } from '../../../src/db/queries/installations';
import type { UserRow } from '../../../src/db/queries/users';
import type { WorkspaceRow } from '../../../src/db/queries/workspaces';

const AUTHOR = 'WAUTHOR'; // in TA
const COLLEAGUE = 'WSYDNEY'; // in TB only, Sydney, 09:00–17:00 Monday to Friday

const person = (teamId: string, userId: string, slackTz: string) =>
  ({
    teamId,
    userId,
    slackTz,
    tzOverride: null,
    workdayStartMinute: 540,
    workdayEndMinute: 1020,
    workingDays: 0b0111110,
    awayUntil: null,
    holidayRegion: 'off',
    statusAwayUntil: null,
  }) as UserRow;

/**
 * Created Wed 25 Nov 12:00 UTC (23:00 in Sydney), done Thu 26 Nov 16:00 UTC (Fri 03:00 in Sydney).
 * In Sydney's hours that is one working day (Thursday 09:00–17:00): within one day. In the defaults
 * (UTC 09:00–17:00) it would be twelve working hours: not within.
 */
function store(opts: { colleagueKnownInB: boolean }): HealthStore {
  const rows = [person('TA', AUTHOR, 'America/Los_Angeles'), ...(opts.colleagueKnownInB ? [person('TB', COLLEAGUE, 'Australia/Sydney')] : [])];
  const linked = new Map([
    ['TA', 'E1'],
    ['TB', 'E1'],
  ]);
  const partial: Partial<HealthStore> = {
    healthEvents: async () => [
      { handoffId: 1, kind: 'created', actorId: AUTHOR, toState: 'open', detail: createdDetail([COLLEAGUE], false), at: Date.parse('2026-11-25T12:00:00Z') },
      { handoffId: 1, kind: 'done', actorId: COLLEAGUE, toState: 'done', detail: null, at: Date.parse('2026-11-26T16:00:00Z') },
    ],
    healthDeflections: async () => [],
    // The report's own workspace: only its own people.
    healthPeople: async (teamId, ids) => rows.filter((r) => r.teamId === teamId && ids.includes(r.userId)),
    findInstallation: async (teamId) => (linked.has(teamId) ? ({ installationId: 'E1', isEnterpriseInstall: true } as InstallationRow) : undefined),
    teamsOfEnterprise: async (e) => [...linked].filter(([, org]) => org === e).map(([t]) => t),
    getUser: async (teamId, userId) => rows.find((r) => r.teamId === teamId && r.userId === userId),
    getWorkspace: async (teamId) => ({ teamId, status: 'active', enterpriseId: linked.get(teamId) ?? null }) as WorkspaceRow,
  };
  return partial as HealthStore;
}

const period = { from: new Date('2026-11-23T00:00:00Z'), to: new Date('2026-11-30T00:00:00Z') };

describe('healthReport: a colleague of a sibling workspace', () => {
  it('is measured in their own working hours (Sydney), read where Handoff knows them', async () => {
    const report = await healthReport(store({ colleagueKnownInB: true }), 'TA', period);
    expect(personalFigures(report, COLLEAGUE).resolvedWithinOneWorkingDay).toEqual({ of: 1, within: 1, share: 1 });
  });

  it('(what the test above rules out) someone Handoff knows nowhere gets the defaults: the same answer is not within one day', async () => {
    const report = await healthReport(store({ colleagueKnownInB: false }), 'TA', period);
    expect(personalFigures(report, COLLEAGUE).resolvedWithinOneWorkingDay).toEqual({ of: 1, within: 0, share: 0 });
  });
});
