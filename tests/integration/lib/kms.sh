# Sourced by the KMS integration tests: build a throw-away KMS deployment in $WORK (TLS certificate
# made here with the openssl CLI, IdMS signing key, KEK file, database, community) and start / stop
# mcxsec-kmsd on free loopback ports.
#   kms_setup BACKEND(sqlite|pg)   -> $DB, $KMS_URL, $ADMIN_URL, $CA, $IDMS_KEY, ... ; may call kms_skip
#   kms_start / kms_stop / kms_kill9 / kms_write_ini
#   (limits and caps of the daemon from $KMS_IP_RATE, $KMS_GLOBAL_RATE, ... below; 0 = off)
#   tok USER [extra idms args]     -> prints an access token
#   req USER PATH                  -> prints a KmsRequest body
B=${MCXSEC_BIN_DIR:?MCXSEC_BIN_DIR not set}
MCX=$B/mcxsec
KMSD=$B/mcxsec-kmsd
ISS=https://idms.example.org
AUD=kms.example.org
KMS_URI=kms.example.org
SCOPE="openid 3gpp:mc:ptt_key_management_service"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

kms_skip() { echo "SKIP: $*"; exit 0; }

kms_setup() { # backend
  local backend=$1
  mkdir -p "$WORK"
  CA=$WORK/tls.crt
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/tls.key" -out "$CA" \
    -days 2 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost >/dev/null 2>&1
  IDMS_KEY=$WORK/idms.key
  "$MCX" idms keygen --out-private "$IDMS_KEY" --out-public "$WORK/idms.pub" >/dev/null
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$WORK/kek"; chmod 600 "$WORK/kek"
  if [[ $backend == pg ]]; then
    source "$(dirname "${BASH_SOURCE[0]}")/pg.sh"
    pg_start "$WORK" || kms_skip "PostgreSQL half not run: $PG_SKIP_REASON"
    DB=$PG_URL
  else
    DB=sqlite:$WORK/kms.db
  fi
  local out
  if ! out=$("$MCX" kms --db "$DB" init --kms-uri "$KMS_URI" --period 2592000 --kek-file "$WORK/kek" 2>&1); then
    if grep -q 'no ECCSI/SAKKE core' <<<"$out"; then
      kms_skip "this tree has no ECCSI/SAKKE core yet (crypto branches not merged): $out"
    fi
    echo "kms init failed: $out" >&2; exit 1
  fi
  PORT=$(free_port); APORT=$(free_port)
  KMS_URL=https://127.0.0.1:$PORT
  ADMIN_URL=http://127.0.0.1:$APORT
  kms_write_ini
}

# (Re)write $WORK/kmsd.ini from the $KMS_* settings (a restart applies it).
kms_write_ini() {
  cat > "$WORK/kmsd.ini" <<INI
[server]
listen = 127.0.0.1:$PORT
cert = $WORK/tls.crt
key = $WORK/tls.key
threads = ${KMS_THREADS:-4}
max_body = 16384
max_connections = ${KMS_MAX_CONNECTIONS:-1024}
per_ip_connections = ${KMS_PER_IP_CONNECTIONS:-0}
connection_timeout = ${KMS_CONNECTION_TIMEOUT:-60}
[admin]
listen = 127.0.0.1:$APORT
[database]
url = $DB
[secrets]
kek_file = $WORK/kek
require_mlock = ${KMS_REQUIRE_MLOCK:-no}
[auth]
issuer = $ISS
audience = $AUD
public_key = $WORK/idms.pub
max_skew = 30
[limits]
ip_rate = ${KMS_IP_RATE:-0}
ip_burst = ${KMS_IP_BURST:-20}
client_rate = ${KMS_CLIENT_RATE:-0}
client_burst = ${KMS_CLIENT_BURST:-20}
global_rate = ${KMS_GLOBAL_RATE:-0}
global_burst = ${KMS_GLOBAL_BURST:-10000}
max_inflight = 4096
[policy]
prefetch_periods = 1
past_periods = 1
[log]
audit_jsonl = $WORK/audit.jsonl
audit_queue = ${KMS_AUDIT_QUEUE:-512}
audit_per_source = ${KMS_AUDIT_PER_SOURCE:-1000}
audit_window_ms = ${KMS_AUDIT_WINDOW_MS:-50}
INI
}

kms_start() {
  "$KMSD" -c "$WORK/kmsd.ini" >"$WORK/kmsd.out" 2>>"$WORK/kmsd.err" &
  KMSD_PID=$!
  for _ in $(seq 1 100); do
    grep -q '^ready' "$WORK/kmsd.out" 2>/dev/null && return 0
    kill -0 "$KMSD_PID" 2>/dev/null || { cat "$WORK/kmsd.err" >&2; echo "mcxsec-kmsd died" >&2; return 1; }
    sleep 0.1
  done
  echo "mcxsec-kmsd did not become ready" >&2; return 1
}
kms_stop() {
  if [[ -n ${KMSD_PID:-} ]]; then kill -TERM "$KMSD_PID" 2>/dev/null || true; wait "$KMSD_PID" 2>/dev/null || true; fi
  KMSD_PID=
}
kms_kill9() {
  if [[ -n ${KMSD_PID:-} ]]; then kill -KILL "$KMSD_PID" 2>/dev/null || true; wait "$KMSD_PID" 2>/dev/null || true; fi
  KMSD_PID=
}

tok() { local u=$1; shift; "$MCX" idms issue-token --key "$IDMS_KEY" --iss "$ISS" --aud "$AUD" --id "$u" --scope "$SCOPE" "$@"; }

req() { # user path
  printf '<?xml version="1.0"?><KmsRequest xmlns="urn:3gpp:ns:mcsecKMSInterface:1.0" Version="1.1.0"><UserUri>%s</UserUri><KmsUri>%s</KmsUri><Time>%s</Time><ClientReqUrl>%s%s</ClientReqUrl></KmsRequest>' \
    "$1" "$KMS_URI" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$KMS_URL" "$2"
}

# post TOKEN PATH BODY-FILE -> sets $CODE and writes the body to $WORK/resp.xml
post() {
  local auth=()
  [[ -n $1 ]] && auth=(-H "Authorization: Bearer $1")
  CODE=$(curl -sS --cacert "$CA" -o "$WORK/resp.xml" -w '%{http_code}' -X POST "${auth[@]}" \
         -H 'Content-Type: application/xml' --data-binary @"$3" "$KMS_URL$2")
}

fail() { echo "FAIL: $*" >&2; [[ -f $WORK/resp.xml ]] && { echo "--- last response:" >&2; head -c 2000 "$WORK/resp.xml" >&2; echo >&2; }; exit 1; }
expect() { # code description
  [[ $CODE == "$1" ]] || fail "$2: expected HTTP $1, got $CODE"
  if [[ $1 != 200 ]]; then
    grep -q "<ErrorCode>$1</ErrorCode>" "$WORK/resp.xml" || fail "$2: no KmsError with ErrorCode $1"
  fi
  echo "ok   $1 $2"
}
