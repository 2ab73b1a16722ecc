import "server-only";

/** How long to wait, after a restart, for dockerd to serve the new certificate. */
export const TLS_WAIT_SECONDS = 30;

/**
 * How long one `systemctl restart docker` (or stop) may take before it counts as failed. Docker's
 * unit sets TimeoutStartSec=0, so systemd never gives up on a dockerd that hangs while it starts
 * (waiting for containerd, or on a configuration that blocks it), and `systemctl restart` would wait
 * with it for ever, the roll-back never coming. Generous all the same: dockerd reports ready only
 * once it has restored its containers, which takes minutes on a busy host, and a good start cut
 * short would be rolled back.
 */
export const RESTART_WAIT_SECONDS = 600;

/**
 * The script line after RESTART_WAIT=: DOCKPKI_RESTART_WAIT (whole seconds) replaces it, for a host
 * whose dockerd takes longer than that to restore its containers (a good start cut short is rolled
 * back, and a renewal would be tried and rolled back again each day).
 */
export const RESTART_WAIT_OVERRIDE = `case "\${DOCKPKI_RESTART_WAIT:-}" in "" | *[!0-9]*) ;; *) RESTART_WAIT=$DOCKPKI_RESTART_WAIT ;; esac`;

/**
 * POSIX sh functions that change a Docker host so that it is never left without Docker: every file
 * is kept before it is replaced, and unless docker comes back serving the new certificate, all of
 * it is put back and docker restarted with it. install.sh and the renewal agent use them.
 *
 * The caller sets SCRIPT_NAME (for messages), TLS_WAIT and RESTART_WAIT (seconds), calls start_work
 * before its first change, make_dir/put_file for each change, restart_docker_or_roll_back, then
 * keep_changes.
 * It may define on_give_up after these functions, to act on a roll-back before the exit (the
 * renewal agent reports it to the dashboard).
 * Needs: mktemp, awk, openssl, timeout, systemctl. Paths must not contain line breaks.
 */
export const KEEP_AND_ROLL_BACK = String.raw`# --- install with keep-and-roll-back

say() { printf '%s\n' "$*"; }
warn() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }

# start_work: WORK_DIR holds prepared files, the kept copies and the list of changes. Whatever
# stops the script half-way (a failed step, Ctrl-C, a lost ssh session) rolls back on the way out.
start_work() {
  WORK_DIR=$(mktemp -d /var/tmp/dockpki.XXXXXXXX)
  : >"$WORK_DIR/changes"
  KEPT=0
  RESTARTED=no
  ROLLED_BACK=yes
  trap on_exit EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# note KIND COPY PATH: one line of the changes roll_back undoes (file: PATH was COPY before;
# new: PATH did not exist; dir: PATH was created)
note() { printf '%s %s %s\n' "$1" "$2" "$3" >>"$WORK_DIR/changes"; }

# keep PATH: before PATH is replaced, keeps a copy (a link stays a link) or notes that there was none
keep() {
  if [ -e "$1" ] || [ -L "$1" ]; then
    KEPT=$((KEPT + 1))
    cp -pP -- "$1" "$WORK_DIR/kept.$KEPT"
    note file "kept.$KEPT" "$1"
  else
    note new - "$1"
  fi
}

# make_dir DIR: creates DIR and its missing parents with mode 0755, whatever the umask; a
# directory that exists keeps its mode
make_dir() {
  [ ! -d "$1" ] || return 0
  make_dir "$(dirname -- "$1")"
  mkdir -m 0755 -- "$1"
  note dir - "$1"
  say "created $1 (mode 0755)"
}

# put_file SRC DEST MODE: replaces DEST through a temporary file, so that DEST is never
# half-written or readable with the wrong mode
put_file() {
  keep "$2"
  rm -f -- "$2.dockpki-tmp"
  cp -- "$1" "$2.dockpki-tmp"
  chmod "$3" "$2.dockpki-tmp"
  mv -f -- "$2.dockpki-tmp" "$2"
  say "installed $2 (mode $3)"
}

# roll_back: undoes the changes, newest first: kept files go back as they were (bytes, mode, owner),
# new files and created directories go away. ROLLED_BACK=no when something could not be put back.
roll_back() {
  awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }' "$WORK_DIR/changes" >"$WORK_DIR/undo"
  while read -r kind copy path; do
    rm -f -- "$path.dockpki-tmp"
    case $kind in
      file) cp -pP -- "$WORK_DIR/$copy" "$path.dockpki-tmp" && mv -f -- "$path.dockpki-tmp" "$path" ;;
      new) rm -f -- "$path" ;;
      dir) rmdir -- "$path" 2>/dev/null || true ;;
    esac || { ROLLED_BACK=no; warn "could not put back $path"; }
  done <"$WORK_DIR/undo"
  : >"$WORK_DIR/changes"
}

# on_give_up LINE: called by give_up with the line it printed, just before it exits
on_give_up() { :; }

# give_up REASON: rolls back, restarts docker with the previous files if it was restarted with the
# new ones, and exits 1 with one line that says what happened
give_up() {
  trap '' HUP INT TERM
  trap - EXIT
  set +e
  roll_back
  outcome="the previous files are back"
  [ "$ROLLED_BACK" = yes ] || outcome="some previous files could not be put back (the copies are in $WORK_DIR)"
  if [ "$RESTARTED" = yes ]; then
    systemctl daemon-reload
    # A restart that did not finish (timed out, or this script was stopped while it waited) is still
    # a job in systemd: timeout kills the systemctl client, not the job, and a hung dockerd may
    # still be starting with the new files. A stop job cancels that start job (and an automatic
    # restart Restart=always may have scheduled) and ends dockerd (SIGTERM, then SIGKILL after the
    # unit's TimeoutStopSec), so the restart below starts dockerd afresh from the previous files,
    # not merged into a start that never ends. (restart --no-block and polling is-active would leave
    # the same job behind.) Bounded too; whatever it says, the restart follows. The HUP, INT and
    # TERM this function ignores do not reach systemctl: timeout handles them, so its child has them
    # at their defaults and can still be ended.
    timeout "$RESTART_WAIT" systemctl stop docker >/dev/null 2>&1
    # Docker's unit allows 3 starts in 60 s (StartLimitBurst=3): the failed start and the retries
    # of Restart=always can use them up, and systemd would refuse the restart with the previous
    # files ("start request repeated too quickly"). reset-failed forgets them.
    systemctl reset-failed docker >/dev/null 2>&1
    # restart, not start: should docker.socket or someone have started docker since the stop, it
    # is the previous files it must run with
    restart_docker
    case $? in
      0) outcome="$outcome and docker was restarted with them" ;;
      124) outcome="$outcome, but docker did not finish starting with them either within $RESTART_WAIT seconds (systemctl status docker says whether it still is)" ;;
      *) outcome="$outcome, but docker did not start with them either" ;;
    esac
    outcome="$outcome. See: journalctl -u docker -n 50"
  fi
  warn "$1; $outcome"
  clean_up
  on_give_up "$1; $outcome"
  exit 1
}

on_exit() {
  status=$?
  trap - EXIT
  [ ! -s "$WORK_DIR/changes" ] || give_up "stopped before it was done"
  clean_up
  exit "$status"
}

clean_up() {
  [ "$ROLLED_BACK" = no ] || rm -rf -- "$WORK_DIR"
}

# served_fingerprint PORT: the SHA-256 fingerprint of the certificate served on 127.0.0.1:PORT. A
# mutual-TLS dockerd shows its certificate before it asks for the client's.
served_fingerprint() {
  timeout 5 openssl s_client -connect "127.0.0.1:$1" </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 2>/dev/null
}

# wait_for_tls PORT CERT: waits up to TLS_WAIT seconds for CERT to be served on 127.0.0.1:PORT
wait_for_tls() {
  want=$(openssl x509 -in "$2" -noout -fingerprint -sha256) || return 1
  waited=0
  until [ "$(served_fingerprint "$1")" = "$want" ]; do
    [ "$waited" -lt "$TLS_WAIT" ] || return 1
    sleep 1
    waited=$((waited + 1))
  done
}

# restart_docker: systemctl restart docker, given up after RESTART_WAIT seconds (status 124)
restart_docker() { timeout "$RESTART_WAIT" systemctl restart docker; }

# restart_docker_or_roll_back PORT CERT: restarts docker with what is installed now, and gives up
# (rolls back) unless dockerd then serves CERT with TLS on 127.0.0.1:PORT
restart_docker_or_roll_back() {
  RESTARTED=yes
  systemctl daemon-reload || give_up "systemctl daemon-reload failed"
  restart_docker || {
    [ $? -ne 124 ] || give_up "docker did not finish starting with the new configuration within $RESTART_WAIT seconds"
    give_up "docker did not start with the new configuration"
  }
  wait_for_tls "$1" "$2" ||
    give_up "docker restarted but does not serve the new certificate with TLS on port $1 (checked on 127.0.0.1 for $TLS_WAIT seconds)"
}

# keep_changes: docker serves the new certificate, so the kept copies can go
keep_changes() { : >"$WORK_DIR/changes"; }
`;
