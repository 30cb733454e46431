import { startTestApp, eventually, type TestApp } from '../harness/testApp';

describe('foundation: the real Bolt app behind the real HTTP receiver', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    t.fake.addUser({ id: 'U0ANA', name: 'ana', tz: 'Europe/Lisbon' });
  });
  afterAll(async () => t?.close());

  it('answers /healthz with the database state', async () => {
    const res = await fetch(`http://127.0.0.1:${t.port}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; database: { ok: boolean; migrations: number } };
    expect(body.status).toBe('ok');
    expect(body.database.ok).toBe(true);
    expect(body.database.migrations).toBeGreaterThanOrEqual(1);
  });

  it('answers a signed url_verification with the challenge', async () => {
    const res = await t.slack.urlVerification('c-123');
    expect(res.status).toBe(200);
    expect(res.text).toContain('c-123');
  });

  it('answers a signed /handoff help in the ack', async () => {
    const res = await t.slack.command({ userId: 'U0ANA', text: 'help' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    expect(String((res.json as { text: string }).text)).toContain('/handoff list');
  });

  it('answers an unknown subcommand with help, not an error', async () => {
    const res = await t.slack.command({ userId: 'U0ANA', text: 'frobnicate' });
    expect(res.status).toBe(200);
    expect(String((res.json as { text: string }).text)).toMatch(/don’t know “frobnicate”/);
  });

  it('answers a mistyped subcommand followed by words with help, not as an ask', async () => {
    const res = await t.slack.command({ userId: 'U0ANA', text: 'lsit mine' });
    expect(res.status).toBe(200);
    expect(String((res.json as { text: string }).text)).toMatch(/don’t know “lsit”/);
  });

  it('rejects a bad signature with 401', async () => {
    const body = 'command=%2Fhandoff&text=help&user_id=U0ANA&team_id=T0001';
    const res = await t.slack.raw(body, { contentType: 'application/x-www-form-urlencoded', signature: 'v0=deadbeef' });
    expect(res.status).toBe(401);
  });

  it('rejects a correctly signed request older than 5 minutes with 401', async () => {
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await t.slack.raw('command=%2Fhandoff&text=help&user_id=U0ANA&team_id=T0001', {
      contentType: 'application/x-www-form-urlencoded',
      timestamp: stale,
    });
    expect(res.status).toBe(401);
  });

  it('opens the modal for a bare /handoff through views.open', async () => {
    const res = await t.slack.command({ userId: 'U0ANA', text: '' });
    expect(res.status).toBe(200);
    const call = await t.fake.waitFor('views.open');
    expect((call.response as { ok: boolean }).ok).toBe(true);
    expect(JSON.stringify(call.args.view)).toContain('handoff_modal');
  });

  it('keeps data across a restart and applies migrations to an existing database', async () => {
    t.fake.addUser({ id: 'U0RAJ', name: 'raj', tz: 'Asia/Kolkata' });
    await t.slack.command({ userId: 'U0ANA', text: '<@U0RAJ|raj> please review the deck' });
    await eventually(async () => expect(t.fake.callsTo('response_url').length).toBeGreaterThan(0));
    await t.restart();
    expect(JSON.stringify(await t.reply('U0RAJ', 'list'))).toContain('please review the deck');
  });
});
