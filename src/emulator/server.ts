/**
 * The e-sign emulator: a real HTTP server that plays Tencent for the ess and essbasic actions this
 * project uses. It checks requests as Tencent documents (gateway.ts: method, size, action, version,
 * content type, language; signature.ts: TC3 signature; parameters.ts: input parameters), limits
 * calls per action, keeps state, answers in zh-CN or en-US, and takes scripted faults through a
 * small control API under `/_emulator/`. docs/emulator.md says where it had to guess.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionContext } from './actions.js';
import * as errors from './errors.js';
import { type Fault, FaultPlan, FaultSpec } from './faults.js';
import { admit, MAX_REQUEST_BYTES } from './gateway.js';
import { SlidingWindowLimit } from './rate-limit.js';
import { type ActionResult, envelope, failure, type Language, say } from './replies.js';
import { seedDemo } from './seed.js';
import type { EmulatorCredentials } from './signature.js';
import { EmulatedSts, type StsOptions } from './sts.js';
import { EsignState } from './state.js';

export type { EmulatorCredentials } from './signature.js';

export const DEFAULT_EMULATOR_CREDENTIALS: EmulatorCredentials = {
  secretId: 'AKIDEMULATOR',
  secretKey: 'emulator-secret',
};

export interface EmulatorOptions {
  credentials?: EmulatorCredentials;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Start with the demo records of sandbox mode. */
  seed?: boolean;
  /** Calls per action admitted in any 1,000 ms before `RequestLimitExceeded` (Tencent's default, 20); 0: no limit. */
  rateLimitPerSecond?: number;
  /** STS: how long the temporary credentials it issues live, and the OIDC provider it knows. */
  sts?: StsOptions;
  /** The emulator's clock (ms): signatures' skew, the rate limit, QR codes' expiry, the Date header. */
  now?: () => number;
}

/** One call that reached the API, without its parameters (they hold personal data). */
export interface CallRecord {
  action: string;
  /** The Tencent error code answered, `null` for success, `"fault"` for a scripted non-Tencent reply. */
  code: string | null;
  /** When the request arrived, and when it was answered: how many calls were in flight at once shows from them. */
  receivedAt: number;
  at: number;
}

export interface Emulator {
  url: string;
  state: EsignState;
  faults: FaultPlan;
  /** The STS actions and the temporary credentials they issued. */
  sts: EmulatedSts;
  readonly calls: readonly CallRecord[];
  close(): Promise<void>;
}

const MAX_CONTROL_BYTES = 1024 * 1024;
const MAX_CALL_RECORDS = 10_000;

/** Reads the body to its end, keeping it only up to `limit` bytes, so a refusal can still be answered. */
async function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return { body: size <= limit ? Buffer.concat(chunks) : Buffer.alloc(0), size };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const now = options.now ?? Date.now;
  // Signatures by the emulator's own credentials or by temporary ones its STS issued.
  // Signatures by the emulator's own credentials or by temporary ones its STS issued.
  const sts = new EmulatedSts(options.credentials ?? DEFAULT_EMULATOR_CREDENTIALS, now, options.sts);
  const state = new EsignState(now);
  if (options.seed) seedDemo(state);
  const faults = new FaultPlan();
  const limit = new SlidingWindowLimit(options.rateLimitPerSecond ?? 20, now);
  const calls: CallRecord[] = [];
  const ctx: ActionContext = { state, sts, baseUrl: '', now };

  // The Date header follows the emulator's clock, so clients can measure their offset from it.
  function send(res: ServerResponse, status: number, body: string, contentType = 'application/json'): void {
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      date: new Date(now()).toUTCString(),
    });
    res.end(body);
  }

  const arrivals = new WeakMap<ServerResponse, number>();

  function record(res: ServerResponse, action: string, code: string | null): void {
    if (calls.length >= MAX_CALL_RECORDS) calls.shift();
    const at = now();
    calls.push({ action, code, receivedAt: arrivals.get(res) ?? at, at });
  }

  /** Answers a Tencent reply; recorded as a call when the request named an action. */
  function answer(res: ServerResponse, action: string | undefined, result: ActionResult, language: Language): void {
    if (action !== undefined) record(res, action, result.ok ? null : result.error.code);
    send(res, 200, JSON.stringify(envelope(result, language)));
  }

  /** Applies a fault; returns true when it answered (or dropped) the request itself. */
  async function applyFault(fault: Fault, res: ServerResponse, action: string, language: Language): Promise<boolean> {
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.drop) {
      record(res, action, 'fault');
      res.socket?.destroy();
      return true;
    }
    if (fault.status !== undefined) {
      record(res, action, 'fault');
      send(res, fault.status, fault.body ?? '', 'text/plain');
      return true;
    }
    if (fault.body !== undefined) {
      record(res, action, 'fault');
      send(res, 200, fault.body);
      return true;
    }
    if (fault.code) {
      const message = fault.message ?? `Scripted ${fault.code}`;
      answer(res, action, failure({ code: fault.code, message: say(message, message) }), language);
      return true;
    }
    return false;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, body: Buffer, size: number): Promise<void> {
    const gate = admit({ method: req.method ?? '', headers: req.headers, size });
    if (!gate.ok) return answer(res, gate.actionName, failure(gate.error), gate.language);
    const { action, language } = gate;
    const authError =
      action.authorization === 'skip'
        ? req.headers.authorization === 'SKIP'
          ? undefined
          : errors.invalidAuthorization(`${action.name} is called with Authorization: SKIP.`)
        : sts.verify({ headers: req.headers, body, service: action.service });
    if (authError) return answer(res, action.name, failure(authError), language);
    if (!limit.admit(action.name)) return answer(res, action.name, failure(errors.requestLimitExceeded()), language);

    const fault = faults.take(action.name);
    if (fault && (await applyFault(fault, res, action.name, language))) return;

    let params: unknown;
    try {
      params = JSON.parse(body.toString('utf8'));
    } catch {
      return answer(res, action.name, failure(errors.invalidParameter('body', 'a JSON object')), language);
    }
    answer(res, action.name, action.run(params, ctx), language);
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /_emulator/calls') return send(res, 200, JSON.stringify(calls));
    if (route === 'DELETE /_emulator/calls') {
      calls.length = 0;
      return send(res, 204, '');
    }
    if (route === 'DELETE /_emulator/faults') {
      faults.clear();
      return send(res, 204, '');
    }
    if (route === 'POST /_emulator/faults') {
      try {
        const specs: unknown = JSON.parse(body.toString('utf8'));
        for (const spec of Array.isArray(specs) ? specs : [specs]) faults.add(FaultSpec.parse(spec));
        return send(res, 201, '{}');
      } catch (error) {
        return send(res, 400, JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
      }
    }
    const link = /^GET \/_emulator\/auto-sign\/([A-Za-z0-9]+)$/.exec(route);
    if (link) {
      return state.completeAutoSignLink(link[1]!)
        ? send(res, 200, 'Auto-sign is now enabled for this person (e-sign emulator).\n', 'text/plain; charset=utf-8')
        : send(
            res,
            404,
            'This enablement link is not valid (cancelled, used or unknown).\n',
            'text/plain; charset=utf-8',
          );
    }
    send(res, 404, '{"error":"no such emulator route"}');
  }

  const server = createServer((req, res) => {
    arrivals.set(res, now());
    const url = new URL(req.url ?? '/', 'http://emulator');
    const control = url.pathname.startsWith('/_emulator/');
    void (async () => {
      const { body, size } = await readBody(req, control ? MAX_CONTROL_BYTES : MAX_REQUEST_BYTES);
      if (control) {
        return size > MAX_CONTROL_BYTES
          ? send(res, 413, '{"error":"request body too large"}')
          : handleControl(req, res, url, body);
      }
      if (req.method === 'GET' && req.headers['x-tc-action'] === undefined) {
        const banner = 'Tencent e-sign emulator (ess 2020-11-11, essbasic 2021-05-26). POST signed API calls here.\n';
        return send(res, 200, banner, 'text/plain');
      }
      return handleApi(req, res, body, size);
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: String(error) }));
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  ctx.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: ctx.baseUrl,
    state,
    faults,
    sts,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
