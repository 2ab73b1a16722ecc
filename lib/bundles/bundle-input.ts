import "server-only";
import { z } from "zod";
import { InputError } from "@/lib/errors";
import {
  configStyleSchema,
  dnsNameSchema,
  hostRoleSchema,
  ipAddressSchema,
  objectNameSchema,
  portSchema,
  sslDirSchema,
  tlsModeSchema,
} from "@/lib/validation";

// Renderers re-validate what they are given even though forms and the API already did: a value
// that slipped past (an old row, a new caller) must not reach a unit file or a shell line.

export const bundleHostSchema = z
  .object({
    name: objectNameSchema,
    dnsNames: z.array(dnsNameSchema),
    ipAddresses: z.array(ipAddressSchema),
    port: portSchema,
    configStyle: configStyleSchema,
    keepUnixSocket: z.boolean(),
    /** The certificate also covers localhost and 127.0.0.1. */
    localAccess: z.boolean().optional(),
    tlsMode: tlsModeSchema,
    role: hostRoleSchema,
  })
  .refine((h) => h.dnsNames.some((n) => !n.startsWith("*.")) || h.ipAddresses.length > 0, {
    message: "A host needs at least one DNS name (not a wildcard) or IP address that clients can dial.",
    path: ["dnsNames"],
  });

export const bundleClientSchema = z.object({ name: objectNameSchema });

/** A Docker host as the bundle renderers see it (mapped from the database by the caller). */
export type BundleHost = z.infer<typeof bundleHostSchema>;
export type BundleClient = z.infer<typeof bundleClientSchema>;

function checked<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join(" ");
  throw new InputError(`Cannot build the bundle: the ${what} is not valid. ${problems}`);
}

export function checkHost(host: BundleHost): BundleHost {
  return checked(bundleHostSchema, host, "host");
}

export function checkClient(client: BundleClient): BundleClient {
  return checked(bundleClientSchema, client, "client");
}

export function checkName(name: string): string {
  return checked(objectNameSchema, name, "name");
}

export function checkSslDir(sslDir: string): string {
  return checked(sslDirSchema, sslDir, "certificate directory setting");
}
