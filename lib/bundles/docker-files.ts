import "server-only";

// The one place that knows Docker's file names and where Linux distributions expect things.

/** The names the docker CLI looks for in DOCKER_CERT_PATH, also used on the daemon side. */
export const CA_FILE = "ca.pem";
export const CERT_FILE = "cert.pem";
export const KEY_FILE = "key.pem";

/** The systemd drop-in (in both config styles) and the daemon configuration file. */
export const CUSTOM_CONF = "custom.conf";
export const DAEMON_JSON = "daemon.json";

export const DEFAULT_SSL_DIR = "/etc/docker/ssl";
export const DROP_IN_DIR = "/etc/systemd/system/docker.service.d";
export const DOCKER_ETC_DIR = "/etc/docker";
export const DAEMON_JSON_PATH = `${DOCKER_ETC_DIR}/${DAEMON_JSON}`;

/** docker-ce, Ubuntu's docker.io and Fedora's moby-engine; Debian's docker.io has /usr/sbin/dockerd,
 * which install.sh detects. */
export const DOCKERD_PATH = "/usr/bin/dockerd";

/** The local socket: `fd://` is the one docker.socket hands over (systemd socket activation), the
 * unix:// form is what daemon.json lists, since dockerd opens it itself there. */
export const SOCKET_ACTIVATED_HOST = "fd://";
export const UNIX_SOCKET_HOST = "unix:///var/run/docker.sock";

/** Plain TLS port; 2375 is plaintext and never used. */
export const DEFAULT_TLS_PORT = 2376;

export function tlsFilePaths(dir: string): { ca: string; cert: string; key: string } {
  return { ca: `${dir}/${CA_FILE}`, cert: `${dir}/${CERT_FILE}`, key: `${dir}/${KEY_FILE}` };
}

/** The renewal agent: its name in bundles, where install.sh puts it on a host, its systemd units
 * and the state file it keeps beside the certificates. */
export const RENEW_AGENT = "dockpki-renew";
export const RENEW_AGENT_DIR = "/usr/local/sbin";
export const RENEW_AGENT_PATH = `${RENEW_AGENT_DIR}/${RENEW_AGENT}`;
export const RENEW_SERVICE = `${RENEW_AGENT}.service`;
export const RENEW_TIMER = `${RENEW_AGENT}.timer`;
export const RENEW_STATE_FILE = `${RENEW_AGENT}.state`;
export const SYSTEMD_UNIT_DIR = "/etc/systemd/system";
