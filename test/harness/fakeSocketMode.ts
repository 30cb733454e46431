/**
 * The Socket Mode side of the fake Slack: `apps.connections.open` hands out a `ws://127.0.0.1:<port>/link/?ticket=…`
 * URL served by the fake's own HTTP server; a client that connects gets `hello`; tests push envelopes
 * and read the app's acks.
 *
 * Shapes follow docs.slack.dev/apis/events-api/using-socket-mode:
 * - hello: `{ type: 'hello', num_connections, connection_info: { app_id }, debug_info: { host, build_number, approximate_connection_time } }`
 * - envelope: `{ envelope_id, type: 'slash_commands' | 'interactive' | 'events_api', payload, accepts_response_payload }`,
 *   events_api envelopes also carry `retry_attempt` and `retry_reason` (0 and '' on a first delivery).
 * - disconnect: `{ type: 'disconnect', reason: 'warning' | 'refresh_requested' | 'link_disabled', debug_info: { host } }`
 * - ack from the app: `{ envelope_id, payload? }`.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface Ack {
  envelope_id: string;
  payload?: unknown;
  /** Wall-clock ms when the ack arrived. */
  at: number;
  /** Wall-clock ms when the envelope was sent, so a test can hold the app to Slack's 3-second contract. */
  sentAt: number;
}

export interface PushOptions {
  envelopeId?: string;
  retryAttempt?: number;
  retryReason?: string;
  acceptsResponsePayload?: boolean;
}

const HOST = 'applink-fake-1';

export class FakeSocketMode {
  /** Every envelope pushed, in order. */
  readonly sent: Envelope[] = [];
  /** Every ack the app sent back, in order. */
  readonly acks: Ack[] = [];
  /** Tickets handed out by apps.connections.open, and how many connections used them. */
  readonly tickets = new Map<string, number>();
  /** How many WebSocket connections were opened in total (reconnects included). */
  connectionsOpened = 0;

  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly events = new EventEmitter();
  private readonly sentAt = new Map<string, number>();
  private ticketCounter = 0;

  constructor(
    server: Server,
    private readonly port: () => number,
    private readonly appId: string,
  ) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  /** What apps.connections.open answers: a fresh single-use URL. */
  openConnectionUrl(): string {
    const ticket = `${++this.ticketCounter}-${randomUUID()}`;
    this.tickets.set(ticket, 0);
    return `ws://127.0.0.1:${this.port()}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  /** Connections open right now (hello sent, not closed). */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Resolves once at least `n` connections were opened since the fake started (hello included). */
  waitForConnections(n: number, timeoutMs = 15_000): Promise<void> {
    return this.waitUntil(() => this.connectionsOpened >= n && this.sockets.size > 0, `${n} Socket Mode connection(s)`, timeoutMs).then(() => undefined);
  }

  /** Pushes an envelope to one open connection (the newest, like Slack's pick of any) and returns it. */
  push(type: EnvelopeType, payload: Record<string, unknown>, opts: PushOptions = {}): Envelope {
    const socket = [...this.sockets].pop();
    if (!socket) throw new Error('no Socket Mode connection is open: wait for one first');
    const envelope: Envelope = {
      envelope_id: opts.envelopeId ?? randomUUID(),
      type,
      payload,
      accepts_response_payload: opts.acceptsResponsePayload ?? type !== 'events_api',
      ...(type === 'events_api' ? { retry_attempt: opts.retryAttempt ?? 0, retry_reason: opts.retryReason ?? '' } : {}),
    };
    this.sent.push(envelope);
    this.sentAt.set(envelope.envelope_id, Date.now());
    socket.send(JSON.stringify(envelope));
    return envelope;
  }

  /** Resolves with the app's ack of `envelopeId`, past or future. */
  waitForAck(envelopeId: string, timeoutMs = 5_000): Promise<Ack> {
    return this.waitUntil(() => this.acks.find((a) => a.envelope_id === envelopeId), `the ack of envelope ${envelopeId}`, timeoutMs);
  }

  /** How many times the app acked `envelopeId`. */
  acksOf(envelopeId: string): Ack[] {
    return this.acks.filter((a) => a.envelope_id === envelopeId);
  }

  /** Slack's routine refresh: a `disconnect` message on every open connection; the client is to reconnect. */
  requestRefresh(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    for (const socket of this.sockets) socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: HOST } }));
  }

  /** An abrupt drop: the TCP connections die without a close frame. */
  dropAll(): void {
    for (const socket of [...this.sockets]) socket.terminate();
  }

  close(): void {
    for (const socket of [...this.sockets]) socket.terminate();
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !this.tickets.has(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.tickets.set(ticket, (this.tickets.get(ticket) ?? 0) + 1);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    this.sockets.add(ws);
    this.connectionsOpened += 1;
    ws.on('message', (data) => this.onMessage(String(data)));
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.events.emit('change');
    });
    ws.on('error', () => this.sockets.delete(ws));
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        connection_info: { app_id: this.appId },
        debug_info: { host: HOST, build_number: 1, approximate_connection_time: 18060 },
      }),
    );
    this.events.emit('change');
  }

  private onMessage(text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return; // Slack ignores what it cannot read; so does the fake
    }
    if (typeof message.envelope_id !== 'string') return;
    const ack: Ack = { envelope_id: message.envelope_id, at: Date.now(), sentAt: this.sentAt.get(message.envelope_id) ?? NaN };
    if (message.payload !== undefined) ack.payload = message.payload;
    this.acks.push(ack);
    this.events.emit('change');
  }

  private waitUntil<T>(check: () => T | undefined | false, what: string, timeoutMs: number): Promise<T> {
    const now = check();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const onChange = (): void => {
        const value = check();
        if (!value) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`waited ${timeoutMs} ms for ${what}; connections opened: ${this.connectionsOpened}, open: ${this.sockets.size}, acks: ${this.acks.length}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('change', onChange);
      };
      this.events.on('change', onChange);
    });
  }
}
