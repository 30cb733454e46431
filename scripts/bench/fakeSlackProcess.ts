/**
 * The fake Slack as a process of its own, throttling chat.postMessage as Slack does: workspace-wide
 * (`--workspace-rate`, default 50/s) and one per second per conversation, both with 429 + Retry-After.
 * Counts what arrives instead of keeping it (the recorded calls are drained every 100 ms).
 *
 * IPC in: SetupMessage, { type: 'stats' }. Out: { type: 'ready', url }, FakeStats.
 */
import { FakeSlack, metadataOf } from '../../test/harness/fakeSlack';
import { MetadataEventTypes } from '../../src/ids';
import { AUTHOR, BOT_TOKEN, CHANNEL, CLICK_USER, LIST_USER, LOAD_PEOPLE, TEAM, WAVE_ZONE, waveUserId } from './world';

export interface SetupMessage {
  type: 'setup';
  wave: number;
  workspaceRate: number;
  channelRate: number;
}

export interface FakeStats {
  type: 'stats';
  digests: number;
  firstDigestAt: number | null;
  lastDigestAt: number | null;
  /** chat.postMessage answered 200 / 429. */
  posted: number;
  /** When each other accepted chat.postMessage (the steady mix's DMs) arrived: they share the workspace's budget with the digests. */
  otherPostsAt: number[];
  limited: number;
  calls: Record<string, number>;
}

async function setup(msg: SetupMessage): Promise<void> {
  const fake = await FakeSlack.start({ botToken: BOT_TOKEN, teamId: TEAM });
  fake.setRateLimitPerSecond('chat.postMessage', msg.workspaceRate);
  fake.setChannelRateLimitPerSecond('chat.postMessage', msg.channelRate);
  for (const id of [...LOAD_PEOPLE, LIST_USER, CLICK_USER, AUTHOR]) fake.addUser({ id, tz: WAVE_ZONE });
  for (let i = 0; i < msg.wave; i++) fake.addUser({ id: waveUserId(i), tz: WAVE_ZONE });
  fake.addChannel({ id: CHANNEL, name: 'bench', members: LOAD_PEOPLE });
  const stats: FakeStats = { type: 'stats', digests: 0, firstDigestAt: null, lastDigestAt: null, posted: 0, otherPostsAt: [], limited: 0, calls: {} };
  setInterval(() => {
    for (const call of fake.calls.splice(0)) {
      stats.calls[call.method] = (stats.calls[call.method] ?? 0) + 1;
      if (call.method !== 'chat.postMessage') continue;
      if (call.status === 429) stats.limited += 1;
      if (call.status !== 200 || !(call.response as { ok?: boolean }).ok) continue;
      stats.posted += 1;
      if (metadataOf(call)?.event_type === MetadataEventTypes.digest) {
        stats.digests += 1;
        stats.firstDigestAt ??= call.at;
        stats.lastDigestAt = Math.max(stats.lastDigestAt ?? 0, call.at);
      } else stats.otherPostsAt.push(call.at);
    }
  }, 100);
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') process.send!(stats);
  });
  process.send!({ type: 'ready', url: fake.url });
}

process.once('message', (m: SetupMessage) => void setup(m));
process.on('disconnect', () => process.exit(0));
