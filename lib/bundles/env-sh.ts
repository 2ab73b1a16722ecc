import "server-only";
import { type BundleHost, checkHost } from "@/lib/bundles/bundle-input";
import { CA_FILE } from "@/lib/bundles/docker-files";
import { dockerHostUrl } from "@/lib/bundles/endpoint";
import { shellQuote } from "@/lib/bundles/quote";

/** env.sh for the chosen host (or for none), env-<host>.sh when a bundle carries one per host. */
export function envShFileName(host: BundleHost | null, perHost: boolean): string {
  return perHost && host ? `env-${checkHost(host).name}.sh` : "env.sh";
}

// A sourced file cannot ask "where am I" portably: bash says it in BASH_SOURCE, zsh in %x, and a
// plain sh does not say at all, so there the bundle folder must be the current directory.
function locateSelf(fileName: string): string {
  return `if [ -n "\${BASH_VERSION:-}" ]; then
  eval '_dockpki_self=\${BASH_SOURCE[0]}'
elif [ -n "\${ZSH_VERSION:-}" ]; then
  eval '_dockpki_self=\${(%):-%x}'
else
  _dockpki_self=${shellQuote(`./${fileName}`)}
fi
_dockpki_dir=$(CDPATH= cd -- "$(dirname -- "$_dockpki_self")" 2>/dev/null && pwd -P) || _dockpki_dir=$(pwd -P)
if [ ! -f "$_dockpki_dir/${CA_FILE}" ]; then
  echo "${fileName}: ${CA_FILE} is not in $_dockpki_dir; source this file from the unzipped bundle folder" >&2
fi`;
}

/** POSIX sh that points the docker CLI at a host with this bundle's certificates. Meant to be
 * sourced (`source ./env.sh`), so it never exits and leaves no helper variables behind. */
export function renderEnvSh(host: BundleHost | null, perHost = false, fileName = envShFileName(host, perHost)): string {
  const h = host ? checkHost(host) : null;
  const target = h
    ? [`export DOCKER_HOST=${shellQuote(dockerHostUrl(h))}`]
    : ["# No host chosen: set DOCKER_HOST yourself, e.g. export DOCKER_HOST=tcp://docker1.example.com:2376"];
  return [
    `# dockpki: docker CLI settings${h ? ` for host ${h.name}` : ""}.`,
    `# Use it in bash or zsh:  source ./${fileName}   (in sh/dash: cd into this folder, then  . ./${fileName})`,
    "# DOCKER_CERT_PATH becomes the folder this file is in, which holds ca.pem, cert.pem and key.pem.",
    locateSelf(fileName),
    ...target,
    "export DOCKER_TLS_VERIFY=1",
    'export DOCKER_CERT_PATH="$_dockpki_dir"',
    "unset _dockpki_self _dockpki_dir",
    "",
  ].join("\n");
}
