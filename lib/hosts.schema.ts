import { z } from "zod";
import {
  configStyleSchema,
  dnsNameSchema,
  hostRoleSchema,
  ipAddressSchema,
  objectNameSchema,
  portSchema,
  tlsModeSchema,
} from "@/lib/validation";

const unique = <T>(items: T[]) => [...new Set(items)];

const hostFields = {
  name: objectNameSchema,
  dnsNames: z.array(dnsNameSchema).max(100, "At most 100 DNS names.").default([]).transform(unique),
  ipAddresses: z.array(ipAddressSchema).max(100, "At most 100 IP addresses.").default([]).transform(unique),
  port: portSchema.default(2376),
  configStyle: configStyleSchema.default("systemd"),
  keepUnixSocket: z.boolean().default(true),
  tlsMode: tlsModeSchema.default("mtls"),
  role: hostRoleSchema.default("standalone"),
  labels: z.string().trim().max(200, "Labels are at most 200 characters.").default(""),
  notes: z.string().trim().max(2000, "Notes are at most 2000 characters.").default(""),
};

const NEEDS_A_SAN =
  "Add at least one DNS name (not only a wildcard) or IP address: clients dial it, and Docker checks the daemon's certificate against it.";

export const hostCreateSchema = z
  .object(hostFields)
  .refine((h) => h.dnsNames.some((n) => !n.startsWith("*.")) || h.ipAddresses.length > 0, {
    message: NEEDS_A_SAN,
    path: ["dnsNames"],
  });

/** PATCH: any subset of the fields; the merged host is checked again before it is stored. */
export const hostPatchSchema = z.object(hostFields).partial();

export type HostInput = z.infer<typeof hostCreateSchema>;
export type HostPatch = z.infer<typeof hostPatchSchema>;
export { NEEDS_A_SAN };
