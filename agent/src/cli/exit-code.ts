/**
 * The exit code a command asks for without throwing (e.g. `plan --detailed-exitcode` → 2, a failed
 * apply → 1). One value per program run: `main` creates it and hands it to the commands that set it,
 * so nothing survives from one run to the next.
 */
export class ExitCodeRequest {
  code: number | undefined;

  request(code: number): void {
    this.code = code;
  }
}
