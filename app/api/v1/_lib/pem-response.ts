import "server-only";

/** A PEM download: certificates or CRLs, never cached. */
export function pemResponse(pem: string, fileName: string, contentType: string): Response {
  return new Response(pem, {
    headers: {
      "Content-Type": contentType,
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
