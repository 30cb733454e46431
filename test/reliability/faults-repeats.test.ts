/**
 * Double Enter: the same inline `/handoff @x …` sent twice — 150 ms apart, or at the same moment —
 * is two slash commands with two trigger_ids and one intent. Each pair must create one handoff and
 * one DM per recipient, and the second request is told it was already created (with the same
 * number). The check runs inside the creating transaction, so the two cannot both pass it while the
 * first is still looking up profiles.
 */
import { MetadataEventTypes } from '../../src/ids';
import { CaseLog } from './support/cases';
import { errorLines, People, seededAppPerTest, sleep } from './support/world';
import { sqlAll } from '../harness/testSql';

const t = seededAppPerTest();
beforeEach(() => {
  // Profile look-ups take a moment, as they do in Slack: the window in which both requests are in
  // flight before either writes.
  t.fake.delay('users.info', 300);
});

/** Sends one command and resolves with what the person was told on its response_url. */
async function send(text: string): Promise<string> {
  const responseUrl = t.fake.responseUrl();
  const res = await t.slack.command({ userId: People.author, text, responseUrl });
  if (res.status !== 200) throw new Error(`answered ${res.status}`);
  const reply = await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl, 10_000);
  return String(reply.args.text ?? '');
}

const handoffsAsking = (marker: string) => sqlAll<{ number: number }>(t, 'select number from handoffs where ask like ?', `%${marker} %`);

const dmsAbout = (userId: string, marker: string) =>
  t.fake.messagesIn(userId).filter((m) => m.metadata?.event_type === MetadataEventTypes.notification && JSON.stringify(m.blocks ?? m.text).includes(`${marker} `));

describe('double Enter on an inline /handoff', () => {
  it.each([
    ['150 ms apart', 150],
    ['at the same moment', 0],
  ])(
    'ten pairs sent %s: one handoff and one DM per pair, and the second is told it already exists',
    async (_label, gapMs) => {
      const log = new CaseLog('faults');
      for (let i = 0; i < 10; i++) {
        const marker = `double-${gapMs}-${i}`;
        // Someone new each round (their profile is not cached yet, so it is looked up first), and Ana.
        const newcomer = `U0NEW${gapMs}X${i}`;
        t.fake.addUser({ id: newcomer, name: `new${i}`, tz: 'Europe/Lisbon' });
        const text = `<@${People.ana}> <@${newcomer}> ${marker} the numbers please`;
        const first = send(text);
        if (gapMs) await sleep(gapMs);
        const replies = await Promise.all([first, send(text)]);
        await log.check(`pair ${i}: one handoff, one DM to each recipient, and both replies name it`, async () => {
          const made = await handoffsAsking(marker);
          expect(made).toHaveLength(1);
          const n = made[0]!.number;
          expect(replies.filter((r) => r.startsWith(`*Handoff #${n} created:*`))).toHaveLength(1);
          expect(replies.filter((r) => r.includes(`a moment ago as #${n}, so I didn’t create it twice`))).toHaveLength(1);
          expect(dmsAbout(People.ana, marker)).toHaveLength(1);
        });
      }
      await log.check('no listener error', () => expect(errorLines(t.logs)).toEqual([]));
      log.finish();
    },
    60_000,
  );

  it('the same words later (after the 2-minute window) are a new handoff, and a different ask right away is too', async () => {
    const log = new CaseLog('faults');
    const text = `<@${People.ana}> repeat-window the numbers please`;
    await log.check('first: created', async () => expect(await send(text)).toMatch(/^\*Handoff #\d+ created:\*/));
    await log.check('a different ask at once: created', async () =>
      expect(await send(`<@${People.ana}> repeat-window other numbers please`)).toMatch(/^\*Handoff #\d+ created:\*/),
    );
    await log.check('the same ask to someone else at once: created', async () =>
      expect(await send(`<@${People.ken}> repeat-window the numbers please`)).toMatch(/^\*Handoff #\d+ created:\*/),
    );
    t.clock.advance(2 * 60_000 + 1000);
    await log.check('the same ask 2 minutes later: created again', async () => expect(await send(text)).toMatch(/^\*Handoff #\d+ created:\*/));
    log.finish();
  });
});
