import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readZipEntries } from "@/lib/zip-read";

export interface ZipEntry {
  mode: number;
  content: string;
}

export async function collect(stream: NodeJS.ReadableStream | Buffer): Promise<Buffer> {
  if (Buffer.isBuffer(stream)) return stream;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Reads a zip back: entry name -> unix mode and text. */
export async function unzip(zip: Buffer): Promise<Map<string, ZipEntry>> {
  const entries = new Map<string, ZipEntry>();
  for (const [name, entry] of await readZipEntries(zip))
    entries.set(name, { mode: entry.mode, content: entry.data.toString("utf8") });
  return entries;
}

/** Unzips into dir the way an admin's unzip would, modes included; returns dir. */
export async function extract(zip: NodeJS.ReadableStream | Buffer, dir: string): Promise<string> {
  const bytes = Buffer.isBuffer(zip) ? zip : await collect(zip);
  for (const [name, entry] of await readZipEntries(bytes)) {
    if (name.endsWith("/")) mkdirSync(join(dir, name), { recursive: true, mode: entry.mode });
    else writeFileSync(join(dir, name), entry.data, { mode: entry.mode });
  }
  return dir;
}
