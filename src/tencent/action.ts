import type { z } from 'zod';
import type { Service } from './endpoints.js';

/**
 * One Tencent API action: its service, its wire request and reply (the
 * fields of `Response` other than `RequestId` and `Error`), and the error
 * codes Tencent documents for it. The client, the emulator and the GraphQL
 * layer all work from this one description.
 */
export interface TencentAction<Request extends z.ZodType = z.ZodType, Reply extends z.ZodType = z.ZodType> {
  service: Service;
  name: string;
  request: Request;
  reply: Reply;
  errorCodes: readonly string[];
}

export type RequestOf<A extends TencentAction> = z.input<A['request']>;
export type ReplyOf<A extends TencentAction> = z.output<A['reply']>;

export function defineAction<Request extends z.ZodType, Reply extends z.ZodType>(
  action: TencentAction<Request, Reply>,
): TencentAction<Request, Reply> {
  return action;
}
