/** Scripted misbehaviour, so every failure path of the layer can be tested over real HTTP. */
import { z } from 'zod';

export const FaultSpec = z
  .object({
    /** The action it applies to; any action when absent. */
    action: z.string().min(1).optional(),
    /** How many matching calls it affects. */
    times: z.number().int().positive().default(1),
    /** Answer this Tencent error code (HTTP 200, Tencent's error envelope). */
    code: z.string().min(1).optional(),
    message: z.string().optional(),
    /** Answer this HTTP status with `body` (default empty) instead of a Tencent reply. */
    status: z.number().int().min(100).max(599).optional(),
    body: z.string().optional(),
    /** Wait this long before doing anything else. */
    delayMs: z.number().int().min(0).max(120_000).optional(),
    /** Close the connection without answering. */
    drop: z.boolean().optional(),
  })
  .strict();
export type FaultSpec = z.input<typeof FaultSpec>;
export type Fault = z.output<typeof FaultSpec>;

export class FaultPlan {
  private faults: Fault[] = [];

  add(spec: FaultSpec): void {
    this.faults.push(FaultSpec.parse(spec));
  }

  /** The next fault for this action, counting one of its uses. */
  take(action: string): Fault | undefined {
    const index = this.faults.findIndex((f) => f.action === undefined || f.action === action);
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    if (--fault.times === 0) this.faults.splice(index, 1);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }
}
