import { type EndpointResult, hostHeader, type ProbeStatus } from "@/lib/monitoring/probe";

// The verdict on a host from what each of its endpoints served: pure, no I/O.

/**
 * The host's verdict; the worst endpoint decides. No endpoint got as far as a certificate:
 * unreachable. Otherwise, among those that did: any chain that does not verify, untrusted; any
 * certificate that is not the current one (or none is on record), old; any name not covered,
 * wrong-name; every endpoint ok, current. What is left is a host whose certificates are right where
 * they were seen but where some address failed (not reached, timed out, refused the monitoring
 * certificate, /version not answered): "unreachable", naming the address, because dockpki cannot
 * see a working daemon there.
 */
export function summarizeProbe(results: EndpointResult[]): { status: ProbeStatus; summary: string } {
  if (results.length === 0) return { status: "unreachable", summary: "Nothing to probe: the host has no addresses." };
  const seen = results.filter((r) => r.servedSerial);
  if (seen.length === 0) {
    return {
      status: "unreachable",
      summary: `Unreachable: ${results.map((r) => `${label(r)} ${r.error}`).join("; ")}.`,
    };
  }
  const untrusted = seen.filter((r) => !r.trusted);
  if (untrusted.length > 0) return { status: "untrusted", summary: aboutCertificate(untrusted) };
  const old = seen.filter((r) => r.isCurrent !== true);
  if (old.length > 0) return { status: "old", summary: `${label(old[0])} ${shortSerials(old[0].error)}${more(old)}.` };
  const wrongName = seen.filter((r) => !r.nameOk);
  if (wrongName.length > 0) return { status: "wrong-name", summary: aboutCertificate(wrongName) };
  const ok = results.filter((r) => r.ok).length;
  const serving = `Serving the current certificate on ${ok} of ${results.length} address${results.length === 1 ? "" : "es"}`;
  const failed = results.find((r) => !r.ok);
  if (!failed) return { status: "current", summary: `${serving}.` };
  return {
    status: "unreachable",
    summary: `${serving}; ${label(failed)}: ${failed.error}${more(results.filter((r) => !r.ok))}.`,
  };
}

const label = (r: EndpointResult) => hostHeader(r);
const more = (list: EndpointResult[]) =>
  list.length > 1 ? ` (and ${list.length - 1} more address${list.length === 2 ? "" : "es"})` : "";
const shortSerials = (text = "") => text.replace(/\b([0-9a-f]{4})[0-9a-f]{8,}\b/g, "$1…");
const aboutCertificate = (list: EndpointResult[]) =>
  `The certificate served at ${label(list[0])} ${(list[0].error ?? "").replace(/^its certificate /, "")}${more(list)}.`;
