/** Tencent's wire format for replies, as the emulator writes them. */
import { randomUUID } from 'node:crypto';

export interface TencentErrorReply {
  code: string;
  message: string;
}

export type ActionResult = { ok: true; fields: Record<string, unknown> } | { ok: false; error: TencentErrorReply };

export const success = (fields: Record<string, unknown> = {}): ActionResult => ({ ok: true, fields });
export const failure = (code: string, message: string): ActionResult => ({ ok: false, error: { code, message } });

export function envelope(result: ActionResult): { Response: Record<string, unknown> } {
  const RequestId = randomUUID();
  return result.ok
    ? { Response: { ...result.fields, RequestId } }
    : { Response: { Error: { Code: result.error.code, Message: result.error.message }, RequestId } };
}
