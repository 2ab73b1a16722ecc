import "server-only";
import { type BundleHost, checkClient, checkHost } from "@/lib/bundles/bundle-input";
import { clientBundleNames } from "@/lib/bundles/bundle-names";
import { renderContextCommand, renderVerifyCommand } from "@/lib/bundles/client-commands";
import { shellQuote } from "@/lib/bundles/quote";
import { bundleFileName } from "@/lib/bundles/zip";

// The dashboard's next steps after issuing, spelled as the bundles are laid out: the zip's name
// (bundleFileName), its one folder named after the holder, and install.sh inside a server bundle.

/** Unzip the server bundle and run its install.sh, then the check run from a client bundle folder. */
export function renderHostInstallCommands(host: BundleHost): { install: string; check: string } {
  const h = checkHost(host);
  return {
    install: `unzip ${shellQuote(bundleFileName("server", h.name))} && sudo sh ${shellQuote(`${h.name}/install.sh`)}`,
    check: renderVerifyCommand(h),
  };
}

/** Unzip the client bundle and step into it, then one `docker context create` per host, with
 * the context names the bundle's README.txt gives them. */
export function renderClientContextCommands(
  client: { name: string },
  hosts: BundleHost[],
): { unzip: string; contexts: { host: string; command: string }[] } {
  const c = checkClient(client);
  const names = clientBundleNames(hosts);
  return {
    unzip: `unzip ${shellQuote(bundleFileName("client", c.name))} && cd ${shellQuote(c.name)}`,
    contexts: hosts.map((host) => ({ host: host.name, command: renderContextCommand(host, ".", names.context(host)) })),
  };
}
