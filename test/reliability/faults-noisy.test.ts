/**
 * One noisy person must not stall everyone. Slack limits chat.postMessage to about one message per
 * second per conversation, besides a workspace-wide limit, and its 429 does not say which one was
 * hit. A 429 in one conversation while others get through pauses that conversation only; 429s
 * across conversations with nothing getting through pause the workspace. And one person can create
 * only so many handoffs a minute (HANDOFFS_PER_PERSON_PER_MINUTE), told kindly when they reach it.
 */
import { HandoffModalFields as F, MetadataEventTypes } from '../../src/ids';
import { CaseLog } from './support/cases';
import { errorLines, parseLogs, People, seededAppOnBoot, sleep, submitModal } from './support/world';
import { sqlCount } from '../harness/testSql';

const app = seededAppOnBoot();
const t = app.t;
const boot = (env: Record<string, string> = {}) => app.boot({ env });

/** People in Lisbon (working at NOW), so a new handoff DMs them at once. */
const colleagues = ['U0BEA', 'U0CAL', 'U0DIA', 'U0EMA', 'U0FAB', 'U0GIL'];

async function command(userId: string, text: string): Promise<string> {
  const responseUrl = t.fake.responseUrl();
  const res = await t.slack.command({ userId, text, responseUrl });
  expect(res.status).toBe(200);
  const call = await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl, 15_000);
  return String(call.args.text ?? '');
}

const dmsTo = (userId: string) => t.fake.messagesIn(userId).filter((m) => m.metadata?.event_type === MetadataEventTypes.notification);
const openRows = () => sqlCount(t, "select count(*) n from outbox where status in ('pending', 'sending')");

/** Lets the outbox catch up as it would minutes later: app clock forward, tick, real pauses waited out. */
async function drain(maxMs = 30_000): Promise<void> {
  const start = Date.now();
  while ((await openRows()) > 0 && Date.now() - start < maxMs) {
    t.clock.advance(60_000);
    await t.tick();
    if ((await openRows()) > 0) await sleep(200);
  }
}

describe('a 429 in one conversation pauses that conversation only', () => {
  it('one person floods one colleague (Slack: 1 message/s per conversation, Retry-After 3 s); DMs to everyone else go out at once', async () => {
    await boot();
    const log = new CaseLog('faults');
    for (const id of colleagues) t.fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Lisbon' });
    t.fake.setChannelRateLimitPerSecond('chat.postMessage', 1, 3);
    const flood = Promise.all(Array.from({ length: 12 }, (_, i) => command(People.author, `<@${People.ana}> flood-${i} please`)));
    await t.fake.waitFor('chat.postMessage', (c) => c.status === 429, 10_000);
    // Every flood command answered first: the latencies below are then the outbox's, not those of
    // twelve handoffs still being created beside Eve's (on PostgreSQL at load 13 the first took 1.9 s).
    await flood;
    // While Ana's conversation is limited, Eve hands off to six other people, one after another.
    const latencies: number[] = [];
    for (const [i, to] of colleagues.entries()) {
      const sent = Date.now();
      await t.slack.command({ userId: People.eve, text: `<@${to}> unrelated-${i} please` });
      const dm = await t.fake.waitFor('chat.postMessage', (c) => c.status === 200 && c.args.channel === to, 10_000);
      latencies.push(dm.at - sent);
    }
    const anaReceivedMeanwhile = dmsTo(People.ana).length;
    await log.check(`the unrelated DMs went out while Ana's were still held back (${anaReceivedMeanwhile} of 12 delivered by then)`, () => {
      expect(anaReceivedMeanwhile).toBeLessThan(12);
    });
    await log.check(`unrelated DMs were not held up (ms: ${latencies.join(', ')})`, () => {
      expect(Math.max(...latencies)).toBeLessThan(1000);
    });
    await log.check('the 429s were all in Ana’s conversation, and were logged as scoped to it', () => {
      const limited = t.fake.callsTo('chat.postMessage').filter((c) => c.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(new Set(limited.map((c) => c.args.channel))).toEqual(new Set([People.ana]));
      const lines = parseLogs(t.logs).filter((l) => l.msg === 'rate limited by Slack; pausing delivery');
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((l) => l.scope === 'conversation')).toBe(true);
    });
    // Ana's conversation calms down; what was deferred goes out.
    t.fake.clearFaults();
    await drain();
    await log.check('every flooded DM still arrives, exactly once', () => {
      for (let i = 0; i < 12; i++) expect(dmsTo(People.ana).filter((m) => JSON.stringify(m.blocks).includes(`flood-${i} `))).toHaveLength(1);
    });
    await log.check('every unrelated DM arrived exactly once', () => {
      for (const [i, to] of colleagues.entries()) expect(dmsTo(to).filter((m) => JSON.stringify(m.blocks).includes(`unrelated-${i} `))).toHaveLength(1);
    });
    await log.check('no listener error', () => expect(errorLines(t.logs)).toEqual([]));
    log.finish();
  }, 60_000);

  it('429s in several conversations at once with nothing getting through pause the whole workspace', async () => {
    await boot();
    const log = new CaseLog('faults');
    for (const id of colleagues) t.fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Lisbon' });
    t.fake.rateLimit({ method: 'chat.postMessage', retryAfterSec: 2, times: 4 });
    await Promise.all(colleagues.slice(0, 4).map((to, i) => command(People.eve, `<@${to}> wide-${i} please`)));
    await drain();
    const calls = t.fake.callsTo('chat.postMessage');
    const limited = calls.filter((c) => c.status === 429);
    // The shared pace spaces the four DMs (a burst is what a sliding-window limit rejects), so the
    // first 429 pauses the rest before they are sent: the 4 429s fall on fewer than 4 conversations.
    await log.check(`several conversations limited, nothing through (${new Set(limited.map((c) => c.args.channel)).size} distinct)`, () => {
      expect(limited).toHaveLength(4);
      expect(new Set(limited.map((c) => c.args.channel)).size).toBeGreaterThanOrEqual(2);
      expect(calls.filter((c) => c.status === 200 && c.at < Math.max(...limited.map((l) => l.at)))).toHaveLength(0);
    });
    await log.check('logged as the workspace’s limit', () => {
      expect(parseLogs(t.logs).some((l) => l.msg === 'rate limited by Slack; pausing delivery' && l.scope === 'workspace')).toBe(true);
    });
    await log.check('everyone waited out the Retry-After before the next post', () => {
      const firstLimited = Math.min(...limited.map((c) => c.at));
      const after = calls.filter((c) => c.status === 200 && c.at > firstLimited);
      expect(after.length).toBe(4);
      expect(Math.min(...after.map((c) => c.at)) - firstLimited).toBeGreaterThanOrEqual(1900);
    });
    await log.check('each DM arrived exactly once', () => {
      for (const [i, to] of colleagues.slice(0, 4).entries()) expect(dmsTo(to).filter((m) => JSON.stringify(m.blocks).includes(`wide-${i} `))).toHaveLength(1);
    });
    log.finish();
  }, 60_000);
});

describe('handoffs per person per minute', () => {
  it('the sixth within a minute is refused kindly (command and form), others are unaffected, and a minute later it works', async () => {
    await boot({ HANDOFFS_PER_PERSON_PER_MINUTE: '5' });
    const log = new CaseLog('faults');
    const count = (author: string) => sqlCount(t, 'select count(*) n from handoffs where author_id = ?', author);
    // Eight at once: the limit is checked where the handoff is written, so exactly five get through.
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => command(People.author, `<@${People.ana}> capped-${i} please`)));
    await log.check('eight at once: exactly five created, three told to wait a minute, with their text', async () => {
      expect(replies.filter((r) => /^\*Handoff #\d+ created:\*/.test(r))).toHaveLength(5);
      const refused = replies.filter((r) => r.startsWith('You’ve created 5 handoffs in the last minute'));
      expect(refused).toHaveLength(3);
      for (const r of refused) expect(r).toMatch(/Please wait a minute and try again\. Your text, to try again:\n> @U0ANA capped-\d please/);
      expect(await count(People.author)).toBe(5);
    });
    await log.check('the form: refused with the same words on the ask field, the form stays open', async () => {
      const res = await submitModal(t, People.author, 'capped-form', { recipients: [People.ana], ask: 'capped form ask' });
      expect(res.json).toEqual({ response_action: 'errors', errors: { [F.ask.block]: expect.stringMatching(/^You’ve created 5 handoffs in the last minute/) } });
      expect(await count(People.author)).toBe(5);
    });
    await log.check('someone else is not affected', async () => {
      expect(await command(People.eve, `<@${People.ana}> eve-not-capped please`)).toMatch(/^\*Handoff #\d+ created:\*/);
    });
    t.clock.advance(61_000);
    await log.check('a minute later the same person can hand off again', async () => {
      expect(await command(People.author, `<@${People.ana}> after-a-minute please`)).toMatch(/^\*Handoff #\d+ created:\*/);
    });
    await log.check('no listener error', () => expect(errorLines(t.logs)).toEqual([]));
    log.finish();
  }, 30_000);
});
