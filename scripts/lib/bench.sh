# Sourced by the benchmark scripts: `sql` on the local primary, and for the memory benchmarks
# `sluice run` (release build) in the background and its resident memory from /proc.

sql() { mariadb --no-defaults -h127.0.0.1 -P"${SLUICE_MYSQL_PORT:-3307}" -usluice -psluice "$@"; }

# start_sluice_run CONFIG LOG: starts it ($SLUICE_BIN, default the release build), its pid in
# $pid, and returns once it streams the binlog (its binlog connection shows up on the server; it
# has written nothing yet).
start_sluice_run() {
    "${SLUICE_BIN:-.build/release/sluice}" run --config "$1" --log-level warning 2>"$2" &
    pid=$!
    for _ in $(seq 100); do
        sql -N -e "SHOW PROCESSLIST" | grep -q "Binlog Dump" && return 0
        sleep 0.1
    done
}

# memory [FIELD...]: the process's resident memory figures (default VmHWM VmRSS RssAnon RssFile) on one line.
memory() {
    local fields
    fields=$(IFS='|'; echo "${*:-VmHWM|VmRSS|RssAnon|RssFile}")
    grep -E "$fields" /proc/$pid/status | tr -s ' \t' ' ' | tr '\n' ' '
}
