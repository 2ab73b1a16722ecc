import "server-only";
import type { BundleHost } from "@/lib/bundles/bundle-input";
import { contextName } from "@/lib/bundles/client-commands";
import { envShFileName } from "@/lib/bundles/env-sh";

/** The env file and docker context a client bundle gives each host, by host name. */
export interface ClientBundleNames {
  envFile(host: BundleHost, perHost: boolean): string;
  context(host: BundleHost): string;
}

/** `base`, or `base-2`, `base-3`..., whichever is not taken yet (compared without case). */
export function claim(taken: Set<string>, base: string, suffixed: (n: number) => string): string {
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = suffixed(n);
  taken.add(name.toLowerCase());
  return name;
}

/**
 * Names that cannot collide within one bundle: host names unique only by case (older records)
 * would give env-Dock.sh and env-dock.sh, one file on macOS and Windows; "a@b" and "a-b" would both
 * become the context a-b. Hosts are named in the order given; a later clash gets a -2, -3 suffix.
 */
export function clientBundleNames(hosts: BundleHost[]): ClientBundleNames {
  const files = new Set(["env.sh"]);
  const contexts = new Set<string>();
  const envFiles = new Map<string, string>();
  const contextNames = new Map<string, string>();
  for (const host of hosts) {
    const file = envShFileName(host, true);
    envFiles.set(
      host.name,
      claim(files, file, (n) => file.replace(/\.sh$/, `-${n}.sh`)),
    );
    const context = contextName(host.name);
    contextNames.set(
      host.name,
      claim(contexts, context, (n) => `${context}-${n}`),
    );
  }
  return {
    envFile: (host, perHost) => (perHost ? (envFiles.get(host.name) ?? envShFileName(host, true)) : "env.sh"),
    context: (host) => contextNames.get(host.name) ?? contextName(host.name),
  };
}
