/**
 * What Tencent's API gateway checks before an action runs, in the emulator's order: the language of
 * the answer, the HTTP method, the body's size, the action and its version, the content type
 * ("请求结构": POST application/json for these actions; multipart/form-data only for the actions
 * documented as multipart ones, which "不能使用 json 格式调用", and these four are JSON actions).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { EMULATED_ACTIONS, type EmulatedAction } from './actions.js';
import * as errors from './errors.js';
import { type ApiError, DEFAULT_LANGUAGE, LANGUAGES, type Language } from './replies.js';

/** "POST 请求使用签名方法 v3（TC3-HMAC-SHA256）时最大支持10MB", read as 10,000,000 bytes, the stricter reading. */
export const MAX_REQUEST_BYTES = 10_000_000;

export interface GatewayRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** Bytes the body had, read to its end even past the limit. */
  size: number;
}

export type GatewayOutcome =
  | { ok: true; language: Language; action: EmulatedAction }
  /** `actionName`: the X-TC-Action sent, for the call record (absent when none was sent). */
  | { ok: false; language: Language; error: ApiError; actionName?: string };

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(',') : value;

export function language(headers: IncomingHttpHeaders): Language | undefined {
  const sent = single(headers['x-tc-language']);
  if (sent === undefined) return DEFAULT_LANGUAGE;
  return LANGUAGES.find((supported) => supported === sent);
}

function contentTypeError(sent: string | undefined): ApiError | undefined {
  const [media = '', ...parameters] = (sent ?? '').split(';').map((part) => part.trim().toLowerCase());
  const utf8 = parameters.every((parameter) => parameter === 'charset=utf-8');
  return media === 'application/json' && utf8 ? undefined : errors.unsupportedContentType(sent ?? '');
}

export function admit(req: GatewayRequest): GatewayOutcome {
  const chosen = language(req.headers);
  if (!chosen) {
    return {
      ok: false,
      language: DEFAULT_LANGUAGE,
      error: errors.unsupportedLanguage(String(req.headers['x-tc-language'])),
    };
  }
  const refuse = (error: ApiError, actionName?: string): GatewayOutcome =>
    actionName === undefined
      ? { ok: false, language: chosen, error }
      : { ok: false, language: chosen, error, actionName };
  const actionName = single(req.headers['x-tc-action']);
  if (req.method === 'GET') return refuse(errors.getNotEmulated(), actionName);
  if (req.method !== 'POST') return refuse(errors.unsupportedProtocol(req.method), actionName);
  if (req.size > MAX_REQUEST_BYTES) return refuse(errors.requestSizeLimitExceeded(MAX_REQUEST_BYTES), actionName);
  if (actionName === undefined || actionName === '') return refuse(errors.missingParameter('X-TC-Action'));
  const action = EMULATED_ACTIONS.get(actionName);
  if (!action) return refuse(errors.invalidAction(actionName), actionName);
  const version = single(req.headers['x-tc-version']);
  if (version === undefined || version === '') return refuse(errors.missingParameter('X-TC-Version'), actionName);
  if (version !== action.version) return refuse(errors.noSuchVersion(actionName, action.version), actionName);
  const contentType = contentTypeError(single(req.headers['content-type']));
  if (contentType) return refuse(contentType, actionName);
  return { ok: true, language: chosen, action };
}
