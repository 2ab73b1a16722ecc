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

/** A zip whose entries sit in one top-level folder, so unzipping does not spill files. Rendering
 * happens before this returns, so bad input throws here rather than mid-download. */
function zipFolder(folder: string, files: BundleFile[]): Buffer {
  return writeZip([
    { name: `${folder}/`, content: "", mode: 0o755 },
    ...files.map((file) => ({ name: `${folder}/${file.name}`, content: file.content, mode: file.mode })),
  ]);
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
