import { buffer } from "node:stream/consumers";
import yauzl from "yauzl";

export interface ZipFileEntry {
  /** Unix permission bits of the entry. */
  mode: number;
  data: Buffer;
}

/** Reads every entry of a zip held in memory (backups, and the bundles tests read back). */
export function readZipEntries(zip: Buffer): Promise<Map<string, ZipFileEntry>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, archive) => {
      if (err) return reject(err);
      const entries = new Map<string, ZipFileEntry>();
      archive.on("error", reject);
      archive.on("end", () => resolve(entries));
      archive.on("entry", (entry: yauzl.Entry) => {
        const mode = (entry.externalFileAttributes >>> 16) & 0o777;
        if (entry.fileName.endsWith("/")) {
          entries.set(entry.fileName, { mode, data: Buffer.alloc(0) });
          return archive.readEntry();
        }
        archive.openReadStream(entry, async (e, stream) => {
          if (e) return reject(e);
          try {
            entries.set(entry.fileName, { mode, data: await buffer(stream) });
            archive.readEntry();
          } catch (readErr) {
            reject(readErr);
          }
        });
      });
      archive.readEntry();
    });
  });
}
