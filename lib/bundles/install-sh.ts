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
  DOCKERD_PATH,
  DROP_IN_DIR,
  KEY_FILE,
} from "@/lib/bundles/docker-files";
import { shellQuote } from "@/lib/bundles/quote";

// Each step is checked before anything is changed where it can be: a restart with a bad config
// takes the daemon down, and the admin may be connected through it.
const PREFLIGHT = `if [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run this as root: sudo sh $0" >&2
  exit 1
fi
cd "$(dirname -- "$0")"
umask 077

if [ ! -f ${KEY_FILE} ] && [ ! -f "$SSL_DIR/${KEY_FILE}" ]; then
  echo "install.sh: this bundle has no ${KEY_FILE} (the certificate was issued from a CSR): put the matching key at $SSL_DIR/${KEY_FILE} (mode 0600), then run this again" >&2
  exit 1
fi

# Debian's docker.io installs /usr/sbin/dockerd; the drop-in names ${DOCKERD_PATH}.
DOCKERD=${DOCKERD_PATH}
if [ ! -x "$DOCKERD" ]; then
  DOCKERD=$(command -v dockerd || true)
  case $DOCKERD in
    /*) case $DOCKERD in *[!A-Za-z0-9._/-]*) echo "install.sh: unexpected dockerd path: $DOCKERD" >&2; exit 1 ;; esac ;;
    *) echo "install.sh: dockerd is not installed (looked for ${DOCKERD_PATH} and in PATH)" >&2; exit 1 ;;
  esac
  echo "dockerd is at $DOCKERD on this host; custom.conf is adjusted to match"
fi

# put SRC DEST MODE: through a temporary file, so DEST never exists with the wrong mode
put() {
  cp -- "$1" "$2.dockpki-tmp"
  chmod "$3" "$2.dockpki-tmp"
  mv -f -- "$2.dockpki-tmp" "$2"
  echo "installed $2 (mode $3)"
}`;

const SYSTEMD_STYLE_CHECK = `if [ -f ${DAEMON_JSON_PATH} ] && grep -Eq '"(hosts|tls|tlsverify|tlscacert|tlscert|tlskey)"[[:space:]]*:' ${DAEMON_JSON_PATH}; then
  echo "install.sh: ${DAEMON_JSON_PATH} sets hosts or tls options that custom.conf sets as flags; dockerd refuses to start with both. Remove them from ${DAEMON_JSON_PATH}, then run this again." >&2
  exit 1
fi`;

const INSTALL_DAEMON_JSON = `if [ -f ${DAEMON_JSON_PATH} ]; then
  backup=${DAEMON_JSON_PATH}.dockpki-backup-$(date +%Y%m%d%H%M%S)
  cp -p ${DAEMON_JSON_PATH} "$backup"
  echo "backed up the existing ${DAEMON_JSON_PATH} to $backup: copy any other settings you need from it into the new one"
fi
mkdir -p ${DOCKER_ETC_DIR}
put ${DAEMON_JSON} ${DAEMON_JSON_PATH} 0644`;

/** install.sh for a server bundle: the README's steps as a script, run as root from any directory. */
export function renderInstallSh(host: BundleHost, sslDir: string): string {
  const h = checkHost(host);
  const dir = checkSslDir(sslDir);
  const daemonJson = h.configStyle === "daemon-json";
  return `#!/bin/sh
# dockpki: installs the Docker daemon TLS bundle for host ${h.name}.
# Usage: sudo sh install.sh   (from any directory)
set -eu
SSL_DIR=${shellQuote(dir)}
DROP_IN_DIR=${DROP_IN_DIR}
${PREFLIGHT}
${daemonJson ? "" : `\n${SYSTEMD_STYLE_CHECK}\n`}
mkdir -p "$SSL_DIR" "$DROP_IN_DIR"
chmod 0755 "$SSL_DIR"
put ${CA_FILE} "$SSL_DIR/${CA_FILE}" 0644
put ${CERT_FILE} "$SSL_DIR/${CERT_FILE}" 0644
if [ -f ${KEY_FILE} ]; then
  put ${KEY_FILE} "$SSL_DIR/${KEY_FILE}" 0600
fi
${daemonJson ? `${INSTALL_DAEMON_JSON}\n` : ""}
sed "s|^ExecStart=${DOCKERD_PATH}|ExecStart=$DOCKERD|" ${CUSTOM_CONF} >"$DROP_IN_DIR/${CUSTOM_CONF}.dockpki-tmp"
chmod 0644 "$DROP_IN_DIR/${CUSTOM_CONF}.dockpki-tmp"
mv -f -- "$DROP_IN_DIR/${CUSTOM_CONF}.dockpki-tmp" "$DROP_IN_DIR/${CUSTOM_CONF}"
echo "installed $DROP_IN_DIR/${CUSTOM_CONF} (mode 0644)"
for f in "$DROP_IN_DIR"/*.conf; do
  if [ -f "$f" ] && [ "$f" != "$DROP_IN_DIR/${CUSTOM_CONF}" ] && grep -q '^ExecStart=' "$f"; then
    echo "note: $f also sets ExecStart=; drop-ins apply in name order, check that it does not undo ${CUSTOM_CONF}" >&2
  fi
done

systemctl daemon-reload
if ! systemctl restart docker; then
  echo "install.sh: docker did not start; see: journalctl -u docker -n 50" >&2
  exit 1
fi
echo "docker restarted, listening for TLS on port ${h.port}."
echo "Check it from a client bundle folder:"
echo ${shellQuote(`  ${renderVerifyCommand(h)}`)}
`;
}
