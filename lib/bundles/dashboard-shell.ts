import "server-only";

/** say and warn, as KEEP_AND_ROLL_BACK has them, for scripts that do not include it. */
export const SAY_AND_WARN = String.raw`say() { printf '%s\n' "$*"; }
warn() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }
`;

/**
 * POSIX sh functions that talk to the dashboard (lib/renewal/PROTOCOL.md) and check its answer: the
 * renewal agent's and the enrollment installers'. The caller sets SCRIPT_NAME, DASHBOARD_URL,
 * DASHBOARD_CA and TMP (a private folder), and defines fail REASON (one line, then exit 1).
 */
export const DASHBOARD_SHELL = String.raw`# --- the dashboard (dockpki renewal protocol v1)

# first_line FILE: a tool's first error line, without curl's "curl: (7) " in front
first_line() { head -n 1 "$1" | tr -d '\r' | sed 's/^curl: ([0-9]*) //'; }

# must WHAT COMMAND...: runs COMMAND; when it fails, fails with WHAT and the command's first error line
must() {
  must_what=$1
  shift
  "$@" 2>"$TMP/error" || fail "$must_what: $(first_line "$TMP/error")"
}

# need_tools TOOL...: fails, naming it, when one of them is not installed
need_tools() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 && continue
    case $tool in
      timeout) package=coreutils ;;
      systemctl) package=systemd ;;
      awk) package=gawk ;;
      *) package=$tool ;;
    esac
    fail "$tool is not installed, and $SCRIPT_NAME needs it: install it (apt-get install $package, or dnf install $package)"
  done
}

# make_key TYPE BITS KEY: a new private key KEY of TYPE: ecdsa-p256, ecdsa-p384, or rsa of BITS bits
make_key() {
  case $1 in
    ecdsa-p256) key_curve=P-256 ;;
    ecdsa-p384) key_curve=P-384 ;;
    rsa)
      must "openssl could not make a key" openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "$3"
      return 0
      ;;
    *) fail "dockpki makes no $1 keys" ;;
  esac
  must "openssl could not make a key" openssl genpkey -algorithm EC \
    -pkeyopt "ec_paramgen_curve:$key_curve" -pkeyopt ec_param_enc:named_curve -out "$3"
}

# make_csr KEY: a request for KEY in $TMP/csr.der, and CSR_B64 and CSR_SHA256 for the dashboard
# (which takes the names from its inventory: the subject is only a label)
make_csr() {
  must "openssl could not make a certificate request" \
    openssl req -new -key "$1" -subj "/CN=$SCRIPT_NAME" -outform DER -out "$TMP/csr.der"
  CSR_B64=$(openssl base64 -A -in "$TMP/csr.der")
  CSR_SHA256=$(openssl dgst -sha256 -r "$TMP/csr.der" | cut -c 1-64)
}

# post_json PATH REQUEST ANSWER: POSTs the JSON file REQUEST to the dashboard; its answer goes to
# the file ANSWER, its status to HTTP_STATUS. 1 when it cannot be reached (unreachable says why).
post_json() {
  post_url=$DASHBOARD_URL$1
  set -- -sS --proto =http,https --max-time 60 --max-filesize 1000000 -o "$3" -w '%{http_code}' \
    -H 'Content-Type: application/json' -H 'Accept: text/plain' --data-binary "@$2"
  if [ -n "$DASHBOARD_CA" ]; then
    printf '%s\n' "$DASHBOARD_CA" >"$TMP/dashboard-ca.pem"
    set -- "$@" --cacert "$TMP/dashboard-ca.pem"
  fi
  HTTP_STATUS=$(curl "$@" "$post_url" 2>"$TMP/error")
}

unreachable() { printf 'the dashboard is unreachable at %s: %s' "$DASHBOARD_URL" "$(first_line "$TMP/error")"; }

# answer_message ANSWER: the sentence of the dashboard's JSON error, or else its HTTP status
answer_message() {
  answer_text=$(awk '{ s = s $0 " " } END {
      if (!match(s, /"message"[ \t]*:[ \t]*"([^"\\]|\\.)*"/)) exit
      m = substr(s, RSTART, RLENGTH)
      sub(/^"message"[ \t]*:[ \t]*"/, "", m)
      sub(/"$/, "", m)
      gsub(/\\"/, "\"", m)
      print m
    }' "$1" 2>/dev/null || :)
  [ -n "$answer_text" ] || answer_text="HTTP status $HTTP_STATUS"
  # one line of text, whatever the answer held
  printf '%s' "$answer_text" | LC_ALL=C tr -d '\000-\037\177'
}

# split_answer ANSWER: the sections of a text answer as $TMP/new-cert.pem, $TMP/new-ca.pem and
# $TMP/new-cross.pem; 1 when ANSWER is not such an answer. Nothing but whole CERTIFICATE blocks
# passes: openssl would also trust "TRUSTED CERTIFICATE" blocks, which the checks below never see.
split_answer() {
  : >"$TMP/new-cert.pem"
  : >"$TMP/new-ca.pem"
  : >"$TMP/new-cross.pem"
  awk -v dir="$TMP" '
    { sub(/\r$/, "") }
    NR == 1 { if ($0 != "# dockpki-renew-v1") exit 1; next }
    $0 == "# end" { ended = 1; exit }
    $0 == "# cert.pem" || $0 == "# ca.pem" || $0 == "# cross.pem" {
      if (inside) exit 1
      out = dir "/new-" substr($0, 3)
      next
    }
    out == "" { exit 1 }
    $0 == "-----BEGIN CERTIFICATE-----" { if (inside) exit 1; inside = 1; print > out; next }
    $0 == "-----END CERTIFICATE-----" { if (!inside) exit 1; inside = 0; print > out; next }
    inside && /^[A-Za-z0-9+\/=]+$/ { print > out; next }
    { exit 1 }
    END { if (!ended || inside) exit 1 }' "$1"
}

# is_ca CERT: CERT says it is a CA (basicConstraints CA:TRUE)
is_ca() { openssl x509 -in "$1" -noout -text 2>/dev/null | grep -q 'CA:TRUE'; }

# is_self_signed CERT: CERT is a root: issued by itself, and its signature checks with its own key
is_self_signed() {
  [ "$(openssl x509 -in "$1" -noout -subject 2>/dev/null | sed 's/^subject=//')" = \
    "$(openssl x509 -in "$1" -noout -issuer 2>/dev/null | sed 's/^issuer=//')" ] &&
    verify_with "$1" "$1"
}

# count_certs FILE: how many certificates FILE holds
count_certs() { grep -c -e '-----BEGIN CERTIFICATE-----' "$1" || :; }

# split_pem FILE PREFIX: each certificate of FILE as PREFIX.1, PREFIX.2...; says how many
split_pem() {
  awk -v p="$2" '
    /-----BEGIN CERTIFICATE-----/ { n++; out = p "." n }
    out != "" { print > out }
    /-----END CERTIFICATE-----/ { if (out != "") close(out); out = "" }
    END { print n + 0 }' "$1"
}

fingerprint() { openssl x509 -in "$1" -noout -fingerprint -sha256 2>/dev/null | sed 's/^.*=//'; }
subject() { openssl x509 -in "$1" -noout -subject 2>/dev/null; }
public_key() { openssl x509 -in "$1" -noout -pubkey 2>/dev/null; }

# is_key_of CERT KEY: KEY is CERT's private key
is_key_of() {
  cert_key=$(public_key "$1")
  [ -n "$cert_key" ] && [ "$cert_key" = "$(openssl pkey -in "$2" -pubout 2>/dev/null)" ]
}

# verify_with CAFILE CERT [OPTION...]: openssl verify trusting CAFILE and nothing else (it would also
# trust the system's CAs); VERIFY_ERROR says why not
verify_with() {
  verify_ca=$1
  verify_cert=$2
  shift 2
  set -- -no-CApath -CAfile "$verify_ca" "$@"
  if openssl verify -help 2>&1 | grep -q -e -no-CAstore; then set -- -no-CAstore "$@"; fi
  openssl verify "$@" "$verify_cert" >"$TMP/verify" 2>&1 && return 0
  VERIFY_ERROR=$(sed -n 's/^error [0-9]* at [0-9]* depth lookup: *//p' "$TMP/verify" | head -n 1)
  return 1
}

# check_leaf PURPOSE KEY: the answer's cert.pem is a certificate for KEY (followed by the issuing CA
# when dockpki issues from an intermediate, and during a CA rotation the cross certificate) that the
# answer's ca.pem vouches for as a PURPOSE
# (sslserver or sslclient) certificate
check_leaf() {
  leaf_count=$(count_certs "$TMP/new-cert.pem")
  [ "$leaf_count" -ge 1 ] && [ "$leaf_count" -le 4 ] || fail "the dashboard's answer does not hold a certificate and its chain in cert.pem"
  [ "$(count_certs "$TMP/new-ca.pem")" -ge 1 ] || fail "the dashboard's answer holds no CA certificate"
  verify_with "$TMP/new-ca.pem" "$TMP/new-cert.pem" -purpose "$1" -untrusted "$TMP/new-cert.pem" ||
    fail "the new certificate does not chain to the CA certificates of the dashboard's answer ($1): $VERIFY_ERROR"
  is_key_of "$TMP/new-cert.pem" "$2" || fail "the new certificate is not for the key made for it"
}
`;
