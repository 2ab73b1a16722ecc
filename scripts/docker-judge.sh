#!/usr/bin/env bash
# docker-judge.sh: dockpki's own judge of a server bundle and a client bundle. It starts the real
# dockerd the way systemd would from the bundle's custom.conf (and daemon.json), in network, PID and
# mount namespaces of its own where only loopback exists, and drives the real docker CLI with the
# client bundle against it.
#
# Usage: scripts/docker-judge.sh [options] SERVER_DIR CLIENT_DIR
#        scripts/docker-judge.sh --check-env
#
#   SERVER_DIR  an unzipped server bundle: ca.pem, cert.pem, key.pem, custom.conf (and daemon.json
#               in the daemon-json style)
#   CLIENT_DIR  an unzipped client bundle: ca.pem, cert.pem, key.pem (what DOCKER_CERT_PATH names)
#
# Options:
#   --connect-host NAME  where the client dials: 127.0.0.1 (the default), localhost or ::1; repeat
#                        it to dial several (docker version runs once per name, the rest uses the first)
#   --timeout SECS       how long dockerd may take to listen (default 60)
#   --keep               keep the temp dir (dockerd.log, daemon.json, dockerd.cmdline) and say where
#   --check-env          only check that this machine can run the judge, and say what to install
#
# One PASS or FAIL line per check (INFO lines are context):
#   - custom.conf clears docker.service's ExecStart= and leaves exactly one dockerd command line
#   - client certificate verification is on (--tlsverify, or "tlsverify": true in daemon.json)
#   - the certificates' serials are positive (Go >= 1.23 rejects negative ones)
#   - dockerd starts from that command line and listens where the bundle says (e.g. 0.0.0.0:2376)
#   - the local unix socket answers, when the bundle keeps one
#   - docker version with DOCKER_HOST=tcp://NAME:PORT DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=CLIENT_DIR
#   - curl /_ping with the client bundle answers OK
#   - refused, each for its own reason in dockerd's log: no client certificate; a client certificate
#     from a throw-away foreign CA; plain HTTP
#
# What is changed from the bundle, and only this: the dockerd binary is this machine's;
# fd:// and unix:// hosts become sockets in the temp dir (no socket activation here); the files named
# by --tlscacert/--tlscert/--tlskey (or the same daemon.json keys) become SERVER_DIR's files of the
# same names; the daemon.json is the bundle's (or empty) plus the isolation keys (data-root, exec-root,
# pidfile in the temp dir, vfs, no bridge, no iptables), passed as --config-file. tcp:// hosts stay as
# written: inside the namespace 0.0.0.0:2376 is free and only loopback can reach it.
#
# Cleanup: the script is PID 1 of the PID namespace, so whatever it started dies with it (the outer
# script kills it by PID when interrupted); the namespaces vanish with their last process; /run and
# /etc/docker are private tmpfs copies, so the host's are neither read nor written.
#
# Exit status: 0 every check passed, 1 a check failed, 2 usage or environment problem.
# Needs root, dockerd (apt-get install docker.io), the docker CLI, unshare (util-linux), ip and ss
# (iproute2), openssl, curl and jq. Environment: DOCKERD, DOCKER_CLI override the binaries.

set -uo pipefail

SYS_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CLI_TIMEOUT=20
# The stock docker.service's ExecStart (docker-ce's), which custom.conf has to clear.
STOCK_EXEC="/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock"

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; }
die() { echo "docker-judge: $*" >&2; exit 2; }

ARGS=("$@"); CONNECT=(); STARTUP_TIMEOUT=60; KEEP=0; CHECK_ENV=0; POS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --connect-host) [ $# -ge 2 ] || die "--connect-host needs a value"; h=${2#[}; CONNECT+=("${h%]}"); shift 2 ;;
    --timeout) [ $# -ge 2 ] || die "--timeout needs a value"; STARTUP_TIMEOUT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --check-env) CHECK_ENV=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (--help for usage)" ;;
    *) POS+=("$1"); shift ;;
  esac
done
[ ${#CONNECT[@]} -gt 0 ] || CONNECT=(127.0.0.1)
case "$STARTUP_TIMEOUT" in ''|*[!0-9]*) die "--timeout takes whole seconds" ;; esac

# have NAME: prints NAME's path when an executable of that name is on PATH (bash's command -v also
# names files that cannot be run).
have() { local p; p=$(command -v "$1") && [ -x "$p" ] && echo "$p"; }
DOCKERD=${DOCKERD:-$(have dockerd || { [ -x /usr/sbin/dockerd ] && echo /usr/sbin/dockerd; } || true)}
DOCKER_CLI=${DOCKER_CLI:-$(have docker || true)}

# What keeps this machine from running the judge, as one line naming what to install; empty if nothing.
env_problems() {
  local problems=() missing=() pkgs=() tool
  [ "$(id -u)" = 0 ] || problems+=("not running as root (dockerd and its namespaces need root: run the tests as root)")
  [ -x "$DOCKERD" ] || { missing+=(dockerd); pkgs+=(docker.io); }
  [ -x "$DOCKER_CLI" ] || { missing+=("the docker CLI"); pkgs+=(docker.io); }
  for tool in unshare:util-linux ip:iproute2 ss:iproute2 openssl:openssl curl:curl jq:jq timeout:coreutils; do
    have "${tool%%:*}" >/dev/null || { missing+=("${tool%%:*}"); pkgs+=("${tool#*:}"); }
  done
  if [ ${#missing[@]} -gt 0 ]; then
    local list verb=are; list=$(printf '%s, ' "${missing[@]}"); [ ${#missing[@]} = 1 ] && verb=is
    problems+=("${list%, } $verb missing (apt-get install $(printf '%s\n' "${pkgs[@]}" | sort -u | tr '\n' ' ' | sed 's/ $//'))")
  fi
  if [ ${#problems[@]} = 0 ] && ! unshare --net --pid --mount --fork true 2>/dev/null; then
    problems+=("unshare cannot make network, PID and mount namespaces here (needs CAP_SYS_ADMIN)")
  fi
  if [ ${#problems[@]} -gt 0 ]; then local joined; joined=$(printf '%s; ' "${problems[@]}"); echo "${joined%; }"; fi
}

# ================================================================ outside the namespaces
if [ -z "${DOCKER_JUDGE_TMP:-}" ]; then
  if [ "$CHECK_ENV" = 1 ]; then
    why_not=$(env_problems)
    [ -z "$why_not" ] || { echo "$why_not"; exit 2; }
    echo "docker-judge can run here: dockerd $("$DOCKERD" --version | sed 's/^Docker version //'), docker CLI $("$DOCKER_CLI" --version | sed 's/^Docker version //')"
    exit 0
  fi
  [ ${#POS[@]} = 2 ] || die "usage: $0 [options] SERVER_DIR CLIENT_DIR   (--help for more)"
  why_not=$(env_problems)
  [ -z "$why_not" ] || die "cannot run here: $why_not"
  for d in "${POS[@]}"; do [ -d "$d" ] || die "not a directory: $d"; done

  TMP=$(mktemp -d "${TMPDIR:-/tmp}/docker-judge.XXXXXX") || die "mktemp failed"
  case "$TMP" in /run/*|/var/run/*|/etc/docker/*) rmdir "$TMP"; die "TMPDIR must not be under /run or /etc/docker" ;; esac
  NS_PID=""
  # shellcheck disable=SC2317  # reached through the EXIT trap
  finish() {
    local rc=$?
    trap - EXIT INT TERM
    # Killing unshare kills its child (--kill-child), PID 1 of the namespace, and with it everything inside.
    if [ -n "$NS_PID" ] && kill -0 "$NS_PID" 2>/dev/null; then kill -KILL "$NS_PID" 2>/dev/null; wait "$NS_PID" 2>/dev/null; fi
    if [ "$KEEP" = 1 ]; then echo "INFO  kept $TMP (dockerd.log, daemon.json, dockerd.cmdline)"
    else rm -rf -- "$TMP"; fi
    exit "$rc"
  }
  trap finish EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  DOCKER_JUDGE_TMP=$TMP DOCKERD=$DOCKERD DOCKER_CLI=$DOCKER_CLI \
    unshare --net --pid --mount --fork --kill-child --mount-proc -- "$BASH" "$0" "${ARGS[@]}" &
  NS_PID=$!
  wait "$NS_PID"
  rc=$?
  NS_PID=""
  exit "$rc"
fi

# ================================================================ inside: PID 1 of fresh namespaces
TMP=$DOCKER_JUDGE_TMP
SERVER_DIR=$(cd "${POS[0]}" && pwd -P) || die "cannot enter ${POS[0]}"
CLIENT_DIR=$(cd "${POS[1]}" && pwd -P) || die "cannot enter ${POS[1]}"
for f in ca.pem cert.pem key.pem; do
  [ -f "$CLIENT_DIR/$f" ] || die "CLIENT_DIR has no $f (a CSR client keeps its key elsewhere: copy key.pem in)"
done
ip link set lo up || die "cannot bring up lo in the namespace"
mount -t tmpfs -o mode=755 docker-judge-run /run || die "cannot mount a private /run"
if [ -d /etc/docker ]; then mount -t tmpfs -o mode=755 docker-judge-etc /etc/docker || die "cannot mount a private /etc/docker"; fi
mkdir -p "$TMP/foreign" "$TMP/nocert" "$TMP/home"

NPASS=0; NFAIL=0; T_START=$(date +%s%N)
pass() { NPASS=$((NPASS + 1)); echo "PASS  $*"; }
fail() { NFAIL=$((NFAIL + 1)); echo "FAIL  $*"; }
info() { echo "INFO  $*"; }
detail() { printf '%s\n' "$@" | grep -v '^[[:space:]]*$' | sed "s#$TMP#\$TMP#g; s/^/        /"; return 0; }
elapsed_ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
result() {
  local t; t=$(elapsed_ms "$T_START")
  if [ "$NFAIL" = 0 ]; then echo "RESULT: PASS ($NPASS checks, $t ms)"; exit 0; fi
  echo "RESULT: FAIL ($NFAIL of $((NPASS + NFAIL)) checks failed, $t ms)"; exit 1
}

DPID=""
stop_dockerd() {
  [ -n "$DPID" ] || return 0
  local i
  kill -TERM "$DPID" 2>/dev/null
  for ((i = 0; i < 150; i++)); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$DPID" 2>/dev/null
  wait "$DPID" 2>/dev/null
  DPID=""
}
trap stop_dockerd EXIT
trap 'exit 143' TERM INT

DVERSION=$("$DOCKERD" --version | sed 's/^Docker version //; s/,.*//')
DMAJOR=${DVERSION%%.*}
info "dockerd $DVERSION ($DOCKERD), docker CLI $("$DOCKER_CLI" --version | sed 's/^Docker version //; s/,.*//') ($DOCKER_CLI)"

# ---------------------------------------------------------------- reading custom.conf as systemd does

# systemd_words VALUE: WORDS from an ExecStart= value, by systemd's rules for what quote.ts writes:
# "..." and '...', backslash escapes, %% and $$. A lone % or $ would be a specifier or a variable,
# which systemd would expand and this judge does not: WORDS_ERR says so.
systemd_words() {
  local s=$1 n=${#1} i=0 c w="" q="" started=0
  WORDS=(); WORDS_ERR=""
  while [ "$i" -lt "$n" ]; do
    c=${s:i:1}; i=$((i + 1))
    if [ -z "$q" ] && { [ "$c" = " " ] || [ "$c" = $'\t' ]; }; then
      [ "$started" = 1 ] && WORDS+=("$w")
      w=""; started=0; continue
    fi
    started=1
    case "$c" in
      '"'|"'") if [ -z "$q" ]; then q=$c; elif [ "$q" = "$c" ]; then q=""; else w+=$c; fi ;;
      "\\")
        c=${s:i:1}; i=$((i + 1))
        case "$c" in "\\"|'"'|"'"|' ') w+=$c ;; *) WORDS_ERR="the escape \\$c"; return 1 ;; esac ;;
      '%'|'$')
        if [ "${s:i:1}" = "$c" ]; then w+=$c; i=$((i + 1))
        else WORDS_ERR="$c${s:i:1} (a systemd specifier or variable)"; return 1; fi ;;
      *) w+=$c ;;
    esac
  done
  [ -z "$q" ] || { WORDS_ERR="an unterminated $q quote"; return 1; }
  [ "$started" = 1 ] && WORDS+=("$w")
  return 0
}

# read_exec_starts FILE: EXECS, the ExecStart= list systemd ends with: docker.service's own, then the
# drop-in's [Service] lines in order, an empty ExecStart= clearing the list. Comments, and lines
# continued with a trailing backslash, as systemd reads them.
read_exec_starts() {
  local line trimmed cur="" section="" key value lines=()
  while IFS= read -r line || [ -n "$line" ]; do
    trimmed=${line#"${line%%[![:space:]]*}"}
    case "$trimmed" in '#'*|';'*) continue ;; esac  # comments, also inside a continued line
    if [[ "$line" == *\\ ]]; then cur+="${line%\\} "; continue; fi
    lines+=("$cur$line"); cur=""
  done <"$1"
  [ -z "$cur" ] || lines+=("$cur")
  EXECS=("$STOCK_EXEC")
  for line in "${lines[@]}"; do
    line=${line#"${line%%[![:space:]]*}"}; line=${line%"${line##*[![:space:]]}"}
    case "$line" in ''|'#'*|';'*) continue ;; '['*) section=$line; continue ;; *=*) ;; *) continue ;; esac
    key=${line%%=*}; key=${key%"${key##*[![:space:]]}"}
    value=${line#*=}; value=${value#"${value%%[![:space:]]*}"}
    if [ "$section" != "[Service]" ] || [ "$key" != ExecStart ]; then continue; fi
    if [ -z "$value" ]; then EXECS=(); else EXECS+=("$value"); fi
  done
}

# ---------------------------------------------------------------- rewrites for the test daemon
NSOCK=0; TCP_HOSTS=(); LOCAL_SOCKS=(); LOCAL_FROM=()
# rewrite_host VALUE: REPLY, the host dockerd gets here; tcp:// stays as written.
rewrite_host() {
  case "$1" in
    fd://*|unix://*)
      NSOCK=$((NSOCK + 1)); REPLY="unix://$TMP/sock-$NSOCK"
      LOCAL_SOCKS+=("$REPLY"); LOCAL_FROM+=("$1") ;;
    *) REPLY=$1; TCP_HOSTS+=("$1") ;;
  esac
}
# server_file PATH: REPLY, SERVER_DIR's file of the same name (the bundle installs them there).
server_file() {
  REPLY="$SERVER_DIR/${1##*/}"
  [ -f "$REPLY" ] || fail "the configuration names $1, but the bundle has no ${1##*/}"
}

for f in ca.pem cert.pem key.pem; do [ -f "$SERVER_DIR/$f" ] || fail "the server bundle has no $f"; done
HAVE_JSON=0; [ -f "$SERVER_DIR/daemon.json" ] && HAVE_JSON=1
if [ ! -f "$SERVER_DIR/custom.conf" ]; then
  fail "the server bundle has no custom.conf, so nothing tells dockerd how to start"
  result
fi
if [ "$HAVE_JSON" = 1 ]; then info "style: daemon-json (custom.conf runs dockerd, daemon.json configures it)"
else info "style: systemd (custom.conf's ExecStart= carries every setting)"; fi

read_exec_starts "$SERVER_DIR/custom.conf"
if [ ${#EXECS[@]} = 1 ] && [ "${EXECS[0]}" != "$STOCK_EXEC" ]; then
  pass "custom.conf clears docker.service's ExecStart= and leaves one command line: ${EXECS[0]}"
elif [ ${#EXECS[@]} = 0 ]; then
  fail "custom.conf clears ExecStart= and sets none: docker.service would not start"; result
elif [ ${#EXECS[@]} = 1 ]; then
  fail "custom.conf sets no ExecStart=, so docker.service runs its own: $STOCK_EXEC"; result
else
  fail "custom.conf leaves ${#EXECS[@]} ExecStart= lines; systemd refuses a service with more than one (clear it first with an empty ExecStart=)"
  result
fi
systemd_words "${EXECS[0]}" || { fail "custom.conf's ExecStart= has $WORDS_ERR, which the judge cannot read"; result; }
W=("${WORDS[@]}")
[ "${W[0]##*/}" = dockerd ] || { fail "custom.conf's ExecStart= runs ${W[0]}, not dockerd"; result; }

# dockerd's flags in order, with hosts and TLS files rewritten; -H fd:// -H=... --host ... all count.
DFLAGS=(); VERIFY_FLAG=""
for ((i = 1; i < ${#W[@]}; i++)); do
  w=${W[i]}
  case "$w" in
    -H|--host|--tlscacert|--tlscert|--tlskey|--config-file) name=$w; value=${W[i + 1]-}; i=$((i + 1)) ;;
    -H=*|--host=*|--tlscacert=*|--tlscert=*|--tlskey=*|--config-file=*) name=${w%%=*}; value=${w#*=} ;;
    -H?*) name=-H; value=${w#-H} ;;
    --tlsverify|--tlsverify=*) VERIFY_FLAG=${w#--tlsverify}; VERIFY_FLAG=${VERIFY_FLAG#=}; VERIFY_FLAG=${VERIFY_FLAG:-true}
      DFLAGS+=("$w"); continue ;;
    *) DFLAGS+=("$w"); continue ;;
  esac
  case "$name" in
    -H|--host) rewrite_host "$value"; DFLAGS+=("--host=$REPLY") ;;
    --config-file) info "custom.conf's --config-file=$value: the test daemon reads the temp daemon.json instead" ;;
    *) server_file "$value"; DFLAGS+=("$name=$REPLY") ;;
  esac
done

# The test daemon's daemon.json: the bundle's with the same rewrites, plus isolation.
CFG=$TMP/daemon.json
jset() { jq --arg k "$1" --argjson v "$2" '.[$k] = $v' "$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG"; }
VERIFY_JSON=""
if [ "$HAVE_JSON" = 1 ]; then
  if ! jq -e 'type == "object"' "$SERVER_DIR/daemon.json" >/dev/null 2>&1; then
    fail "daemon.json is not a JSON object"; result
  fi
  cp "$SERVER_DIR/daemon.json" "$CFG"
  if jq -e 'has("hosts")' "$CFG" >/dev/null; then
    hosts=()
    while IFS= read -r h; do rewrite_host "$h"; hosts+=("$REPLY"); done < <(jq -r '.hosts[]' "$CFG")
    jset hosts "$(jq -nc '$ARGS.positional' --args "${hosts[@]}")"
  fi
  for k in tlscacert tlscert tlskey; do
    v=$(jq -r --arg k "$k" '.[$k] // empty' "$CFG")
    [ -z "$v" ] || { server_file "$v"; jset "$k" "$(jq -nc --arg v "$REPLY" '$v')"; }
  done
  VERIFY_JSON=$(jq -r 'if has("tlsverify") then .tlsverify | tostring else "" end' "$CFG")
else
  echo '{}' >"$CFG"
fi
jset data-root "\"$TMP/data\""; jset exec-root "\"$TMP/exec\""; jset pidfile "\"$TMP/dockerd.pid\""
jset storage-driver '"vfs"'; jset bridge '"none"'; jset iptables false
[ "$DMAJOR" -ge 20 ] 2>/dev/null && jset ip6tables false
# dockerd <= 22 writes a trust key to /etc/docker/key.json unless told otherwise.
[ "$DMAJOR" -le 22 ] 2>/dev/null && jset deprecated-key-path "\"$TMP/key.json\""

# ---------------------------------------------------------------- static checks
case "$VERIFY_FLAG" in
  true|1|t|T|TRUE|True) pass "client certificate verification is on (--tlsverify in custom.conf)" ;;
  '')
    case "$VERIFY_JSON" in
      true) pass "client certificate verification is on (\"tlsverify\": true in daemon.json)" ;;
      '') fail "client certificate verification is not set (dockpki always writes --tlsverify or \"tlsverify\")" ;;
      *) fail "client certificate verification is off (\"tlsverify\": $VERIFY_JSON in daemon.json): any client that reaches the port controls the daemon" ;;
    esac ;;
  *) fail "client certificate verification is off (--tlsverify=$VERIFY_FLAG in custom.conf): any client that reaches the port controls the daemon" ;;
esac

bad_serials=""
for side in server client; do
  if [ "$side" = server ]; then f=$SERVER_DIR/cert.pem; else f=$CLIENT_DIR/cert.pem; fi
  [ -f "$f" ] || continue
  serial=$(openssl x509 -in "$f" -noout -serial 2>/dev/null) || { bad_serials+=" $side cert.pem unreadable;"; continue; }
  serial=${serial#serial=}
  case "$serial" in -*) bad_serials+=" $side $serial (negative);" ;; *[!0]*) ;; *) bad_serials+=" $side 0;" ;; esac
done
if [ -z "$bad_serials" ]; then pass "the server and client certificates have positive serials"
else fail "serials that Go >= 1.23 rejects:${bad_serials%;}"; fi

# ---------------------------------------------------------------- start dockerd
if [ ${#TCP_HOSTS[@]} = 0 ]; then fail "the bundle makes dockerd listen on no TCP address"; result; fi
LISTEN=${TCP_HOSTS[0]}
PORT=${LISTEN##*:}; PORT=${PORT%%/*}
case "$PORT" in ''|*[!0-9]*) fail "$LISTEN names no port"; result ;; esac
[ "$PORT" != 2375 ] || fail "$LISTEN is 2375, Docker's plaintext port"

DCMD=("$DOCKERD" "${DFLAGS[@]}" "--config-file=$CFG")
printf '%q ' "${DCMD[@]}" >"$TMP/dockerd.cmdline"
info "test daemon: $(sed "s#$TMP#\$TMP#g; s/ $//" "$TMP/dockerd.cmdline")"
[ "$HAVE_JSON" = 1 ] && info "its daemon.json: $(jq -c . "$CFG" | sed "s#$TMP#\$TMP#g")"
LOG=$TMP/dockerd.log
T0=$(date +%s%N)
env -i PATH="$SYS_PATH" "${DCMD[@]}" >"$LOG" 2>&1 </dev/null &
DPID=$!
deadline=$(($(date +%s) + STARTUP_TIMEOUT)); up=0
while kill -0 "$DPID" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do
  if grep -q "API listen on [^\"]*:$PORT\"" "$LOG"; then up=1; break; fi
  sleep 0.05
done
if [ "$up" = 0 ]; then
  if kill -0 "$DPID" 2>/dev/null; then fail "dockerd did not listen on port $PORT within ${STARTUP_TIMEOUT}s"
  else fail "dockerd refused to start with this configuration"; fi
  detail "$(grep -vE 'level=(info|debug)' "$LOG" | tail -n 6)"
  result
fi
sockets=$(ss -Hltn "sport = :$PORT" | awk '{print $4}' | tr '\n' ' ')
pass "dockerd starts from the bundle's configuration and listens on $LISTEN after $(elapsed_ms "$T0") ms (socket ${sockets% })"

# ---------------------------------------------------------------- live checks
url_host() { case "$1" in *:*) echo "[$1]" ;; *) echo "$1" ;; esac; }
# client ENV... -- COMMAND...: runs a client with only the given environment (no proxies, no
# ~/.docker); OUT and RC. GODEBUG: the CLI in this image accepts negative serials, stock Go does not.
client() {
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
  OUT=$(env -i PATH="$SYS_PATH" HOME="$TMP/home" DOCKER_CONFIG="$TMP/cli" GODEBUG=x509negativeserial=0 "${envs[@]}" \
        timeout "$CLI_TIMEOUT" "$@" 2>&1)
  RC=$?
}
handshakes() { grep -c 'TLS handshake error' "$LOG"; }
# What dockerd logged about the handshakes since mark $1; the first line the client said.
server_said() { grep 'TLS handshake error' "$LOG" | tail -n +$(($1 + 1)) | sed 's/.*TLS handshake error from [^ ]* /dockerd: /' | sort -u; }
client_said() { grep -m 1 -v '^[[:space:]]*$' <<<"$OUT" | sed 's/^/client: /'; }

for i in "${!LOCAL_SOCKS[@]}"; do
  client -- "$DOCKER_CLI" -H "${LOCAL_SOCKS[i]}" version --format '{{.Server.Version}}'
  if [ "$RC" = 0 ]; then pass "the local socket answers (${LOCAL_FROM[i]} in the bundle; ${LOCAL_SOCKS[i]/$TMP/\$TMP} here)"
  else fail "the local socket ${LOCAL_FROM[i]} (${LOCAL_SOCKS[i]/$TMP/\$TMP} here) does not answer"; detail "$(client_said)"; fi
done

FIRST=$(url_host "${CONNECT[0]}")
for h in "${CONNECT[@]}"; do
  addr="tcp://$(url_host "$h"):$PORT"; mark=$(handshakes)
  client DOCKER_HOST="$addr" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$CLIENT_DIR" -- \
    "$DOCKER_CLI" version --format '{{.Server.Version}}'
  if [ "$RC" = 0 ]; then pass "docker version over $addr with the client bundle (DOCKER_TLS_VERIFY=1): server $OUT"
  else fail "docker version over $addr with the client bundle (DOCKER_TLS_VERIFY=1)"; detail "$(client_said)" "$(server_said "$mark")"; fi
done

mark=$(handshakes)
client -- curl -sS -g --noproxy '*' --cacert "$CLIENT_DIR/ca.pem" --cert "$CLIENT_DIR/cert.pem" --key "$CLIENT_DIR/key.pem" \
  "https://$FIRST:$PORT/_ping"
if [ "$RC" = 0 ] && [ "$OUT" = OK ]; then pass "curl https://$FIRST:$PORT/_ping with the client bundle answers OK"
else fail "curl https://$FIRST:$PORT/_ping with the client bundle"; detail "$(client_said)" "$(server_said "$mark")"; fi

# refused LABEL SERVER_REASON MARK: the last client must have failed, and dockerd must have logged
# a refused handshake matching SERVER_REASON since MARK (a failure for another reason proves nothing).
refused() {
  local said; said=$(server_said "$3")
  if [ "$RC" = 0 ]; then  # an answer at all means the TLS layer let the client in
    fail "$1 got through: $OUT"
  elif grep -qE "$2" <<<"$said"; then
    pass "$1 is refused"; detail "$(grep -E "$2" <<<"$said" | head -n 1)"
  else
    fail "$1 failed, but not because dockerd refused it ($2)"; detail "$(client_said)" "$said"
  fi
}

# DOCKER_TLS=1 without DOCKER_TLS_VERIFY: TLS, no client certificate, and no check of the server's
# (the CLI still wants a ca.pem to load), so nothing but dockerd's demand for a certificate stops it.
cp "$CLIENT_DIR/ca.pem" "$TMP/nocert/ca.pem"
mark=$(handshakes)
client DOCKER_HOST="tcp://$FIRST:$PORT" DOCKER_TLS=1 DOCKER_CERT_PATH="$TMP/nocert" -- \
  "$DOCKER_CLI" version --format '{{.Server.Version}}'
refused "docker without a client certificate (DOCKER_TLS=1)" "didn't provide a certificate" "$mark"

# The docker CLI only offers a certificate that the server's CA list names, so curl presents this one.
if (
  cd "$TMP/foreign" &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=docker-judge foreign CA" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign -keyout ca-key.pem -out ca.pem &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=docker-judge foreign client" \
      -keyout key.pem -out client.csr &&
    printf 'extendedKeyUsage=clientAuth\n' >ext.cnf &&
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 -extfile ext.cnf -out cert.pem
) >"$TMP/foreign/openssl.log" 2>&1; then
  mark=$(handshakes)
  client -- curl -sS -g -k --noproxy '*' --cert "$TMP/foreign/cert.pem" --key "$TMP/foreign/key.pem" "https://$FIRST:$PORT/_ping"
  refused "a client certificate from a throw-away foreign CA (curl)" "verify (client )?certificate|unknown authority" "$mark"
else
  fail "openssl could not make a foreign CA's client certificate"; detail "$(tail -n 3 "$TMP/foreign/openssl.log")"
fi

client DOCKER_HOST="tcp://$FIRST:$PORT" -- "$DOCKER_CLI" version --format '{{.Server.Version}}'
if [ "$RC" != 0 ] && grep -q 'HTTP request to an HTTPS server' <<<"$OUT"; then
  pass "docker over plain HTTP is refused"; detail "client: $(grep -m1 'HTTP request to an HTTPS server' <<<"$OUT")"
elif [ "$RC" = 0 ]; then fail "docker over plain HTTP got through: $OUT"
else fail "docker over plain HTTP failed, but not because the port speaks only TLS"; detail "$(client_said)"; fi

stop_dockerd
result
