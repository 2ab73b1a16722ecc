import { currentCrl } from "@/lib/revocations";
import { apiRoute } from "../_lib/handler";

/** The active CA's CRL, signed again when it is due. */
export const GET = apiRoute(
  async () => {
    const { pem } = await currentCrl();
    return new Response(pem, {
      headers: {
        "Content-Type": "application/pkix-crl",
        "Content-Disposition": 'attachment; filename="crl.pem"',
        "Cache-Control": "no-store",
      },
    });
  },
  { allowSession: true },
);
