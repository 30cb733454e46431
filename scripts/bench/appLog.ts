/**
 * Reads the app's JSON log lines (pino: `time` in epoch ms, `msg`): the digest sweep's own timing and,
 * when the app logs it, event-loop delay. The event-loop line's exact shape is not fixed yet, so any
 * line whose message mentions the event loop is read for fields named like p99 and max (ms, or ns
 * when the name says so).
 */

export interface LogLine {
  time: number;
  msg: string;
  fields: Record<string, unknown>;
}

export function parseLogLines(output: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const fields = JSON.parse(line) as Record<string, unknown>;
      if (typeof fields.time === 'number' && typeof fields.msg === 'string') lines.push({ time: fields.time, msg: fields.msg, fields });
    } catch {
      // not a log line
    }
  }
  return lines;
}

/** Every numeric field, nested ones as `a.b`. */
function flatten(value: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (typeof value === 'number') out[prefix] = value;
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

function pick(fields: Record<string, number>, name: RegExp): number | undefined {
  for (const [key, value] of Object.entries(fields)) {
    const leaf = key.split('.').at(-1)!;
    if (!name.test(leaf)) continue;
    return /ns$|nanos/i.test(leaf) ? value / 1e6 : /us$|micros/i.test(leaf) ? value / 1e3 : value;
  }
  return undefined;
}

export interface EventLoopSample {
  time: number;
  p99?: number;
  max?: number;
}

export function eventLoopSamples(lines: LogLine[]): EventLoopSample[] {
  return lines
    .filter((l) => /event[\s_-]?loop/i.test(l.msg))
    .map((l) => {
      const fields = flatten(l.fields);
      delete fields.time;
      delete fields.level;
      delete fields.pid;
      return { time: l.time, p99: pick(fields, /p99/i), max: pick(fields, /^max/i) };
    });
}

/** The digest sweeps the app logged (`digest sweep`, with `ms` and `enqueued`). */
export function sweeps(lines: LogLine[]): Array<{ time: number; ms: number; enqueued: number }> {
  return lines.filter((l) => /digest sweep/i.test(l.msg)).map((l) => ({ time: l.time, ms: Number(l.fields.ms ?? NaN), enqueued: Number(l.fields.enqueued ?? NaN) }));
}
