/**
 * Reading an org's workspace names (auth.teams.list) from the tick: which org is due and when again,
 * every page, in the org's workspace, and what a refusal or a busy Slack leaves.
 */
import type { WebClient } from '@slack/web-api';
import pino from 'pino';
import { NAMES_EVERY_MS, NAMES_RETRY_MS, WorkspaceNames } from '../../../src/services/workspaceNames';
import type { OrgToName, WorkspaceName } from '../../../src/db/queries/workspaces';
import { currentTenant, type Tenant } from '../../../src/slack/tenant';
import { ManualClock } from '../../harness/manualClock';

type Answer = { teams: Array<{ id: string; name: string }>; response_metadata: { next_cursor: string } };

function world(orgs: OrgToName[], pages: Record<string, Answer | Error>) {
  const clock = new ManualClock('2026-12-01T09:00:00Z');
  const calls: Array<{ cursor: string | undefined; tenant: Tenant | undefined }> = [];
  const saved: WorkspaceName[][] = [];
  const client = {
    auth: {
      teams: {
        list: async (args: { limit: number; cursor?: string }) => {
          calls.push({ cursor: args.cursor, tenant: currentTenant() });
          const page = pages[args.cursor ?? ''];
          if (!page) throw new Error(`no page ${args.cursor}`);
          if (page instanceof Error) throw page;
          return page;
        },
      },
    },
  } as unknown as WebClient; // only auth.teams.list is reached
  const store = {
    orgsToName: async () => orgs,
    setWorkspaceNames: async (names: readonly WorkspaceName[]) => {
      saved.push([...names]);
      return names.length;
    },
  };
  return { names: new WorkspaceNames(store, client, clock, pino({ level: 'silent' })), clock, calls, saved };
}

const slackError = (error: string) => Object.assign(new Error(`An API error occurred: ${error}`), { code: 'slack_webapi_platform_error', data: { ok: false, error } });

describe('workspace names', () => {
  it('reads every page of an org, with its token (in one of its workspaces), and saves them', async () => {
    const w = world([{ enterpriseId: 'E1', teamId: 'T1', unnamed: 2 }], {
      '': { teams: [{ id: 'T1', name: 'Design' }], response_metadata: { next_cursor: 'p2' } },
      p2: { teams: [{ id: 'T2', name: 'Sales' }], response_metadata: { next_cursor: '' } },
    });
    expect(await w.names.readDue()).toBe('E1');
    expect(w.calls).toEqual([
      { cursor: undefined, tenant: { teamId: 'T1', enterpriseId: 'E1' } },
      { cursor: 'p2', tenant: { teamId: 'T1', enterpriseId: 'E1' } },
    ]);
    expect(w.saved).toEqual([
      [
        { teamId: 'T1', name: 'Design' },
        { teamId: 'T2', name: 'Sales' },
      ],
    ]);
  });

  it('an org is asked again after a day, or after ten minutes while a workspace of it has no name; one org a call', async () => {
    const orgs: OrgToName[] = [
      { enterpriseId: 'E1', teamId: 'T1', unnamed: 0 },
      { enterpriseId: 'E2', teamId: 'T5', unnamed: 1 },
    ];
    const w = world(orgs, { '': { teams: [], response_metadata: { next_cursor: '' } } });
    expect(await w.names.readDue()).toBe('E1');
    expect(await w.names.readDue()).toBe('E2');
    expect(await w.names.readDue()).toBeNull();
    w.clock.advance(NAMES_RETRY_MS);
    expect(await w.names.readDue()).toBe('E2'); // still unnamed (a workspace Slack did not list)
    expect(await w.names.readDue()).toBeNull();
    w.clock.advance(NAMES_EVERY_MS - NAMES_RETRY_MS);
    expect(await w.names.readDue()).toBe('E1');
    expect(w.calls.map((c) => c.tenant?.enterpriseId)).toEqual(['E1', 'E2', 'E2', 'E1']);
  });

  it('a workspace Slack never lists is asked about less and less often, up to once a day; one that joins later is asked about soon', async () => {
    const orgs: OrgToName[] = [{ enterpriseId: 'E1', teamId: 'T1', unnamed: 1 }];
    const w = world(orgs, { '': { teams: [{ id: 'T1', name: 'Design' }], response_metadata: { next_cursor: '' } } });
    const readAt: number[] = [];
    const start = w.clock.now().getTime();
    for (let minute = 0; minute <= 3 * 24 * 60; minute++) {
      if ((await w.names.readDue()) === 'E1') readAt.push((w.clock.now().getTime() - start) / 60_000);
      w.clock.advance(60_000);
    }
    const gaps = readAt.slice(1).map((t, i) => t - readAt[i]!);
    // 10, 20, 40, … minutes, then a day at most.
    expect(gaps.slice(0, 5)).toEqual([10, 20, 40, 80, 160]);
    expect(Math.max(...gaps)).toBe(24 * 60);
    expect(gaps.every((g, i) => i === 0 || g >= gaps[i - 1]!)).toBe(true);
    // A second workspace joins the org, also with no name: asked about within ten minutes, not a day.
    orgs[0] = { ...orgs[0]!, unnamed: 2 };
    const before = w.calls.length;
    w.clock.advance(NAMES_RETRY_MS);
    expect(await w.names.readDue()).toBe('E1');
    expect(w.calls).toHaveLength(before + 1);
  });

  it('a refusal or a busy Slack saves nothing and does not throw; the org is asked again later', async () => {
    const w = world([{ enterpriseId: 'E1', teamId: 'T1', unnamed: 1 }], {
      '': { teams: [{ id: 'T1', name: 'Design' }], response_metadata: { next_cursor: 'p2' } },
      p2: slackError('invalid_auth'),
    });
    expect(await w.names.readDue()).toBe('E1');
    expect(w.saved).toEqual([]); // half an org's names are not saved as if they were all
    expect(await w.names.readDue()).toBeNull();
    w.clock.advance(NAMES_RETRY_MS);
    expect(await w.names.readDue()).toBe('E1');
  });

  it('stops before asking when the process is stopping', async () => {
    const w = world([{ enterpriseId: 'E1', teamId: 'T1', unnamed: 1 }], {});
    expect(await w.names.readDue({ stopping: () => true })).toBeNull();
    expect(w.calls).toEqual([]);
  });
});
