/** What /proc says about another process: CPU time and memory, without its cooperation. */
import fs from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU time of `pid` so far, in ms, to the nanosecond: the scheduler's own run time of each of its
 * threads (/proc/PID/task/TID/schedstat). /proc/PID/stat counts in 10 ms ticks, too coarse for a bare
 * app's few hundred ms over a run. A thread that exits takes its time with it; Node's threads live as
 * long as the process. Falls back to the ticks where schedstat is missing.
 */
export function cpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    }
    return ns / 1e6;
  } catch {
    return tickCpuMs(pid);
  }
}

/** User + system CPU time of `pid` so far, in ms (10 ms resolution). */
function tickCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
}

/** Resident memory now, MB. */
export const rssMb = (pid: number) => statusKb(pid, 'VmRSS') / 1024;
/** Peak resident memory since the process started (the kernel's high-water mark), MB. */
export const peakRssMb = (pid: number) => statusKb(pid, 'VmHWM') / 1024;
