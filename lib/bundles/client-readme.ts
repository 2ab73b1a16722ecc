import "server-only";
import { type BundleClient, type BundleHost, checkClient, checkHost } from "@/lib/bundles/bundle-input";
import { type ClientBundleNames, clientBundleNames } from "@/lib/bundles/bundle-names";
import { renderContextCommand, renderVerifyCommand } from "@/lib/bundles/client-commands";
import { CA_FILE, CERT_FILE, KEY_FILE } from "@/lib/bundles/docker-files";
import { dockerHostUrl } from "@/lib/bundles/endpoint";

function hostSection(host: BundleHost, perHost: boolean, names: ClientBundleNames): string {
  const envFile = names.envFile(host, perHost);
  const context = names.context(host);
  const warning =
    host.tlsMode === "tls-only"
      ? "\n  WARNING: this host does not check client certificates (tls-only): anyone who can reach it\n  can use it, with or without this bundle.\n"
      : "";
  return `${host.name}  (${dockerHostUrl(host)})
${warning}  source ./${envFile}         then plain "docker ..." commands go to this host
  ${renderVerifyCommand(host)}
  ${renderContextCommand(host, ".", context)}
      (then: docker --context ${context} ps   or   docker context use ${context})
`;
}

/** README.txt of a client bundle; selectedHost is the one env.sh points at, if any. */
export function renderClientReadme(
  client: BundleClient,
  hosts: BundleHost[],
  options: { selectedHost?: BundleHost | null; hasKey?: boolean } = {},
): string {
  const c = checkClient(client);
  const selected = options.selectedHost ? checkHost(options.selectedHost) : null;
  const others = hosts.map(checkHost).filter((h) => h.name !== selected?.name);
  const hasKey = options.hasKey ?? true;
  const keyLine = hasKey
    ? `  ${KEY_FILE}       your private key: keep it secret (chmod 600 ${KEY_FILE}; unzip tools may not keep the mode)`
    : `  (no ${KEY_FILE}: the certificate was issued from your CSR; copy your own key here as ${KEY_FILE})`;
  const names = clientBundleNames(selected ? [selected, ...others] : others);
  const firstEnv = selected || !others[0] ? "env.sh" : names.envFile(others[0], true);
  const sections = selected
    ? [hostSection(selected, false, names), ...others.map((h) => hostSection(h, true, names))]
    : others.map((h) => hostSection(h, true, names));
  return `dockpki client bundle for ${c.name}

Files
  ${CA_FILE}        CA certificate(s) that signed the Docker hosts' certificates (two during a CA rotation)
  ${CERT_FILE}      your client certificate (CN=${c.name})
${keyLine}
  env*.sh       sets DOCKER_HOST, DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH=<this folder>
  README.txt    this file

Use (in bash or zsh; in sh/dash cd into this folder and use ". ./${firstEnv}")
  source ./${firstEnv}
  docker version
The files must stay together in this folder: DOCKER_CERT_PATH points at it. The docker
commands below that name ca.pem, cert.pem and key.pem are run from inside this folder.
A docker context keeps its own copy of the certificates (in ~/.docker/contexts), so after
"docker context create" the folder may move. Alternatively copy ca.pem, cert.pem and key.pem
to ~/.docker/, where the docker CLI looks by default, and use: docker --tlsverify -H=tcp://HOST:PORT ...

Hosts
${sections.length ? sections.join("\n") : "  (none yet: set DOCKER_HOST=tcp://HOST:2376 yourself, env.sh does the rest)\n"}`;
}
