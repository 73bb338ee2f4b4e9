#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# How fast 'mptcpkit connect/listen' moves data over loopback, next to socat
# (TCP, and MPTCP through mptcpize). Prints MB/s per tool, best of RUNS.
#   bench/connect-throughput.sh [BUILD_DIR] [MIB] [RUNS]
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
K=${1:-$TOP/build}/tools/mptcpkit
MIB=${2:-256}
RUNS=${3:-3}
PORT=5790
DATA=$(mktemp /tmp/mpk-bench.XXXXXX)
trap 'rm -f "$DATA"' EXIT
head -c "${MIB}M" /dev/urandom >"$DATA"

# run_one SERVER-CMD CLIENT-CMD: seconds for the client to send DATA and
# the server to finish. @PORT@ in the commands is replaced by a fresh port.
run_one() {
	local srv=${1//@PORT@/$PORT} cli=${2//@PORT@/$PORT} pid t0 t1
	bash -c "$srv" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 50); do ss -Hltn "sport = :$PORT" | grep -q . && break; sleep 0.1; done
	t0=$(date +%s.%N)
	bash -c "$cli" <"$DATA" >/dev/null 2>&1
	wait "$pid"
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

best() {
	local name=$1 b=999 t
	for _ in $(seq "$RUNS"); do
		t=$(run_one "$2" "$3")
		PORT=$((PORT + 1))
		b=$(echo "if ($t < $b) $t else $b" | bc -l)
	done
	printf '%-28s %8.0f MB/s  (%d MiB, best of %d)\n' "$name" "$(echo "$MIB * 1.048576 / $b" | bc -l)" "$MIB" "$RUNS"
}

best "mptcpkit (MPTCP)" "$K listen @PORT@ </dev/null" "$K connect 127.0.0.1 @PORT@"
if command -v socat >/dev/null; then
	best "socat (TCP)" "socat -u TCP-LISTEN:@PORT@,reuseaddr - </dev/null" "socat -u - TCP:127.0.0.1:@PORT@"
	command -v mptcpize >/dev/null &&
		best "mptcpize socat (MPTCP)" "mptcpize run socat -u TCP-LISTEN:@PORT@,reuseaddr -" \
			"mptcpize run socat -u - TCP:127.0.0.1:@PORT@"
fi
