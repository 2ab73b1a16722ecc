import { z } from "zod";
import { keyTypeSchema, objectNameSchema } from "@/lib/validation";
import { visibleText } from "@/lib/visible-text";

export const CLIENT_KINDS = ["person", "ci", "service"] as const;

// No defaults here: a PATCH must leave out what it does not mention.
const clientFields = {
  name: objectNameSchema,
  kind: z.enum(CLIENT_KINDS, "Choose person, ci or service."),
  notes: visibleText("Notes", 2000, { multiline: true }),
  /** The client's agent renews its certificate (when the dashboard has a public URL). */
  renewalEnabled: z.boolean(),
  /** Its certificates' key type; null: the settings' leafKeyType. */
  keyType: keyTypeSchema,
};

export const clientCreateSchema = z.object({
  ...clientFields,
  kind: clientFields.kind.default("person"),
  notes: clientFields.notes.default(""),
  renewalEnabled: clientFields.renewalEnabled.default(true),
  keyType: clientFields.keyType.default(null),
});
export const clientPatchSchema = z.object(clientFields).partial();

export type ClientInput = z.infer<typeof clientCreateSchema>;
export type ClientPatch = z.infer<typeof clientPatchSchema>;
