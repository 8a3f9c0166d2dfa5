/** Tencent's wire format for replies, as the emulator writes them, in the two languages Tencent answers in. */
import { randomUUID } from 'node:crypto';

/** `X-TC-Language`: Tencent's SDKs accept exactly these two; zh-CN when the header is absent. */
export const LANGUAGES = ['zh-CN', 'en-US'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

export type Message = Readonly<Record<Language, string>>;
export const say = (zh: string, en: string): Message => ({ 'zh-CN': zh, 'en-US': en });

export interface ApiError {
  code: string;
  message: Message;
}

export type ActionResult = { ok: true; fields: Record<string, unknown> } | { ok: false; error: ApiError };

export const success = (fields: Record<string, unknown> = {}): ActionResult => ({ ok: true, fields });
export const failure = (error: ApiError): ActionResult => ({ ok: false, error });

export function envelope(result: ActionResult, language: Language): { Response: Record<string, unknown> } {
  const RequestId = randomUUID();
  return result.ok
    ? { Response: { ...result.fields, RequestId } }
    : { Response: { Error: { Code: result.error.code, Message: result.error.message[language] }, RequestId } };
}
