/** How the substrate reports progress: one human line per call (the CLI prints it; tests collect it). */
export type ProgressLog = (line: string) => void;

/** Runs `work`, logging `<label> …` before and `<label>: done in N.N s` after; returns the result. */
export async function timedStage<T>(log: ProgressLog, label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  log(`${label} …`);
  const result = await work();
  log(`${label}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}
