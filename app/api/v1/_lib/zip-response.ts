import "server-only";

/** A zip answered as a download. */
export function zipResponse(zip: Buffer, fileName: string): Response {
  return new Response(new Uint8Array(zip), {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Content-Length": String(zip.length),
      // no-transform: the zip is deflated already, and the server's gzip would only spend time
      "Cache-Control": "no-store, no-transform",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
