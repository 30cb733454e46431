/**
 * A small workspace shared by the reliability tests, and the checks they all apply: no listener
 * error in the logs, no unhandled rejection, nothing the bot shows that could ping or spoof.
 */
import { startTestApp, type TestApp } from '../../harness/testApp';
import type { FakeSlack, RecordedCall } from '../../harness/fakeSlack';
import { CallbackIds, HandoffModalFields as F } from '../../../src/ids';

// Wednesday 2026-11-25 12:00 UTC: Lisbon 12:00 (working), Tokyo 21:00 (off), New York 07:00 (not yet).
export const NOW = '2026-11-25T12:00:00Z';
export const TEAM = 'T0001';

export const People = {
  author: 'U0AUTH',
  ana: 'U0ANA', // Lisbon, working now
  ken: 'U0KEN', // Tokyo, off now
  eve: 'U0EVE', // outsider: never on any handoff
  bot: 'U0BOTTY',
  gone: 'U0GONE',
  /** A Slack Connect user from another organisation. */
  external: 'U0EXT',
  /** Enterprise Grid style id. */
  grid: 'W0GRID',
  /** A display name that tries to ping everyone. */
  loud: 'U0LOUD',
} as const;

export function seedWorkspace(t: TestApp): void {
  t.fake.addUser({ id: People.author, name: 'alex', tz: 'America/New_York' });
  t.fake.addUser({ id: People.ana, name: 'ana', tz: 'Europe/Lisbon' });
  t.fake.addUser({ id: People.ken, name: 'ken', tz: 'Asia/Tokyo' });
  t.fake.addUser({ id: People.eve, name: 'eve', tz: 'Europe/Berlin' });
  t.fake.addUser({ id: People.bot, name: 'deploybot', is_bot: true });
  t.fake.addUser({ id: People.gone, name: 'gone', deleted: true });
  t.fake.addUser({ id: People.external, name: 'partner', tz: 'Europe/London', team_id: 'T0OTHER' });
  t.fake.addUser({ id: People.grid, name: 'grid', tz: 'Europe/Lisbon' });
  t.fake.addUser({ id: People.loud, name: '<!channel> loud', real_name: '<!here>', tz: 'Europe/Lisbon' });
  t.fake.addChannel({ id: 'C0PROJ', name: 'proj', members: [People.author, People.ana, People.ken, People.eve] });
  t.fake.addChannel({ id: 'C0NOBOT', name: 'nobot', members: [People.author], botIsMember: false });
}

/** view.state.values of the handoff modal, with Slack's element shapes. */
export function modalValues(v: {
  recipients: string[];
  ask: string;
  title?: string;
  context?: string;
  links?: string;
  ifOffline?: string;
  urgent?: boolean;
  channel?: string | null;
}) {
  return {
    [F.recipients.block]: { [F.recipients.action]: { type: 'multi_users_select', selected_users: v.recipients } },
    [F.ask.block]: { [F.ask.action]: v.ask },
    [F.title.block]: { [F.title.action]: v.title ?? '' },
    [F.context.block]: { [F.context.action]: v.context ?? '' },
    [F.links.block]: { [F.links.action]: v.links ?? '' },
    [F.ifOffline.block]: { [F.ifOffline.action]: v.ifOffline ?? '' },
    [F.neededBy.block]: { [F.neededBy.action]: { type: 'datetimepicker', selected_date_time: null } },
    [F.channel.block]: { [F.channel.action]: { type: 'conversations_select', selected_conversation: v.channel ?? null } },
    [F.urgent.block]: { [F.urgent.action]: { type: 'checkboxes', selected_options: v.urgent ? [{ value: 'urgent' }] : [] } },
  };
}

export function submitModal(t: TestApp, userId: string, key: string, v: Parameters<typeof modalValues>[0]) {
  return t.slack.interaction(t.slack.viewSubmission({ userId, callbackId: CallbackIds.handoffModal, privateMetadata: JSON.stringify({ key }), values: modalValues(v) }));
}

// ------------------------------------------------------------------ what counts as a problem

interface LogLine {
  level: number;
  msg?: string;
  err?: { message?: string; type?: string };
  [k: string]: unknown;
}

export function parseLogs(lines: readonly string[]): LogLine[] {
  return lines
    .flatMap((l) => l.split('\n'))
    .filter(Boolean)
    .map((l) => {
      try {
        return JSON.parse(l) as LogLine;
      } catch {
        return { level: 60, msg: `unparseable log line: ${l.slice(0, 200)}` };
      }
    });
}

/**
 * Lines that mean a listener blew up or Bolt gave up on a request: level error and above, plus
 * Bolt's own "not acknowledged" complaint. `allow` lists expected error messages (e.g. a delivery
 * that was told to fail).
 */
export function errorLines(lines: readonly string[], allow: RegExp[] = []): string[] {
  // Bolt's Web API client echoes Slack's own "[ERROR] …" response messages at error level; those are
  // Slack refusing a call (covered by each test's expectations), not the app failing.
  const boltFailure = /unhandled|not acknowledged|unexpected error/i;
  return parseLogs(lines)
    .filter((l) => (l.component === 'bolt' ? boltFailure.test(String(l.msg)) : l.level >= 50 || boltFailure.test(String(l.msg))))
    .filter((l) => !allow.some((re) => re.test(String(l.msg))))
    .map((l) => `${l.msg}${l.err?.message ? ` — ${l.err.type ?? ''}: ${l.err.message}` : ''}`);
}

/** Counts unhandled rejections and uncaught exceptions while a suite runs. */
export function watchProcess(): { problems: string[]; stop(): void } {
  const problems: string[] = [];
  const onRejection = (reason: unknown) => problems.push(`unhandledRejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
  const onException = (err: Error) => problems.push(`uncaughtException: ${err.stack}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    problems,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

const SURFACE_METHODS = new Set(['chat.postMessage', 'chat.postEphemeral', 'chat.update', 'views.open', 'views.update', 'views.push', 'views.publish', 'response_url']);

/**
 * Every piece of mrkdwn in `value` (text objects of type mrkdwn, plus top-level `text` of messages)
 * that could ping a crowd or hide a link: <!channel>, <!here>, <!everyone>, <!subteam^…>, and
 * <url|label> links other than the app's own "Original message" permalink.
 */
export function unsafeMrkdwn(value: unknown, topLevelText = true): string[] {
  const found: string[] = [];
  const check = (text: unknown) => {
    if (typeof text !== 'string') return;
    for (const m of text.matchAll(/<!(channel|here|everyone|subteam\^)[^>]*>?/g)) found.push(m[0]);
    for (const m of text.matchAll(/<((?:https?|mailto):[^|>]*)\|([^>]*)>/g)) {
      const own = m[2] === 'Original message' && /^https:\/\/[a-z0-9-]+\.slack\.com\/archives\//.test(m[1]!);
      if (!own) found.push(m[0]);
    }
  };
  const walk = (node: unknown, isRoot: boolean) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, false));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'mrkdwn' || (isRoot && topLevelText)) check(o.text);
    for (const [k, v] of Object.entries(o)) if (k !== 'text' || typeof v === 'object') walk(v, false);
  };
  walk(value, true);
  return found;
}

/** Outgoing calls that put something in front of a person. */
export function surfaceCalls(calls: readonly RecordedCall[]): RecordedCall[] {
  return calls.filter((c) => SURFACE_METHODS.has(c.method));
}

/** Unsafe mrkdwn in every surface call from index `from` on, tagged with the method. */
export function unsafeInCalls(calls: readonly RecordedCall[], from = 0): string[] {
  return surfaceCalls(calls.slice(from)).flatMap((c) => unsafeMrkdwn(c.args).map((s) => `${c.method}: ${s}`));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A fresh app at NOW with the seeded workspace, started by `boot` inside a test (with its own
 * settings or fake Slack), closed after it; no unhandled rejection allowed. `t` is a live view of
 * the current test's app (`t.fake`, `t.tick()`…).
 */
export function seededAppOnBoot(): { t: TestApp; boot(opts?: { env?: Record<string, string>; fake?: FakeSlack }): Promise<void> } {
  let current: TestApp | undefined;
  let watch: ReturnType<typeof watchProcess>;
  beforeEach(() => {
    watch = watchProcess();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
    watch.stop();
    // An unhandled rejection anywhere during the test fails it.
    expect(watch.problems).toEqual([]);
  });
  const t = new Proxy({} as TestApp, {
    get(_target, key) {
      if (!current) throw new Error('the app exists only inside a test, after boot()');
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
  return {
    t,
    async boot(opts = {}) {
      current = await startTestApp({ now: NOW, ...opts });
      seedWorkspace(current);
    },
  };
}

/** The usual reliability test: `seededAppOnBoot`, booted with default settings before every test. */
export function seededAppPerTest(): TestApp {
  const app = seededAppOnBoot();
  beforeEach(() => app.boot());
  return app.t;
}
