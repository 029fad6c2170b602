/**
 * The harness log: timestamped lines kept for harness-log.txt and mirrored to an optional sink (stderr
 * progress in the CLI). `span` logs "… finished in N s" like the NixOS driver's nested blocks.
 */
export type LogSink = (line: string) => void;

export class HarnessLog {
  readonly lines: string[] = [];
  constructor(
    private readonly sink?: LogSink,
    private readonly now: () => Date = () => new Date(),
  ) {}

  info(message: string): void {
    const line = `${this.now().toISOString()} ${message}`;
    this.lines.push(line);
    this.sink?.(line);
  }

  async span<T>(message: string, fn: () => Promise<T>): Promise<T> {
    const start = Date.now();
    this.info(`${message} …`);
    try {
      const value = await fn();
      this.info(`${message}: finished in ${((Date.now() - start) / 1000).toFixed(1)} s`);
      return value;
    } catch (err) {
      this.info(`${message}: failed after ${((Date.now() - start) / 1000).toFixed(1)} s: ${String(err)}`);
      throw err;
    }
  }

  text(): string {
    return this.lines.length === 0 ? "" : `${this.lines.join("\n")}\n`;
  }
}
