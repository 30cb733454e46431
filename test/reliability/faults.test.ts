/**
 * Faults injected through the fake Slack: 5xx bursts, 429 storms, timeouts, not_in_channel,
 * channel_not_found, account_inactive, cannot_dm_bot, token_revoked, Slack unreachable at boot, and
 * the app_uninstalled / tokens_revoked events. For each: nothing lost (every notification arrives once
 * Slack recovers, or the author is told why it cannot), nothing duplicated, and clear log lines.
 */
import { FakeSlack, type FakeMessage } from '../harness/fakeSlack';
import { eventually, TEST_BOT_TOKEN } from '../harness/testApp';
import { MetadataEventTypes } from '../../src/ids';
import { CaseLog } from './support/cases';
import { errorLines, parseLogs, People, seededAppOnBoot, sleep, submitModal, TEAM } from './support/world';
import { sqlAll, sqlGet } from '../harness/testSql';

const app = seededAppOnBoot();
const t = app.t;
const boot = (env: Record<string, string> = {}, fake?: FakeSlack) => app.boot({ env, fake });

/** Sends a command; returns what the person was told (ack text, else the response_url reply). */
async function command(userId: string, text: string): Promise<string> {
  const responseUrl = t.fake.responseUrl();
  const res = await t.slack.command({ userId, text, responseUrl });
  expect(res.status).toBe(200);
  const acked = (res.json as { text?: string } | undefined)?.text;
  if (acked) return acked;
  const call = await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl, 15_000);
  return String(call.args.text ?? '');
}

/** Notification DMs (not digests) in a person's DM that mention `marker`. */
function notifications(userId: string, marker: string): FakeMessage[] {
  return t.fake.messagesIn(userId).filter((m) => m.metadata?.event_type === MetadataEventTypes.notification && JSON.stringify(m).includes(marker));
}

const outboxRows = (kind?: string) =>
  sqlAll<{
    id: number;
    kind: string;
    status: string;
    attempts: number;
    lastError: string | null;
    userId: string | null;
    channelId: string | null;
  }>(
    t,
    `select id, kind, status, attempts, last_error as "lastError", user_id as "userId", channel_id as "channelId" from outbox ${kind ? 'where kind = ?' : ''} order by id`,
    ...(kind ? [kind] : []),
  );
/** The workspace's status column, as { status }. */
const workspaceStatus = () => sqlGet(t, 'select status from workspaces where team_id = ?', TEAM);
const open = async () => (await outboxRows()).filter((r) => (r.status === 'pending' || r.status === 'sending') && r.kind !== 'digest');

/**
 * Lets the outbox catch up the way production would, minutes later: moves the app clock past any
 * backoff, runs the scheduler tick, and waits out real Retry-After pauses — until nothing is pending.
 */
async function drain(maxMs = 25_000): Promise<void> {
  const start = Date.now();
  while ((await open()).length > 0 && Date.now() - start < maxMs) {
    t.clock.advance(2 * 60_000);
    await t.tick();
    if ((await open()).length > 0) await sleep(200);
  }
  await t.handoff.dispatcher.idle();
}

const warnings = () =>
  parseLogs(t.logs)
    .filter((l) => l.level === 40)
    .map((l) => String(l.msg));

// ------------------------------------------------------------------ 5xx

describe('5xx bursts', () => {
  it('DMs that hit 503/500/502 arrive exactly once after Slack recovers; users.info and views.open failures are explained', async () => {
    await boot();
    const log = new CaseLog('faults');
    t.fake.failNext('chat.postMessage', { status: 503, times: 4 });
    const replies: string[] = [];
    for (let i = 0; i < 4; i++) replies.push(await command(People.author, `<@${People.ana}> burst-${i} please review`));
    t.fake.failNext('chat.postMessage', { status: 500, times: 2 });
    t.fake.failNext('chat.postMessage', { status: 502, times: 2 });
    for (let i = 4; i < 8; i++) replies.push(await command(People.author, `<@${People.ana}> burst-${i} please review`));
    await drain();
    await log.check('every handoff was created and the author was told Slack is busy, not that it failed', () => {
      expect(replies.every((r) => /Handoff #\d+ created/.test(r))).toBe(true);
      expect(replies.filter((r) => /Slack is busy, I’ll keep trying/.test(r)).length).toBeGreaterThanOrEqual(4);
    });
    for (let i = 0; i < 8; i++) {
      await log.check(`burst-${i}: exactly one DM to the recipient`, () => expect(notifications(People.ana, `burst-${i} `)).toHaveLength(1));
    }
    await log.check('no delivery ended failed; the retries are in the logs', async () => {
      expect((await outboxRows('dm')).map((r) => r.status)).toEqual(Array(8).fill('sent'));
      expect(warnings().filter((w) => /will retry/.test(w)).length).toBeGreaterThanOrEqual(4);
    });

    // users.info failing for someone never looked up: nothing is created, and the text comes back.
    t.fake.addUser({ id: 'U0NEW', name: 'newbie', tz: 'Europe/Lisbon' });
    t.fake.failNext('users.info', { status: 500, times: 5 });
    const before = await sqlGet(t, 'select count(*) n from handoffs');
    const reply = await command(People.author, '<@U0NEW> onboarding-doc review');
    await log.check('users.info 500 for an unknown person: clear message, text given back, nothing created', async () => {
      expect(reply).toMatch(/Slack is busy or unreachable right now, so nothing was created/);
      expect(reply).toContain('onboarding-doc review');
      expect(await sqlGet(t, 'select count(*) n from handoffs')).toEqual(before);
    });
    t.fake.clearFaults();
    await log.check('…and the same command works once Slack is back', async () => {
      expect(await command(People.author, '<@U0NEW> onboarding-doc review')).toMatch(/created/);
    });
    // A cached profile outlives a users.info outage.
    t.fake.failNext('users.info', { status: 503, times: 5 });
    await log.check('users.info 503 for a known person: the cached profile is used', async () => {
      expect(await command(People.author, `<@${People.ana}> cached-profile ask`)).toMatch(/created/);
    });
    t.fake.failNext('views.open', { status: 502 });
    await log.check('views.open 502: the person is told and offered the quick form', async () => {
      expect(await command(People.author, '')).toMatch(/couldn’t open the form/);
    });
    await log.check('no listener error', () => expect(errorLines(t.logs)).toEqual([]));
    log.finish();
  }, 60000);
});

// ------------------------------------------------------------------ 429

describe('429 storms', () => {
  it('Retry-After is honoured, nothing is dropped or sent twice, and attempts are not burnt', async () => {
    await boot();
    const log = new CaseLog('faults');
    t.fake.rateLimit({ method: 'chat.postMessage', retryAfterSec: 1, times: 8 });
    for (let i = 0; i < 5; i++) await command(People.author, `<@${People.ana}> storm-${i} numbers`);
    await drain();
    for (let i = 0; i < 5; i++) await log.check(`storm-${i}: exactly one DM`, () => expect(notifications(People.ana, `storm-${i} `)).toHaveLength(1));
    await log.check('429s were answered by pausing (logged) and did not count as attempts', async () => {
      expect(t.fake.callsTo('chat.postMessage').filter((c) => c.status === 429).length).toBeGreaterThan(0);
      expect(warnings()).toContain('rate limited by Slack; pausing delivery');
      expect(Math.max(...(await outboxRows('dm')).map((r) => r.attempts))).toBeLessThanOrEqual(2);
    });

    // A sustained per-second limit: 8 handoffs in a burst, Slack allows 3 posts a second.
    t.fake.setRateLimitPerSecond('chat.postMessage', 3);
    await Promise.all(Array.from({ length: 8 }, (_, i) => command(People.author, `<@${People.ana}> sustained-${i} ask`)));
    await drain();
    t.fake.clearFaults();
    for (let i = 0; i < 8; i++) await log.check(`sustained-${i}: exactly one DM`, () => expect(notifications(People.ana, `sustained-${i} `)).toHaveLength(1));
    await log.check('every DM row ended sent', async () => expect((await outboxRows('dm')).every((r) => r.status === 'sent')).toBe(true));

    // 429 on the profile lookup of someone never seen: a clear "try again", nothing half-created.
    t.fake.addUser({ id: 'U0RL', name: 'rl', tz: 'Europe/Lisbon' });
    t.fake.rateLimit({ method: 'users.info', retryAfterSec: 1, times: 3 });
    await log.check('users.info 429 for an unknown person: clear message, nothing created', async () => {
      expect(await command(People.author, '<@U0RL> limited ask')).toMatch(/Slack is busy or unreachable right now, so nothing was created/);
      expect(await sqlGet(t, "select count(*) n from handoffs where ask = 'limited ask'")).toEqual({ n: 0 });
    });
    await log.check('no listener error', () => expect(errorLines(t.logs)).toEqual([]));
    log.finish();
  }, 60000);
});

// ------------------------------------------------------------------ timeouts

describe('timeouts', () => {
  it('a post that times out (but reached Slack) is not sent twice; slow lookups and modals are explained', async () => {
    await boot({ SLACK_API_TIMEOUT_MS: '300' });
    const log = new CaseLog('faults');
    // Slack answers after the client gave up: the message exists, the app does not know.
    t.fake.delay('chat.postMessage', 700);
    for (let i = 0; i < 3; i++) await command(People.author, `<@${People.ana}> slow-${i} check`);
    await sleep(800);
    t.fake.delay('chat.postMessage', 0);
    await drain();
    for (let i = 0; i < 3; i++) {
      await log.check(`slow-${i}: exactly one DM although the first attempt timed out`, () => expect(notifications(People.ana, `slow-${i} `)).toHaveLength(1));
    }
    await log.check('the timeouts were logged as retries', () => expect(warnings().filter((w) => /retry|unverified|timed? ?out/i.test(w)).length).toBeGreaterThan(0));

    t.fake.addUser({ id: 'U0SLOW', name: 'slow', tz: 'Europe/Lisbon' });
    t.fake.delay('users.info', 700);
    await log.check('users.info timeout for an unknown person: clear message, nothing created', async () => {
      expect(await command(People.author, '<@U0SLOW> timed ask')).toMatch(/Slack is busy or unreachable right now, so nothing was created/);
    });
    t.fake.delay('users.info', 0);
    t.fake.delay('views.open', 700);
    await log.check('views.open timeout: told to try again', async () => expect(await command(People.author, '')).toMatch(/couldn’t open the form/));
    await log.check('settings modal timeout: told to try again', async () => expect(await command(People.author, 'settings')).toMatch(/couldn’t open your settings/));
    t.fake.delay('views.open', 0);
    // The modal path: the profile lookup is slower than the 2.2 s ack budget allows.
    await t.close();
    await boot({ SLACK_API_TIMEOUT_MS: '5000' });
    t.fake.addUser({ id: 'U0SLOW2', name: 'slow2', tz: 'Europe/Lisbon' });
    t.fake.delay('users.info', 2600);
    const res = await submitModal(t, People.author, 'slow-modal', { recipients: ['U0SLOW2'], ask: 'modal-slow ask' });
    await log.check('modal with a slow lookup: acked within Slack’s 3 s, result reported by DM', async () => {
      expect(res.status).toBe(200);
      expect(res.ms).toBeLessThan(3000);
      const dm = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === People.author && /Handoff #\d+/.test(String(c.args.text)), 8000);
      expect(String(dm.args.text)).toContain('modal-slow ask');
    });
    t.fake.delay('users.info', 0);
    await log.check('no listener error', () => expect(errorLines(t.logs)).toEqual([]));
    log.finish();
  }, 60000);
});

// ------------------------------------------------------------------ permanent errors

describe('permanent errors: not_in_channel, channel_not_found, account_inactive, cannot_dm_bot', () => {
  it('the author is told in plain words, the handoff is kept, nothing is retried or duplicated', async () => {
    await boot();
    const log = new CaseLog('faults');
    t.fake.addChannel({ id: 'C0PUBNOBOT', name: 'pub-nobot', members: [People.author], botIsMember: false });
    const cases: Array<{ label: string; channel: string; expect: RegExp }> = [
      { label: 'not_in_channel', channel: 'C0PUBNOBOT', expect: /not a member of <#C0PUBNOBOT>.*\/invite/ },
      { label: 'channel_not_found', channel: 'C0MISSING', expect: /can’t see <#C0MISSING>/ },
    ];
    for (const c of cases) {
      const res = await submitModal(t, People.author, `perm-${c.label}`, { recipients: [People.ana], ask: `perm-${c.label} ask`, channel: c.channel });
      expect(res.status).toBe(200);
      await log.check(`${c.label}: author told, handoff kept, recipient still notified`, async () => {
        const dm = await t.fake.waitFor(
          'chat.postMessage',
          (m) => m.args.channel === People.author && String(m.args.text).includes(`Handoff #`) && String(m.args.text).includes(`perm-${c.label}`),
        );
        expect(String(dm.args.text)).toMatch(c.expect);
        expect(notifications(People.ana, `perm-${c.label} `)).toHaveLength(1);
      });
    }
    // DM failures only Slack knows about (the cached profile still says active / a person).
    t.fake.failNext('chat.postMessage', { error: 'account_inactive' });
    const inactive = await command(People.author, `<@${People.ana}> perm-inactive ask`);
    t.fake.failNext('chat.postMessage', { error: 'cannot_dm_bot' });
    const bot = await command(People.author, `<@${People.ana}> perm-bot ask`);
    await log.check('account_inactive: explained as deactivated, handoff saved', () => {
      expect(inactive).toMatch(/created/);
      expect(inactive).toMatch(/deactivated.*The handoff is saved/);
    });
    await log.check('cannot_dm_bot: explained as an app, handoff saved', () => {
      expect(bot).toMatch(/created/);
      expect(bot).toMatch(/is an app.*The handoff is saved/);
    });
    const postsBefore = t.fake.callsTo('chat.postMessage').length;
    await drain();
    for (let i = 0; i < 3; i++) {
      t.clock.advance(3600_000);
      await t.tick();
    }
    await log.check('failed rows stay failed: no retry, no duplicate post', async () => {
      const failed = (await outboxRows())
        .filter((r) => r.status === 'failed')
        .map((r) => r.lastError)
        .sort();
      expect(failed).toEqual(['account_inactive', 'cannot_dm_bot', 'channel_not_found', 'not_in_channel']);
      const retried = t.fake
        .callsTo('chat.postMessage')
        .slice(postsBefore)
        .filter((c) => ['C0PUBNOBOT', 'C0MISSING'].includes(String(c.args.channel)) || (c.args.channel === People.ana && JSON.stringify(c.args).includes('perm-')));
      expect(retried).toEqual([]);
    });
    await log.check('each permanent failure logged once, in words', () => {
      expect(warnings().filter((w) => w === 'delivery failed permanently')).toHaveLength(4);
    });
    await log.check('no listener error', () => expect(errorLines(t.logs)).toEqual([]));
    log.finish();
  }, 30000);
});

// ------------------------------------------------------------------ revocation

describe('token_revoked and the uninstall events', () => {
  it('token_revoked mid-run: delivery pauses, the author is told, data is kept; after a reinstall it is delivered once', async () => {
    await boot();
    const log = new CaseLog('faults');
    // Ana and the author are known (cached profiles) from an earlier handoff.
    await command(People.author, `<@${People.ana}> before-revocation ask`);
    t.fake.revokeToken();
    t.fake.addUser({ id: 'U0UNSEEN', name: 'unseen', tz: 'Europe/Lisbon' });
    const unknown = await command(People.author, '<@U0UNSEEN> revoked-0 ask');
    const reply = await command(People.author, `<@${People.ana}> revoked-1 ask`);
    const second = await command(People.author, `<@${People.ana}> revoked-2 ask`);
    const callsWhilePaused = t.fake.calls.length;
    await drain(2_000);
    for (let i = 0; i < 3; i++) {
      t.clock.advance(6 * 3600_000);
      await t.tick();
    }
    await log.check('someone never looked up: nothing created, and the reason is given', () => {
      expect(unknown).toMatch(/no longer accepts Handoff’s access.*nothing was created/);
      expect(unknown).toContain('revoked-0 ask');
    });
    await log.check('the author is told the access was revoked and the handoff is saved', () => {
      expect(reply).toMatch(/created/);
      expect(reply).toMatch(/no longer accepts Handoff’s access|paused/);
      expect(second).toMatch(/paused/);
    });
    await log.check('the workspace is paused; nothing more is sent while it is', async () => {
      expect(await workspaceStatus()).toEqual({ status: 'tokens_revoked' });
      expect(t.fake.calls.slice(callsWhilePaused).filter((c) => c.method.startsWith('chat.'))).toEqual([]);
      expect((await outboxRows('dm')).map((r) => r.status)).toEqual(['sent', 'pending', 'pending']);
    });
    await log.check('the log says why, once per attempt, without the token', () => {
      expect(parseLogs(t.logs).filter((l) => l.msg === 'Slack token no longer valid; delivery for this workspace is paused')).toHaveLength(1);
      expect(t.logs.join('')).not.toContain(TEST_BOT_TOKEN);
    });
    // Reinstall: Slack accepts the token again and the app restarts.
    t.fake.clearFaults();
    await t.restart();
    await t.tick();
    await drain();
    await log.check('after the reinstall each DM arrives exactly once', async () => {
      expect(notifications(People.ana, 'revoked-1 ')).toHaveLength(1);
      expect(notifications(People.ana, 'revoked-2 ')).toHaveLength(1);
      expect(await workspaceStatus()).toEqual({ status: 'active' });
      expect(warnings()).toContain('Slack accepts the bot token again: delivery resumed');
    });
    log.finish();
  }, 30000);

  for (const event of [
    { type: 'app_uninstalled', event_ts: '1.0' },
    { type: 'tokens_revoked', tokens: { bot: ['UBOT'], oauth: [] }, event_ts: '1.0' },
  ]) {
    it(`${event.type}: stops all delivery for the workspace and keeps every row`, async () => {
      await boot();
      const log = new CaseLog('faults');
      // Ken (Tokyo, off-hours) waits for his digest; the author's question to Ana is answered later.
      await command(People.author, `<@${People.ken}> ${event.type}-digest ask`);
      const res = await t.slack.event(event);
      expect(res.status).toBe(200);
      // Slack revokes the token with the uninstall: it stays revoked across a restart.
      t.fake.revokeToken();
      const snapshot = () => sqlGet(t, 'select (select count(*) from handoffs) h, (select count(*) from handoff_events) e, (select count(*) from users) u');
      const before = await snapshot();
      const callsBefore = t.fake.calls.length;
      await t.restart();
      for (let i = 0; i < 6; i++) {
        t.clock.advance(4 * 3600_000);
        await t.tick();
      }
      await log.check('workspace marked, logged', async () => {
        const want = event.type === 'app_uninstalled' ? 'uninstalled' : 'tokens_revoked';
        expect(await workspaceStatus()).toEqual({ status: want });
        expect(warnings().some((w) => /delivery stopped, data kept/.test(w))).toBe(true);
      });
      await log.check('no message of any kind was sent afterwards (no digest, no DM)', () => {
        expect(t.fake.calls.slice(callsBefore).filter((c) => c.method.startsWith('chat.') || c.method.startsWith('views.'))).toEqual([]);
      });
      await log.check('data kept: handoffs, events, people', async () => expect(await snapshot()).toEqual(before));
      // Reinstalled: the token works again; Ken's pending handoff reaches him (in his digest).
      t.fake.clearFaults();
      await t.restart();
      // The restarted app learns that Slack takes the token again from its own auth.test, in the
      // background; a sweep that ran before that would find the workspace still paused (the next
      // tick, 30 s later, would send the digest). Wait for that, not for a fixed time.
      await eventually(async () => expect(await workspaceStatus()).toEqual({ status: 'active' }), 15_000);
      // Friday 09:05 in Tokyo: Ken's next digest (Thursday's was missed while uninstalled, by design).
      t.clock.set('2026-11-27T00:05:00Z');
      await t.tick();
      await drain();
      await log.check('after a reinstall delivery resumes', () => {
        const digests = t.fake.messagesIn(People.ken).filter((m) => m.metadata?.event_type === MetadataEventTypes.digest);
        expect(digests.length).toBeGreaterThanOrEqual(1);
        expect(JSON.stringify(digests)).toContain(`${event.type}-digest ask`);
      });
      log.finish();
    }, 30000);
  }

  it('tokens_revoked for user tokens only does not stop delivery', async () => {
    await boot();
    const log = new CaseLog('faults');
    await t.slack.event({ type: 'tokens_revoked', tokens: { oauth: [People.ana] }, event_ts: '1.0' });
    await command(People.author, `<@${People.ana}> still-delivered ask`);
    await log.check('workspace still active and the DM went out', async () => {
      expect(await workspaceStatus()).toEqual({ status: 'active' });
      await drain();
      expect(notifications(People.ana, 'still-delivered ')).toHaveLength(1);
    });
    log.finish();
  });
});

// ------------------------------------------------------------------ boot

describe('Slack unreachable at boot', () => {
  it('a failed auth.test at start-up does not disable the app: commands are answered, and auth.test is retried', async () => {
    const fake = await FakeSlack.start({ botToken: TEST_BOT_TOKEN, teamId: TEAM });
    fake.failNext('auth.test', { status: 503, times: 1 });
    await boot({}, fake);
    const log = new CaseLog('faults');
    try {
      await log.check('help is answered', async () => {
        const res = await t.slack.command({ userId: People.ana, text: 'help' });
        expect(String((res.json as { text?: string } | undefined)?.text)).toContain('/handoff list');
      });
      await log.check('a handoff is created and delivered', async () => {
        expect(await command(People.author, `<@${People.ana}> boot ask`)).toMatch(/created/);
        expect(notifications(People.ana, 'boot ask')).toHaveLength(1);
      });
      await log.check('auth.test was retried until it worked, and the failure was logged as a warning', () => {
        expect(fake.callsTo('auth.test').length).toBeGreaterThanOrEqual(2);
        expect(fake.callsTo('auth.test').at(-1)!.status).toBe(200);
        expect(warnings().some((w) => /auth.test failed/.test(w))).toBe(true);
      });
      await log.check('a bad signature is still refused meanwhile', async () => {
        expect((await t.slack.command({ userId: People.ana, text: 'help' }, { signature: 'v0=00' })).status).toBe(401);
      });
    } finally {
      await t.close();
      await fake.close();
    }
    log.finish();
  });
});
