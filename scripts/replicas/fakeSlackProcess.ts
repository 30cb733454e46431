/**
 * The one fake Slack every replica talks to, as a process of its own (its clock and event loop are
 * nobody else's, so the instants it records are when requests really arrived). chat.postMessage is
 * throttled workspace-wide as Slack does (429 + Retry-After) and answers after a small delay, so a
 * kill lands while posts are in flight. Each replica calls it through its own base URL
 * (`…/via/<tag>/api/`), so every call says which replica made it.
 *
 * It keeps a compact record of every chat.postMessage (arrival, status, replica, digest key) and of
 * every response_url post, and hands them over on request: the orchestrator does the counting.
 *
 * IPC in: SetupMessage, Request. Out: { type: 'ready', base }, Reply (same `id`).
 */
import { FakeSlack, metadataOf } from '../../test/harness/fakeSlack';
import { MetadataEventTypes } from '../../src/ids';

export interface SetupMessage {
  type: 'setup';
  botToken: string;
  teamId: string;
  /** People who exist in the workspace, with their zones. */
  users: Array<{ id: string; tz: string }>;
  /** chat.postMessage calls Slack accepts in any sliding second, workspace-wide. */
  workspaceRate: number;
  /** Latency added to every chat.postMessage, ms. */
  postDelayMs: number;
}

/** One chat.postMessage as it reached the fake. */
export interface PostRecord {
  /** Arrival, epoch ms. */
  at: number;
  status: number;
  ok: boolean;
  /** The replica's tag (its base URL). */
  via: string | null;
  channel: string;
  /** A digest's outbox id and local date (from its message metadata); null for other posts. */
  outboxId: number | null;
  localDate: string | null;
}

export interface AnswerRecord {
  at: number;
  url: string;
  text: string;
}

export type Request =
  | { type: 'progress'; id: number }
  | { type: 'records'; id: number }
  /** The digest message in `userId`'s DM (the first one), to click on. */
  | { type: 'digestOf'; id: number; userId: string };

export interface Progress {
  /** chat.postMessage calls so far (any answer), and how many were digests Slack accepted. */
  posts: number;
  digestsAccepted: number;
  answers: number;
  /** Requests still waiting for their answer. */
  inFlight: number;
}

export interface Records {
  posts: PostRecord[];
  answers: AnswerRecord[];
  /** Calls per method and replica tag ('' = no tag). */
  calls: Record<string, Record<string, number>>;
}

export type Reply = { id: number } & (
  | { type: 'progress'; progress: Progress }
  | { type: 'records'; records: Records }
  | { type: 'digestOf'; message: { channel: string; ts: string } | null }
);

async function setup(msg: SetupMessage): Promise<void> {
  const fake = await FakeSlack.start({ botToken: msg.botToken, teamId: msg.teamId });
  fake.setRateLimitPerSecond('chat.postMessage', msg.workspaceRate);
  if (msg.postDelayMs > 0) fake.delay('chat.postMessage', msg.postDelayMs);
  for (const u of msg.users) fake.addUser({ id: u.id, tz: u.tz });
  const records: Records = { posts: [], answers: [], calls: {} };
  let digestsAccepted = 0;
  // Calls are recorded with their arguments (a digest's blocks): keep only what is counted.
  const drain = () => {
    for (const call of fake.calls.splice(0)) {
      const byVia = (records.calls[call.method] ??= {});
      byVia[call.via ?? ''] = (byVia[call.via ?? ''] ?? 0) + 1;
      if (call.method === 'response_url') records.answers.push({ at: call.at, url: String(call.args.response_url), text: String(call.args.text ?? '') });
      if (call.method !== 'chat.postMessage') continue;
      const ok = call.status === 200 && (call.response as { ok?: boolean }).ok === true;
      const metadata = metadataOf(call);
      const digest = metadata?.event_type === MetadataEventTypes.digest;
      if (digest && ok) digestsAccepted += 1;
      records.posts.push({
        at: call.at,
        status: call.status,
        ok,
        via: call.via ?? null,
        channel: String(call.args.channel ?? ''),
        outboxId: digest ? Number(metadata?.event_payload?.outbox_id) : null,
        localDate: digest ? String(metadata?.event_payload?.local_date ?? '') : null,
      });
    }
  };
  setInterval(drain, 100);
  process.on('message', (m: Request) => {
    drain();
    let reply: Reply;
    if (m.type === 'progress')
      reply = { id: m.id, type: 'progress', progress: { posts: records.posts.length, digestsAccepted, answers: records.answers.length, inFlight: fake.inFlight() } };
    else if (m.type === 'records') reply = { id: m.id, type: 'records', records };
    else {
      const found = fake.messagesIn(m.userId).find((x) => x.metadata?.event_type === MetadataEventTypes.digest);
      reply = { id: m.id, type: 'digestOf', message: found ? { channel: found.channel, ts: found.ts } : null };
    }
    process.send!(reply);
  });
  process.send!({ type: 'ready', base: `http://127.0.0.1:${fake.port}` });
}

process.once('message', (m: SetupMessage) => void setup(m));
process.on('disconnect', () => process.exit(0));
