import "server-only";
import { type AgentSettings, checkAgentSettings, dashboardVariables } from "@/lib/bundles/agent-config";
import { type BundleFile, clientConfigFiles, serverConfigFiles } from "@/lib/bundles/bundle-files";
import { type BundleClient, type BundleHost, checkClient, checkHost, checkSslDir } from "@/lib/bundles/bundle-input";
import { clientBundleNames } from "@/lib/bundles/bundle-names";
import { renderContextCommand } from "@/lib/bundles/client-commands";
import { DASHBOARD_SHELL, SAY_AND_WARN } from "@/lib/bundles/dashboard-shell";
import { CA_FILE, CERT_FILE, KEY_FILE, RENEW_AGENT } from "@/lib/bundles/docker-files";
import { shellQuote } from "@/lib/bundles/quote";
import { InputError } from "@/lib/errors";
import { EC_CURVES, KEY_TYPES, type KeySpec, RSA_SIZES } from "@/lib/pki/key-types";

// What GET <publicUrl>/enroll/<token> answers: `curl -fsSL URL | sudo sh` on a host, `| sh` for a
// client. The key is made where it is used and never leaves; the one-time token is the credential.

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const END = "DOCKPKI_END_OF_FILE";

function checkEnrollment(token: string, key: KeySpec): void {
  if (!TOKEN.test(token)) throw new InputError("That is not an enrollment token.");
  if (!KEY_TYPES.includes(key.keyType)) throw new InputError(`The key type must be one of ${KEY_TYPES.join(", ")}.`);
  const sizes: readonly number[] = key.keyType === "rsa" ? RSA_SIZES : [EC_CURVES[key.keyType].bits];
  if (!sizes.includes(key.keySize)) {
    throw new InputError(`The size of a ${key.keyType} key must be one of ${sizes.join(", ")} bits.`);
  }
}

/** Shell lines that write one bundle file into the folder "$1", byte for byte, with its mode. */
function writeFile(file: BundleFile): string {
  if (!/^[A-Za-z0-9._@-]+$/.test(file.name) || !file.content.endsWith("\n") || file.content.split("\n").includes(END)) {
    throw new Error(`${file.name} cannot be written by the enrollment script.`);
  }
  return `cat >"$1/${file.name}" <<'${END}'\n${file.content}${END}\nchmod ${file.mode.toString(8).padStart(4, "0")} "$1/${file.name}"`;
}

// After DASHBOARD_SHELL; the script sets TOKEN, KEY_TYPE and KEY_BITS.
const ENROLL_SHELL = `# --- enrollment

fail() {
  warn "$1"
  exit 1
}

# enroll PURPOSE KEY: makes KEY, asks the dashboard for its certificate with the token, and checks the
# answer: $TMP/new-cert.pem is KEY's and verifies against $TMP/new-ca.pem as a PURPOSE certificate
enroll() {
  make_key "$KEY_TYPE" "$KEY_BITS" "$2"
  make_csr "$2"
  printf '{"token":"%s","csr":"%s","name":"%s"}' "$TOKEN" "$CSR_B64" "$HOLDER_NAME" >"$TMP/request.json"
  post_json /api/v1/enroll "$TMP/request.json" "$TMP/answer" || fail "$(unreachable)"
  [ "$HTTP_STATUS" = 200 ] || fail "the dashboard refused the enrollment: $(answer_message "$TMP/answer")"
  split_answer "$TMP/answer" || fail "the answer of $DASHBOARD_URL is not a dockpki enrollment answer"
  check_leaf "$1" "$2"
}

# put_certificates DIR: the answer's certificates as DIR/${CERT_FILE} and DIR/${CA_FILE}
put_certificates() {
  cp "$TMP/new-cert.pem" "$1/${CERT_FILE}"
  cp "$TMP/new-ca.pem" "$1/${CA_FILE}"
  chmod 0644 "$1/${CERT_FILE}" "$1/${CA_FILE}"
}
`;

function header(what: string, run: string, agent: AgentSettings, token: string, key: KeySpec, name: string): string {
  return `#!/bin/sh
# dockpki: ${what}
# Run it as: curl -fsSL ${shellQuote(`${agent.dashboardUrl}/enroll/${token}`)} | ${run}
# Everything is in main, which runs only once the whole script has arrived.
set -eu
SCRIPT_NAME=dockpki-enroll
${dashboardVariables(agent)}
TOKEN=${token}
# The key this host or client is to have (ecdsa-p256, ecdsa-p384 or rsa), and its size in bits.
KEY_TYPE=${key.keyType}
KEY_BITS=${key.keySize}
# The dashboard refuses the token when it was made for another host or client.
HOLDER_NAME=${shellQuote(name)}

${SAY_AND_WARN}
${DASHBOARD_SHELL}
${ENROLL_SHELL}`;
}

/** The host installer: the server bundle (but certificates) in a private folder, a key made there,
 * the certificate from the dashboard, then the bundle's own install.sh (checks, keep and roll back). */
export function renderHostEnrollScript(input: {
  host: BundleHost;
  sslDir: string;
  agent: AgentSettings;
  token: string;
  key: KeySpec;
}): string {
  const host = checkHost(input.host);
  const agent = checkAgentSettings(input.agent);
  checkEnrollment(input.token, input.key);
  const files = serverConfigFiles({ host, sslDir: checkSslDir(input.sslDir), hasKey: true, agent });
  const url = `${agent.dashboardUrl}/enroll/${input.token}`;
  return `${header(
    `enrolls Docker host ${host.name}: makes its key here, gets its certificate from the dashboard,
# and installs both with the bundle's install.sh, with ${RENEW_AGENT} and its timer.`,
    "sudo sh",
    agent,
    input.token,
    input.key,
    host.name,
  )}
# write_bundle DIR: the server bundle of ${host.name}, but for the certificates
write_bundle() {
${files.map(writeFile).join("\n")}
}

main() {
  [ "$(id -u)" -eq 0 ] || fail ${shellQuote(`run this as root: curl -fsSL '${url}' | sudo sh. Nothing was changed.`)}
  need_tools openssl curl awk sed mktemp timeout systemctl
  umask 077
  TMP=$(mktemp -d /var/tmp/dockpki-enroll.XXXXXXXX) || fail "mktemp could not make a folder in /var/tmp"
  trap 'rm -rf -- "$TMP"' EXIT
  bundle=$TMP/${host.name}
  mkdir "$bundle"
  write_bundle "$bundle"
  enroll sslserver "$bundle/${KEY_FILE}"
  put_certificates "$bundle"
  # install.sh puts everything back when it fails; the bundle stays, as the token is spent
  trap - EXIT
  if sh "$bundle/install.sh"; then
    rm -rf -- "$TMP"
    say "dockpki-enroll: host ${host.name} is enrolled; ${RENEW_AGENT} renews its certificate (sudo ${RENEW_AGENT} --check)."
  else
    fail "install.sh did not install the certificate (it says why above). The new key and certificate are in $bundle: fix what it says, then run: sudo sh $bundle/install.sh"
  fi
}

main "$@" </dev/null
`;
}

/** The client installer: the client bundle in ~/.docker/dockpki/<name> (or DOCKPKI_DIR), its key made
 * on this machine, and a docker context per host when the docker CLI is there. No root. */
export function renderClientEnrollScript(input: {
  client: BundleClient;
  hosts: BundleHost[];
  agent: AgentSettings;
  token: string;
  key: KeySpec;
}): string {
  const client = checkClient(input.client);
  const hosts = input.hosts.map(checkHost);
  const agent = checkAgentSettings(input.agent);
  checkEnrollment(input.token, input.key);
  const files = clientConfigFiles({ client, hosts, hasKey: true, agent });
  const names = clientBundleNames(hosts);
  // The contexts take the files from the folder they are created in (the CLI copies them).
  const contexts = hosts.map((host) => {
    const name = names.context(host);
    return `  if docker context inspect ${name} >/dev/null 2>&1; then
    say "docker context ${name} exists already and was left as it is"
  elif problem=$(cd "$CLIENT_DIR" && ${renderContextCommand(host, ".", name)} 2>&1 >/dev/null); then
    say "docker context ${name} created: docker --context ${name} ps"
  else
    warn "docker context ${name} was not created: $(printf '%s\\n' "$problem" | head -n 1)"
  fi`;
  });
  return `${header(
    `enrolls client ${client.name}: makes its key on this machine, gets its certificate from the
# dashboard, and puts the client bundle in ~/.docker/dockpki/${client.name} (or DOCKPKI_DIR).`,
    "sh",
    agent,
    input.token,
    input.key,
    client.name,
  )}
CLIENT_DIR=\${DOCKPKI_DIR:-\${HOME:-}/.docker/dockpki/${client.name}}

# write_bundle DIR: the client bundle of ${client.name}, but for the certificates
write_bundle() {
${files.map(writeFile).join("\n")}
}

# make_contexts: a docker context per host, from the files in CLIENT_DIR
make_contexts() {
  command -v docker >/dev/null 2>&1 || {
    say "The docker CLI is not installed here; README.txt in $CLIENT_DIR says how to use the files."
    return 0
  }
${contexts.length ? contexts.join("\n") : "  :"}
}

main() {
  need_tools openssl curl awk sed mktemp
  [ ! -e "$CLIENT_DIR/${CERT_FILE}" ] && [ ! -e "$CLIENT_DIR/${KEY_FILE}" ] ||
    fail "$CLIENT_DIR already holds a ${CERT_FILE} or ${KEY_FILE}: move them away, or set DOCKPKI_DIR to another folder. Nothing was changed."
  umask 077
  TMP=$(mktemp -d) || fail "mktemp could not make a temporary folder"
  trap 'rm -rf -- "$TMP"' EXIT
  mkdir "$TMP/bundle"
  enroll sslclient "$TMP/bundle/${KEY_FILE}"
  put_certificates "$TMP/bundle"
  write_bundle "$TMP/bundle"
  if ! { mkdir -p "$CLIENT_DIR" && cp -p "$TMP/bundle"/* "$CLIENT_DIR"/; } 2>"$TMP/error"; then
    trap - EXIT
    fail "cannot write in $CLIENT_DIR ($(first_line "$TMP/error")); the new key and certificate are in $TMP/bundle"
  fi
  say "dockpki-enroll: client ${client.name} is enrolled: its certificate and key are in $CLIENT_DIR"
  make_contexts
  say "Renew it with $CLIENT_DIR/${RENEW_AGENT} (README.txt there says how to run it regularly)."
}

main "$@" </dev/null
`;
}
