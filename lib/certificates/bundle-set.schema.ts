import { z } from "zod";

/** POST /api/v1/certificates/bundles.zip: the certificates whose bundles go in one zip. Unknown
 * ids are counted and refused by the domain, which can say how many. */
export const bundleSetSchema = z.object({
  ids: z
    .array(z.string().trim().min(1, "An id is empty.").max(100, "That is not a certificate id."), {
      error: "ids is a list of certificate ids.",
    })
    .min(1, "Choose at least one certificate."),
});
