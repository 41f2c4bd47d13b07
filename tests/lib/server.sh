# The one way a test script starts a server (the reference server, the hostile server, the test
# resource, a small Python server): on 127.0.0.1 with a port the server picks (give it --port 0
# or its equivalent), announced by a line "listening on URL" on its stdout. POSIX sh, so that the sh
# scripts (proof.sh, jwt_attacks.sh, discovery.sh) source it as well as the bash ones.
#
#   start_server VAR_URL VAR_PID [--out FILE] [--err FILE] [--timeout SECONDS] -- COMMAND ARGS...
#
# Starts COMMAND in the background, its stdout to --out and its stderr to --err (defaults: files
# in $WORK, else in a new temporary directory; --err the same file as --out puts both in one),
# and waits for its listening line. Sets VAR_URL to the URL (scheme://127.0.0.1:PORT: the first
# word after "listening on") and VAR_PID to its pid, which stop_servers stops. When the line does
# not come within the timeout (default 10 s, or $AC_SERVER_TIMEOUT), or the server exits first,
# prints why and the server's stderr on stderr, stops it and returns 1: callers write
# `start_server URL PID -- ... || fail "..."` or `|| exit 1`.
#
#   cluster_nodes FILE N
#                    the nodes of `authconform-refserver --cluster N` whose stdout is FILE (its
#                    "listening on URL (node K)" lines follow the balancer's, which start_server
#                    read): waits up to 5 s for N of them, then prints one spec "nK=HOST:PORT" per
#                    line, node 1 first, as --node takes it. N 0: prints nothing. Returns 1 when
#                    the lines do not come.
#
#   stop_servers     stops every server start_server started that still runs (SIGTERM, then
#                    waits for it): for the caller's EXIT trap.
#
# Variables of these functions start with _ss_ (POSIX sh has no local variables).

AC_SERVER_PIDS=${AC_SERVER_PIDS:-}   # sourcing twice keeps the servers already started

start_server() {
  _ss_url_var=$1 _ss_pid_var=$2
  shift 2
  _ss_dir=${WORK:-} _ss_out="" _ss_err="" _ss_timeout=${AC_SERVER_TIMEOUT:-10}
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    case $1 in
    --out) _ss_out=$2; shift 2 ;;
    --err) _ss_err=$2; shift 2 ;;
    --timeout) _ss_timeout=$2; shift 2 ;;
    *) echo "start_server: unknown option '$1'" >&2; return 2 ;;
    esac
  done
  [ "${1:-}" = "--" ] || { echo "start_server: expected -- COMMAND ARGS..." >&2; return 2; }
  shift
  if [ -z "$_ss_out" ]; then
    [ -n "$_ss_dir" ] || _ss_dir=$(mktemp -d)
    _ss_out=$(mktemp "$_ss_dir/server.XXXXXX")
  fi
  [ -n "$_ss_err" ] || _ss_err="$_ss_out.err"
  # Created before the server starts, so the first read below never races the server's shell.
  : >"$_ss_out"
  if [ "$_ss_err" = "$_ss_out" ]; then
    "$@" >"$_ss_out" 2>&1 &
  else
    "$@" >"$_ss_out" 2>"$_ss_err" &
  fi
  _ss_pid=$!
  AC_SERVER_PIDS="$AC_SERVER_PIDS $_ss_pid"
  eval "$_ss_pid_var=\$_ss_pid"
  _ss_url="" _ss_n=0 _ss_max=$((_ss_timeout * 20))
  while :; do
    _ss_url=$(sed -n 's/^listening on \([^ ]*\).*/\1/p' "$_ss_out" | head -n 1)
    [ -n "$_ss_url" ] && break
    if ! kill -0 "$_ss_pid" 2>/dev/null; then
      _ss_url=$(sed -n 's/^listening on \([^ ]*\).*/\1/p' "$_ss_out" | head -n 1)
      [ -n "$_ss_url" ] && break
      _ss_why="exited before printing its listening line"
      break
    fi
    _ss_n=$((_ss_n + 1))
    if [ $_ss_n -ge $_ss_max ]; then
      _ss_why="printed no listening line within $_ss_timeout s"
      break
    fi
    sleep 0.05
  done
  if [ -z "$_ss_url" ]; then
    kill "$_ss_pid" 2>/dev/null && wait "$_ss_pid" 2>/dev/null
    {
      echo "start_server: $1 $_ss_why; its stderr ($_ss_err):"
      cat "$_ss_err" 2>/dev/null
      [ "$_ss_err" = "$_ss_out" ] || { echo "its stdout ($_ss_out):"; cat "$_ss_out"; }
    } >&2
    return 1
  fi
  eval "$_ss_url_var=\$_ss_url"
  return 0
}

cluster_nodes() {
  _ss_i=0
  while [ "$(grep -c '^listening on http://[^ ]* (node [0-9]*)$' "$1")" -lt "$2" ]; do
    _ss_i=$((_ss_i + 1))
    [ $_ss_i -le 50 ] || { echo "cluster_nodes: $2 node lines expected in $1" >&2; return 1; }
    sleep 0.1
  done
  sed -n 's|^listening on http://\([^ ]*\) (node \([0-9]*\))$|n\2=\1|p' "$1"
}

stop_servers() {
  # Only pids that are still this shell's jobs: a server the test stopped and waited for is gone
  # from the list, and its pid may since belong to another process. `jobs -p` goes to a file, not
  # through $(...): dash runs a command substitution without the parent's jobs.
  _ss_jobs=$(mktemp) || return 0
  jobs -p >"$_ss_jobs"
  for _ss_p in $AC_SERVER_PIDS; do
    if grep -qx "$_ss_p" "$_ss_jobs"; then
      kill "$_ss_p" 2>/dev/null && wait "$_ss_p" 2>/dev/null
    fi
  done
  rm -f "$_ss_jobs"
  AC_SERVER_PIDS=""
  return 0
}
