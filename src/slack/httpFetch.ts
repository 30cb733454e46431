/**
 * The `fetch` Slack's clients use (Web API calls and Bolt's `respond` to a response_url), on
 * node:http(s) with keep-alive agents. Node's global fetch costs ≈0.4 ms of CPU per call on this
 * kind of machine (WHATWG streams on both sides); a plain request on a kept-alive socket ≈0.07 ms,
 * and every request Handoff answers makes at least one such call.
 *
 * Only what those callers send is handled here — a string or Buffer body, plain headers, an abort
 * signal, `redirect: 'error'` — anything else goes to the global fetch. The answer is a real
 * `Response` (status, headers, body), so callers read it as before.
 */
import http from 'node:http';
import https from 'node:https';
import type { FetchFunction } from '@slack/web-api';

type FetchResponse = Awaited<ReturnType<FetchFunction>>;
type FetchInit = NonNullable<Parameters<FetchFunction>[1]>;

/**
 * An idle kept-alive socket is closed by us after this long, before the server closes it: a request
 * written on a socket the server is closing at that moment fails with "socket hang up" (seen once in
 * a 10,000 wave). Below Node's default server keep-alive (5 s) and load balancers' (60 s); a server's
 * `Keep-Alive: timeout=N` hint shortens it to N − 1 s (Node's agent does that when a timeout is set).
 */
export const IDLE_SOCKET_MS = 4_000;

/** Sockets stay open between calls; at most this many per host at once (Slack's, the fake's). */
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64, timeout: IDLE_SOCKET_MS }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64, timeout: IDLE_SOCKET_MS }),
};

/**
 * The body of each Response this module built, as received: a reader that only needs the bytes
 * (the call metering) takes them here instead of cloning the Response (a WHATWG stream tee and a
 * second read: ≈0.13 ms of CPU per call).
 */
const bodies = new WeakMap<object, Buffer>();

/** The bytes of a Response `httpFetch` returned (without reading it), or undefined for any other. */
export function receivedBody(res: object): Buffer | undefined {
  return bodies.get(res);
}

/** Statuses whose Response may not carry a body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** What a plain request can carry in place of fetch: the body and headers Slack's clients send. */
function plainRequest(init: FetchInit | undefined): { body: string | Buffer | undefined; headers: Record<string, string> } | null {
  const body = init?.body;
  if (body !== undefined && body !== null && typeof body !== 'string' && !Buffer.isBuffer(body)) return null;
  const headers = init?.headers;
  if (headers !== undefined && (typeof headers !== 'object' || Array.isArray(headers) || headers instanceof Headers)) return null;
  return { body: body ?? undefined, headers: { ...(headers as Record<string, string> | undefined) } };
}

export function httpFetch(fallback: FetchFunction = globalThis.fetch): FetchFunction {
  return (input, init) => {
    const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : null;
    const plain = plainRequest(init);
    if (!url || !plain || !(url.protocol in agents)) return fallback(input, init);
    return request(url, init ?? {}, plain.body, plain.headers, fallback);
  };
}

function request(url: URL, init: FetchInit, body: string | Buffer | undefined, headers: Record<string, string>, fallback: FetchFunction): Promise<FetchResponse> {
  const protocol = url.protocol as keyof typeof agents;
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const client = protocol === 'https:' ? https : http;
    const req = client.request(url, { method: init.method ?? 'GET', headers, agent: agents[protocol], signal: init.signal ?? undefined }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        // As fetch does: an error when redirects are refused (the Web API client's choice), else
        // the global fetch follows it (Slack does not redirect these calls; this is the rare path).
        if (init.redirect === 'error') reject(new TypeError(`fetch failed: redirected (${status}) from ${url.origin}${url.pathname}`));
        else if (init.redirect === 'manual') resolve(new Response(null, { status, statusText: res.statusMessage ?? '', headers: headersOf(res) }));
        else resolve(fallback(url, init));
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const response = new Response(NULL_BODY.has(status) ? null : bytes, { status, statusText: res.statusMessage ?? '', headers: headersOf(res) });
        bodies.set(response, NULL_BODY.has(status) ? Buffer.alloc(0) : bytes);
        resolve(response);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function headersOf(res: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  return headers;
}
