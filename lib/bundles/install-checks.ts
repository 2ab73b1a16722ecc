import "server-only";
import { DAEMON_JSON_TOOL } from "@/lib/bundles/daemon-json-tool";
import { CERT_FILE, CUSTOM_CONF, DAEMON_JSON, DOCKERD_PATH, DROP_IN_DIR, KEY_FILE } from "@/lib/bundles/docker-files";

/** Every folder systemd reads docker.service drop-ins from. */
const DROP_IN_DIRS = [
  DROP_IN_DIR,
  "/run/systemd/system/docker.service.d",
  "/usr/lib/systemd/system/docker.service.d",
  "/lib/systemd/system/docker.service.d",
];

/**
 * POSIX sh functions for install.sh's preflight: everything that can be checked before anything on
 * the host changes. Each refuses with one line that ends "Nothing was changed." The caller sets
 * SSL_DIR, DAEMON_JSON_PATH and TLS_PORT, and runs them from the unzipped bundle's folder.
 */
export const INSTALL_CHECKS = String.raw`# --- checks before anything changes

refuse() {
  warn "$1. Nothing was changed."
  exit 1
}

check_root() {
  [ "$(id -u)" -eq 0 ] || refuse "run this as root: sudo sh $0"
}

# check_bundle FILE...: run from the unzipped bundle, which has all of them
check_bundle() {
  for f in "$@"; do
    [ -f "$f" ] || refuse "$f is missing here: unzip the whole bundle and run install.sh from its folder"
  done
}

check_tools() {
  command -v openssl >/dev/null ||
    refuse "openssl is not installed, and it is needed to check that dockerd serves the new certificate on port $TLS_PORT before the change is kept: install openssl (apt-get install openssl, or dnf install openssl)"
  command -v timeout >/dev/null ||
    refuse "timeout is not installed, and it is needed to check that dockerd serves the new certificate: install coreutils"
}

# check_key: the certificate's key is in the bundle (or, for a certificate issued from a CSR, already
# installed), and it is the certificate's
check_key() {
  key=${KEY_FILE}
  [ -f "$key" ] || key=$SSL_DIR/${KEY_FILE}
  [ -f "$key" ] ||
    refuse "this bundle has no ${KEY_FILE} (the certificate was issued from a CSR): put the matching key at $SSL_DIR/${KEY_FILE} (mode 0600), then run this again"
  [ "$(openssl x509 -in ${CERT_FILE} -noout -pubkey 2>/dev/null)" = "$(openssl pkey -in "$key" -pubout 2>/dev/null)" ] ||
    refuse "$key is not the key of this bundle's ${CERT_FILE}"
}

# find_dockerd: Debian's docker.io installs /usr/sbin/dockerd; the drop-in names ${DOCKERD_PATH}
find_dockerd() {
  DOCKERD=${DOCKERD_PATH}
  [ ! -x "$DOCKERD" ] || return 0
  DOCKERD=$(command -v dockerd || true)
  case $DOCKERD in
    *[!A-Za-z0-9._/-]*) refuse "unexpected dockerd path: $DOCKERD" ;;
    /*) say "dockerd is at $DOCKERD on this host; ${CUSTOM_CONF} is adjusted to match" ;;
    *) refuse "dockerd is not installed (looked for ${DOCKERD_PATH} and in PATH)" ;;
  esac
}

# check_ssl_dir: SSL_DIR is a real directory, or not there yet, and only root can change it or any
# folder above it (anyone who can would choose which clients dockerd trusts)
check_ssl_dir() {
  [ ! -L "$SSL_DIR" ] || refuse "$SSL_DIR is a symbolic link: set the certificate directory in dockpki to the folder it points to"
  [ ! -e "$SSL_DIR" ] || [ -d "$SSL_DIR" ] || refuse "$SSL_DIR is there but not a directory"
  dir=$SSL_DIR
  while [ "$dir" != / ]; do
    if [ -e "$dir" ] && [ -n "$(find -H "$dir" -prune \( ! -user 0 -o -perm -0002 \) -print)" ]; then
      refuse "$dir can be changed by users other than root (it is world-writable or not root's), so they could replace the certificates dockerd trusts: choose another certificate directory in dockpki"
    fi
    dir=$(dirname -- "$dir")
  done
}

# sorts_after A B: A comes after B in the byte order systemd applies drop-ins in
sorts_after() {
  [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | LC_ALL=C sort | tail -n 1)" = "$1" ]
}

# check_later_drop_ins: systemd applies docker.service's drop-ins from all these folders in file
# name order, so one named after ${CUSTOM_CONF} that sets ExecStart= (such as the override.conf of
# "systemctl edit docker") would replace the dockerd command line ${CUSTOM_CONF} sets
check_later_drop_ins() {
  for f in ${DROP_IN_DIRS.map((d) => `${d}/*.conf`).join(" ")}; do
    [ -f "$f" ] && sorts_after "$(basename -- "$f")" ${CUSTOM_CONF} || continue
    if grep -Eq '^[[:space:]]*ExecStart[[:space:]]*=' "$f"; then
      refuse "$f sets ExecStart= and systemd applies it after ${CUSTOM_CONF}, so dockerd would not start as ${CUSTOM_CONF} says: move what you need from it into ${CUSTOM_CONF} and delete it, then run this again"
    fi
  done
}

# prepare_custom_conf: the drop-in, pointed at this host's dockerd
prepare_custom_conf() {
  sed "s|^ExecStart=${DOCKERD_PATH}|ExecStart=$DOCKERD|" ${CUSTOM_CONF} >"$WORK_DIR/${CUSTOM_CONF}"
}

# find_python: python3 reads daemon.json (RHEL 8 and 9 have /usr/libexec/platform-python even
# without the python3 package)
find_python() {
  PYTHON=$(command -v python3 || true)
  [ -n "$PYTHON" ] || [ ! -x /usr/libexec/platform-python ] || PYTHON=/usr/libexec/platform-python
  [ -n "$PYTHON" ]
}

# dockerd_validates: dockerd 23 and later check a configuration without starting
dockerd_validates() {
  "$DOCKERD" --help 2>&1 | grep -q -- --validate
}

# validate_with_dockerd WHAT FILE [FLAG...]: dockerd reads FILE with these flags, as it will at start
validate_with_dockerd() {
  what=$1
  shift
  problem=$("$DOCKERD" --validate --config-file "$@" 2>&1) ||
    refuse "dockerd --validate refuses $what: $(printf '%s' "$problem" | tr '\n' ' ')"
}

# custom_conf_flags: the flags ${CUSTOM_CONF}'s ExecStart= gives dockerd; plain words, since dockpki
# validates every value it writes there
custom_conf_flags() {
  sed -n 's/^ExecStart=[^ ][^ ]* //p' "$WORK_DIR/${CUSTOM_CONF}"
}

# check_daemon_json_clash (systemd style): daemon.json must not set what ${CUSTOM_CONF} sets as flags
check_daemon_json_clash() {
  [ -e "$DAEMON_JSON_PATH" ] || return 0
  if find_python; then
    problem=$(daemon_json clash "$DAEMON_JSON_PATH" 2>&1) || refuse "$problem"
  elif ! dockerd_validates; then
    refuse "python3 is needed to read $DAEMON_JSON_PATH, which must not set hosts or TLS options (${CUSTOM_CONF} sets them as flags): install python3 (or Docker 23 or later, whose dockerd --validate can check it), or install by hand as README.txt says"
  fi
  if dockerd_validates; then
    set -f # the flags are words, never file patterns
    validate_with_dockerd "$DAEMON_JSON_PATH with the flags of ${CUSTOM_CONF}" "$DAEMON_JSON_PATH" $(custom_conf_flags)
    set +f
  fi
}

# prepare_daemon_json (daemon-json style): the bundle's ${DAEMON_JSON} merged into the host's, which
# keeps every other setting
prepare_daemon_json() {
  if [ -e "$DAEMON_JSON_PATH" ]; then
    find_python ||
      refuse "$DAEMON_JSON_PATH exists, and merging this bundle's settings into it needs python3: install python3, or merge ${DAEMON_JSON} into it by hand as README.txt says"
    problem=$(daemon_json merge "$DAEMON_JSON_PATH" ${DAEMON_JSON} 2>&1 >"$WORK_DIR/${DAEMON_JSON}") || refuse "$problem"
    say "$DAEMON_JSON_PATH: this bundle sets hosts and TLS in it and keeps every other setting"
    new_json="the merged ${DAEMON_JSON}"
  else
    cp ${DAEMON_JSON} "$WORK_DIR/${DAEMON_JSON}"
    new_json="this bundle's ${DAEMON_JSON}"
  fi
  if dockerd_validates; then
    validate_with_dockerd "$new_json" "$WORK_DIR/${DAEMON_JSON}"
  fi
}

${DAEMON_JSON_TOOL}`;
