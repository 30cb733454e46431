/**
 * Many clicks on one handoff at once, spread over the replicas: the person it waits on presses
 * Acknowledge on the card in their digest `clicks` times, each click a signed block_actions request
 * to the next replica in turn, all fired together. Exactly one may change the handoff (one event-log
 * row); every click is acknowledged and answered in its response_url.
 */
import { ActionIds } from '../../src/ids';
import { SIGNING_SECRET } from '../../test/reliability/support/child';
import { SlackRequester, type SlackResponse } from '../../test/harness/slackRequests';
import { percentile } from '../bench/stats';
import { until, type ReplicaRig } from './rig';
import { TEAM, waveUserId } from './seed';

export interface ClickResult {
  clicks: number;
  handoff: { id: number; number: number; stateBefore: string; stateAfter: string };
  /** Events logged for the handoff by the clicks: [kind, from, to]. */
  events: Array<[string, string | null, string | null]>;
  /** HTTP statuses of the clicks (Slack needs 200 within 3 s). */
  statuses: Record<number, number>;
  ackMs: { p50: number; max: number };
  /** Clicks each replica received, by tag. */
  perReplica: Record<string, number>;
  /** What the clicker was told (response_url): the one change, repeats ("already/now acknowledged"), anything else. */
  answers: { total: number; changed: number; repeats: number; other: string[] };
  /** The clicked digest message refreshed in place (chat.update calls). */
  cardUpdates: number;
  /** The clicked message: the clicker's real digest, or (when it is missing) a stand-in in their DM. */
  onDigest: boolean;
}

export async function runClicks(rig: ReplicaRig, clicks = 200, clicker = waveUserId(0)): Promise<ClickResult> {
  const { rows } = await rig.pg.query<{ id: number; number: number; state: string }>(
    'select h.id, h.number, h.state from handoffs h join handoff_recipients r on r.handoff_id = h.id where r.user_id = $1 order by h.id limit 1',
    [clicker],
  );
  const h = rows[0];
  if (!h) throw new Error(`${clicker} has no handoff to click on`);
  const digest = await rig.fake.digestOf(clicker);
  const channelId = digest?.channel ?? `D${clicker.slice(1)}`;
  const messageTs = digest?.ts ?? '1700000000.000100';
  const before = await rig.fake.records();
  const updatesBefore = Object.values(before.calls['chat.update'] ?? {}).reduce((a, b) => a + b, 0);
  let n = 0;
  const targets = rig.replicas.map(
    (r) =>
      new SlackRequester({
        baseUrl: `http://127.0.0.1:${r.child.port}`,
        signingSecret: SIGNING_SECRET,
        teamId: TEAM,
        responseUrl: () => `${rig.fake.base}/response/${TEAM}/click/${++n}`,
      }),
  );
  const perReplica: Record<string, number> = {};
  const requests = Array.from({ length: clicks }, (_, i) => {
    const k = i % targets.length;
    const tag = rig.replicas[k]!.tag;
    perReplica[tag] = (perReplica[tag] ?? 0) + 1;
    const t = targets[k]!;
    return { t, payload: t.blockAction({ userId: clicker, actionId: ActionIds.acknowledge, value: String(h.id), channelId, messageTs }) };
  });
  const responses: SlackResponse[] = await Promise.all(requests.map(({ t, payload }) => t.interaction(payload)));
  const isClick = (a: { url: string }) => a.url.includes(`/response/${TEAM}/click/`);
  // Each click's answer follows its ack; give them time, then report what arrived.
  await until(async () => (await rig.fake.progress()).answers - before.answers.length >= clicks, 60_000);
  const records = await rig.fake.records();
  const texts = records.answers.filter(isClick).map((a) => a.text);
  const isChange = (t: string) => /^You acknowledged/.test(t);
  const isRepeat = (t: string) => t === `Handoff #${h.number} is already acknowledged.` || t === `Handoff #${h.number} is now acknowledged.`;
  const after = await rig.pg.query<{ state: string }>('select state from handoffs where id = $1', [h.id]);
  const events = await rig.pg.query<{ kind: string; from_state: string | null; to_state: string | null }>(
    'select kind, from_state, to_state from handoff_events where handoff_id = $1 order by id',
    [h.id],
  );
  const statuses: Record<number, number> = {};
  for (const r of responses) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const ms = responses.map((r) => r.ms).sort((a, b) => a - b);
  return {
    clicks,
    handoff: { id: h.id, number: h.number, stateBefore: h.state, stateAfter: after.rows[0]!.state },
    events: events.rows.map((e) => [e.kind, e.from_state, e.to_state]),
    statuses,
    ackMs: { p50: percentile(ms, 50), max: ms.at(-1) ?? NaN },
    perReplica,
    answers: {
      total: texts.length,
      changed: texts.filter(isChange).length,
      repeats: texts.filter(isRepeat).length,
      other: texts.filter((t) => !isChange(t) && !isRepeat(t)).slice(0, 5),
    },
    cardUpdates: Object.values(records.calls['chat.update'] ?? {}).reduce((a, b) => a + b, 0) - updatesBefore,
    onDigest: digest !== null,
  };
}
