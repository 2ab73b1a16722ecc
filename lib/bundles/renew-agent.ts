import "server-only";
import { type AgentSettings, checkAgentSettings, dashboardVariables } from "@/lib/bundles/agent-config";
import { type BundleHost, checkHost, checkSslDir } from "@/lib/bundles/bundle-input";
import { DASHBOARD_SHELL, SAY_AND_WARN } from "@/lib/bundles/dashboard-shell";
import { CA_FILE, CERT_FILE, KEY_FILE, RENEW_AGENT, RENEW_STATE_FILE } from "@/lib/bundles/docker-files";
import {
  KEEP_AND_ROLL_BACK,
  RESTART_WAIT_OVERRIDE,
  RESTART_WAIT_SECONDS,
  TLS_WAIT_SECONDS,
} from "@/lib/bundles/keep-and-roll-back";
import { shellQuote } from "@/lib/bundles/quote";
import { InputError } from "@/lib/errors";

/** README.txt's Renewal section for a bundle without an agent: the caller's sentence on why,
 * wrapped to the README's width. */
export function renderAgentMissing(sentence: string): string {
  if (/\p{Cc}/u.test(sentence)) throw new InputError("The reason a bundle has no renewal agent must be one line.");
  const lines = [""];
  for (const word of sentence.trim().split(/ +/)) {
    const last = lines.length - 1;
    if (lines[last] && lines[last].length + word.length >= 98) lines.push(word);
    else lines[last] = lines[last] ? `${lines[last]} ${word}` : word;
  }
  return `Renewal\n${lines.map((l) => `  ${l}\n`).join("")}`;
}

// The agent itself; the header before it sets the mode's variables and defines install_new.
const AGENT_SHELL = String.raw`# --- dockpki-renew

# The calendar in awk (days from 1970-01-01 and back), so that no GNU date -d is needed.
TIME_AWK='
function days(y, m, d,   era, yoe) {
  y -= (m <= 2)
  era = int(y / 400)
  yoe = y - era * 400
  return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1 - 719468
}
function epoch(text,   f, t) {
  split(text, f, " ")
  split(f[3], t, ":")
  return ((days(f[4], (index("JanFebMarAprMayJunJulAugSepOctNovDec", f[1]) + 2) / 3, f[2]) * 24 + t[1]) * 60 + t[2]) * 60 + t[3]
}
function show(s,   z, era, doe, yoe, doy, mp, d, m) {
  z = int(s / 86400)
  s -= z * 86400
  z += 719468
  era = int(z / 146097)
  doe = z - era * 146097
  yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
  doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
  mp = int((5 * doy + 2) / 153)
  d = doy - int((153 * mp + 2) / 5) + 1
  m = mp < 10 ? mp + 3 : mp - 9
  return sprintf("%04d-%02d-%02d %02d:%02d UTC", yoe + era * 400 + (m <= 2), m, d, int(s / 3600), int(s % 3600 / 60))
}'

# show_time SECONDS: a unix time as a date, in UTC
show_time() { awk -v t="$1" "$TIME_AWK"' BEGIN { print show(t) }'; }

# read_cert CERT: CERT_SERIAL, CERT_NOT_BEFORE and CERT_NOT_AFTER (unix seconds); 1 if it is no certificate
read_cert() {
  cert_times=$(openssl x509 -in "$1" -noout -startdate -enddate 2>/dev/null | awk "$TIME_AWK"'
    /^notBefore=/ { nb = epoch(substr($0, 11)) }
    /^notAfter=/ { na = epoch(substr($0, 10)) }
    END { if (nb == "" || na == "") exit 1; printf "%.0f %.0f\n", nb, na }') || return 1
  CERT_NOT_BEFORE=$(echo "$cert_times" | cut -d ' ' -f 1)
  CERT_NOT_AFTER=$(echo "$cert_times" | cut -d ' ' -f 2)
  CERT_SERIAL=$(openssl x509 -in "$1" -noout -serial | sed 's/^serial=//' | tr 'A-F' 'a-f')
}

# decide_due: DUE_AT, from when less than RENEW_AT_PERCENT% of the lifetime is left, and DUE (yes
# or no) now, or at DUE_CLOCK (DOCKPKI_NOW) when that is set
decide_due() {
  lifetime=$((NOT_AFTER - NOT_BEFORE))
  DUE_AT=$((NOT_AFTER - lifetime * RENEW_AT_PERCENT / 100))
  due_now=$DUE_CLOCK
  [ -n "$due_now" ] || due_now=$(date +%s)
  DUE=no
  [ $(((NOT_AFTER - due_now) * 100)) -ge $((lifetime * RENEW_AT_PERCENT)) ] || DUE=yes
}

# record OUTCOME MESSAGE SERIAL: the state file that --check shows, for the attempt that just ended
record() {
  {
    printf 'time=%s\noutcome=%s\nserial=%s\nmessage=' "$(date +%s)" "$1" "$3"
    printf '%s' "$2" | tr '\r\n' '  '
    echo
  } >"$STATE.tmp" 2>/dev/null && chmod 0644 "$STATE.tmp" && mv -f "$STATE.tmp" "$STATE" ||
    warn "could not write $STATE"
}

state_value() { sed -n "s/^$1=//p" "$STATE" | head -n 1; }

# take_lock: one run at a time; a lock whose process is gone (killed, power lost) is taken over
take_lock() {
  if ! mkdir "$LOCK" 2>/dev/null; then
    [ -d "$LOCK" ] || fail "cannot write in $CERT_DIR"
    holder=$(cat "$LOCK/pid" 2>/dev/null || :)
    case $holder in
      '' | *[!0-9]*) fail "another $SCRIPT_NAME is starting ($LOCK exists; if none runs, remove it)" ;;
    esac
    ! kill -0 "$holder" 2>/dev/null || fail "another $SCRIPT_NAME is running (process $holder)"
    rm -rf -- "$LOCK"
    mkdir "$LOCK" 2>/dev/null || fail "another $SCRIPT_NAME is running ($LOCK exists)"
  fi
  LOCKED=yes
  echo "$$" >"$LOCK/pid"
}

# finish: the temporary folder and the lock go, however the run ends
finish() {
  [ -z "$TMP" ] || [ "$TMP_KEEP" = yes ] || rm -rf -- "$TMP"
  [ "$LOCKED" = no ] || rm -rf -- "$LOCK"
  TMP=
  LOCKED=no
}

finish_on_exit() {
  finish_status=$?
  finish
  exit "$finish_status"
}

# report OUTCOME SERVED MESSAGE SERIAL KEY: tells the dashboard how the attempt ended, signed with
# KEY, the key of certificate SERIAL; 1 (REPORT_ERROR says why) when it does not take it
report() {
  report_message=$(printf '%s' "$3" | LC_ALL=C tr -c ' -~' '?' | LC_ALL=C tr -d '"\\' | cut -c 1-300)
  report_hash=$(printf '%s' "$report_message" | openssl dgst -sha256 -r | cut -c 1-64)
  report_time=$(date +%s)
  printf 'dockpki-report-v1\n%s\n%s\n%s\n%s\n%s' "$4" "$report_time" "$1" "$2" "$report_hash" >"$TMP/report-canonical"
  if ! openssl dgst -sha256 -sign "$5" -out "$TMP/report-signature" "$TMP/report-canonical" 2>"$TMP/error"; then
    REPORT_ERROR="openssl could not sign it: $(first_line "$TMP/error")"
    return 1
  fi
  printf '{"serial":"%s","time":%s,"outcome":"%s","servedSerial":"%s","message":"%s","signature":"%s"}' \
    "$4" "$report_time" "$1" "$2" "$report_message" "$(openssl base64 -A -in "$TMP/report-signature")" >"$TMP/report.json"
  if ! post_json /api/v1/renew/report "$TMP/report.json" "$TMP/report-answer"; then
    REPORT_ERROR=$(unreachable)
    return 1
  fi
  case $HTTP_STATUS in
    200 | 204) ;;
    *)
      REPORT_ERROR=$(answer_message "$TMP/report-answer")
      return 1
      ;;
  esac
}

# fail REASON: one line on stderr; for a renewal attempt also the state file and, when the
# dashboard was reached, a report signed with the current key; then exit 1
fail() {
  warn "$1"
  if [ "$ATTEMPT" = yes ]; then
    ATTEMPT=no
    record failed "$1" "$SERIAL"
    [ "$REACHED" = no ] || report failed "" "$1" "$SERIAL" "$TMP/cur-key.pem" || :
  fi
  exit 1
}

# make_key_like KEY NEW: NEW, a key of KEY's type and size (ECDSA P-256 or P-384, or RSA)
make_key_like() {
  key_text=$(openssl pkey -in "$1" -noout -text_pub 2>/dev/null) || fail "cannot read the key $CERT_DIR/${KEY_FILE}"
  case $key_text in
    *"ASN1 OID: prime256v1"*) make_key ecdsa-p256 256 "$2" ;;
    *"ASN1 OID: secp384r1"*) make_key ecdsa-p384 384 "$2" ;;
    *Modulus*)
      bits=$(printf '%s\n' "$key_text" | sed -n '1s/^.*(\([0-9][0-9]*\) bit.*$/\1/p')
      [ -n "$bits" ] || fail "cannot tell the size of the RSA key $CERT_DIR/${KEY_FILE}"
      make_key rsa "$bits" "$2"
      ;;
    *) fail "$CERT_DIR/${KEY_FILE} is not an ECDSA P-256, ECDSA P-384 or RSA key, the keys dockpki renews" ;;
  esac
}

# keep_next_key: the new key outlives an answer that never arrived (a timeout): asked again with the
# same key, the dashboard answers the certificate it already issued for it instead of refusing
keep_next_key() {
  cp -- "$TMP/new-key.pem" "$NEXT_KEY.tmp" 2>/dev/null && mv -f -- "$NEXT_KEY.tmp" "$NEXT_KEY" ||
    warn "warning: could not keep the new key in $NEXT_KEY until the dashboard answers"
}

# wanted_key ANSWER: WANTED_TYPE and WANTED_BITS, the key a 409 ANSWER asks for (an admin chose
# another key type for this host or client); 1 when ANSWER names no key dockpki makes
wanted_key() {
  WANTED_TYPE=$(sed -n 's/^.*"keyType" *: *"\([a-z0-9-]*\)".*$/\1/p' "$1" | head -n 1)
  WANTED_BITS=$(sed -n 's/^.*"keySize" *: *\([0-9]*\).*$/\1/p' "$1" | head -n 1)
  case $WANTED_TYPE:$WANTED_BITS in
    ecdsa-p256:256 | ecdsa-p384:384 | rsa:2048 | rsa:3072 | rsa:4096) ;;
    *) return 1 ;;
  esac
}

# ask_renewal: POST /api/v1/renew for $TMP/new-key.pem, proven with the current key; the answer in
# $TMP/answer and HTTP_STATUS. keyTypes says which keys this agent can make when the dashboard asks.
ask_renewal() {
  make_csr "$TMP/new-key.pem"
  renew_time=$(date +%s)
  printf 'dockpki-renew-v1\n%s\n%s\n%s' "$SERIAL" "$renew_time" "$CSR_SHA256" >"$TMP/canonical"
  must "openssl could not sign the request" \
    openssl dgst -sha256 -sign "$TMP/cur-key.pem" -out "$TMP/signature" "$TMP/canonical"
  printf '{"serial":"%s","time":%s,"csr":"%s","signature":"%s","keyTypes":["ecdsa-p256","ecdsa-p384","rsa"]}' \
    "$SERIAL" "$renew_time" "$CSR_B64" "$(openssl base64 -A -in "$TMP/signature")" >"$TMP/request.json"
  post_json /api/v1/renew "$TMP/request.json" "$TMP/answer" || fail "$(unreachable)"
  REACHED=yes
}

# vouched CA COUNT: one of the COUNT cross certificates $TMP/cross.N has CA's subject and public key
# and was signed by a CA trusted now
vouched() {
  is_ca "$1" && is_self_signed "$1" || return 1
  j=1
  while [ "$j" -le "$2" ]; do
    if is_ca "$TMP/cross.$j" && [ "$(subject "$TMP/cross.$j")" = "$(subject "$1")" ] &&
      [ "$(public_key "$TMP/cross.$j")" = "$(public_key "$1")" ] &&
      verify_with "$TMP/cur-ca.pem" "$TMP/cross.$j"; then
      return 0
    fi
    j=$((j + 1))
  done
  return 1
}

# accept_new_cas: each CA of the answer's ca.pem is one trusted now (same SHA-256 fingerprint), or a
# new one (a CA rotation) vouched for by a cross certificate from a CA trusted now
accept_new_cas() {
  trusted=$(split_pem "$TMP/cur-ca.pem" "$TMP/trusted")
  known=
  i=1
  while [ "$i" -le "$trusted" ]; do
    known="$known $(fingerprint "$TMP/trusted.$i")"
    i=$((i + 1))
  done
  crosses=$(split_pem "$TMP/new-cross.pem" "$TMP/cross")
  cas=$(split_pem "$TMP/new-ca.pem" "$TMP/ca")
  i=1
  while [ "$i" -le "$cas" ]; do
    case "$known " in
      *" $(fingerprint "$TMP/ca.$i") "*) ;;
      *)
        vouched "$TMP/ca.$i" "$crosses" ||
          fail "the dashboard's answer asks to trust a new CA ($(subject "$TMP/ca.$i")) that no CA trusted now vouches for with a cross certificate"
        ;;
    esac
    i=$((i + 1))
  done
}

# keep_pending: a renewal the dashboard issued that could not be installed (docker did not come
# back with it) is kept, private, for the next run to install: the dashboard has replaced the
# current certificate with it, so it would refuse to renew the current one again
keep_pending() {
  [ "$INSTALLING_PENDING" = no ] && [ -n "$TMP" ] && [ -f "$TMP/new-cert.pem" ] && [ -f "$TMP/new-key.pem" ] || return 0
  rm -rf -- "$PENDING.tmp"
  if mkdir -m 0700 -- "$PENDING.tmp" &&
    cp -- "$TMP/new-ca.pem" "$TMP/new-cert.pem" "$TMP/new-key.pem" "$PENDING.tmp/" &&
    printf '%s\n' "$SERIAL" >"$PENDING.tmp/replaces" &&
    rm -rf -- "$PENDING" && mv -- "$PENDING.tmp" "$PENDING"; then
    # --check shows it; the next run installs it (its key is kept there now)
    rm -f -- "$NEXT_KEY"
  else
    warn "could not keep the renewed certificate in $PENDING"
  fi
}

# pending_usable: there is a kept renewal, still valid, for the certificate installed now (after a
# new enrollment or a bundle installed by hand it is stale: drop_stale_pending removes it)
pending_usable() {
  [ -d "$PENDING" ] || return 1
  [ "$(cat "$PENDING/replaces" 2>/dev/null)" = "$SERIAL" ] || return 1
  read_cert "$PENDING/new-cert.pem" && [ "$CERT_NOT_AFTER" -gt "$(date +%s)" ] || return 1
  PENDING_SERIAL=$CERT_SERIAL
}

drop_stale_pending() { [ ! -d "$PENDING" ] || pending_usable || rm -rf -- "$PENDING"; }

# install_pending: installs the kept renewal (checked again), as renew installs a new one
install_pending() {
  ATTEMPT=yes
  REACHED=yes
  TMP=$(mktemp -d) || fail "mktemp could not make a temporary folder"
  for f in ca cert key; do
    must "cannot read $CERT_DIR/$f.pem" cp -p -- "$CERT_DIR/$f.pem" "$TMP/cur-$f.pem"
    must "cannot read the kept renewal in $PENDING" cp -p -- "$PENDING/new-$f.pem" "$TMP/new-$f.pem"
  done
  INSTALLING_PENDING=yes
  if ! verify_with "$TMP/new-ca.pem" "$TMP/new-cert.pem" -purpose "$PURPOSE" -untrusted "$TMP/new-cert.pem" || ! is_key_of "$TMP/new-cert.pem" "$TMP/new-key.pem"; then
    rm -rf -- "$PENDING"
    fail "the kept renewal in $PENDING does not check out any more; it was removed, and the next run renews again"
  fi
  read_cert "$TMP/new-cert.pem" || fail "cannot read the kept renewal"
  install_new
  rm -rf -- "$PENDING"
  message="installed the renewal an earlier run could not: serial $CERT_SERIAL, valid until $(show_time "$CERT_NOT_AFTER")"
  ATTEMPT=no
  record ok "$message" "$CERT_SERIAL"
  report ok "$SERVED" "$message" "$CERT_SERIAL" "$TMP/new-key.pem" ||
    warn "warning: the dashboard did not take the report of this renewal: $REPORT_ERROR"
  say "$SCRIPT_NAME: $message; $DONE_WHERE"
}

# renew: a new key, a certificate for it from the dashboard, checked, then installed by install_new
renew() {
  ATTEMPT=yes
  TMP=$(mktemp -d) || fail "mktemp could not make a temporary folder"
  for f in ca cert key; do
    must "cannot read $CERT_DIR/$f.pem" cp -p -- "$CERT_DIR/$f.pem" "$TMP/cur-$f.pem"
  done
  is_key_of "$TMP/cur-cert.pem" "$TMP/cur-key.pem" || fail "$CERT_DIR/${KEY_FILE} is not the key of $CERT_DIR/${CERT_FILE}"
  if [ -f "$NEXT_KEY" ] && openssl pkey -in "$NEXT_KEY" -noout 2>/dev/null; then
    must "cannot read $NEXT_KEY" cp -- "$NEXT_KEY" "$TMP/new-key.pem"
  else
    make_key_like "$TMP/cur-key.pem" "$TMP/new-key.pem"
    keep_next_key
  fi
  ask_renewal
  key_note=
  # The dashboard wants another type of key for this host or client: once, a new key of that type
  if [ "$HTTP_STATUS" = 409 ] && wanted_key "$TMP/answer"; then
    rm -f -- "$NEXT_KEY"
    make_key "$WANTED_TYPE" "$WANTED_BITS" "$TMP/new-key.pem"
    keep_next_key
    ask_renewal
    key_note=", with a new $WANTED_TYPE key of $WANTED_BITS bits as the dashboard asks"
  fi
  case $HTTP_STATUS in
    200) ;;
    # Refused for good (revoked, superseded, a bad key...): the kept key can never be used.
    400 | 403 | 404 | 410)
      rm -f -- "$NEXT_KEY"
      fail "the dashboard refused the renewal: $(answer_message "$TMP/answer")"
      ;;
    # The clock, a limit, a proxy or the dashboard itself: the same key is asked for next time.
    *) fail "the dashboard refused the renewal (HTTP $HTTP_STATUS): $(answer_message "$TMP/answer")" ;;
  esac
  split_answer "$TMP/answer" || fail "the answer of $DASHBOARD_URL is not a dockpki renewal answer"
  accept_new_cas
  check_leaf "$PURPOSE" "$TMP/new-key.pem"
  read_cert "$TMP/new-cert.pem" || fail "cannot read the new certificate"
  install_new
  rm -f -- "$NEXT_KEY"
  message="renewed: serial $CERT_SERIAL, valid until $(show_time "$CERT_NOT_AFTER")$key_note"
  ATTEMPT=no
  record ok "$message" "$CERT_SERIAL"
  report ok "$SERVED" "$message" "$CERT_SERIAL" "$TMP/new-key.pem" ||
    warn "warning: the dashboard did not take the report of this renewal: $REPORT_ERROR"
  say "$SCRIPT_NAME: $message; $DONE_WHERE"
}

# show_check: --check
show_check() {
  say "certificate: $CERT_DIR/${CERT_FILE}, serial $SERIAL, valid from $(show_time "$NOT_BEFORE") until $(show_time "$NOT_AFTER")"
  check_status=0
  if [ "$DUE" = yes ]; then
    say "renewal: due since $(show_time "$DUE_AT") (less than $RENEW_AT_PERCENT% of its lifetime is left)"
    check_status=1
  else
    say "renewal: not due; due from $(show_time "$DUE_AT") (when less than $RENEW_AT_PERCENT% of its lifetime is left)"
  fi
  if pending_usable; then
    say "pending: serial $PENDING_SERIAL was issued but not installed yet (docker did not come back with it); the next run installs it"
    check_status=1
  fi
  if [ -f "$STATE" ]; then
    last_outcome=$(state_value outcome)
    say "last attempt: $(show_time "$(state_value time)"), serial $(state_value serial): $last_outcome: $(state_value message)"
    [ "$last_outcome" = ok ] || check_status=1
  else
    say "last attempt: none yet"
  fi
  say "dashboard: $DASHBOARD_URL"
  exit "$check_status"
}

usage() {
  printf '%s\n' "Usage: $SCRIPT_NAME [--now | --check]" \
    "  (no option)  renew $CERT_DIR/${CERT_FILE} when less than $RENEW_AT_PERCENT% of its lifetime is left" \
    "  --now        renew it now, whatever is left" \
    "  --check      show the certificate, when it is due and how the last attempt went; exit 0" \
    "               when nothing is due, 1 when it is due or the last attempt failed" \
    "DOCKPKI_URL replaces the dashboard's address ($DASHBOARD_URL); DOCKPKI_NOW (unix seconds)" \
    "decides whether renewal is due as if it were then."
}

# --- main

ACTION=due
case $# in
  0) ;;
  1)
    case $1 in
      --now) ACTION=now ;;
      --check) ACTION=check ;;
      -h | --help)
        usage
        exit 0
        ;;
      *)
        warn "unknown option: $1"
        usage >&2
        exit 2
        ;;
    esac
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac

umask 077
ATTEMPT=no
REACHED=no
LOCKED=no
TMP=
TMP_KEEP=no
SERIAL=
INSTALLING_PENDING=no
PENDING_SERIAL=
case $DASHBOARD_URL in
  http://?* | https://?*) ;;
  *) fail "the dashboard's address $DASHBOARD_URL does not start with http:// or https://" ;;
esac
case $DASHBOARD_URL in
  *[!]A-Za-z0-9._~:/[-]*) fail "the dashboard's address $DASHBOARD_URL holds a character a URL does not need" ;;
esac
case $DUE_CLOCK in
  *[!0-9]*) fail "DOCKPKI_NOW must be a time in unix seconds, not $DUE_CLOCK" ;;
esac
check_mode
need_tools openssl awk sed mktemp
[ "$ACTION" = check ] || need_tools curl $MODE_TOOLS
read_cert "$CERT_DIR/${CERT_FILE}" || fail "there is no certificate to renew at $CERT_DIR/${CERT_FILE}"
SERIAL=$CERT_SERIAL
NOT_BEFORE=$CERT_NOT_BEFORE
NOT_AFTER=$CERT_NOT_AFTER
decide_due
[ "$ACTION" != check ] || show_check
trap finish_on_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
take_lock
drop_stale_pending
if pending_usable; then
  install_pending
  exit 0
fi
if [ "$ACTION" = due ] && [ "$DUE" = no ]; then
  say "$SCRIPT_NAME: not due: serial $SERIAL is valid until $(show_time "$NOT_AFTER"); renewal is due from $(show_time "$DUE_AT")"
  exit 0
fi
renew
`;

const SERVER_MODE = `# --- server mode: the files dockerd uses, replaced with keep-and-roll-back

check_mode() {
  [ "$ACTION" = check ] || [ "$(id -u)" -eq 0 ] || fail "run this as root: sudo $0"
}

served_serial() {
  timeout 5 openssl s_client -connect "127.0.0.1:$TLS_PORT" </dev/null 2>/dev/null |
    openssl x509 -noout -serial 2>/dev/null | sed 's/^serial=//' | tr 'A-F' 'a-f'
}

# install_new: unless docker comes back serving the new certificate, give_up puts the previous files
# back, restarts docker with them and calls on_give_up
install_new() {
  start_work
  put_file "$TMP/new-ca.pem" "$CERT_DIR/${CA_FILE}" 0644
  put_file "$TMP/new-cert.pem" "$CERT_DIR/${CERT_FILE}" 0644
  put_file "$TMP/new-key.pem" "$CERT_DIR/${KEY_FILE}" 0600
  restart_docker_or_roll_back "$TLS_PORT" "$CERT_DIR/${CERT_FILE}"
  keep_changes
  clean_up
  trap finish_on_exit EXIT
  SERVED=$(served_serial)
  DONE_WHERE="docker serves it on port $TLS_PORT"
}

on_give_up() {
  keep_pending
  record failed "$1" "$SERIAL"
  report failed "" "$1" "$SERIAL" "$TMP/cur-key.pem" || :
  finish
}
`;

const CLIENT_MODE = String.raw`# --- client mode: the files of this folder, and the docker contexts made from them

check_mode() { :; }

# write_new: the new files beside the old ones, as *.dockpki-tmp with their final modes
write_new() {
  for f in ca cert key; do
    cp -- "$TMP/new-$f.pem" "$CERT_DIR/$f.pem.dockpki-tmp" 2>"$TMP/error" || return 1
  done
  chmod 0644 "$CERT_DIR/${CA_FILE}.dockpki-tmp" "$CERT_DIR/${CERT_FILE}.dockpki-tmp" 2>"$TMP/error" &&
    chmod 0600 "$CERT_DIR/${KEY_FILE}.dockpki-tmp" 2>"$TMP/error"
}

# put_back NAME...: the previous NAME.pem files, from the copies
put_back() {
  for kept in "$@"; do
    cp -p -- "$TMP/cur-$kept.pem" "$CERT_DIR/$kept.pem.dockpki-tmp" &&
      mv -f -- "$CERT_DIR/$kept.pem.dockpki-tmp" "$CERT_DIR/$kept.pem" || {
      TMP_KEEP=yes
      warn "could not put back $CERT_DIR/$kept.pem: the previous one is $TMP/cur-$kept.pem"
    }
  done
  rm -f -- "$CERT_DIR/${CA_FILE}.dockpki-tmp" "$CERT_DIR/${CERT_FILE}.dockpki-tmp" "$CERT_DIR/${KEY_FILE}.dockpki-tmp"
}

# update_contexts: a docker context keeps its own copy of the files (docker/cli#1931), so each one
# made from this folder's previous certificate is pointed at the new files
update_contexts() {
  CONTEXTS=
  command -v docker >/dev/null 2>&1 || return 0
  docker context ls -q </dev/null >"$TMP/contexts" 2>/dev/null || return 0
  while read -r context; do
    [ -n "$context" ] && [ "$context" != default ] || continue
    context_cert=$DOCKER_CONFIG_DIR/contexts/tls/$(printf '%s' "$context" | openssl dgst -sha256 -r | cut -c 1-64)/docker/${CERT_FILE}
    [ -f "$context_cert" ] && [ "$(cat "$context_cert")" = "$(cat "$TMP/cur-cert.pem")" ] || continue
    context_host=$(docker context inspect --format '{{.Endpoints.docker.Host}}' "$context" </dev/null 2>/dev/null || :)
    spec="host=$context_host,ca=$CERT_DIR/${CA_FILE},cert=$CERT_DIR/${CERT_FILE},key=$CERT_DIR/${KEY_FILE}"
    case $context_host in
      '' | *[,=\"]*)
        warn "warning: docker context $context was not updated: cannot read its host"
        continue
        ;;
    esac
    case $CERT_DIR in
      *[,=\"]*)
        warn "warning: docker context $context was not updated: the path of this folder holds a comma, = or quote"
        continue
        ;;
    esac
    if docker context update "$context" --docker "$spec" </dev/null >/dev/null 2>"$TMP/error"; then
      CONTEXTS="$CONTEXTS $context"
    else
      warn "warning: docker context $context was not updated: $(first_line "$TMP/error")"
    fi
  done <"$TMP/contexts"
}

# install_new: all new files are written before the first one is moved in place; if one cannot be
# moved, those already moved are put back
install_new() {
  if ! write_new; then
    why=$(first_line "$TMP/error")
    put_back
    fail "cannot write in $CERT_DIR: $why"
  fi
  moved=
  for f in ca cert key; do
    if ! mv -f -- "$CERT_DIR/$f.pem.dockpki-tmp" "$CERT_DIR/$f.pem" 2>"$TMP/error"; then
      why=$(first_line "$TMP/error")
      put_back $moved
      fail "cannot replace $CERT_DIR/$f.pem ($why); the previous files are back"
    fi
    moved="$moved $f"
  done
  update_contexts
  SERVED=
  DONE_WHERE="the files are in $CERT_DIR"
  [ -z "$CONTEXTS" ] || DONE_WHERE="$DONE_WHERE; docker contexts updated:$CONTEXTS"
}
`;

/**
 * dockpki-renew, POSIX sh. "server": installed on a Docker host as /usr/local/sbin/dockpki-renew,
 * it renews the files in sslDir and restarts docker (keep-and-roll-back). "client": it sits in a
 * client bundle's folder and renews the files there, and the docker contexts made from them.
 * Run as `dockpki-renew [--now | --check]`; the protocol is lib/renewal/PROTOCOL.md.
 */
export function renderRenewAgent(
  mode: "server" | "client",
  agent: AgentSettings,
  server?: { host: BundleHost; sslDir: string },
): string {
  const a = checkAgentSettings(agent);
  let what: string;
  let modeLines: string;
  let modeShell: string;
  if (mode === "server") {
    if (!server) throw new Error("A server's renewal agent needs its host and certificate directory.");
    const host = checkHost(server.host);
    const sslDir = checkSslDir(server.sslDir);
    what = `# It renews this host's files in ${sslDir} and restarts docker, which must then serve the new
# certificate on port ${host.port}, or the previous files are put back.`;
    modeLines = `SSL_DIR=${shellQuote(sslDir)}
CERT_DIR=$SSL_DIR
TLS_PORT=${host.port}
TLS_WAIT=${TLS_WAIT_SECONDS}
RESTART_WAIT=${RESTART_WAIT_SECONDS}
${RESTART_WAIT_OVERRIDE}
PURPOSE=sslserver
MODE_TOOLS="timeout systemctl"`;
    modeShell = `${KEEP_AND_ROLL_BACK}\n${SERVER_MODE}`;
  } else {
    what = "# It renews the files in the folder it sits in (or DOCKPKI_DIR), and the docker contexts made from them.";
    modeLines = `CERT_DIR=\${DOCKPKI_DIR:-$(CDPATH= cd -- "$(dirname -- "$0")" && pwd -P)}
DOCKER_CONFIG_DIR=\${DOCKER_CONFIG:-\${HOME:-}/.docker}
PURPOSE=sslclient
MODE_TOOLS=`;
    modeShell = `${SAY_AND_WARN}\n${CLIENT_MODE}`;
  }
  return `#!/bin/sh
# ${RENEW_AGENT}: renews a certificate issued by dockpki before it expires (dockpki renewal protocol v1).
# Usage: ${RENEW_AGENT} [--now | --check]   (--help says more)
${what}
set -eu
SCRIPT_NAME=${RENEW_AGENT}
${modeLines}
${dashboardVariables(a)}
RENEW_AT_PERCENT=${a.renewAtRemainingPercent}
DUE_CLOCK=\${DOCKPKI_NOW:-}
STATE=$CERT_DIR/${RENEW_STATE_FILE}
PENDING=$CERT_DIR/${RENEW_AGENT}.pending
NEXT_KEY=$CERT_DIR/${RENEW_AGENT}.next-key.pem
LOCK=$CERT_DIR/${RENEW_AGENT}.lock

${modeShell}
${DASHBOARD_SHELL}
${AGENT_SHELL}`;
}
