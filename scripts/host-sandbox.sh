#!/usr/bin/env bash
# host-sandbox.sh: a throw-away "Docker host" on this machine for the renewal and enrollment tests.
# install.sh, the enrollment installer and dockpki-renew run in it as on a real host, as root, with
# their real paths (/etc/docker/ssl, /etc/systemd/system, /usr/local/sbin): those folders are private
# tmpfs mounts of a mount namespace of its own, so this machine's are neither read nor written.
# systemctl is a stub whose "restart docker" (re)starts the real dockerd from the custom.conf
# installed in the sandbox, as systemd would, listening on 127.0.0.1 only.
#
# Usage: scripts/host-sandbox.sh start DIR        makes the sandbox; its state lives in DIR
#        scripts/host-sandbox.sh run DIR CMD...   runs CMD in it (PATH starts with the stubs)
#        scripts/host-sandbox.sh stop DIR         stops dockerd and ends the namespace
#
# In DIR: systemctl.log (every call), dockerd.log, and fail-next-restart (create it to make the
# next "systemctl restart docker" fail, as a dockerd that refuses its new configuration does).
# What differs from a real host: tcp://0.0.0.0 listens on 127.0.0.1, -H fd:// becomes a unix socket
# in DIR, and dockerd's data, exec root and pid file are in DIR (vfs, no bridge, no iptables), so
# nothing on this machine's network or Docker changes. Only the systemd config style is supported.
# Needs root, unshare and nsenter (util-linux), dockerd (docker.io).
set -euo pipefail

SANDBOX_MOUNTS=(/etc/systemd/system /etc/docker /usr/local/sbin /var/tmp)
SYS_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

die() { echo "host-sandbox: $*" >&2; exit 2; }
[ $# -ge 2 ] || die "usage: $0 start|run|stop DIR [CMD...]"
cmd=$1
DIR=$(realpath -m -- "$2")
shift 2

write_stubs() {
  mkdir -p "$DIR/bin"
  # sudo: the sandbox already runs as root; the enrollment command says "| sudo sh".
  printf '#!/bin/sh\nexec "$@"\n' >"$DIR/bin/sudo"
  cat >"$DIR/bin/systemctl" <<EOF
#!/usr/bin/env bash
# systemctl as the sandbox needs it: restart docker runs the real dockerd from custom.conf.
DIR=$DIR
SYS_PATH=$SYS_PATH
EOF
  cat >>"$DIR/bin/systemctl" <<'EOF'
echo "$*" >>"$DIR/systemctl.log"
stop_dockerd() {
  [ -f "$DIR/dockerd.pid" ] || return 0
  pid=$(cat "$DIR/dockerd.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$DIR/dockerd.pid"
}
start_dockerd() {
  conf=/etc/systemd/system/docker.service.d/custom.conf
  [ -f "$conf" ] || { echo "docker.service: no custom.conf" >&2; return 1; }
  line=$(grep -E '^ExecStart=.+' "$conf" | tail -n 1)
  read -ra words <<<"${line#ExecStart=}"
  args=() port=""
  for w in "${words[@]:1}"; do
    case $w in
      fd://) w=unix://$DIR/docker.sock ;;
      tcp://0.0.0.0:*) port=${w##*:}; w=tcp://127.0.0.1:$port ;;
    esac
    args+=("$w")
  done
  dockerd=$(command -v dockerd || echo /usr/sbin/dockerd)
  mkdir -p "$DIR/data" "$DIR/exec"
  setsid env -i PATH="$SYS_PATH" "$dockerd" "${args[@]}" --data-root "$DIR/data" --exec-root "$DIR/exec" \
    --pidfile "$DIR/dockerd.pid" --storage-driver vfs --bridge none --iptables=false \
    >>"$DIR/dockerd.log" 2>&1 </dev/null &
  pid=$!
  # systemd's "restart" returns once dockerd reports ready (Type=notify): here, once it listens.
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { echo "docker.service: dockerd exited; see $DIR/dockerd.log" >&2; return 1; }
    [ -n "$port" ] && grep -q "API listen on 127.0.0.1:$port" "$DIR/dockerd.log" && { echo "$pid" >"$DIR/dockerd.pid"; return 0; }
    sleep 0.1
  done
  echo "docker.service: dockerd did not listen within 30 s" >&2
  return 1
}
case "$*" in
  "restart docker")
    stop_dockerd
    if [ -f "$DIR/fail-next-restart" ]; then
      rm -f "$DIR/fail-next-restart"
      echo "Job for docker.service failed (the sandbox was told to fail this restart)." >&2
      exit 1
    fi
    : >"$DIR/dockerd.log"
    start_dockerd ;;
  "stop docker") stop_dockerd ;;
  *) exit 0 ;;
esac
EOF
  chmod 0755 "$DIR/bin/systemctl" "$DIR/bin/sudo"
}

case $cmd in
  start)
    [ "$(id -u)" = 0 ] || die "needs root"
    mkdir -p "$DIR"
    write_stubs
    # The namespace lives as long as its holder process; later commands join it with nsenter.
    unshare --mount --propagation private -- bash -c '
      for m in "$@"; do mkdir -p "$m" && mount -t tmpfs -o mode=755 host-sandbox "$m"; done
      exec sleep infinity' host-sandbox "${SANDBOX_MOUNTS[@]}" </dev/null >/dev/null 2>&1 &
    echo $! >"$DIR/ns.pid"
    # Ready once the mounts are there.
    for _ in $(seq 1 50); do
      if nsenter -t "$(cat "$DIR/ns.pid")" -m -- findmnt -n /usr/local/sbin >/dev/null 2>&1; then exit 0; fi
      sleep 0.1
    done
    die "the sandbox did not come up"
    ;;
  run)
    [ -f "$DIR/ns.pid" ] || die "no sandbox in $DIR"
    exec nsenter -t "$(cat "$DIR/ns.pid")" -m -- env PATH="$DIR/bin:$SYS_PATH" "$@"
    ;;
  stop)
    [ -f "$DIR/ns.pid" ] || exit 0
    "$0" run "$DIR" systemctl stop docker || true
    kill "$(cat "$DIR/ns.pid")" 2>/dev/null || true
    rm -f "$DIR/ns.pid"
    ;;
  *) die "unknown command $cmd" ;;
esac
