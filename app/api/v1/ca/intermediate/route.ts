import { intermediateRequestSchema } from "@/lib/ca/ca.schema";
import { getPendingIntermediate, requestIntermediate } from "@/lib/ca/intermediate";
import { NotFoundError } from "@/lib/errors";
import { apiRoute, readJson } from "../../_lib/handler";

/** The issuing CA waiting for the offline root's signature: its CSR and the command, or 404. */
export const GET = apiRoute(async () => {
  const pending = await getPendingIntermediate();
  if (!pending) throw new NotFoundError("No intermediate CA is waiting for its certificate.");
  return Response.json({
    commonName: pending.commonName,
    keyType: pending.keyType,
    keySize: pending.keySize,
    days: pending.days,
    createdAt: pending.createdAt.toISOString(),
    csrPem: pending.csrPem,
    opensslCommand: pending.opensslCommand,
  });
});

/** Makes the issuing CA's key here and answers its CSR, for the offline root to sign. */
export const POST = apiRoute(
  async ({ request, principal }) => {
    const input = await readJson(request, intermediateRequestSchema);
    const { csrPem, opensslCommand } = await requestIntermediate(principal, input);
    return Response.json({ csrPem, opensslCommand }, { status: 201 });
  },
  { permission: "ca" },
);
