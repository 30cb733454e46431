/** The bench's other processes: the fake Slack, the bare Bolt app and the load generator (run with tsx). */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FakeStats, SetupMessage } from './fakeSlackProcess';
import type { DoneMessage, RunMessage } from './loadGenerator';

function forkTs(file: string, env: Record<string, string> = {}, stdio: 'inherit' | 'pipe' = 'inherit'): ChildProcess {
  return fork(path.join(__dirname, file), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', stdio, 'inherit', 'ipc'] });
}

function next<T extends { type: string }>(proc: ChildProcess, type: T['type']): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: T) => {
      if (m.type !== type) return;
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) while waiting for ${type}`));
    proc.on('message', onMessage);
    proc.once('exit', onExit);
  });
}

export interface FakeSlackProcess {
  proc: ChildProcess;
  /** Web API base URL (…/api/). */
  url: string;
  /** Origin, for response_url. */
  base: string;
  stats(): Promise<FakeStats>;
}

export async function startFakeSlack(setup: Omit<SetupMessage, 'type'>): Promise<FakeSlackProcess> {
  const proc = forkTs('fakeSlackProcess.ts');
  const ready = next<{ type: 'ready'; url: string }>(proc, 'ready');
  proc.send({ type: 'setup', ...setup } satisfies SetupMessage);
  const { url } = await ready;
  return {
    proc,
    url,
    base: new URL(url).origin,
    stats() {
      const reply = next<FakeStats>(proc, 'stats');
      proc.send({ type: 'stats' });
      return reply;
    },
  };
}

/** `answers`: the bare app also sends each request's one answer (see bareApp.ts). */
export async function startBareApp(slackApiUrl: string, answers = false): Promise<{ proc: ChildProcess; port: number }> {
  const proc = forkTs('bareApp.ts', { SLACK_API_URL: slackApiUrl, BARE_ANSWERS: answers ? '1' : '0' }, 'pipe');
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += String(d);
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`the bare app exited (${code}): ${out}`)));
  });
  return { proc, port };
}

export interface Generator {
  proc: ChildProcess;
  run(msg: Omit<RunMessage, 'type'>): Promise<DoneMessage>;
  /** Ends the current run early: nothing new is fired; `run` resolves once the in-flight answers are in. */
  stop(): void;
}

export function startGenerator(): Generator {
  const proc = forkTs('loadGenerator.ts');
  return {
    proc,
    run(msg) {
      const done = next<DoneMessage>(proc, 'done');
      proc.send({ type: 'run', ...msg } satisfies RunMessage);
      return done;
    },
    stop: () => void proc.send({ type: 'stop' }),
  };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopProcess(proc: ChildProcess, graceMs = 5000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}
