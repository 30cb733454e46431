/** The stdout log destination: lines in order, a vanished reader drops lines instead of blocking. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StdoutLogDestination } from '../../src/logger';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-logdest-'));
const flushed = (d: StdoutLogDestination): Promise<void> => new Promise((resolve) => d.flush(() => resolve(), 30_000));

it('writes lines to a file in order', async () => {
  const file = path.join(dir, 'out.log');
  const fd = fs.openSync(file, 'w');
  const d = new StdoutLogDestination(fd);
  const lines = Array.from({ length: 500 }, (_, i) => `{"n":${i}}\n`);
  for (const l of lines) d.write(l);
  await flushed(d);
  fs.closeSync(fd);
  expect(fs.readFileSync(file, 'utf8')).toBe(lines.join(''));
  expect(d.dropped).toBe(0);
});

it('writes to a pipe in order, and once the reader is gone drops lines and flushes at once', async () => {
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const writer = fs.openSync(fifo, 'w');
  const d = new StdoutLogDestination(writer);
  d.write('one\n');
  d.write('two\n');
  await flushed(d);
  const buf = Buffer.alloc(64);
  expect(buf.toString('utf8', 0, fs.readSync(reader, buf))).toBe('one\ntwo\n');

  fs.closeSync(reader);
  d.write('lost\n'); // EPIPE
  await flushed(d);
  d.write('also lost\n');
  await flushed(d);
  expect(d.dropped).toBeGreaterThanOrEqual(1);
});
