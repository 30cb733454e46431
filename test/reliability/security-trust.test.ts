/**
 * Trust boundaries inside signed payloads (issue 10, items 8 and 9). A signed request proves it
 * came through Slack, not that everything in it is true: these payloads are forged the way someone
 * holding the signing secret (or a buggy client) could send them.
 * - Workspace-wide switches: `is_admin` describes the person's own organisation, so an admin from
 *   another organisation (Slack Connect) must not switch meeting deflection for this workspace.
 * - Clicks: `message.blocks`, `container` and the ids a modal carries in private_metadata must not
 *   let the bot rewrite a message with blocks from the payload, or touch another person's DM; a
 *   permalink in private_metadata must be this workspace's own.
 */
import { eventually } from '../harness/testApp';
import type { RecordedCall } from '../harness/fakeSlack';
import { ActionIds, CallbackIds, CardBlockIds, ResolveModalFields } from '../../src/ids';
import { CaseLog } from './support/cases';
import { errorLines, modalValues, People, sleep, TEAM, seededAppPerTest } from './support/world';

const t = seededAppPerTest();

async function quiet(ms = 60): Promise<void> {
  let last = -1;
  while (last !== t.fake.calls.length) {
    last = t.fake.calls.length;
    await sleep(ms);
    await t.handoff.dispatcher.idle();
  }
}

async function command(userId: string, text: string): Promise<string> {
  const responseUrl = t.fake.responseUrl();
  const res = await t.slack.command({ userId, text, responseUrl });
  expect(res.status).toBe(200);
  const acked = (res.json as { text?: string } | undefined)?.text;
  if (acked) return acked;
  return String((await t.fake.waitFor('response_url', (c) => c.args.response_url === responseUrl)).args.text ?? '');
}

async function handoffByNumber(n: number) {
  const id = await t.handoff.store.findHandoffIdByNumber(TEAM, n);
  return id === undefined ? undefined : t.handoff.store.loadHandoff(TEAM, id);
}

/** Creates a handoff from the author to `to` (working now, so a DM card goes out); returns its id and the DM. */
async function handoffTo(to: string, ask: string): Promise<{ id: number; dm: RecordedCall; channel: string; ts: string }> {
  const n = Number(/#(\d+)/.exec(await command(People.author, `<@${to}> ${ask}`))![1]);
  const id = (await handoffByNumber(n))!.id;
  const dm = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === to && JSON.stringify(c.args.blocks ?? '').includes(CardBlockIds.actions(id)));
  const { channel, ts } = dm.response as { channel: string; ts: string };
  return { id, dm, channel, ts };
}

const updatesOf = (channel: string, from: number) => t.fake.calls.slice(from).filter((c) => c.method === 'chat.update' && c.args.channel === channel);
const EVIL_BLOCKS = [{ type: 'section', block_id: 'evil', text: { type: 'mrkdwn', text: 'EVIL-INJECTED: your account is locked, log in at https://evil.example' } }];

// ------------------------------------------------------------------ item 8

describe('workspace-wide switches', () => {
  it('an admin of another organisation cannot switch meeting deflection off; this workspace’s admin can', async () => {
    const log = new CaseLog('security');
    t.fake.addUser({ id: 'U0EXTADMIN', name: 'partner-admin', tz: 'Europe/London', is_admin: true, team_id: 'T0OTHER' });
    t.fake.addUser({ id: 'U0BOSS', name: 'boss', tz: 'Europe/Lisbon', is_admin: true });
    await log.check('Slack Connect admin (team T0OTHER) is refused, nothing changes', async () => {
      const said = await command('U0EXTADMIN', 'deflection off');
      expect(said).toMatch(/Only workspace admins/);
      expect(await t.handoff.deps.deflection.workspaceEnabled(TEAM)).toBe(true);
    });
    await log.check('the same admin cannot switch it on again either', async () => {
      await t.handoff.deps.deflection.setWorkspaceEnabled(TEAM, false);
      expect(await command('U0EXTADMIN', 'deflection on')).toMatch(/Only workspace admins/);
      expect(await t.handoff.deps.deflection.workspaceEnabled(TEAM)).toBe(false);
      await t.handoff.deps.deflection.setWorkspaceEnabled(TEAM, true);
    });
    await log.check('a non-admin of this workspace is refused', async () => {
      expect(await command(People.ana, 'deflection off')).toMatch(/Only workspace admins/);
      expect(await t.handoff.deps.deflection.workspaceEnabled(TEAM)).toBe(true);
    });
    await log.check('an admin of this workspace switches it', async () => {
      expect(await command('U0BOSS', 'deflection off')).toMatch(/now \*off\* for the whole workspace/);
      expect(await t.handoff.deps.deflection.workspaceEnabled(TEAM)).toBe(false);
    });
    log.finish();
  });
});

// ------------------------------------------------------------------ item 9

describe('clicks trust nothing but the database and Slack’s own copy', () => {
  it('forged container, message.blocks and modal metadata never rewrite another DM or inject blocks', async () => {
    const log = new CaseLog('security');
    const forAna = await handoffTo(People.ana, 'numbers for Q3');
    const forEve = await handoffTo(People.eve, 'eve’s own ask');
    const eveBefore = JSON.stringify(t.fake.messagesIn(forEve.channel));
    await quiet();

    await log.check('ack with container pointing at Eve’s DM (and evil blocks): Eve’s DM untouched', async () => {
      const from = t.fake.calls.length;
      await t.slack.interaction(
        t.slack.blockAction({
          userId: People.ana,
          actionId: ActionIds.acknowledge,
          value: String(forAna.id),
          channelId: forEve.channel,
          messageTs: forEve.ts,
          message: { type: 'message', ts: forEve.ts, user: 'UBOT', bot_id: 'B0001', blocks: EVIL_BLOCKS },
        }),
      );
      await eventually(async () => expect((await handoffByNumber(1))!.state).toBe('acknowledged'));
      await quiet();
      expect(updatesOf(forEve.channel, from)).toEqual([]);
      expect(JSON.stringify(t.fake.messagesIn(forEve.channel))).toBe(eveBefore);
    });

    await log.check('decline note submitted with private_metadata naming Eve’s DM: Eve’s DM untouched', async () => {
      const other = await handoffTo(People.ana, 'second ask for ana');
      const from = t.fake.calls.length;
      await t.slack.interaction(
        t.slack.viewSubmission({
          userId: People.ana,
          callbackId: CallbackIds.resolveModal,
          privateMetadata: JSON.stringify({ handoffId: other.id, action: 'decline', channelId: forEve.channel, messageTs: forEve.ts }),
          values: { [ResolveModalFields.note.block]: { [ResolveModalFields.note.action]: 'not mine' } },
        }),
      );
      await eventually(async () => expect((await t.handoff.store.loadHandoff(TEAM, other.id))!.state).toBe('declined'));
      await quiet();
      expect(updatesOf(forEve.channel, from)).toEqual([]);
      expect(JSON.stringify(t.fake.messagesIn(forEve.channel))).toBe(eveBefore);
    });

    await log.check('click in Ana’s own DM with evil message.blocks: refreshed from Handoff’s own copy, no injected block', async () => {
      const third = await handoffTo(People.ana, 'third ask for ana');
      const original = t.fake.messagesIn(third.channel).find((m) => m.ts === third.ts)!;
      const originalBlocks = JSON.parse(JSON.stringify(original.blocks)) as Array<{ block_id?: string }>;
      const from = t.fake.calls.length;
      await t.slack.interaction(
        t.slack.blockAction({
          userId: People.ana,
          actionId: ActionIds.acknowledge,
          value: String(third.id),
          channelId: third.channel,
          messageTs: third.ts,
          message: { type: 'message', ts: third.ts, user: 'UBOT', bot_id: 'B0001', blocks: [...EVIL_BLOCKS, ...originalBlocks] },
        }),
      );
      const update = await t.fake.waitFor('chat.update', (c) => c.args.ts === third.ts && t.fake.calls.indexOf(c) >= from);
      const blocks = update.args.blocks as Array<{ block_id?: string }>;
      expect(JSON.stringify(blocks)).not.toContain('EVIL-INJECTED');
      expect(blocks.map((b) => b.block_id ?? null)).toEqual(originalBlocks.map((b) => b.block_id ?? null));
      expect(JSON.stringify(blocks)).toContain('Acknowledged');
    });

    await log.check('container pointing at a message Ana wrote in her DM (not the bot’s): not rewritten', async () => {
      const hers = t.fake.addMessage(forAna.channel, {
        user: People.ana,
        text: 'my own note',
        blocks: [{ type: 'section', block_id: CardBlockIds.meta(forAna.id), text: { type: 'mrkdwn', text: 'mine' } }] as never,
      });
      const fourth = await handoffTo(People.ana, 'fourth ask for ana');
      const from = t.fake.calls.length;
      await t.slack.interaction(
        t.slack.blockAction({ userId: People.ana, actionId: ActionIds.acknowledge, value: String(fourth.id), channelId: forAna.channel, messageTs: hers.ts }),
      );
      await eventually(async () => expect((await t.handoff.store.loadHandoff(TEAM, fourth.id))!.state).toBe('acknowledged'));
      await quiet();
      expect(updatesOf(forAna.channel, from).filter((c) => c.args.ts === hers.ts)).toEqual([]);
    });

    await log.check('container pointing at a channel message: not rewritten', async () => {
      const post = t.fake.addMessage('C0PROJ', { user: People.eve, text: 'a channel message' });
      const fifth = await handoffTo(People.ana, 'fifth ask for ana');
      const from = t.fake.calls.length;
      await t.slack.interaction(
        t.slack.blockAction({
          userId: People.ana,
          actionId: ActionIds.acknowledge,
          value: String(fifth.id),
          channelId: 'C0PROJ',
          messageTs: post.ts,
          message: { type: 'message', ts: post.ts, user: 'UBOT', bot_id: 'B0001', blocks: EVIL_BLOCKS },
        }),
      );
      await eventually(async () => expect((await t.handoff.store.loadHandoff(TEAM, fifth.id))!.state).toBe('acknowledged'));
      await quiet();
      expect(updatesOf('C0PROJ', from)).toEqual([]);
    });

    await log.check('no listener errors', () => expect(errorLines(t.logs)).toEqual([]));
    log.finish();
  }, 30_000);

  it('a click in a digest refreshes that card and keeps the digest’s own notification text', async () => {
    const log = new CaseLog('security');
    // Ken (Tokyo) is off at 21:00: the handoff waits for his 09:00 digest.
    await command(People.author, `<@${People.ken}> the contract draft`);
    const id = (await handoffByNumber(1))!.id;
    t.clock.set('2026-11-26T00:05:00Z');
    await t.tick();
    const digest = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === People.ken && JSON.stringify(c.args.metadata ?? '').includes('digest'));
    const { channel, ts } = digest.response as { channel: string; ts: string };
    const from = t.fake.calls.length;
    await t.slack.interaction(
      t.slack.blockAction({
        userId: People.ken,
        actionId: ActionIds.acknowledge,
        value: String(id),
        blockId: CardBlockIds.actions(id),
        channelId: channel,
        messageTs: ts,
        message: { type: 'message', ts, user: 'UBOT', bot_id: 'B0001', text: 'forged text', blocks: EVIL_BLOCKS },
      }),
    );
    const update = await t.fake.waitFor('chat.update', (c) => c.args.ts === ts && t.fake.calls.indexOf(c) >= from);
    await log.check('the notification text is the digest’s, not a status line', () => {
      expect(update.args.text).toBe(digest.args.text);
      expect(String(update.args.text)).toMatch(/^Good morning/);
    });
    await log.check('the rest of the digest is Handoff’s own copy of it, with this card’s status refreshed', () => {
      const blocks = JSON.stringify(update.args.blocks);
      expect(blocks).not.toContain('EVIL-INJECTED');
      expect((update.args.blocks as unknown[]).length).toBe((digest.args.blocks as unknown[]).length);
      expect(blocks).toContain('Acknowledged');
    });
    log.finish();
  });

  it('a permalink in private_metadata is kept only when it is this workspace’s own Slack URL', async () => {
    const log = new CaseLog('security');
    const cases: Array<[string, string, boolean]> = [
      ['this workspace’s permalink', 'https://example.slack.com/archives/C0PROJ/p1700000000000100', true],
      ['another workspace', 'https://evil.slack.com/archives/C0PROJ/p1700000000000100', false],
      ['look-alike host', 'https://example.slack.com.evil.example/archives/C0PROJ/p1700000000000100', false],
      ['credentials in the URL', 'https://example.slack.com@evil.example/archives/C0PROJ/p1700000000000100', false],
      ['not a message link', 'https://example.slack.com/signin?redirect=https://evil.example', false],
      ['plain http', 'http://example.slack.com/archives/C0PROJ/p1700000000000100', false],
      ['mrkdwn break-out', 'https://example.slack.com/archives/C0PROJ/p1700000000000100|Click here>', false],
    ];
    let n = 0;
    for (const [label, permalink, kept] of cases) {
      await log.check(label, async () => {
        n += 1;
        const res = await t.slack.interaction(
          t.slack.viewSubmission({
            userId: People.author,
            callbackId: CallbackIds.handoffModal,
            privateMetadata: JSON.stringify({ key: `perma-${n}`, permalink }),
            values: modalValues({ recipients: [People.ana], ask: `permalink case ${n}` }),
          }),
        );
        expect(res.status).toBe(200);
        await eventually(async () => expect(await handoffByNumber(n)).toBeDefined());
        expect((await handoffByNumber(n))!.sourcePermalink).toBe(kept ? permalink : null);
        const dm = await t.fake.waitFor('chat.postMessage', (c) => c.args.channel === People.ana && JSON.stringify(c.args.blocks ?? '').includes(`permalink case ${n}`));
        expect(JSON.stringify(dm.args.blocks).includes('Original message')).toBe(kept);
      });
    }
    log.finish();
  }, 30_000);
});
