import { WebClient, ErrorCode, type FetchFunction } from '@slack/web-api';
import { budgetedFetch, HistoryBudget } from '../../../src/slack/historyBudget';
import { classifySlackError } from '../../../src/slack/errors';

const MIN = 60_000;

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('HistoryBudget', () => {
  it('allows perMinute calls in any sliding minute per workspace, and says how long until the next', () => {
    const c = clock();
    const b = new HistoryBudget(2, c.now);
    expect(b.take('T1')).toBe(0);
    c.advance(10_000);
    expect(b.take('T1')).toBe(0);
    expect(b.take('T1')).toBe(50_000); // the first call leaves the window 60 s after it was made
    expect(b.take('T2')).toBe(0); // another workspace has its own
    c.advance(50_000);
    expect(b.take('T1')).toBe(0);
    expect(b.take('T1')).toBe(10_000);
  });

  it('a 429 from Slack holds the workspace off for its Retry-After, even with calls left', () => {
    const c = clock();
    const b = new HistoryBudget(50, c.now);
    b.holdOff('T1', 30_000);
    expect(b.take('T1')).toBe(30_000);
    expect(b.take('T2')).toBe(0);
    c.advance(30_000);
    expect(b.take('T1')).toBe(0);
  });

  it('reads one page of 15 under Slack’s restricted limit, up to 5 pages of 100 otherwise', () => {
    expect(new HistoryBudget(1).readPlan).toEqual({ pages: 1, pageSize: 15 });
    expect(new HistoryBudget(3).readPlan).toEqual({ pages: 3, pageSize: 100 });
    expect(new HistoryBudget(50).readPlan).toEqual({ pages: 5, pageSize: 100 });
  });
});

describe('budgetedFetch through a real WebClient', () => {
  function rig(perMinute: number, answer: (url: string) => Response = () => Response.json({ ok: true, messages: [] })) {
    const c = clock();
    const budget = new HistoryBudget(perMinute, c.now);
    const reached: string[] = [];
    const held: string[] = [];
    let team = 'T1';
    const inner: FetchFunction = async (url) => {
      reached.push(String(url));
      return answer(String(url));
    };
    const client = new WebClient('xoxb-test', {
      slackApiUrl: 'http://127.0.0.1:1/api/',
      fetch: budgetedFetch(
        budget,
        () => team,
        inner,
        (m) => held.push(m),
      ),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    return { c, client, reached, held, setTeam: (t: string) => void (team = t) };
  }

  it('a call over the budget never reaches Slack and fails as Slack’s 429 would, with a Retry-After in whole seconds', async () => {
    const r = rig(1);
    await r.client.conversations.history({ channel: 'D1' });
    const err = await r.client.conversations.replies({ channel: 'C1', ts: '1.0' }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe(ErrorCode.RateLimitedError);
    expect(classifySlackError(err)).toEqual({ kind: 'rate_limited', code: 'ratelimited', retryAfterMs: 60_000 });
    expect(r.reached.filter((u) => u.includes('conversations.'))).toHaveLength(1);
    expect(r.held).toEqual(['conversations.replies']);
    r.c.advance(MIN - 1);
    const again = await r.client.conversations.history({ channel: 'D1' }).catch((e: unknown) => e);
    expect(classifySlackError(again)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1000 });
  });

  it('other methods and other workspaces are not held', async () => {
    const r = rig(1);
    await r.client.conversations.history({ channel: 'D1' });
    await r.client.chat.postMessage({ channel: 'D1', text: 'hi' });
    await r.client.conversations.open({ users: 'U1' });
    r.setTeam('T2');
    await r.client.conversations.history({ channel: 'D2' });
    expect(r.reached).toHaveLength(4);
    expect(r.held).toEqual([]);
  });

  it('Slack’s own 429 (another replica spent the minute) holds this process off for its Retry-After', async () => {
    let limited = true;
    const r = rig(50, (url) =>
      url.includes('conversations.history') && limited
        ? new Response('{"ok":false,"error":"ratelimited"}', { status: 429, headers: { 'retry-after': '42' } })
        : Response.json({ ok: true }),
    );
    await expect(r.client.conversations.history({ channel: 'D1' })).rejects.toMatchObject({ code: ErrorCode.RateLimitedError });
    limited = false;
    const err = await r.client.conversations.history({ channel: 'D1' }).catch((e: unknown) => e);
    expect(classifySlackError(err)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 42_000 });
    expect(r.reached).toHaveLength(1);
    r.c.advance(42_000);
    await r.client.conversations.history({ channel: 'D1' });
    expect(r.reached).toHaveLength(2);
  });
});
