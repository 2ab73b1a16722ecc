import { z } from "zod";
import { selectedIdsSchema } from "@/lib/list-query.schema";
import { daysSchema } from "@/lib/validation";

/** POST /api/v1/jobs: what a bulk re-issue takes, by expiry, by CA, or exactly these certificates. */
export const reissueJobSchema = z.discriminatedUnion(
  "scope",
  [
    z.object({ scope: z.literal("expiring"), days: daysSchema.default(30), revokeOld: z.boolean().default(false) }),
    z.object({ scope: z.literal("previous-ca"), revokeOld: z.boolean().default(false) }),
    z.object({
      scope: z.literal("ids"),
      ids: selectedIdsSchema("certificate"),
      revokeOld: z.boolean().default(false),
    }),
  ],
  { error: 'scope is "expiring" (with days), "previous-ca", or "ids" (with ids).' },
);

export type ReissueScope =
  | { scope: "expiring"; days: number }
  | { scope: "previous-ca" }
  | { scope: "ids"; ids: string[] };
