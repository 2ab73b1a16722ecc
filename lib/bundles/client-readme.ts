import "server-only";
import { type BundleClient, type BundleHost, checkClient, checkHost } from "@/lib/bundles/bundle-input";
import { contextName, renderContextCommand, renderVerifyCommand } from "@/lib/bundles/client-commands";
import { CA_FILE, CERT_FILE, KEY_FILE } from "@/lib/bundles/docker-files";
import { dockerHostUrl } from "@/lib/bundles/endpoint";
import { envShFileName } from "@/lib/bundles/env-sh";

function hostSection(host: BundleHost, perHost: boolean): string {
  const envFile = envShFileName(host, perHost);
  const warning =
    host.tlsMode === "tls-only"
      ? "\n  WARNING: this host does not check client certificates (tls-only): anyone who can reach it\n  can use it, with or without this bundle.\n"
      : "";
  return `${host.name}  (${dockerHostUrl(host)})
${warning}  source ./${envFile}         then plain "docker ..." commands go to this host
  ${renderVerifyCommand(host)}
  ${renderContextCommand(host, ".")}
      (then: docker --context ${contextName(host.name)} ps   or   docker context use ${contextName(host.name)})
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
  const firstEnv = selected || !others[0] ? "env.sh" : envShFileName(others[0], true);
  const sections = selected
    ? [hostSection(selected, false), ...others.map((h) => hostSection(h, true))]
    : others.map((h) => hostSection(h, true));
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
