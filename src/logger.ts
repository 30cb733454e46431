/**
 * Structured logging (pino) with a scrubber: Slack tokens and the signing secret never reach a log
 * line, whatever object or error message they hide in.
 */
import fs from 'node:fs';
import net from 'node:net';
import pino, { type DestinationStream, type Logger as Pino } from 'pino';
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';

const TOKEN_PATTERN = /\bx(?:ox[abpre]|app)-[A-Za-z0-9-]+/g;

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(TOKEN_PATTERN, '[redacted-token]');
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('[redacted]');
  return out;
}

export type Logger = Pino;

/** How long shutdown waits for queued log lines to reach stdout before the process exits anyway. */
export const LOG_FLUSH_TIMEOUT_MS = 1000;
/** Beyond this many queued bytes (a reader that stopped reading) new lines are dropped, not buffered. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

type Flushable = DestinationStream & { flush?: (cb: (err?: Error) => void) => void };

/**
 * stdout for log lines, written asynchronously and in order, that can never hold the process:
 * - a pipe or socket (a supervisor, `| tee`, a container runtime) is written through the event loop,
 *   never a blocking write: Node joins its threadpool on exit, so one thread stuck writing to a full
 *   pipe kept the process from exiting at all;
 * - once the reader is gone (EPIPE, or any write error) lines are dropped, silently, for good;
 * - there is no synchronous flush on exit. pino.destination() registers one, and sonic-boom retries
 *   writeSync every 100 ms on any error but EAGAIN, so a reader that vanished during shutdown kept
 *   the process alive, database open, SIGTERM ignored, until SIGKILL. Shutdown instead awaits
 *   `flush`, bounded by LOG_FLUSH_TIMEOUT_MS.
 */
export class StdoutLogDestination implements Flushable {
  private readonly pipe: net.Socket | undefined;
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private writing = false;
  /** Pipe writes not yet handed to the kernel ('drain' only fires after a refused write). */
  private pipeWrites = 0;
  private broken = false;
  private idleWaiters: (() => void)[] = [];
  /** Lines lost to a full queue or a gone reader. */
  dropped = 0;

  constructor(private readonly fd = 1) {
    const stat = fs.fstatSync(fd);
    if (stat.isFIFO() || stat.isSocket()) {
      // A libuv pipe handle: non-blocking writes on the event loop, nothing left to join at exit.
      this.pipe = new net.Socket({ fd, readable: false, writable: true });
      this.pipe.unref(); // logging never keeps the process alive
      this.pipe.on('error', () => this.breakDown());
    }
  }

  write(line: string): boolean {
    const pending = this.pipe ? this.pipe.writableLength : this.queuedBytes;
    if (this.broken || pending + line.length > MAX_QUEUED_BYTES) {
      this.dropped += 1;
      return true;
    }
    if (this.pipe) {
      this.pipeWrites += 1;
      this.pipe.write(line, () => {
        this.pipeWrites -= 1;
        this.wakeIdle();
      });
      return true;
    }
    const buf = Buffer.from(line);
    this.queue.push(buf);
    this.queuedBytes += buf.length;
    if (!this.writing) this.next();
    return true;
  }

  /** Calls back once everything queued was written (or dropped), or after `timeoutMs`. */
  flush(cb: (err?: Error) => void, timeoutMs = LOG_FLUSH_TIMEOUT_MS): void {
    if (this.idle()) return cb();
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      cb();
    };
    const timer = setTimeout(finish, timeoutMs);
    this.idleWaiters.push(finish);
  }

  private idle(): boolean {
    return this.broken || (this.pipe ? this.pipeWrites === 0 : !this.writing);
  }

  private wakeIdle(): void {
    if (this.idle()) for (const w of this.idleWaiters.splice(0)) w();
  }

  private breakDown(): void {
    this.broken = true;
    this.pipe?.destroy();
    this.queue = [];
    this.queuedBytes = 0;
    this.wakeIdle();
  }

  /** Files and terminals: one fs.write at a time, in order. */
  private next(): void {
    if (this.broken || this.queue.length === 0) {
      this.writing = false;
      return this.wakeIdle();
    }
    this.writing = true;
    const chunk = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue);
    this.queue = [];
    this.writeAll(chunk, chunk.length);
  }

  private writeAll(chunk: Buffer, total: number): void {
    fs.write(this.fd, chunk, 0, chunk.length, null, (err, written) => {
      if (err) {
        if (err.code === 'EAGAIN') return void setTimeout(() => this.writeAll(chunk, total), 10);
        this.writing = false;
        return this.breakDown();
      }
      if (written < chunk.length) return this.writeAll(chunk.subarray(written), total);
      this.queuedBytes -= total;
      this.next();
    });
  }
}

export function createLogger(opts: { level: string; secrets: readonly string[]; destination?: DestinationStream }): Logger {
  const secrets = [...opts.secrets];
  // Scrub the serialised line itself, so nested objects and error stacks are covered too.
  const destination: Flushable = opts.destination ?? new StdoutLogDestination();
  const scrubbing: Flushable = {
    write: (line: string) => destination.write(scrub(line, secrets)),
    flush: (cb) => (destination.flush ? destination.flush(cb) : cb()),
  };
  return pino(
    {
      level: opts.level,
      base: undefined,
      redact: { paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
    },
    scrubbing,
  );
}

/** Bolt wants its own Logger interface; route it into pino under the name "bolt". */
export function boltLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'bolt' });
  const join = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    // Bolt logs a few debug lines per request: not even joined unless debug is on.
    debug: (...msg) => {
      if (child.isLevelEnabled('debug')) child.debug(join(msg));
    },
    info: (...msg) => child.info(join(msg)),
    warn: (...msg) => child.warn(join(msg)),
    error: (...msg) => child.error(join(msg)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
