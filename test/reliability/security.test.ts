/**
 * Security through the real HTTP receiver:
 * - request authenticity: bad signature / stale timestamp / missing headers → 401 on every request type,
 *   and nothing happens (no Slack call, no database change);
 * - authorisation: a non-participant (or a participant in the wrong role, or another workspace) acting
 *   on a handoff through crafted payloads is refused, told so, and the event log does not change;
 * - text safety: <!channel>, <!here>, <@U…> spoofs and <http://evil|innocent> in user text are
 *   neutralised on every surface (DM, digest, App Home, channel post, replies, /handoff list);
 * - secrets: the bot token and signing secret never reach a log line, error paths included;
 * - visibility: App Home and /handoff list only ever show a person their own handoffs.
 */
import { commandText, eventually, startTestApp, TEST_BOT_TOKEN, TEST_SIGNING_SECRET, type TestApp } from '../harness/testApp';
import { SlackRequester, signRequest, type SlackResponse } from '../harness/slackRequests';
import { ActionIds, CallbackIds, ReassignModalFields, ResolveModalFields } from '../../src/ids';
import { validateSurface } from '../harness/blockKit';
import { sqlAll, sqlCount, sqlGet } from '../harness/testSql';
import { CaseLog } from './support/cases';
import { errorLines, modalValues, NOW, People, seedWorkspace, sleep, submitModal, surfaceCalls, TEAM, unsafeInCalls, unsafeMrkdwn, watchProcess } from './support/world';

let t: TestApp;
let watch: ReturnType<typeof watchProcess>;

beforeEach(async () => {
  watch = watchProcess();
  t = await startTestApp({ now: NOW });
  seedWorkspace(t);
});
afterEach(async () => {
  await t.close();
  watch.stop();
  // An unhandled rejection anywhere during the test fails it.
  expect(watch.problems).toEqual([]);
});

const count = (table: string) => sqlCount(t, `select count(*) n from ${table}`);
const workspaces = async () => JSON.stringify(await sqlAll(t, 'select * from workspaces order by team_id'));

/** Sends a command; returns what the person was told, in the ack or on the command's response_url. */
const inline = (userId: string, text: string): Promise<string> => commandText(t, userId, text);

async function handoffByNumber(n: number) {
  const id = await t.handoff.store.findHandoffIdByNumber(TEAM, n);
  return id === undefined ? undefined : t.handoff.store.loadHandoff(TEAM, id);
}

/** Waits until the fake saw no new call for a moment and the outbox is idle. */
async function quiet(ms = 60): Promise<void> {
  let last = -1;
  while (last !== t.fake.calls.length) {
    last = t.fake.calls.length;
    await sleep(ms);
    await t.handoff.dispatcher.idle();
  }
}

// ------------------------------------------------------------------ authenticity

describe('request authenticity', () => {
  it('bad signature, stale or missing timestamp → 401 for commands, interactions, shortcuts, events and url_verification; nothing happens', async () => {
    const log = new CaseLog('security');
    const signed = new SlackRequester({
      baseUrl: `http://127.0.0.1:${t.port}`,
      signingSecret: TEST_SIGNING_SECRET,
      teamId: TEAM,
      issueTriggerId: (u) => t.fake.issueTriggerId(u),
      responseUrl: () => t.fake.responseUrl(),
    });
    const wrongSecret = new SlackRequester({ baseUrl: `http://127.0.0.1:${t.port}`, signingSecret: 'ffffffffffffffffffffffffffffffff', teamId: TEAM });
    const nowSec = () => Math.floor(Date.now() / 1000);
    const handoff = await t.handoff.deps.handoffs.create(
      TEAM,
      {
        authorId: People.author,
        recipientIds: [People.ana],
        title: 'sig target',
        context: '',
        ask: 'sig target',
        links: '',
        ifOffline: '',
        neededByAt: null,
        channelId: null,
        urgent: false,
      },
      { idempotencyKey: 'sig' },
    );
    if (handoff.kind === 'invalid') throw new Error('setup');
    const id = handoff.handoff.id;
    await quiet();

    type Sender = (r: SlackRequester, send: { signature?: string; timestamp?: number; headers?: Record<string, string> }) => Promise<SlackResponse>;
    const kinds: Array<[string, Sender]> = [
      ['command (create)', (r, s) => r.command({ userId: People.eve, text: `<@${People.ana}> forged ask` }, s)],
      ['command (done)', (r, s) => r.command({ userId: People.ana, text: 'done 1 forged' }, s)],
      ['block_actions', (r, s) => r.interaction(signed.blockAction({ userId: People.ana, actionId: ActionIds.acknowledge, value: String(id) }), s)],
      [
        'view_submission',
        (r, s) =>
          r.interaction(
            signed.viewSubmission({
              userId: People.author,
              callbackId: CallbackIds.resolveModal,
              privateMetadata: JSON.stringify({ handoffId: id, action: 'cancel' }),
              values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: 'forged' } },
            }),
            s,
          ),
      ],
      [
        'message shortcut',
        (r, s) =>
          r.interaction(
            signed.messageShortcut({
              userId: People.eve,
              callbackId: CallbackIds.handThisOffShortcut,
              channelId: 'C0PROJ',
              message: { ts: '1700000000.000100', text: 'x', user: People.ana },
            }),
            s,
          ),
      ],
      ['event: app_home_opened', (r, s) => r.event({ type: 'app_home_opened', user: People.ana, channel: 'D0ANA', tab: 'home', event_ts: '1.0' }, s)],
      ['event: app_uninstalled', (r, s) => r.event({ type: 'app_uninstalled', event_ts: '1.0' }, s)],
      ['event: tokens_revoked', (r, s) => r.event({ type: 'tokens_revoked', tokens: { bot: ['B0001'] }, event_ts: '1.0' }, s)],
      ['url_verification', (r, s) => r.urlVerification('forged-challenge', s)],
    ];
    const variants: Array<[string, SlackRequester, { signature?: string; timestamp?: number; headers?: Record<string, string> }]> = [
      ['garbage signature', signed, { signature: 'v0=deadbeef' }],
      ['empty signature', signed, { signature: '' }],
      ['unknown version', signed, { signature: `v1=${'0'.repeat(64)}` }],
      ['signed with another secret', wrongSecret, {}],
      ['stale timestamp (6 min), correctly signed', signed, { timestamp: nowSec() - 6 * 60 }],
      ['stale timestamp (1 day), correctly signed', signed, { timestamp: nowSec() - 86400 }],
      ['non-numeric timestamp', signed, { headers: { 'X-Slack-Request-Timestamp': 'yesterday' } }],
      ['signature of a different body', signed, { signature: signRequest(TEST_SIGNING_SECRET, 'text=help', nowSec()) }],
    ];

    const before = {
      calls: t.fake.calls.length,
      handoffs: await count('handoffs'),
      events: await count('handoff_events'),
      workspaces: await workspaces(),
    };
    for (const [kind, send] of kinds) {
      for (const [variant, requester, opts] of variants) {
        await log.check(`${kind} / ${variant}`, async () => {
          const res = await send(requester, opts);
          expect(res.status).toBe(401);
          expect(res.text).not.toContain('forged-challenge');
        });
      }
    }
    // The same requests without any signature headers at all.
    for (const [label, body, type] of [
      ['command without headers', `command=%2Fhandoff&text=help&user_id=${People.ana}&team_id=${TEAM}`, 'application/x-www-form-urlencoded'],
      ['event without headers', JSON.stringify({ type: 'event_callback', team_id: TEAM, event: { type: 'app_uninstalled' } }), 'application/json'],
    ] as const) {
      await log.check(label, async () => {
        const res = await fetch(`http://127.0.0.1:${t.port}/slack/events`, { method: 'POST', headers: { 'Content-Type': type }, body });
        expect(res.status).toBe(401);
      });
    }
    // Bolt skips verification for ssl_check=1; a payload smuggled next to it must not reach a listener.
    // Unsigned, it no longer even reaches Bolt: Slack signs every request it sends, ssl_check included,
    // and requests without signature headers are refused before their body is read (issue 10, item 4).
    const smuggled = `ssl_check=1&payload=${encodeURIComponent(JSON.stringify(signed.viewSubmission({ userId: People.author, callbackId: CallbackIds.resolveModal, privateMetadata: JSON.stringify({ handoffId: id, action: 'cancel' }), values: {} })))}`;
    await log.check('ssl_check with a smuggled payload, unsigned', async () => {
      const res = await fetch(`http://127.0.0.1:${t.port}/slack/events`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: smuggled });
      expect(res.status).toBe(401);
      expect(await res.text()).toBe('');
    });
    await log.check('ssl_check with a smuggled payload, signed as Slack signs it', async () => {
      const res = await signed.raw(smuggled, { contentType: 'application/x-www-form-urlencoded' });
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
    });
    await quiet();
    await log.check('nothing happened: no Slack call, no database change, no listener ran', async () => {
      expect(t.fake.calls.slice(before.calls).map((c) => c.method)).toEqual([]);
      expect(await count('handoffs')).toBe(before.handoffs);
      expect(await count('handoff_events')).toBe(before.events);
      expect(await workspaces()).toBe(before.workspaces);
      expect((await t.handoff.store.loadHandoff(TEAM, id))!.state).toBe('open');
    });
    log.finish();
  }, 30000);
});

// ------------------------------------------------------------------ authorisation

describe('authorisation: acting on a handoff you are not on', () => {
  it('every lifecycle action and modal submission from the wrong person is refused, told, and changes nothing', async () => {
    const log = new CaseLog('security');
    // #1: author → ana + ken; ken then reassigns to grid, so ken is a former recipient.
    const n = Number(/#(\d+)/.exec(await inline(People.author, `<@${People.ana}> <@${People.ken}> send the Q3 numbers`))![1]);
    const id = (await handoffByNumber(n))!.id;
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: People.ken,
        callbackId: CallbackIds.reassignModal,
        privateMetadata: JSON.stringify({ handoffId: id }),
        values: { [ReassignModalFields.to.block]: { [ReassignModalFields.to.action]: { type: 'users_select', selected_user: People.grid } } },
      }),
    );
    expect(
      (await handoffByNumber(n))!.recipients
        .filter((r) => r.active)
        .map((r) => r.userId)
        .sort(),
    ).toEqual([People.ana, People.grid].sort());
    await quiet();

    const other = new SlackRequester({
      baseUrl: `http://127.0.0.1:${t.port}`,
      signingSecret: TEST_SIGNING_SECRET,
      teamId: 'T0OTHER',
      issueTriggerId: (u) => t.fake.issueTriggerId(u),
      responseUrl: () => t.fake.responseUrl(),
    });
    const snapshot = async () =>
      JSON.stringify({
        h: await t.handoff.store.loadHandoff(TEAM, id),
        events: await t.handoff.store.listEvents(id),
        outbox: await sqlGet(t, "select count(*) n from outbox where kind != 'digest'"),
      });
    const before = await snapshot();

    const button = (r: SlackRequester, userId: string, actionId: string, where: 'message' | 'home') =>
      r.interaction(
        r.blockAction(
          where === 'home'
            ? { userId, actionId, value: String(id), view: { id: 'VHOME', type: 'home' } }
            : { userId, actionId, value: String(id), channelId: 'C0PROJ', messageTs: '1700000000.000100' },
        ),
      );
    const note = (r: SlackRequester, userId: string, action: 'complete' | 'decline' | 'cancel') =>
      r.interaction(
        r.viewSubmission({
          userId,
          callbackId: CallbackIds.resolveModal,
          privateMetadata: JSON.stringify({ handoffId: id, action }),
          values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: 'hijacked' } },
        }),
      );
    const reassign = (r: SlackRequester, userId: string) =>
      r.interaction(
        r.viewSubmission({
          userId,
          callbackId: CallbackIds.reassignModal,
          privateMetadata: JSON.stringify({ handoffId: id }),
          values: { [ReassignModalFields.to.block]: { [ReassignModalFields.to.action]: { type: 'users_select', selected_user: People.eve } } },
        }),
      );
    const done = (r: SlackRequester, userId: string) => r.command({ userId, text: `done ${n} hijacked` });

    const RECIPIENT_ONLY = [ActionIds.acknowledge, ActionIds.complete, ActionIds.decline, ActionIds.reassign, ActionIds.snooze];
    type Attempt = { label: string; send: () => Promise<SlackResponse>; userId: string; modal?: boolean };
    const attempts: Attempt[] = [];
    const actors: Array<[string, SlackRequester, string, 'all' | 'recipient-only' | 'author-only']> = [
      ['outsider', t.slack, People.eve, 'all'],
      ['former recipient (reassigned away)', t.slack, People.ken, 'all'],
      ['same user id, another workspace', other, People.author, 'all'],
      ['same user id, another workspace', other, People.ana, 'all'],
      ['author', t.slack, People.author, 'recipient-only'],
      ['recipient', t.slack, People.ana, 'author-only'],
    ];
    for (const [who, r, userId, scope] of actors) {
      const buttons = scope === 'all' ? [...RECIPIENT_ONLY, ActionIds.cancel] : scope === 'recipient-only' ? RECIPIENT_ONLY : [ActionIds.cancel];
      for (const actionId of buttons) {
        for (const where of ['message', 'home'] as const)
          attempts.push({ label: `${who} ${userId}: ${actionId} button (${where})`, send: () => button(r, userId, actionId, where), userId });
      }
      const notes = scope === 'all' ? (['complete', 'decline', 'cancel'] as const) : scope === 'recipient-only' ? (['complete', 'decline'] as const) : (['cancel'] as const);
      for (const a of notes) attempts.push({ label: `${who} ${userId}: ${a} modal submission`, send: () => note(r, userId, a), userId, modal: true });
      if (scope !== 'author-only') {
        attempts.push({ label: `${who} ${userId}: reassign modal submission`, send: () => reassign(r, userId), userId, modal: true });
        attempts.push({ label: `${who} ${userId}: /handoff done ${n}`, send: () => done(r, userId), userId });
      }
    }

    for (const a of attempts) {
      await log.check(a.label, async () => {
        const from = t.fake.calls.length;
        const res = await a.send();
        expect(res.status).toBe(200);
        // Refused out loud: an error in the modal, or a private reply / DM to the person. The reply
        // follows the ack once the listener has read the handoff (on PostgreSQL often more than the
        // 30 ms quiet() waits): wait for it, then for anything else to arrive.
        const said = () =>
          [
            JSON.stringify(res.json ?? ''),
            ...t.fake.calls
              .slice(from)
              .filter((c) => c.method === 'response_url' || (c.method === 'chat.postMessage' && c.args.channel === a.userId))
              .map((c) => String(c.args.text)),
          ].join(' ');
        await eventually(() => expect(said()).toMatch(/Only the people|Only the person who wrote|can’t find|only the people this handoff is for/i));
        await quiet(30);
        const calls = t.fake.calls.slice(from);
        // No modal opened for someone who may not act, and nothing sent to anyone else.
        expect(calls.filter((c) => c.method === 'views.open')).toEqual([]);
        expect(calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel !== a.userId)).toEqual([]);
        expect(calls.filter((c) => c.method === 'chat.update')).toEqual([]);
        expect(await snapshot()).toBe(before);
      });
    }
    log.finish();
  }, 60000);
});

describe('authorisation: ids carried in private_metadata', () => {
  it('a handoff form naming someone else’s meeting prompt does not mark that prompt converted', async () => {
    const log = new CaseLog('security');
    const outcome = await t.handoff.deps.deflection.onMessage(TEAM, 'EvDEFLECT1', {
      type: 'message',
      user: People.eve,
      channel: 'C0PROJ',
      channel_type: 'channel',
      text: `<@${People.ana}> can we hop on a quick call tomorrow to sort this out?`,
      ts: '1700000000.000900',
    } as never);
    const row = () =>
      sqlGet<{ id: number; outcome: string; handoffId: number | null }>(t, 'select id, outcome, handoff_id as "handoffId" from deflections where user_id = ?', People.eve);
    await log.check('precondition: Eve was shown a prompt', async () => {
      expect(outcome.kind).toBe('prompted');
      expect(await row()).toBeDefined();
    });
    const before = await row();
    const res = await t.slack.interaction(
      t.slack.viewSubmission({
        userId: People.author,
        callbackId: CallbackIds.handoffModal,
        privateMetadata: JSON.stringify({ key: 'steal', deflectionId: before?.id ?? 1 }),
        values: modalValues({ recipients: [People.ana], ask: 'stolen conversion' }),
      }),
    );
    await quiet();
    await log.check('the author’s handoff is created normally', async () => {
      expect(res.status).toBe(200);
      expect(await sqlGet(t, "select count(*) n from handoffs where ask = 'stolen conversion'")).toEqual({ n: 1 });
    });
    await log.check('Eve’s prompt is untouched', async () => expect(await row()).toEqual(before));
    log.finish();
  });
});

// ------------------------------------------------------------------ text safety

const EVIL = {
  title: 'Ship it <!channel> <@U0EVE>',
  ask: 'Please <!here> check <http://evil.example/login|the doc> and <@U0EVE|boss> plus <!everyone> and <!subteam^S0TEAM|@leads>',
  context: 'Context <!channel> <mailto:ceo@evil.example|CEO>',
  links: '<http://evil.example|https://docs.example.com>',
  ifOffline: 'Ask <@U0EVE> or <!here>',
};

describe('text safety on every surface', () => {
  it('user text with <!channel>, <!here>, <@U…> and <http://evil|innocent> is shown escaped everywhere', async () => {
    const log = new CaseLog('security');
    const from = t.fake.calls.length;
    const acks: Array<[string, unknown]> = [];

    // 12:00Z — New York (author) 07:00, off; Lisbon (ana) working; Tokyo (ken) 21:00, off.
    // #1 modal: raw text in every field, to ana (DM now) and ken (digest), posted in #proj.
    await submitModal(t, People.author, 'evil-1', { recipients: [People.ana, People.ken], ...EVIL, channel: 'C0PROJ' });
    // #2 inline: Slack escapes &, < and > in command text, and sends real broadcasts/links in <…>.
    acks.push([
      'inline create',
      await inline(People.author, `<@${People.ana}> Inline &lt;!channel&gt; &lt;@U0EVE&gt; &lt;http://evil.example|innocent&gt; <!here> <http://evil.example|innocent>`),
    ]);
    // #3 a recipient whose display name is "<!channel> loud", named in the channel post.
    await submitModal(t, People.author, 'evil-3', { recipients: [People.loud], ask: 'ask the loud one', channel: 'C0PROJ' });
    // #4 for ken only: still open at his morning digest.
    await submitModal(t, People.author, 'evil-4', { recipients: [People.ken], ...EVIL });
    // #5 for ana: done later while the author is working (live "unblocked" DM).
    await submitModal(t, People.author, 'evil-5', { recipients: [People.ana], ask: 'five', title: 'Five <!here>' });
    // Replies that echo text back: unknown name, invalid draft, broadcast.
    acks.push(['unknown name', await inline(People.author, '@nobody-here please <http://evil.example|innocent> &lt;!channel&gt;')]);
    acks.push(['invalid draft', await inline(People.author, `<@${People.bot}> <!here> <http://evil.example|innocent>`)]);
    acks.push(['broadcast', await inline(People.author, '<!subteam^S0TEAM|@leads> <!channel> hi')]);
    await quiet();

    // Lifecycle with evil notes while the author is offline: they wait for the author's digest.
    acks.push(['done reply', await inline(People.ana, `done 1 fixed &lt;!channel&gt; see <http://evil.example|the fix> &lt;@U0EVE&gt;`)]);
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: People.ana,
        callbackId: CallbackIds.resolveModal,
        privateMetadata: JSON.stringify({ handoffId: (await handoffByNumber(2))!.id, action: 'decline' }),
        values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: 'No <!here> <http://evil.example|reason>' } },
      }),
    );
    await t.slack.interaction(
      t.slack.blockAction({
        userId: People.ken,
        actionId: ActionIds.acknowledge,
        value: String((await handoffByNumber(4))!.id),
        channelId: 'C0PROJ',
        messageTs: '1700000000.000100',
      }),
    );
    // 14:00Z — the author is working: #5 done now reaches them live, note included.
    t.clock.set('2026-11-25T14:00:00Z');
    await t.slack.interaction(
      t.slack.viewSubmission({
        userId: People.ana,
        callbackId: CallbackIds.resolveModal,
        privateMetadata: JSON.stringify({ handoffId: (await handoffByNumber(5))!.id, action: 'complete' }),
        values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: 'Done <!channel> <@U0EVE> <https://evil.example|proof>' } },
      }),
    );
    await quiet();

    // /handoff list and App Home for everyone involved.
    for (const u of [People.author, People.ana, People.ken, People.loud]) {
      acks.push([`list ${u}`, await t.reply(u, 'list')]);
      await t.slack.event({ type: 'app_home_opened', user: u, channel: `D${u.slice(1)}`, tab: 'home', event_ts: '1.0' });
    }
    // Digests: Ken (Tokyo) at 09:00 his time (#4 waiting), the author (New York) on his next workday
    // (#1, #2 unblocked): Friday, as Thursday 26 Nov is Thanksgiving there.
    t.clock.set('2026-11-26T00:05:00Z');
    await t.tick();
    t.clock.set('2026-11-27T14:05:00Z');
    await t.tick();
    await quiet();

    const calls = t.fake.calls.slice(from);
    const surfaces = new Set(
      surfaceCalls(calls).map((c) =>
        c.method === 'chat.postMessage' && /^C/.test(String(c.args.channel))
          ? 'channel post'
          : c.method === 'chat.postMessage' && JSON.stringify(c.args.metadata ?? '').includes('digest')
            ? 'digest'
            : c.method,
      ),
    );
    await log.check('every surface was exercised', () => {
      for (const s of ['chat.postMessage', 'channel post', 'digest', 'chat.update', 'views.publish', 'response_url']) expect([...surfaces]).toContain(s);
      expect(acks.length).toBeGreaterThan(5);
    });
    for (const c of surfaceCalls(calls)) {
      await log.check(`${c.method} → ${String(c.args.channel ?? c.args.user_id ?? c.args.response_url ?? '')}`, () => {
        expect(unsafeMrkdwn(c.args)).toEqual([]);
        // Eve is on no handoff: a real mention of her can only be a spoof.
        expect(JSON.stringify(c.args)).not.toContain('<@U0EVE>');
      });
    }
    for (const [label, body] of acks) {
      await log.check(`ack/reply: ${label}`, () => {
        expect(unsafeMrkdwn(body)).toEqual([]);
        expect(JSON.stringify(body)).not.toContain('<@U0EVE>');
      });
    }
    await log.check('both digests went out, with the evil text in them', () => {
      const digests = calls.filter((c) => c.method === 'chat.postMessage' && JSON.stringify(c.args.metadata ?? '').includes('digest'));
      expect(digests.map((c) => c.args.channel).sort()).toEqual([People.author, People.ken].sort());
      expect(JSON.stringify(digests)).toContain('&lt;!channel&gt;');
    });
    await log.check('the text is shown (escaped), not dropped', () => {
      const all = JSON.stringify(surfaceCalls(calls).map((c) => c.args));
      expect(all).toContain('&lt;!channel&gt;');
      expect(all).toContain('&lt;http://evil.example/login|the doc&gt;');
      expect(all).toContain('&lt;@U0EVE&gt;');
    });
    await log.check('no listener errors', () => expect(errorLines(t.logs)).toEqual([]));
    expect(unsafeInCalls(t.fake.calls, from)).toEqual([]);
    log.finish();
  }, 60000);
});

// ------------------------------------------------------------------ secrets

describe('secrets never reach the logs', () => {
  it('not on success, not on token_revoked, invalid_auth, 5xx, timeouts, bad signatures or failed modals', async () => {
    const log = new CaseLog('security');
    // A short Web API timeout, so the timeout path runs in a second rather than ten.
    await t.close();
    t = await startTestApp({ now: NOW, env: { SLACK_API_TIMEOUT_MS: '400' } });
    seedWorkspace(t);
    t.fake.addUser({ id: 'U0SEC', name: 'sec', tz: 'Europe/Lisbon' });
    await inline(People.author, `<@${People.ana}> a normal one`);
    await t.slack.command({ userId: People.ana, text: 'done 1 ok' }, { signature: 'v0=bad' });
    // views.open refused (bad trigger) → the error object is logged.
    await t.slack.command({ userId: People.author, text: '', triggerId: 'not-a-trigger' });
    // 5xx with a body, then a platform error, then invalid_auth: all logged with err objects.
    t.fake.failNext('chat.postMessage', { status: 503, times: 1 });
    await inline(People.author, `<@${People.ana}> during a 503`);
    t.fake.failNext('users.info', { error: 'invalid_auth', times: 1 });
    await inline(People.author, `<@U0SEC> while auth is invalid`);
    // A request timeout: the HTTP client's error carries the request config, Authorization header included.
    t.fake.delay('views.publish', 1_500);
    await t.slack.event({ type: 'app_home_opened', user: People.ana, channel: 'D0ANA', tab: 'home', event_ts: '1.0' });
    // token_revoked on every call.
    t.fake.revokeToken();
    await inline(People.author, `<@${People.ana}> after revocation`);
    await t.slack.command({ userId: People.author, text: 'settings' });
    await quiet(100);
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && !t.logs.some((l) => l.includes('could not publish App Home'))) await sleep(100);
    t.fake.clearFaults();

    const all = t.logs.join('');
    await log.check('error paths were actually logged', () => {
      expect(all).toMatch(/token_revoked/);
      expect(all).toMatch(/invalid_auth/);
      expect(all).toMatch(/could not publish App Home/);
      expect(all).toMatch(/Failed to verify authenticity|signature/i);
    });
    for (const [label, secret] of [
      ['bot token', TEST_BOT_TOKEN],
      ['signing secret', TEST_SIGNING_SECRET],
      ['any xoxb- token', 'xoxb-'],
      ['Authorization header value', 'Bearer x'],
    ] as const) {
      await log.check(`${label} absent from ${t.logs.length} log lines`, () => expect(all).not.toContain(secret));
    }
    log.finish();
  }, 30000);
});

// ------------------------------------------------------------------ visibility

describe('visibility', () => {
  it('App Home and /handoff list of an outsider never show other people’s handoffs; participants see theirs', async () => {
    const log = new CaseLog('security');
    await inline(People.author, `<@${People.ana}> SECRET-ALPHA budget numbers`);
    await inline(People.ana, `<@${People.ken}> SECRET-BETA hiring plan`);
    await submitModal(t, People.author, 'vis-1', { recipients: [People.ken], ask: 'SECRET-GAMMA posted in proj', channel: 'C0PROJ' });
    await quiet();
    const homeOf = async (u: string) => {
      await t.slack.event({ type: 'app_home_opened', user: u, channel: `D${u.slice(1)}`, tab: 'home', event_ts: '1.0' });
      const call = await t.fake.waitFor('views.publish', (c) => c.args.user_id === u);
      return JSON.stringify(call.args.view);
    };
    const listOf = async (u: string, r = t.slack) => JSON.stringify(await t.reply(u, 'list', r));
    const other = new SlackRequester({ baseUrl: `http://127.0.0.1:${t.port}`, signingSecret: TEST_SIGNING_SECRET, teamId: 'T0OTHER', responseUrl: () => t.fake.responseUrl() });

    const expectations: Array<[string, () => Promise<string>, string[], string[]]> = [
      ['outsider App Home', () => homeOf(People.eve), [], ['SECRET-ALPHA', 'SECRET-BETA', 'SECRET-GAMMA']],
      ['outsider /handoff list', () => listOf(People.eve), [], ['SECRET-ALPHA', 'SECRET-BETA', 'SECRET-GAMMA']],
      ['author’s id from another workspace: list', () => listOf(People.author, other), [], ['SECRET-ALPHA', 'SECRET-BETA', 'SECRET-GAMMA']],
      ['author App Home', () => homeOf(People.author), ['SECRET-ALPHA', 'SECRET-GAMMA'], ['SECRET-BETA']],
      ['ana /handoff list', () => listOf(People.ana), ['SECRET-ALPHA', 'SECRET-BETA'], ['SECRET-GAMMA']],
      ['ken /handoff list', () => listOf(People.ken), ['SECRET-BETA', 'SECRET-GAMMA'], ['SECRET-ALPHA']],
    ];
    for (const [label, get, shown, hidden] of expectations) {
      await log.check(label, async () => {
        const text = await get();
        for (const s of shown) expect(text).toContain(s);
        for (const s of hidden) expect(text).not.toContain(s);
      });
    }
    await log.check('DMs went only to participants; the channel post only to the chosen channel', () => {
      const posts = t.fake.callsTo('chat.postMessage').filter((c) => (c.response as { ok: boolean }).ok);
      for (const p of posts) {
        const body = JSON.stringify(p.args);
        if (body.includes('SECRET-ALPHA')) expect([People.ana, People.author]).toContain(p.args.channel);
        if (body.includes('SECRET-BETA')) expect([People.ken, People.ana]).toContain(p.args.channel);
        if (body.includes('SECRET-GAMMA')) expect([People.ken, People.author, 'C0PROJ']).toContain(p.args.channel);
      }
      expect(posts.some((p) => p.args.channel === People.eve)).toBe(false);
    });
    log.finish();
  }, 30000);

  it('a note to self is listed once: App Home is accepted by Slack and /handoff list is valid Block Kit', async () => {
    const log = new CaseLog('security');
    await inline(People.author, `<@${People.author}> SELF-NOTE pick up the invoice thread`);
    await inline(People.author, `<@${People.ana}> OTHER-ASK numbers`);
    await log.check('App Home publishes (Slack rejects duplicate block_ids)', async () => {
      await t.slack.event({ type: 'app_home_opened', user: People.author, channel: 'D0AUTH', tab: 'home', event_ts: '1.0' });
      const call = await t.fake.waitFor('views.publish', (c) => c.args.user_id === People.author);
      expect(call.response).toMatchObject({ ok: true });
      const text = JSON.stringify(call.args.view);
      expect(text.split('SELF-NOTE').length - 1).toBe(1);
      expect(text).toContain('OTHER-ASK');
    });
    await log.check('/handoff list is valid and shows it once', async () => {
      const body = (await t.reply(People.author, 'list')) as { blocks: unknown[] };
      expect(validateSurface('message', body as never)).toEqual([]);
      expect(JSON.stringify(body).split('SELF-NOTE').length - 1).toBe(1);
    });
    log.finish();
  });

  it('a Slack Connect user from another organisation cannot be handed a handoff, by mention, form or reassignment', async () => {
    const log = new CaseLog('security');
    await log.check('inline mention', async () => {
      expect(await inline(People.author, `<@${People.external}> partner, please sign`)).toMatch(
        /<@U\w+> isn’t a member of this workspace \(they are in another workspace or organisation\)/,
      );
    });
    await log.check('modal', async () => {
      const res = await submitModal(t, People.author, 'ext-1', { recipients: [People.external], ask: 'partner, please sign' });
      expect(JSON.stringify(res.json)).toMatch(/<@U\w+> isn’t a member of this workspace \(they are in another workspace or organisation\)/);
    });
    await log.check('reassignment', async () => {
      const n = Number(/#(\d+)/.exec(await inline(People.author, `<@${People.ana}> internal ask`))![1]);
      const id = (await handoffByNumber(n))!.id;
      const res = await t.slack.interaction(
        t.slack.viewSubmission({
          userId: People.ana,
          callbackId: CallbackIds.reassignModal,
          privateMetadata: JSON.stringify({ handoffId: id }),
          values: { [ReassignModalFields.to.block]: { [ReassignModalFields.to.action]: { type: 'users_select', selected_user: People.external } } },
        }),
      );
      expect(JSON.stringify(res.json)).toMatch(/response_action.*errors/);
      expect((await handoffByNumber(n))!.recipients.filter((r) => r.active).map((r) => r.userId)).toEqual([People.ana]);
    });
    await log.check('nothing was created for them', async () => {
      expect(await sqlGet(t, 'select count(*) n from handoff_recipients where user_id = ?', People.external)).toEqual({ n: 0 });
    });
    log.finish();
  }, 30000);
});
