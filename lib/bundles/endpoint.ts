import "server-only";
import type { BundleHost } from "@/lib/bundles/bundle-input";

// Hosts passed here must have been through checkHost.

/** The name clients dial: the first DNS name that is not a wildcard, else the first IP. */
export function dialName(host: BundleHost): string {
  const name = host.dnsNames.find((n) => !n.startsWith("*.")) ?? host.ipAddresses[0];
  if (!name) throw new Error(`Host ${host.name} has no address to dial.`);
  return name.includes(":") ? `[${name}]` : name;
}

/** DOCKER_HOST for this host, e.g. tcp://docker1.example.com:2376 or tcp://[2001:db8::1]:2376. */
export function dockerHostUrl(host: BundleHost): string {
  return `tcp://${dialName(host)}:${host.port}`;
}

/** What dockerd listens on, for every host: Go opens 0.0.0.0 as one dual-stack socket, so the
 * host's IPv6 addresses answer too, and it still works where IPv6 is disabled, which [::] does not. */
export function listenUrl(host: BundleHost): string {
  return `tcp://0.0.0.0:${host.port}`;
}
