/**
 * Replays inside the signature window. Slack's request signature stays valid for 5 minutes, so a
 * captured (or retried) `/handoff` request can arrive again, byte for byte, minutes later. It carries
 * the same trigger_id, which is the command's idempotency key: however late within the window, the
 * replay creates nothing and sends nothing a second time.
 */
import { MetadataEventTypes } from '../../src/ids';
import { CaseLog } from './support/cases';
import { errorLines, People, seededAppPerTest } from './support/world';
import { sqlAll } from '../harness/testSql';

const t = seededAppPerTest();

describe('a signed /handoff replayed within the 5-minute signature window', () => {
  it.each([
    ['+1 min', 60],
    ['+4 min', 240],
    ['+4 min 50 s', 290],
  ])('replayed at %s: one handoff, one DM, and the replay is told it already exists', async (label, lateSec) => {
    const log = new CaseLog('security');
    const marker = `replay-${lateSec}`;
    const responseUrl = t.fake.responseUrl();
    const params = { userId: People.author, text: `<@${People.ana}> ${marker} the numbers please`, triggerId: t.fake.issueTriggerId(People.author), responseUrl };
    // The original request was signed `lateSec` ago; the replay is the very same bytes, now — and the
    // app's clock has moved on by as much (so the 2-minute repeat rule cannot be what stops it).
    const signedAt = Math.floor(Date.now() / 1000) - lateSec;
    const original = await t.slack.command(params, { timestamp: signedAt });
    await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl, 5000);
    t.clock.advance(lateSec * 1000);
    const replay = await t.slack.command(params, { timestamp: signedAt });
    await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl && String(c.args.text).includes('already'), 5000).catch(() => undefined);

    const replies = t.fake
      .callsTo('response_url')
      .filter((c) => c.args.response_url === responseUrl)
      .map((c) => String(c.args.text));
    const handoffs = await sqlAll(t, 'select number from handoffs where ask like ?', `%${marker} %`);
    const dms = t.fake.messagesIn(People.ana).filter((m) => m.metadata?.event_type === MetadataEventTypes.notification && JSON.stringify(m.blocks).includes(marker));
    await log.check(`${label}: both requests accepted by the signature check (200)`, () => expect([original.status, replay.status]).toEqual([200, 200]));
    await log.check(`${label}: exactly one handoff`, () => expect(handoffs).toHaveLength(1));
    await log.check(`${label}: exactly one DM to the recipient`, () => expect(dms).toHaveLength(1));
    await log.check(`${label}: the replay is answered “already created”`, () => {
      expect(replies).toHaveLength(2);
      expect(replies[0]).toMatch(/^\*Handoff #\d+ created:\*/);
      expect(replies[1]).toMatch(/already created — nothing was sent twice/);
    });
    await log.check('no listener error', () => expect(errorLines(t.logs)).toEqual([]));
    log.finish();
  });
});
