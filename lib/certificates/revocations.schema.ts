import { z } from "zod";

/** RFC 5280 reason names an admin may give (the codes live in lib/pki/crl.ts). */
export const revocationReasonSchema = z
  .enum(
    ["unspecified", "keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation", "privilegeWithdrawn"],
    "Choose a revocation reason.",
  )
  .default("unspecified");

export const revokeSchema = z.object({ reason: revocationReasonSchema });
