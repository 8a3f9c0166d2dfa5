/**
 * `npx tsx bench/graphiql-network.ts [--tree DIR] [--runs N]`: GraphiQL over a throttled connection in Chromium
 * (`--qualities`: the compression levels compared instead).
 * Starts the sandbox service of the source tree DIR (default: this one; point it at a checkout of an older commit
 * for a before/after), then for each network profile opens GraphiQL in a fresh browser context (first visit) and
 * again in the same context (repeat visit, the HTTP cache as the first visit left it), throttled with CDP's
 * Network.emulateNetworkConditions. Reports, as medians of N runs, the bytes the service sent (counted by a TCP relay
 * in front of it, headers included) and the time from navigation to an interactive GraphiQL (the query editor and
 * the run button on screen). Not part of `npm test`.
 */
import { once } from 'node:events';
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type BrowserContext, chromium } from 'playwright-core';

const { values: args } = parseArgs({
  options: {
    tree: { type: 'string', default: resolve(import.meta.dirname, '..') },
    runs: { type: 'string', default: '3' },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    qualities: { type: 'boolean', default: false },
  },
});

/** `--qualities`: what each brotli quality and gzip level makes of GraphiQL's files, and the CPU it takes. */
async function compareQualities(): Promise<void> {
  const files = await import('@graphql-yoga/render-graphiql/graphiql');
  const all = Buffer.from(files.js + files.css + files.editorWorkerService + files.jsonWorker + files.graphqlWorker);
  console.log(`GraphiQL's script, stylesheet and workers: ${all.length.toLocaleString('en')} bytes\n`);
  console.log('| encoding | bytes | CPU |\n| --- | ---: | ---: |');
  const time = (name: string, compress: () => Buffer) => {
    const started = performance.now();
    const size = compress().length;
    console.log(`| ${name} | ${size.toLocaleString('en')} | ${Math.round(performance.now() - started)} ms |`);
  };
  for (const level of [6, 9]) time(`gzip ${level}`, () => gzipSync(all, { level }));
  for (const quality of [5, 9, 10, 11]) {
    time(`brotli ${quality}`, () =>
      brotliCompressSync(all, {
        params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: all.length },
      }),
    );
  }
}

if (args.qualities) {
  await compareQualities();
  process.exit(0);
}

/** Throughputs in bytes per second, latency the round trip in ms, as CDP's Network.emulateNetworkConditions takes them. */
const PROFILES = [
  { name: '10 Mbit/s, 40 ms RTT', downloadThroughput: 10e6 / 8, uploadThroughput: 5e6 / 8, latency: 40 },
  { name: '1.6 Mbit/s, 150 ms RTT', downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8, latency: 150 },
] as const;

type Profile = (typeof PROFILES)[number];

interface Visit {
  bytes: number;
  ms: number;
}

/**
 * A TCP relay between Chromium and the service that counts the bytes the service sends: what crossed the wire,
 * headers included, for the page and everything it loads (the editor's workers too, which fetch outside the page's
 * DevTools session).
 */
async function countingRelay(target: URL) {
  let bytes = 0;
  let lastActivity = performance.now();
  const sockets = new Set<Socket>();
  const relay = createNetServer((browserSide) => {
    const serviceSide = connect(Number(target.port), target.hostname);
    for (const socket of [browserSide, serviceSide]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    serviceSide.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      lastActivity = performance.now();
    });
    browserSide.on('data', () => {
      lastActivity = performance.now();
    });
    browserSide.pipe(serviceSide).pipe(browserSide);
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  const { port } = relay.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    /** Bytes sent since the last call. */
    take() {
      const taken = bytes;
      bytes = 0;
      return taken;
    },
    /** Resolves once nothing has moved for `quietMs`: the requests still in flight (schema, workers) are done. */
    async settled(quietMs = 1_500) {
      while (performance.now() - lastActivity < quietMs) await sleep(100);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      relay.close();
    },
  };
}

type Relay = Awaited<ReturnType<typeof countingRelay>>;

async function visit(context: BrowserContext, relay: Relay, profile: Profile | undefined): Promise<Visit> {
  const page = await context.newPage();
  if (profile) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: profile.latency,
      downloadThroughput: profile.downloadThroughput,
      uploadThroughput: profile.uploadThroughput,
    });
  }
  relay.take();
  const started = performance.now();
  await page.goto(relay.url, { waitUntil: 'commit', timeout: 300_000 });
  await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 300_000 });
  await page.locator('.graphiql-execute-button').waitFor({ timeout: 300_000 });
  const ms = performance.now() - started;
  await relay.settled();
  await page.close();
  return { bytes: relay.take(), ms };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const tree = resolve(args.tree);
const { loadConfig } = (await import(
  pathToFileURL(`${tree}/src/config/index.ts`).href
)) as typeof import('../src/config/index.js');
const { startService } = (await import(
  pathToFileURL(`${tree}/src/server/service.ts`).href
)) as typeof import('../src/server/service.js');
const { EMPTY_HOME } = await import('../test/support/service.js');

const service = await startService(loadConfig({ PORT: '0', LOG_LEVEL: 'warn' }, EMPTY_HOME), false);
const browser = await chromium.launch({ executablePath: args.chromium });
const runs = Number(args.runs);
console.log(`GraphiQL of ${tree}, ${runs} runs each, medians\n`);
console.log('| network | visit | bytes on the wire | time to interactive GraphiQL |');
console.log('| --- | --- | ---: | ---: |');
const relay = await countingRelay(new URL(service.url));
try {
  // Two unthrottled visits first: the service builds (and compresses) what it serves on the first one, so the
  // throttled ones time the network and the browser, not that.
  for (const name of ['first after start-up', 'second']) {
    const context = await browser.newContext();
    const { bytes, ms } = await visit(context, relay, undefined);
    await context.close();
    console.log(`| unthrottled | ${name} | ${bytes.toLocaleString('en')} | ${(ms / 1000).toFixed(1)} s |`);
  }
  for (const profile of PROFILES) {
    const first: Visit[] = [];
    const repeat: Visit[] = [];
    for (let run = 0; run < runs; run += 1) {
      const context = await browser.newContext();
      first.push(await visit(context, relay, profile));
      repeat.push(await visit(context, relay, profile));
      await context.close();
    }
    for (const [name, visits] of [
      ['first', first],
      ['repeat', repeat],
    ] as const) {
      const bytes = median(visits.map((v) => v.bytes)).toLocaleString('en');
      const ms = (median(visits.map((v) => v.ms)) / 1000).toFixed(1);
      console.log(`| ${profile.name} | ${name} | ${bytes} | ${ms} s |`);
    }
  }
} finally {
  relay.close();
  await browser.close();
  await service.close();
}
