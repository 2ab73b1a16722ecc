import { z } from "zod";
import {
  configStyleSchema,
  dnsNameSchema,
  hostRoleSchema,
  ipAddressSchema,
  keyTypeSchema,
  objectNameSchema,
  portSchema,
  renewWindowSchema,
  tlsModeSchema,
} from "@/lib/validation";
import { visibleText } from "@/lib/visible-text";

const unique = <T>(items: T[]) => [...new Set(items)];

// No defaults here: a PATCH must leave out what it does not mention (zod fills defaults even in
// a .partial() object). The create schema adds them.
const hostFields = {
  name: objectNameSchema,
  dnsNames: z.array(dnsNameSchema).max(100, "At most 100 DNS names.").transform(unique),
  ipAddresses: z.array(ipAddressSchema).max(100, "At most 100 IP addresses.").transform(unique),
  port: portSchema,
  configStyle: configStyleSchema,
  keepUnixSocket: z.boolean(),
  localAccess: z.boolean(),
  tlsMode: tlsModeSchema,
  role: hostRoleSchema,
  labels: visibleText("Labels", 200),
  notes: visibleText("Notes", 2000, { multiline: true }),
  /** The host's agent renews its certificate (when the dashboard has a public URL). */
  renewalEnabled: z.boolean(),
  /** When the agent may restart dockerd; null: any time of day. */
  renewWindow: z.preprocess((v) => (v === "" ? null : v), renewWindowSchema.nullable()),
  /** Its certificates' key type; null: the settings' leafKeyType. */
  keyType: keyTypeSchema,
};

const NEEDS_A_SAN =
  "Add at least one DNS name (not only a wildcard) or IP address: clients dial it, and Docker checks the daemon's certificate against it.";

export const hostCreateSchema = z
  .object({
    ...hostFields,
    dnsNames: hostFields.dnsNames.default([]),
    ipAddresses: hostFields.ipAddresses.default([]),
    port: hostFields.port.default(2376),
    configStyle: hostFields.configStyle.default("systemd"),
    keepUnixSocket: hostFields.keepUnixSocket.default(true),
    localAccess: hostFields.localAccess.default(false),
    tlsMode: hostFields.tlsMode.default("mtls"),
    role: hostFields.role.default("standalone"),
    labels: hostFields.labels.default(""),
    notes: hostFields.notes.default(""),
    renewalEnabled: hostFields.renewalEnabled.default(true),
    renewWindow: hostFields.renewWindow.default(null),
    keyType: hostFields.keyType.default(null),
  })
  .refine((h) => h.dnsNames.some((n) => !n.startsWith("*.")) || h.ipAddresses.length > 0, {
    message: NEEDS_A_SAN,
    path: ["dnsNames"],
  });

/** PATCH: any subset of the fields; the merged host is checked again before it is stored. */
export const hostPatchSchema = z.object(hostFields).partial();

export type HostInput = z.infer<typeof hostCreateSchema>;
export type HostPatch = z.infer<typeof hostPatchSchema>;
export { NEEDS_A_SAN };

/** What "reachable locally" adds, as in the classic recipe (`IP:127.0.0.1`) and DESIGN's profile. */
export const LOCAL_DNS_NAMES = ["localhost"];
export const LOCAL_IP_ADDRESSES = ["127.0.0.1"];

/** The names a server certificate for this host covers: its own, plus localhost when asked for. */
/**
 * A server certificate's common name: the host's first DNS name that fits one (64 characters at
 * most, RFC 5280's upper bound), else its name. Docker matches only the SANs; the CN is for people.
 */
export function hostCommonName(host: { name: string; dnsNames: string[] }): string {
  return host.dnsNames.find((name) => name.length <= 64) ?? host.name;
}

export function hostCertificateNames(host: { dnsNames: string[]; ipAddresses: string[]; localAccess?: boolean }) {
  return {
    dnsNames: unique([...host.dnsNames, ...(host.localAccess ? LOCAL_DNS_NAMES : [])]),
    ipAddresses: unique([...host.ipAddresses, ...(host.localAccess ? LOCAL_IP_ADDRESSES : [])]),
  };
}
