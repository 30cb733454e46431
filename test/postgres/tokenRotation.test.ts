/**
 * Token rotation across two replicas on PostgreSQL (issue 15): the refresh lease is a conditional
 * UPDATE under READ COMMITTED, so of two processes needing a new token at once, one spends the
 * single-use refresh token and the other waits for its result.
 */
import { Client } from 'pg';
import type { TestApp } from '../harness/testApp';
import type { FakeSlack } from '../harness/fakeSlack';
import { age, install, openHomesAtOnce, replica, rotationFake, TEAM } from '../e2e/tokenRotation.support';
import { createTestDatabase, describeOnPostgres, type TestDatabase } from './support/databases';

describeOnPostgres()('token rotation with two replicas on PostgreSQL', () => {
  let database: TestDatabase;
  let fake: FakeSlack;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    fake = await rotationFake();
    apps.push(await replica(fake, { databaseUrl: database.url }));
    apps.push(await replica(fake, { databaseUrl: database.url }));
    await install(apps[1]!);
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    await fake?.close();
    await database?.drop();
  });

  it('an expired token, 20 requests spread over both: one refresh in all, every call with the new token', async () => {
    age(apps, fake, 13);
    const calls = await openHomesAtOnce(apps, fake);
    expect(fake.oauth.refreshCount).toBe(1);
    const fresh = (fake.callsTo('oauth.v2.access').at(-1)!.response as { access_token: string }).access_token;
    expect(calls.length).toBeGreaterThanOrEqual(20);
    for (const c of calls) expect({ token: c.token, ok: (c.response as { ok: boolean }).ok }).toEqual({ token: fresh, ok: true });
    expect((await apps[0]!.handoff.store.getInstallation(TEAM))?.tokenVersion).toBe(2);
  });

  it('stores only sealed tokens in PostgreSQL: the raw table holds none Slack issued', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    const rows = await client.query('select * from installations').finally(() => client.end());
    expect(rows.rows).toHaveLength(1);
    const raw = JSON.stringify(rows.rows);
    expect(rows.rows[0].bot_token).toMatch(/^hk1\./);
    for (const c of fake.callsTo('oauth.v2.access')) {
      const r = c.response as { access_token: string; refresh_token: string };
      expect(raw.includes(r.access_token)).toBe(false);
      expect(raw.includes(r.refresh_token)).toBe(false);
    }
  });
});
