import "server-only";
import { type BundleHost, checkHost, checkSslDir } from "@/lib/bundles/bundle-input";
import { renderVerifyCommand } from "@/lib/bundles/client-commands";
import {
  CA_FILE,
  CERT_FILE,
  CUSTOM_CONF,
  DAEMON_JSON,
  DAEMON_JSON_PATH,
  DOCKER_ETC_DIR,
  DROP_IN_DIR,
  KEY_FILE,
  RENEW_AGENT,
  RENEW_AGENT_DIR,
  RENEW_AGENT_PATH,
  RENEW_SERVICE,
  RENEW_TIMER,
  SYSTEMD_UNIT_DIR,
} from "@/lib/bundles/docker-files";
import { INSTALL_CHECKS } from "@/lib/bundles/install-checks";
import {
  KEEP_AND_ROLL_BACK,
  RESTART_WAIT_OVERRIDE,
  RESTART_WAIT_SECONDS,
  TLS_WAIT_SECONDS,
} from "@/lib/bundles/keep-and-roll-back";
import { shellQuote } from "@/lib/bundles/quote";

// The renewal agent and its units go in with the certificates, so a roll-back takes them out too.
const PUT_AGENT = `make_dir ${RENEW_AGENT_DIR}
put_file ${RENEW_AGENT} ${RENEW_AGENT_PATH} 0755
make_dir ${SYSTEMD_UNIT_DIR}
put_file ${RENEW_SERVICE} ${SYSTEMD_UNIT_DIR}/${RENEW_SERVICE} 0644
put_file ${RENEW_TIMER} ${SYSTEMD_UNIT_DIR}/${RENEW_TIMER} 0644
`;

// Once docker serves the certificate the install is kept; a timer that does not start is only a warning.
const START_TIMER = `
if systemctl enable --now ${RENEW_TIMER}; then
  say "${RENEW_TIMER} is enabled: ${RENEW_AGENT} renews this certificate when it is due (sudo ${RENEW_AGENT} --check)."
else
  warn "the renewal timer did not start; start it with: systemctl enable --now ${RENEW_TIMER}"
fi
command -v curl >/dev/null || warn "curl is not installed, and ${RENEW_AGENT} needs it to renew: install curl"`;

/** install.sh for a server bundle: the README's steps as a script, run as root from any directory.
 * With agent, it also installs the renewal agent and its systemd timer. */
export function renderInstallSh(host: BundleHost, sslDir: string, options: { agent?: boolean } = {}): string {
  const h = checkHost(host);
  const dir = checkSslDir(sslDir);
  const daemonJson = h.configStyle === "daemon-json";
  const agentFiles = options.agent ? [RENEW_AGENT, RENEW_SERVICE, RENEW_TIMER] : [];
  const bundleFiles = [CA_FILE, CERT_FILE, CUSTOM_CONF, ...(daemonJson ? [DAEMON_JSON] : []), ...agentFiles];
  return `#!/bin/sh
# dockpki: installs the Docker daemon TLS bundle for host ${h.name}.
# Usage: sudo sh install.sh   (from any directory)
# It checks all it can before it changes anything, keeps every file it replaces, and puts them all
# back (and restarts docker with them) unless docker comes back serving this bundle's certificate.
set -eu
SCRIPT_NAME=install.sh
SSL_DIR=${shellQuote(dir)}
DROP_IN_DIR=${DROP_IN_DIR}
DAEMON_JSON_PATH=${DAEMON_JSON_PATH}
TLS_PORT=${h.port}
TLS_WAIT=${TLS_WAIT_SECONDS}
RESTART_WAIT=${RESTART_WAIT_SECONDS}
${RESTART_WAIT_OVERRIDE}

${KEEP_AND_ROLL_BACK}
${INSTALL_CHECKS}

# --- install

check_root
cd "$(dirname -- "$0")"
umask 077
check_bundle ${bundleFiles.join(" ")}
check_tools
find_dockerd
check_ssl_dir
check_key
check_later_drop_ins
start_work
prepare_custom_conf
${daemonJson ? "prepare_daemon_json" : "check_daemon_json_clash"}

make_dir "$SSL_DIR"
put_file ${CA_FILE} "$SSL_DIR/${CA_FILE}" 0644
put_file ${CERT_FILE} "$SSL_DIR/${CERT_FILE}" 0644
[ ! -f ${KEY_FILE} ] || put_file ${KEY_FILE} "$SSL_DIR/${KEY_FILE}" 0600
${daemonJson ? `make_dir ${DOCKER_ETC_DIR}\nput_file "$WORK_DIR/${DAEMON_JSON}" "$DAEMON_JSON_PATH" 0644\n` : ""}make_dir "$DROP_IN_DIR"
put_file "$WORK_DIR/${CUSTOM_CONF}" "$DROP_IN_DIR/${CUSTOM_CONF}" 0644
${options.agent ? PUT_AGENT : ""}restart_docker_or_roll_back "$TLS_PORT" "$SSL_DIR/${CERT_FILE}"
keep_changes

say "docker restarted and serves this certificate with TLS on port ${h.port}."
say "Check it from a client bundle folder:"
say ${shellQuote(`  ${renderVerifyCommand(h)}`)}${options.agent ? START_TIMER : ""}
`;
}
