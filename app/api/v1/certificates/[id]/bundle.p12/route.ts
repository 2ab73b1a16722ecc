import { clientIp } from "@/lib/auth/current";
import { pkcs12RequestSchema } from "@/lib/certificates/certificates.schema";
import { openPkcs12 } from "@/lib/certificates/downloads";
import { apiRoute, readJson } from "../../../_lib/handler";
import { routeId } from "../../../_lib/params";

/** Where the passphrase dockpki made is answered, the one time it is shown. */
const GENERATED_PASSPHRASE_HEADER = "X-Dockpki-Passphrase";

/** `{passphrase?}`: the certificate, its CA and its key as a .p12 (AES-256-CBC, PBKDF2, HMAC-SHA256). */
export const POST = apiRoute<{ id: string }>(
  async ({ request, principal, params }) => {
    const { passphrase } = await readJson(request, pkcs12RequestSchema);
    const made = await openPkcs12(principal, routeId(params.id, "certificate"), {
      passphrase,
      ip: await clientIp(),
    });
    return new Response(new Uint8Array(made.p12), {
      headers: {
        "Content-Type": "application/x-pkcs12",
        "Content-Disposition": `attachment; filename="${made.fileName}"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        ...(made.generatedPassphrase ? { [GENERATED_PASSPHRASE_HEADER]: made.generatedPassphrase } : {}),
      },
    });
  },
  { allowSession: "pages", permission: "download" },
);
