/** timeline.json: each phase's start and end (provision, boot, readiness, steps, evidence, teardown). */
export type PhaseKind =
  | "fixtures"
  | "provision"
  | "boot"
  | "readiness"
  | "step"
  | "assertions"
  | "evidence"
  | "teardown";

export interface Phase {
  name: string;
  kind: PhaseKind;
  started_at: string;
  completed_at: string;
  duration_ms: number;
  /** For steps: the command's own duration as measured around the guest exec. */
  guest_ms?: number;
  ok: boolean;
}

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

  toJSON(end: Date = new Date()): {
    started_at: string;
    completed_at: string;
    wall_ms: number;
    phases: Phase[];
  } {
    return {
      started_at: this.startedAt.toISOString(),
      completed_at: end.toISOString(),
      wall_ms: end.getTime() - this.startedAt.getTime(),
      phases: [...this.phases].sort((a, b) => a.started_at.localeCompare(b.started_at)),
    };
  }
}
