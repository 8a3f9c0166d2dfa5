/**
 * Test helper: a loopback TCP relay in front of a server (the emulator, Redis) that can hold traffic back for good,
 * so a process's request takes effect while it never hears the answer, or never leaves it at all: what a process
 * dying at that moment leaves behind.
 */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

export interface RelayOptions {
  /** Holds back every reply: the server acts, the client never hears of it. */
  holdReplies?: boolean;
  /** Holds back what the client sends from the first chunk this matches on: the server never sees it. */
  holdRequestsFrom?: (chunk: Buffer) => boolean;
}

export interface Relay {
  port: number;
  /** Resolves once `holdRequestsFrom` has matched. */
  held: Promise<void>;
  close(): Promise<void>;
}

export async function startRelay(target: { host: string; port: number }, options: RelayOptions): Promise<Relay> {
  const sockets = new Set<Socket>();
  let onHeld = () => {};
  const held = new Promise<void>((resolve) => (onHeld = resolve));
  let holding = false;
  const server = createServer((near) => {
    const far = connect(target.port, target.host);
    for (const socket of [near, far]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // Either side going away ends both: the relay is a wire, not a party.
      socket.on('error', () => {});
      socket.on('close', () => (socket === near ? far : near).destroy());
    }
    near.on('data', (chunk: Buffer) => {
      if (!holding && options.holdRequestsFrom?.(chunk)) {
        holding = true;
        onHeld();
      }
      if (!holding) far.write(chunk);
    });
    far.on('data', (chunk: Buffer) => {
      if (!options.holdReplies) near.write(chunk);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no TCP address');
  return {
    port: address.port,
    held,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
