#!/usr/bin/env bash
# A real third-party OAuth2 server for the tests: glewlwyd (Debian 12 package), on 127.0.0.1 with
# a port chosen at run time, an SQLite database seeded before start, and optionally the test
# resource server (tests/realserver/resource.c) validating tokens through glewlwyd's introspection.
#   glewlwyd.sh start WORKDIR [RESOURCE_BIN]   writes WORKDIR/env, prints one "ready" line
#   glewlwyd.sh stop WORKDIR                   SIGTERM to every process start left, then waits
# Or source it and call glewlwyd_start / glewlwyd_stop (same arguments). WORKDIR/env holds shell
# assignments (ISSUER, TOKEN_ENDPOINT, INTROSPECTION_ENDPOINT, REVOCATION_ENDPOINT, JWKS_URI,
# CLIENT_ID, CLIENT_SECRET, SECOND_CLIENT_ID, SECOND_CLIENT_SECRET, SCOPE, EXTRA_SCOPE,
# RESOURCE_URL, GLEWLWYD_PID, RESOURCE_PID): `. WORKDIR/env` after start.
# Exit status of start: 0 ready, 77 glewlwyd (or sqlite3, openssl, curl) not installed, 1 failure
# (every process already started is stopped again). Logs: WORKDIR/glewlwyd.log, WORKDIR/resource.log.

GLEWLWYD_BIN=${GLEWLWYD_BIN:-/usr/bin/glewlwyd}
GLEWLWYD_SCHEMA=${GLEWLWYD_SCHEMA:-/usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz}
GLEWLWYD_MODULES=/usr/lib/glewlwyd
GLEWLWYD_TOKEN_SECONDS=${GLEWLWYD_TOKEN_SECONDS:-10}   # several seconds: 2 busy cores stay green, and
# 10 + expiry_leeway (5) fits the generic suite's max_wait (20) while 10 - 5 leaves the revocation
# checks room to tell a revocation from an expiry
GLEWLWYD_PBKDF2_ITERATIONS=1000   # written into the client module's parameters and used below

gl_err() { echo "glewlwyd.sh: $*" >&2; }
# shellcheck source=../lib/server.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/server.sh"

# gl_missing: names the first missing tool on stdout, nothing when all are there.
gl_missing() {
  [ -x "$GLEWLWYD_BIN" ] || { echo "glewlwyd ($GLEWLWYD_BIN; scripts/setup --tests installs it)"; return; }
  [ -r "$GLEWLWYD_SCHEMA" ] || { echo "glewlwyd's schema $GLEWLWYD_SCHEMA"; return; }
  local t
  for t in sqlite3 openssl curl; do
    command -v "$t" >/dev/null 2>&1 || { echo "$t"; return; }
  done
}

# gl_json_string: stdin as a JSON string literal (PEM keys: newlines, no quotes or backslashes).
gl_json_string() { awk 'BEGIN { printf "\"" } { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "%s\\n", $0 } END { printf "\"" }'; }

# gl_pbkdf2 SECRET: the client database module's SQLite password format: base64 of
# PBKDF2-HMAC-SHA256(secret, salt, iterations, 32 bytes) followed by the 16-character salt.
gl_pbkdf2() {
  local salt
  salt=$(openssl rand -hex 8)
  { openssl kdf -binary -keylen 32 -kdfopt digest:SHA256 -kdfopt "pass:$1" -kdfopt "salt:$salt" \
      -kdfopt "iter:$GLEWLWYD_PBKDF2_ITERATIONS" PBKDF2 && printf %s "$salt"; } | base64 -w0
}

# gl_free_port: a port nobody listens on right now (glewlwyd cannot take port 0; the caller
# retries when the bind still fails).
gl_free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  return 1
}

# gl_seed DB ISSUER WORKDIR: schema, oidc plugin instance, scopes and the two clients.
# Scopes: authconform (both clients), extra (client1 only). introspection-revocation-auth-scope
# stays empty, glewlwyd's default: a client introspects and revokes only its own tokens over
# HTTP Basic. So the resource server introspects as client1, the client whose tokens the suite
# presents; naming a scope there would let any client revoke any other client's tokens
# (observed with curl; tests/realserver/README.md), which is not what a default install does.
gl_seed() {
  local db=$1 issuer=$2 work=$3 key cert params
  zcat "$GLEWLWYD_SCHEMA" | sqlite3 "$db" || return 1
  key=$(gl_json_string <"$work/jwt-key.pem")
  cert=$(gl_json_string <"$work/jwt-cert.pem")
  params=$(cat <<EOF
{"iss":"$issuer","jwt-type":"rsa","jwt-key-size":"256","key":$key,"cert":$cert,
 "access-token-duration":$GLEWLWYD_TOKEN_SECONDS,"refresh-token-duration":1209600,"code-duration":600,
 "refresh-token-rolling":false,"allow-non-oidc":true,"auth-type-client-enabled":true,
 "auth-type-code-enabled":false,"auth-type-token-enabled":false,"auth-type-id-token-enabled":false,
 "auth-type-none-enabled":false,"auth-type-password-enabled":false,"auth-type-device-enabled":false,
 "auth-type-refresh-enabled":false,"allowed-scope":["openid","authconform","extra"],
 "introspection-revocation-allowed":true,"introspection-revocation-auth-scope":[],
 "introspection-revocation-allow-target-client":true,"jwks-show":true,"scope":[],
 "additional-parameters":[],"claims":[]}
EOF
)
  local sql="$work/seed.sql"
  {
    echo "BEGIN;"
    # The client module's password hash cost, explicit so gl_pbkdf2 matches it.
    echo "UPDATE g_client_module_instance SET gcmi_parameters = json_set(gcmi_parameters, '\$.pbkdf2-iterations', $GLEWLWYD_PBKDF2_ITERATIONS) WHERE gcmi_name = 'database';"
    printf "INSERT INTO g_plugin_module_instance (gpmi_module, gpmi_name, gpmi_display_name, gpmi_parameters, gpmi_enabled) VALUES ('oidc', 'oidc', 'OpenID Connect', '%s', 1);\n" "$params"
    for s in authconform extra; do
      echo "INSERT INTO g_scope (gs_name, gs_display_name, gs_description, gs_password_required, gs_password_max_age) VALUES ('$s', '$s', 'authconform tests', 0, 0);"
      echo "INSERT INTO g_client_scope (gcs_name) VALUES ('$s');"
    done
    gl_seed_client client1 "$CLIENT_SECRET" authconform extra
    gl_seed_client client2 "$SECOND_CLIENT_SECRET" authconform
    echo "COMMIT;"
  } >"$sql"
  sqlite3 "$db" <"$sql"
}

# gl_seed_client ID SECRET SCOPE...: SQL for one confidential client_credentials client.
gl_seed_client() {
  local id=$1 hash s m
  hash=$(gl_pbkdf2 "$2") || return 1
  shift 2
  echo "INSERT INTO g_client (gc_client_id, gc_name, gc_description, gc_confidential, gc_password, gc_enabled) VALUES ('$id', '$id', 'authconform tests', 1, '$hash', 1);"
  for s in "$@"; do
    echo "INSERT INTO g_client_scope_client (gc_id, gcs_id) VALUES ((SELECT gc_id FROM g_client WHERE gc_client_id = '$id'), (SELECT gcs_id FROM g_client_scope WHERE gcs_name = '$s'));"
  done
  for m in "authorization_type client_credentials" "token_endpoint_auth_method client_secret_basic" \
           "token_endpoint_auth_method client_secret_post"; do
    echo "INSERT INTO g_client_property (gc_id, gcp_name, gcp_value) VALUES ((SELECT gc_id FROM g_client WHERE gc_client_id = '$id'), '${m% *}', '${m#* }');"
  done
}

# gl_config FILE PORT URL DB: the libconfig file. TLS is off, yet glewlwyd wants the key and
# certificate files to exist: /dev/null.
gl_config() {
  cat >"$1" <<EOF
port=$2
bind_address="127.0.0.1"
external_url="$3"
login_url="login.html"
api_prefix="api"
static_files_path="/usr/share/glewlwyd/webapp/"
allow_origin="*"
log_mode="console"
log_level="INFO"
cookie_domain="127.0.0.1"
cookie_secure=0
session_expiration=3600
session_key="GLEWLWYD2_SESSION_ID"
admin_scope="g_admin"
profile_scope="g_profile"
user_module_path="$GLEWLWYD_MODULES/user"
user_middleware_module_path="$GLEWLWYD_MODULES/user_middleware"
client_module_path="$GLEWLWYD_MODULES/client"
user_auth_scheme_module_path="$GLEWLWYD_MODULES/scheme"
plugin_module_path="$GLEWLWYD_MODULES/plugin"
use_secure_connection=false
secure_connection_key_file="/dev/null"
secure_connection_pem_file="/dev/null"
hash_algorithm="SHA512"
database = { type = "sqlite3"; path = "$4"; };
EOF
}

# gl_wait_url URL PID SECONDS: 0 once URL answers 200, 1 when PID died or time ran out.
gl_wait_url() {
  for _ in $(seq 1 $(($3 * 10))); do
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# gl_stop_pid PID: SIGTERM, up to 5 s for it to go, then SIGKILL.
gl_stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    sleep 0.1
  done
  gl_err "pid $pid ignored SIGTERM for 5 s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

glewlwyd_stop() {
  local work=$1 pid
  [ -f "$work/pids" ] || return 0
  # The resource server first (it calls glewlwyd), then glewlwyd; one pid a line.
  for pid in $(tac "$work/pids"); do gl_stop_pid "$pid"; done
  rm -f "$work/pids"
}

glewlwyd_start() {
  local work=$1 resource_bin=${2:-} missing port url issuer gpid rpid attempt
  missing=$(gl_missing)
  if [ -n "$missing" ]; then gl_err "not installed: $missing"; return 77; fi
  mkdir -p "$work" && work=$(cd "$work" && pwd) || return 1
  : >"$work/pids"
  if ! openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/jwt-key.pem" 2>/dev/null ||
     ! openssl pkey -in "$work/jwt-key.pem" -pubout -out "$work/jwt-cert.pem" 2>/dev/null; then
    gl_err "openssl could not make the RSA key"; return 1
  fi
  CLIENT_SECRET=$(openssl rand -hex 24) SECOND_CLIENT_SECRET=$(openssl rand -hex 24)

  gpid=""
  for attempt in 1 2 3 4 5; do
    port=$(gl_free_port) || { gl_err "no free port found"; return 1; }
    url="http://127.0.0.1:$port"
    issuer="$url/api/oidc"
    rm -f "$work/glewlwyd.db"
    gl_seed "$work/glewlwyd.db" "$issuer" "$work" || { gl_err "seeding $work/glewlwyd.db failed"; return 1; }
    gl_config "$work/glewlwyd.conf" "$port" "$url" "$work/glewlwyd.db"
    "$GLEWLWYD_BIN" --config-file="$work/glewlwyd.conf" </dev/null >"$work/glewlwyd.log" 2>&1 &
    gpid=$!
    echo "$gpid" >>"$work/pids"
    gl_wait_url "$issuer/.well-known/openid-configuration" "$gpid" 15 && break
    gl_stop_pid "$gpid"
    sed -i "/^$gpid\$/d" "$work/pids"
    gpid=""
    # A port taken between the probe and the bind: try another one; anything else is fatal.
    grep -qiE "bind|address already in use|Error starting" "$work/glewlwyd.log" || break
    cp "$work/glewlwyd.log" "$work/glewlwyd.log.$attempt"
  done
  if [ -z "$gpid" ]; then
    gl_err "glewlwyd did not answer; last lines of $work/glewlwyd.log:"
    tail -n 15 "$work/glewlwyd.log" >&2
    glewlwyd_stop "$work"
    return 1
  fi

  # The discovery document must name exactly the issuer the tests use.
  local seen
  seen=$(curl -fsS --max-time 5 "$issuer/.well-known/openid-configuration" |
         sed -n 's/.*"issuer" *: *"\([^"]*\)".*/\1/p')
  if [ "$seen" != "$issuer" ]; then
    gl_err "discovery issuer is '$seen', expected '$issuer'"
    glewlwyd_stop "$work"; return 1
  fi

  local resource_url=""
  rpid=""
  if [ -n "$resource_bin" ]; then
    # The resource outlives this script (`stop` is another invocation): its pid goes to the
    # pids file, not to stop_servers.
    if ! start_server resource_url rpid --out "$work/resource.out" --err "$work/resource.log" -- \
      env AC_RESOURCE_SECRET="$CLIENT_SECRET" "$resource_bin" --port 0 \
      --introspect "$issuer/introspect" --client-id client1 --client-secret-env AC_RESOURCE_SECRET; then
      gl_err "the resource server did not start"
      glewlwyd_stop "$work"; return 1
    fi
    echo "$rpid" >>"$work/pids"
    resource_url="$resource_url/resource"
  fi

  cat >"$work/env" <<EOF
# Written by tests/realserver/glewlwyd.sh start; source it.
ISSUER='$issuer'
TOKEN_ENDPOINT='$issuer/token'
INTROSPECTION_ENDPOINT='$issuer/introspect'
REVOCATION_ENDPOINT='$issuer/revoke'
JWKS_URI='$issuer/jwks'
CLIENT_ID='client1'
CLIENT_SECRET='$CLIENT_SECRET'
SECOND_CLIENT_ID='client2'
SECOND_CLIENT_SECRET='$SECOND_CLIENT_SECRET'
SCOPE='authconform'
EXTRA_SCOPE='extra'
ACCESS_TOKEN_SECONDS='$GLEWLWYD_TOKEN_SECONDS'
RESOURCE_URL='$resource_url'
GLEWLWYD_PID='$gpid'
RESOURCE_PID='$rpid'
EOF
  return 0
}

# Run as a program (not sourced): dispatch on the first argument.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
  start) [ $# -ge 2 ] || { gl_err "usage: $0 start WORKDIR [RESOURCE_BIN]"; exit 2; }
         glewlwyd_start "$2" "${3:-}" || exit $?
         echo "glewlwyd ready at $(sed -n "s/^ISSUER='\(.*\)'\$/\1/p" "$2/env"); source $2/env," \
              "then stop with: $0 stop $2"
         exit 0 ;;
  stop)  [ $# -ge 2 ] || { gl_err "usage: $0 stop WORKDIR"; exit 2; }
         glewlwyd_stop "$2"; exit $? ;;
  *)     gl_err "usage: $0 start WORKDIR [RESOURCE_BIN] | stop WORKDIR"; exit 2 ;;
  esac
fi
