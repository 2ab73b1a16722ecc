import "server-only";
import { type BundleHost, checkHost } from "@/lib/bundles/bundle-input";
import { CA_FILE, CERT_FILE, KEY_FILE, tlsFilePaths } from "@/lib/bundles/docker-files";
import { dockerHostUrl } from "@/lib/bundles/endpoint";
import { shellQuote } from "@/lib/bundles/quote";

/** Context names the docker CLI accepts (^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$): host names may hold
 * an '@' and may be a single character, which it refuses. */
export function contextName(hostName: string): string {
  const name = hostName.replace(/@/g, "-");
  return name.length >= 2 ? name : `${name}-docker`;
}

// The --docker value is itself a comma-separated key=value list (read with Go's csv reader), so a
// comma, '=' or quote inside a value would start a new field. Nothing of that kind is let through.
const DOCKER_VALUE = /^[A-Za-z0-9._/:[\]-]+$/;

/** `docker context create` for a host, with certificate paths under certDir (absolute, or relative
 * to where it is run: the CLI copies the files into its context store when it runs). */
export function renderContextCommand(host: BundleHost, certDir: string, name = contextName(host.name)): string {
  const h = checkHost(host);
  const paths = tlsFilePaths(certDir);
  const fields = { host: dockerHostUrl(h), ca: paths.ca, cert: paths.cert, key: paths.key };
  for (const [key, value] of Object.entries(fields)) {
    if (!DOCKER_VALUE.test(value) || value.includes("..")) {
      throw new Error(
        `Refusing to write a docker context command: the ${key} value ${JSON.stringify(value)} is unsafe.`,
      );
    }
  }
  const spec = Object.entries(fields)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
  return `docker context create ${shellQuote(name)} --docker ${shellQuote(spec)}`;
}

/** The classic check, run from a client bundle folder: the CLI has no default for these paths
 * other than ~/.docker, so they are spelled out. */
export function renderVerifyCommand(host: BundleHost): string {
  const h = checkHost(host);
  const files = `--tlscacert=${CA_FILE} --tlscert=${CERT_FILE} --tlskey=${KEY_FILE}`;
  return `docker --tlsverify ${files} -H=${shellQuote(dockerHostUrl(h))} version`;
}
