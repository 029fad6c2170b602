/** timeline.json: each phase's start and end (provision, boot, readiness, steps, evidence, teardown). */
import { z } from "zod";

export const PhaseKindSchema = z.enum([
  "fixtures",
  "provision",
  "boot",
  "readiness",
  "step",
  "assertions",
  "evidence",
  "teardown",
]);
export type PhaseKind = z.infer<typeof PhaseKindSchema>;

export const PhaseSchema = z.strictObject({
  name: z.string(),
  kind: PhaseKindSchema,
  started_at: z.string(),
  completed_at: z.string(),
  duration_ms: z.number(),
  /** For steps: the command's own duration as measured around the guest exec. */
  guest_ms: z.number().optional(),
  ok: z.boolean(),
});
export type Phase = z.infer<typeof PhaseSchema>;

/** timeline.json, and the `timeline` of `verification_run`. */
export const TimelineDocumentSchema = z.strictObject({
  started_at: z.string(),
  completed_at: z.string(),
  wall_ms: z.number(),
  phases: z.array(PhaseSchema),
});
export type TimelineDocument = z.infer<typeof TimelineDocumentSchema>;

export class Timeline {
  readonly phases: Phase[] = [];
  readonly startedAt = new Date();

  async phase<T>(kind: PhaseKind, name: string, fn: () => Promise<T>): Promise<T> {
    const start = new Date();
    let ok = false;
    try {
      const v = await fn();
      ok = true;
      return v;
    } finally {
      this.record(kind, name, start, new Date(), ok);
    }
  }

  record(kind: PhaseKind, name: string, start: Date, end: Date, ok: boolean, guestMs?: number): Phase {
    const p: Phase = {
      name,
      kind,
      started_at: start.toISOString(),
      completed_at: end.toISOString(),
      duration_ms: end.getTime() - start.getTime(),
      ok,
      ...(guestMs === undefined ? {} : { guest_ms: guestMs }),
    };
    this.phases.push(p);
    return p;
  }

  toJSON(end: Date = new Date()): TimelineDocument {
    return {
      started_at: this.startedAt.toISOString(),
      completed_at: end.toISOString(),
      wall_ms: end.getTime() - this.startedAt.getTime(),
      phases: [...this.phases].sort((a, b) => a.started_at.localeCompare(b.started_at)),
    };
  }
}
