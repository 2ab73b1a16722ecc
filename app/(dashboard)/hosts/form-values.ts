import type { HostInput } from "@/lib/inventory/hosts.schema";
import { splitList } from "@/lib/validation";

/** The host form's fields as the schema expects them. */
export function hostFormValues(formData: FormData) {
  return {
    name: formData.get("name"),
    dnsNames: splitList(String(formData.get("dnsNames") ?? "")),
    ipAddresses: splitList(String(formData.get("ipAddresses") ?? "")),
    port: formData.get("port") || undefined,
    configStyle: formData.get("configStyle") ?? undefined,
    keepUnixSocket: formData.get("keepUnixSocket") === "on",
    localAccess: formData.get("localAccess") === "on",
    tlsMode: formData.get("tlsMode") ?? undefined,
    role: formData.get("role") ?? undefined,
    labels: formData.get("labels") ?? "",
    notes: formData.get("notes") ?? "",
    renewalEnabled: formData.get("renewalEnabled") === "on",
    renewWindow: formData.get("renewWindow") ?? "",
    keyType: formData.get("keyType") ?? "",
  };
}

export type HostFormValues = HostInput & { id?: string };

export const NEW_HOST: HostFormValues = {
  name: "",
  dnsNames: [],
  ipAddresses: [],
  port: 2376,
  configStyle: "systemd",
  keepUnixSocket: true,
  localAccess: false,
  tlsMode: "mtls",
  role: "standalone",
  labels: "",
  notes: "",
  renewalEnabled: true,
  renewWindow: null,
  keyType: null,
};
