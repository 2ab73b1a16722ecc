import { z } from "zod";
import { daysSchema, sslDirSchema } from "@/lib/validation";

/** Every setting an admin can change, with its default. */
export const settingsSchema = z.object({
  sslDir: sslDirSchema.default("/etc/docker/ssl"),
  serverCertDays: daysSchema.default(365),
  clientCertDays: daysSchema.default(90),
  crlDays: daysSchema.default(7),
});

export type Settings = z.infer<typeof settingsSchema>;
