/**
 * The app on PostgreSQL: DATABASE_URL=postgres://… selects it, the real receiver creates a handoff
 * through it, /healthz reports it, and a restart finds what the first run saved.
 */
import { startTestApp, eventually, type TestApp } from '../harness/testApp';
import { createTestDatabase, describeOnPostgres, type TestDatabase } from './support/databases';

const NOW = '2026-11-25T12:00:00Z'; // Lisbon 12:00: Ana is working

describeOnPostgres()('the app on PostgreSQL', () => {
  let database: TestDatabase;
  let t: TestApp | undefined;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await database.drop();
  });

  it('creates a handoff through the real receiver, reports PostgreSQL on /healthz, and keeps it across a restart', async () => {
    t = await startTestApp({ now: NOW, databaseUrl: database.url });
    t.fake.addUser({ id: 'U0AUTH', name: 'alex', tz: 'America/New_York' });
    t.fake.addUser({ id: 'U0ANA', name: 'ana', tz: 'Europe/Lisbon' });
    expect(t.handoff.database.kind).toBe('postgres');
    expect(() => t!.handoff.db).toThrow(/PostgreSQL/);

    const res = await t.slack.command({ userId: 'U0AUTH', text: '<@U0ANA|ana> review the release notes' });
    expect(res.status).toBe(200);
    // Ana is working: the handoff reaches her as a DM now.
    await eventually(() => expect(t!.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'U0ANA')).toHaveLength(1));
    const id = await t.handoff.store.findHandoffIdByNumber('T0001', 1);
    expect(id).not.toBeNull();
    expect((await t.handoff.store.loadHandoff('T0001', id!))?.ask).toContain('review the release notes');

    const health = await fetch(`http://127.0.0.1:${t.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: { ok: true, backend: 'postgres' } });

    await t.restart();
    expect(await t.handoff.store.findHandoffIdByNumber('T0001', 1)).toBe(id);
  });

  it('says which server it could not reach, without the password', async () => {
    const url = new URL(database.url);
    url.port = '1'; // nothing listens there
    url.username = 'handoff';
    url.password = 'hunter2-secret';
    await expect(startTestApp({ now: NOW, databaseUrl: url.toString() })).rejects.toThrow(/cannot be reached/);
    await expect(startTestApp({ now: NOW, databaseUrl: url.toString() })).rejects.not.toThrow(/hunter2/);
  });
});
