/**
 * The load generator, a process of its own (so the app's stalls and the generator's own work never
 * share an event loop). Told over IPC what to fire; fires each request at its intended instant
 * (open loop), and reports latency measured from that instant.
 *
 * Messages in: RunMessage, { type: 'stop' }. Out: DoneMessage.
 */
import http from 'node:http';
import { dueUntil, openLoopSchedule, type Slot } from './openLoop';
import { KINDS, RequestFactory, sign, type Kind, type SignedRequest } from './requests';

export interface RunMessage {
  type: 'run';
  /** POST targets (…/slack/events); each gets the same traffic, interleaved. */
  targets: string[];
  rate: number;
  durationMs: number;
  mix: ReadonlyArray<readonly [Kind, number]>;
  fakeSlackBase: string;
  /** GET probes (e.g. the app's /healthz), at their own rate: a stalled event loop shows at once. */
  probe?: { url: string; rate: number };
}

/** [target (-1 = probe), kind index (-1 = probe), intended epoch ms, latency ms, HTTP status (0 = no answer)] */
export type Sample = [number, number, number, number, number];

export interface DoneMessage {
  type: 'done';
  samples: Sample[];
  /** How late the generator itself fired, worst case (ms): if large, the machine was overloaded. */
  worstFireLagMs: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const SIGN_AHEAD_MS = 2000;
const TIMEOUT_MS = 30_000;

/**
 * One request; resolves with the HTTP status (0: no answer). A kept-alive socket the server closed
 * just as it was reused (ECONNRESET before any answer) is retried once on a fresh one, as a
 * client would: that race is the generator's, not the server's.
 */
function send(url: string, req: SignedRequest | null, retried = false): Promise<number> {
  return new Promise((resolve) => {
    const r = http.request(url, { method: req ? 'POST' : 'GET', agent, headers: req?.headers, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    r.on('timeout', () => r.destroy());
    r.on('error', (e: NodeJS.ErrnoException) => {
      if (r.reusedSocket && e.code === 'ECONNRESET' && !retried) resolve(send(url, req, true));
      else resolve(0);
    });
    r.end(req?.body);
  });
}

type Planned = Slot<Kind | 'probe'>;

const factories = new Map<string, RequestFactory>();

async function run(msg: RunMessage, stopped: () => boolean): Promise<DoneMessage> {
  // One factory per fake Slack for the generator's lifetime: every request stays distinct across
  // runs (a repeated create would be refused as a duplicate, a repeated click acts on nothing new).
  const factory = factories.get(msg.fakeSlackBase) ?? factories.set(msg.fakeSlackBase, new RequestFactory(msg.fakeSlackBase)).get(msg.fakeSlackBase)!;
  const slots: Planned[] = openLoopSchedule({ rate: msg.rate, durationMs: msg.durationMs, targets: msg.targets.length, mix: msg.mix });
  if (msg.probe) {
    const probes = openLoopSchedule({ rate: msg.probe.rate, durationMs: msg.durationMs, targets: 1, mix: [['probe', 1]] as const });
    slots.push(...probes.map((p) => ({ ...p, target: -1 })));
    slots.sort((a, b) => a.at - b.at);
  }
  const signed: Array<SignedRequest | null> = new Array(slots.length).fill(null);
  let signedUpTo = 0;
  const signAhead = (elapsed: number) => {
    for (; signedUpTo < slots.length && slots[signedUpTo]!.at <= elapsed + SIGN_AHEAD_MS; signedUpTo++) {
      const s = slots[signedUpTo]!;
      if (s.kind !== 'probe') signed[signedUpTo] = sign(factory.build(s.kind));
    }
  };
  signAhead(0);
  const samples: Sample[] = [];
  const inflight: Promise<void>[] = [];
  let worstFireLagMs = 0;
  const epoch0 = Date.now();
  const t0 = performance.now();
  let next = 0;
  while (next < slots.length && !stopped()) {
    const elapsed = performance.now() - t0;
    const end = dueUntil(slots, next, elapsed);
    for (let i = next; i < end; i++) {
      const s = slots[i]!;
      worstFireLagMs = Math.max(worstFireLagMs, elapsed - s.at);
      const url = s.target < 0 ? msg.probe!.url : msg.targets[s.target]!;
      const req = signed[i] ?? null;
      signed[i] = null;
      inflight.push(
        send(url, req).then((status) => {
          const kind = s.kind === 'probe' ? -1 : KINDS.indexOf(s.kind);
          samples.push([s.target, kind, epoch0 + s.at, performance.now() - t0 - s.at, status]);
        }),
      );
    }
    next = end;
    signAhead(performance.now() - t0);
    if (next < slots.length) {
      const wait = slots[next]!.at - (performance.now() - t0);
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(wait, 100))));
    }
  }
  await Promise.all(inflight);
  return { type: 'done', samples, worstFireLagMs };
}

if (require.main === module) {
  let stop = false;
  process.on('message', (m: RunMessage | { type: 'stop' }) => {
    if (m.type === 'stop') stop = true;
    else {
      stop = false;
      void run(m, () => stop).then((done) => process.send!(done));
    }
  });
  process.on('disconnect', () => process.exit(0));
}
