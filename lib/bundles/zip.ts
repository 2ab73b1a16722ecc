import "server-only";
import { Readable } from "node:stream";
import { ZipArchive } from "archiver";
import {
  type BundleFile,
  type ClientBundleInput,
  clientBundleFiles,
  type ServerBundleInput,
  serverBundleFiles,
} from "@/lib/bundles/bundle-files";
import { checkClient, checkHost, checkName } from "@/lib/bundles/bundle-input";

/** A zip whose entries sit in one top-level folder, so unzipping does not spill files. Rendering
 * happens before this returns, so bad input throws here rather than mid-download. */
function zipFolder(folder: string, files: BundleFile[]): ZipArchive {
  const zip = new ZipArchive({ zlib: { level: 9 } });
  zip.append(Buffer.alloc(0), { name: `${folder}/`, type: "directory", mode: 0o755 });
  for (const file of files) zip.append(file.content, { name: `${folder}/${file.name}`, mode: file.mode });
  // Failures also arrive as an "error" event on the stream, which is where the reader sees them.
  zip.finalize().catch(() => {});
  return zip;
}

/** The server bundle as a Node readable stream (a ZipArchive). */
export function buildServerBundle(input: ServerBundleInput): ZipArchive {
  return zipFolder(checkHost(input.host).name, serverBundleFiles(input));
}

/** The client bundle as a Node readable stream (a ZipArchive). */
export function buildClientBundle(input: ClientBundleInput): ZipArchive {
  return zipFolder(checkClient(input.client).name, clientBundleFiles(input));
}

/** For a route handler: `new Response(toWebStream(zip), { headers })`. */
export function toWebStream(stream: NodeJS.ReadableStream): ReadableStream<Uint8Array> {
  return Readable.toWeb(Readable.from(stream, { objectMode: false })) as ReadableStream<Uint8Array>;
}

/** The download name, e.g. dockpki-server-docker1.zip. Names are limited to [A-Za-z0-9._@-] by
 * validation, so `attachment; filename="<this>"` needs no further escaping. */
export function bundleFileName(kind: "server" | "client", name: string): string {
  return `dockpki-${kind}-${checkName(name)}.zip`;
}
