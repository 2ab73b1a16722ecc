import "server-only";
import { checkName } from "@/lib/bundles/bundle-input";
import { claim } from "@/lib/bundles/bundle-names";

/**
 * The top-level folder of each bundle in a zip of several, in the order given: the holder's name,
 * or name-2, name-3... when an earlier bundle took it. A host and a client may share a name, and
 * names that differ only in case would be one folder on macOS and Windows.
 */
export function bundleFolderNames(holderNames: string[]): string[] {
  const taken = new Set<string>();
  return holderNames.map((holder) => {
    // Holder names (at most 64 characters) are letters, digits and . _ @ - starting with a letter or digit: never a path.
    const name = checkName(holder);
    return claim(taken, name, (n) => `${name.slice(0, 63 - String(n).length)}-${n}`);
  });
}
