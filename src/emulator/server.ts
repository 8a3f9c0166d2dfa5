/**
 * The e-sign emulator: a real HTTP server speaking Tencent's API 3.0 wire
 * format for the ess and essbasic actions this project uses. It verifies
 * every TC3 signature, validates parameters against the same action
 * descriptions the client uses, keeps state, and takes scripted faults
 * through a small control API under `/_emulator/`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import type { Credentials } from '../tencent/credentials/index.js';
import { type ActionContext, EMULATED_ACTIONS } from './actions.js';
import { SignatureVerifier } from './auth.js';
import { type Fault, FaultPlan, FaultSpec } from './faults.js';
import { type ActionResult, envelope, failure } from './replies.js';
import { PerSecondLimit } from './rate-limit.js';
import { seedDemo } from './seed.js';
import { EmulatedSts, type StsOptions } from './sts.js';
import { EsignState } from './state.js';

export const DEFAULT_EMULATOR_CREDENTIALS: Credentials = { secretId: 'AKIDEMULATOR', secretKey: 'emulator-secret' };

export interface EmulatorOptions {
  credentials?: Credentials;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Start with the demo records of sandbox mode. */
  seed?: boolean;
  /** Calls per second per action before `RequestLimitExceeded` (Tencent's default: 20); 0 turns it off. */
  rateLimitPerSecond?: number;
  /** STS: how long the temporary credentials it issues live, and the OIDC provider it knows. */
  sts?: StsOptions;
  now?: () => number;
}

/** One call that reached the API, without its parameters (they hold personal data). */
export interface CallRecord {
  action: string;
  /** The Tencent error code answered, `null` for success, `"fault"` for a scripted non-Tencent reply. */
  code: string | null;
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

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_CALL_RECORDS = 10_000;

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Maps a zod failure on the request parameters to Tencent's parameter error codes. */
function parameterError(error: z.ZodError, params: unknown): ActionResult {
  const issue = error.issues[0]!;
  const name = issue.path.join('.');
  const value = issue.path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key], params);
  if (value === undefined) {
    return failure('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
  }
  if (issue.code === 'invalid_value' || issue.code === 'too_small') {
    return failure('InvalidParameterValue', `The value of parameter \`${name}\` is invalid.`);
  }
  return failure('InvalidParameter', `The parameter \`${name}\` is invalid: ${issue.message}`);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const now = options.now ?? Date.now;
  // Signatures by the emulator's own credentials or by temporary ones its STS issued.
  const sts = new EmulatedSts(new SignatureVerifier(options.credentials ?? DEFAULT_EMULATOR_CREDENTIALS, now), now, options.sts);
  const state = new EsignState(now);
  if (options.seed) seedDemo(state);
  const faults = new FaultPlan();
  const limit = new PerSecondLimit(options.rateLimitPerSecond ?? 20, now);
  const calls: CallRecord[] = [];
  const ctx: ActionContext = { state, baseUrl: '' };

  // The Date header follows the emulator's clock, so clients can measure their offset from it.
  function send(res: ServerResponse, status: number, body: string, contentType = 'application/json'): void {
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      date: new Date(now()).toUTCString(),
    });
    res.end(body);
  }

  function record(action: string, code: string | null): void {
    if (calls.length >= MAX_CALL_RECORDS) calls.shift();
    calls.push({ action, code, at: now() });
  }

  function answer(res: ServerResponse, action: string, result: ActionResult): void {
    record(action, result.ok ? null : result.error.code);
    send(res, 200, JSON.stringify(envelope(result)));
  }

  /** Applies a fault; returns true when it answered (or dropped) the request itself. */
  async function applyFault(fault: Fault, res: ServerResponse, action: string): Promise<boolean> {
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.drop) {
      record(action, 'fault');
      res.socket?.destroy();
      return true;
    }
    if (fault.status !== undefined) {
      record(action, 'fault');
      send(res, fault.status, fault.body ?? '', 'text/plain');
      return true;
    }
    if (fault.body !== undefined) {
      record(action, 'fault');
      send(res, 200, fault.body);
      return true;
    }
    if (fault.code) {
      answer(res, action, failure(fault.code, fault.message ?? `Scripted ${fault.code}`));
      return true;
    }
    return false;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    const actionName = req.headers['x-tc-action'];
    if (typeof actionName !== 'string' || actionName === '') {
      return send(res, 200, JSON.stringify(envelope(failure('MissingParameter', 'The X-TC-Action header is missing.'))));
    }
    if (sts.handles(actionName)) {
      const fault = faults.take(actionName);
      if (fault && (await applyFault(fault, res, actionName))) return;
      const signed = { headers: req.headers, path: url.pathname, query: url.search.slice(1), body, service: 'sts' };
      return answer(res, actionName, sts.handle(actionName, signed));
    }
    const action = EMULATED_ACTIONS.get(actionName);
    if (!action) return answer(res, actionName, failure('InvalidAction', `The action \`${actionName}\` does not exist.`));
    if (req.headers['x-tc-version'] !== action.version) {
      return answer(res, actionName, failure('NoSuchVersion', `${actionName} is served in version ${action.version}.`));
    }
    const authError = sts.verify({
      headers: req.headers,
      path: url.pathname,
      query: url.search.slice(1),
      body,
      service: action.spec.service,
    });
    if (authError) return answer(res, actionName, { ok: false, error: authError });
    if (!limit.admit(actionName)) {
      return answer(res, actionName, failure('RequestLimitExceeded', '请求的次数超过了频率限制。'));
    }

    const fault = faults.take(actionName);
    if (fault && (await applyFault(fault, res, actionName))) return;

    let params: unknown;
    try {
      params = JSON.parse(body.toString('utf8'));
    } catch {
      return answer(res, actionName, failure('InvalidParameter', 'The request body is not valid JSON.'));
    }
    const parsed = action.spec.request.safeParse(params);
    if (!parsed.success) return answer(res, actionName, parameterError(parsed.error, params));
    answer(res, actionName, action.handle(parsed.data, ctx));
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
        : send(res, 404, 'This enablement link is not valid (cancelled, used or unknown).\n', 'text/plain; charset=utf-8');
    }
    send(res, 404, '{"error":"no such emulator route"}');
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    void (async () => {
      const body = await readBody(req);
      if (!body) return send(res, 413, '{"error":"request body too large"}');
      if (url.pathname.startsWith('/_emulator/')) return handleControl(req, res, url, body);
      if (req.method === 'POST') return handleApi(req, res, url, body);
      send(res, 200, 'Tencent e-sign emulator (ess 2020-11-11, essbasic 2021-05-26). POST signed API calls here.\n', 'text/plain');
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
