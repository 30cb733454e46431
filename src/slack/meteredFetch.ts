/**
 * Counts every Slack Web API call by method and outcome, for /metrics. `@slack/web-api` takes the
 * fetch it uses as an option, so this sees each call of every client (ours and the ones Bolt makes
 * per request) without wrapping their methods.
 */
import type { FetchFunction } from '@slack/web-api';
import { receivedBody } from './httpFetch';

export type SlackCallOutcome = 'ok' | 'rate_limited' | 'server_error' | 'network_error' | string;

/** `https://slack.com/api/chat.postMessage` → `chat.postMessage`; anything else → `other`. */
export function methodOf(url: string | URL): string {
  const path = typeof url === 'string' ? url : url.pathname;
  const m = /\/api\/([a-zA-Z]+(?:\.[a-zA-Z]+)+)(?:[?#]|$)/.exec(path);
  return m?.[1] ?? 'other';
}

export function meteredFetch(count: (method: string, outcome: SlackCallOutcome) => void, inner: FetchFunction = globalThis.fetch): FetchFunction {
  return async (url, init) => {
    const method = methodOf(url);
    let res: Awaited<ReturnType<FetchFunction>>;
    try {
      res = await inner(url, init);
    } catch (e) {
      count(method, 'network_error');
      throw e;
    }
    if (res.status === 429) count(method, 'rate_limited');
    else if (res.status >= 500) count(method, 'server_error');
    else count(method, await slackOutcome(res));
    return res;
  };
}

/** Slack answers 200 with `{ ok: false, error }` for its own errors: read a copy of the body for the code. */
async function slackOutcome(res: Awaited<ReturnType<FetchFunction>>): Promise<SlackCallOutcome> {
  // httpFetch hands over the bytes it received; any other Response is cloned and read (a real one
  // can be; an injected fetch's may not).
  const received = receivedBody(res);
  const copy = received ? undefined : (res as Partial<Response>).clone?.call(res);
  if (!received && !copy) return res.ok ? 'ok' : 'error';
  try {
    const text = received ? received.toString('utf8') : await copy!.text();
    // Slack starts every success with "ok":true; only failures (short) are parsed for their code.
    if (/^\s*\{\s*"ok"\s*:\s*true/.test(text)) return 'ok';
    const body = JSON.parse(text) as { ok?: unknown; error?: unknown };
    if (body.ok === true) return 'ok';
    // Error codes are a short fixed vocabulary (snake_case); anything else is not a label we keep.
    return typeof body.error === 'string' && /^[a-z_]{1,60}$/.test(body.error) ? body.error : 'error';
  } catch {
    return 'unreadable';
  }
}
