import "server-only";
import type { RenewalAnswer } from "@/lib/renewal/renew";
import { certificateJson } from "./serialize";

/**
 * A renewal's or enrollment's answer: sections a POSIX sh agent splits with awk when it asks for
 * text/plain (lib/renewal/PROTOCOL.md), JSON for everyone else.
 */
export function renewalAnswerResponse(request: Request, answer: RenewalAnswer): Response {
  const { certificate, caPems, crossPems } = answer;
  const pem = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);
  if ((request.headers.get("accept") ?? "").includes("text/plain")) {
    const body = [
      "# dockpki-renew-v1\n",
      "# cert.pem\n",
      pem(certificate.certPem),
      "# ca.pem\n",
      ...caPems.map(pem),
      "# cross.pem\n",
      ...crossPems.map(pem),
      "# end\n",
    ].join("");
    return new Response(body, {
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  return Response.json(
    {
      serial: certificate.serial,
      notAfter: certificate.notAfter.toISOString(),
      certPem: certificate.certPem,
      caPem: caPems.map(pem).join(""),
      crossPem: crossPems.map(pem).join(""),
      certificate: certificateJson(certificate),
    },
    { headers: { "cache-control": "no-store" } },
  );
}
