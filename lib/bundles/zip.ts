import "server-only";
import {
  type BundleFile,
  type ClientBundleInput,
  clientBundleFiles,
  type ServerBundleInput,
  serverBundleFiles,
} from "@/lib/bundles/bundle-files";
import { checkClient, checkHost, checkName } from "@/lib/bundles/bundle-input";
import { writeZip } from "@/lib/bundles/zip-write";

/** A bundle's files and the top-level folder they sit in (a holder's name, checked here). */
export interface BundleFolder {
  folder: string;
  files: BundleFile[];
}

/** A zip of one or more bundles, each in its own top-level folder, so unzipping does not spill
 * files. Rendering happens before this returns, so bad input throws here rather than mid-download. */
export function zipBundles(bundles: BundleFolder[]): Buffer {
  const folders = new Set<string>();
  return writeZip(
    bundles.flatMap(({ folder, files }) => {
      const name = checkName(folder);
      // Folders differ by more than case: one folder on macOS and Windows would mix two bundles.
      if (folders.has(name.toLowerCase())) throw new Error(`Two bundles in one zip would share the folder ${name}.`);
      folders.add(name.toLowerCase());
      return [
        { name: `${name}/`, content: "", mode: 0o755 },
        ...files.map((file) => ({ name: `${name}/${file.name}`, content: file.content, mode: file.mode })),
      ];
    }),
  );
}

function zipFolder(folder: string, files: BundleFile[]): Buffer {
  return zipBundles([{ folder, files }]);
}

/** The server bundle's zip. */
export function buildServerBundle(input: ServerBundleInput): Buffer {
  return zipFolder(checkHost(input.host).name, serverBundleFiles(input));
}

/** The client bundle's zip. */
export function buildClientBundle(input: ClientBundleInput): Buffer {
  return zipFolder(checkClient(input.client).name, clientBundleFiles(input));
}

/** The download name, e.g. dockpki-server-docker1.zip. Names are limited to [A-Za-z0-9._@-] by
 * validation, so `attachment; filename="<this>"` needs no further escaping. */
export function bundleFileName(kind: "server" | "client", name: string): string {
  return `dockpki-${kind}-${checkName(name)}.zip`;
}
