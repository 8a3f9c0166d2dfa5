/**
 * `npm start` itself as the process a supervisor signals: npm forwards SIGTERM to its child, so the child must be
 * the server, not a shell that would die and leave the server running, orphaned, on its port.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { compiled, ROOT } from '../support/build.js';
import { EMPTY_HOME } from '../support/service.js';

/** Whether something accepts connections on the loopback port. */
async function listening(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

let group: number | undefined;
afterEach(() => {
  // Whatever is left of the process group this test started (an orphaned server, were the test to fail).
  if (group !== undefined) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {}
  }
  group = undefined;
});

describe('npm start', () => {
  it('stops the server when npm receives SIGTERM: it exits and its port closes', async () => {
    compiled();
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      // Its own process group, so that the afterEach can end everything it started.
      detached: true,
      env: { PATH: process.env.PATH, HOME: EMPTY_HOME, PORT: '0', TENCENT_CVM_ROLE: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    group = npm.pid;
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let port: number | undefined;
    while (port === undefined) {
      if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode}:\n${output}`);
      const match = /GraphQL endpoint[^\n]*"url":"http:\/\/localhost:(\d+)\//.exec(output);
      if (match) port = Number(match[1]);
      else await sleep(50);
    }
    expect(await listening(port)).toBe(true);

    const closed = once(npm, 'close');
    npm.kill('SIGTERM');
    // npm exits once its child has: by then the port must be closed, not held by an orphaned server.
    await once(npm, 'exit');
    expect(await listening(port)).toBe(false);
    await closed;
    expect(output).toContain('shutting down: no new requests, finishing in-flight ones');
  });
});
