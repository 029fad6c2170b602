/** Mapping `config/etc/<path>` source paths to `/etc/<path>` targets, never outside `/etc/`. */
import { layoutError } from "../errors.js";
import { hasControlCharacter } from "./names.js";

/**
 * Turns a path relative to a `config/` directory (e.g. `etc/frontend/Caddyfile`) into its absolute target
 * (`/etc/frontend/Caddyfile`). `file` is the repository-relative source path used in errors.
 * Rejects absolute paths, `.`/`..`/empty components, control characters and anything outside `/etc/`.
 */
export function configTarget(relPath: string, file: string): string {
  if (relPath.startsWith("/")) {
    throw layoutError(`config path '${relPath}' is absolute`, {
      code: "config_path_absolute",
      file,
      hint: "config files live at config/etc/<path> inside the service or override directory (relative)",
    });
  }
  const parts = relPath.split("/");
  if (parts.some((p) => p === "..")) {
    throw layoutError(`config path '${relPath}' contains '..'`, {
      code: "config_path_traversal",
      file,
      hint: "remove '..'; config files map one-to-one from config/etc/<path> to /etc/<path>",
    });
  }
  if (parts.some((p) => p === "" || p === ".")) {
    throw layoutError(`config path '${relPath}' has an empty or '.' component`, {
      code: "config_path_invalid",
      file,
      hint: "use a plain relative path such as etc/<dir>/<file>",
    });
  }
  if (hasControlCharacter(relPath)) {
    throw layoutError(`config path ${JSON.stringify(relPath)} contains a control character`, {
      code: "config_path_invalid",
      file,
      hint: "rename the file; target paths must be printable",
    });
  }
  if (parts[0] !== "etc" || parts.length < 2) {
    throw layoutError(`config target '/${relPath}' is outside /etc/`, {
      code: "config_outside_etc",
      file,
      hint: "only files under config/etc/ are deployed (to /etc/...); move the file under config/etc/",
    });
  }
  return `/${relPath}`;
}
