/**
 * Stopping (SIGTERM in a rolling deploy) while a listener still works after its ack: the request was
 * acknowledged, so its work must finish before the database closes — never "database connection is
 * not open" and a lost handoff.
 */
import { startTestApp, type TestApp } from '../harness/testApp';

let t: TestApp;

beforeEach(async () => {
  t = await startTestApp({ now: '2026-11-25T12:00:00Z' });
  t.fake.addUser({ id: 'U0AUTH', name: 'alex', tz: 'America/New_York' });
  t.fake.addUser({ id: 'U0ANA', name: 'ana', tz: 'Europe/Lisbon' });
});
afterEach(async () => t.close());

it('an inline /handoff acknowledged just before stop is saved and answered, and nothing fails', async () => {
  // The profile lookup after the ack takes a while, so stop() begins while the listener waits on Slack.
  t.fake.delay('users.info', 400);
  const responseUrl = t.fake.responseUrl();
  const res = await t.slack.command({ userId: 'U0AUTH', text: '<@U0ANA|ana> the Q3 numbers, please', responseUrl });
  expect(res.status).toBe(200);
  await t.restart();

  const answer = t.fake.callsTo('response_url').find((c) => c.args.response_url === responseUrl);
  expect(String(answer?.args.text)).toContain('Handoff #1 created');
  expect(await t.handoff.store.findHandoffIdByNumber('T0001', 1)).toBeDefined();
  expect(t.logs.filter((l) => l.includes('"level":50') || l.includes('not open'))).toEqual([]);
});
