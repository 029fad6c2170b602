/** dpkg-query's view of installed packages: the query format and its pure parser. */

/** `-f` argument for `dpkg-query -W`: name, version, status, tab-separated. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${field} format syntax
export const DPKG_QUERY_FORMAT = "-f=${Package}\t${Version}\t${db:Status-Status}\n";

/** Pure: `Package\tVersion\tStatus` lines → installed packages `name → version`. */
export function parseDpkgQuery(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const [name, version, status] = line.split("\t");
    if (name && version && status === "installed") out[name] = version;
  }
  return out;
}
