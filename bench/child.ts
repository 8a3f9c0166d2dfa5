/**
 * Runs the baseline, the limit or the fake upstream in a process of its own, so each
 * has its own CPU time, heap and peak RSS. Spoken to over the IPC channel:
 * see {@link ./processes.ts}.
 */
import { readFileSync } from 'node:fs';
import type { StartContender } from './contenders/contender.js';
import type { ChildMessage, ParentMessage } from './processes.js';
import { startUpstream } from './upstream.js';

// Loaded on demand: each process holds only its own contender's modules (the official SDK only in the baseline's).
const CONTENDERS: Record<string, () => Promise<StartContender>> = {
  baseline: () => import('./contenders/baseline.js').then((module) => module.startBaseline),
  raw: () => import('./contenders/raw.js').then((module) => module.startRaw),
};

function send(message: ChildMessage): void {
  process.send?.(message);
}

const [name = '', upstreamUrl = ''] = process.argv.slice(2);
const start = await CONTENDERS[name]?.();
const running =
  name === 'upstream'
    ? await startUpstream().then((upstream) => ({ ...upstream, workload: undefined }))
    : start
      ? await start(upstreamUrl)
      : undefined;
if (!running) {
  send({ type: 'failed', message: `unknown contender ${name}` });
  process.exit(1);
}
send({ type: 'ready', url: running.url, workload: running.workload });

/**
 * The high-water mark of this process's own resident memory. Not `resourceUsage().maxRSS`: Linux carries
 * that over from the parent across fork and exec, so it would count the benchmark's own memory.
 */
function peakRssBytes(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kilobytes = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  return kilobytes ? Number(kilobytes) * 1024 : process.resourceUsage().maxRSS * 1024;
}

// Closing lets --cpu-prof write its profile on the way out.
let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  void running!.close().then(() => process.exit(0));
}
// A benchmark that dies leaves no server behind.
process.once('disconnect', stop);
process.on('message', (message: ParentMessage) => {
  if (message.type === 'usage') {
    const cpu = process.cpuUsage();
    send({
      type: 'usage',
      rssBytes: process.memoryUsage().rss,
      peakRssBytes: peakRssBytes(),
      cpuMicros: cpu.user + cpu.system,
    });
  } else {
    stop();
  }
});
