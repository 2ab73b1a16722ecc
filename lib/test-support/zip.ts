import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import yauzl from "yauzl";

export interface ZipEntry {
  mode: number;
  content: string;
}

export async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Reads a zip back with yauzl: entry name -> unix mode and text. */
export function unzip(zip: Buffer): Promise<Map<string, ZipEntry>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, archive) => {
      if (err) return reject(err);
      const entries = new Map<string, ZipEntry>();
      archive.on("error", reject);
      archive.on("end", () => resolve(entries));
      archive.on("entry", (entry: yauzl.Entry) => {
        const mode = (entry.externalFileAttributes >>> 16) & 0o777;
        if (entry.fileName.endsWith("/")) {
          entries.set(entry.fileName, { mode, content: "" });
          return archive.readEntry();
        }
        archive.openReadStream(entry, async (e, stream) => {
          if (e) return reject(e);
          entries.set(entry.fileName, { mode, content: await text(stream) });
          archive.readEntry();
        });
      });
      archive.readEntry();
    });
  });
}

/** Unzips into dir the way an admin's unzip would, modes included; returns dir. */
export async function extract(zip: NodeJS.ReadableStream | Buffer, dir: string): Promise<string> {
  const bytes = Buffer.isBuffer(zip) ? zip : await collect(zip);
  for (const [name, entry] of await unzip(bytes)) {
    if (name.endsWith("/")) mkdirSync(join(dir, name), { recursive: true, mode: entry.mode });
    else writeFileSync(join(dir, name), entry.content, { mode: entry.mode });
  }
  return dir;
}
