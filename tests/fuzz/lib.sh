# SPDX-License-Identifier: GPL-2.0-or-later
# The fuzz runners' common part (source it): build one libFuzzer target
# with clang (ASan + UBSan) and run it on a scratch directory plus seeds.
#   fuzz_build NAME CLANG-ARGS...   -> $OUT/fuzz-NAME; exit 77 when clang
#                                     cannot build a fuzzer, 1 on an error
#   fuzz_run NAME MAX_LEN DEFAULT_SECONDS [CORPUS...] -- [libFuzzer options]
# FUZZ_OUT (default build-fuzz/) holds the binaries and any crash-*; a new
# scratch directory (removed at exit) gets the inputs found; $SCRATCH may
# be seeded before fuzz_run.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${FUZZ_OUT:-$TOP/build-fuzz}
CC=${CLANG:-clang}
mkdir -p "$OUT"
command -v "$CC" >/dev/null || { echo "# SKIP no clang"; exit 77; }
SCRATCH=$(mktemp -d "/tmp/mpk-fuzz.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT

# Every subsystem folder of tools/, as meson's tools_inc has them.
TOOLS_INC=(-I"$TOP/tools")
for d in "$TOP"/tools/*/; do TOOLS_INC+=(-I"$d"); done

fuzz_build() {
	local name=$1 log="$OUT/build-$1.log"
	shift
	if "$CC" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -D_GNU_SOURCE -I"$TOP/include" -I"$TOP/lib" \
		"${TOOLS_INC[@]}" "$@" -o "$OUT/fuzz-$name" 2>"$log"; then
		return 0
	fi
	if grep -q -e "fuzzer" -e "cannot find" "$log"; then
		echo "# SKIP clang cannot build a libFuzzer target: $(head -1 "$log")"
		exit 77
	fi
	cat "$log" >&2
	exit 1
}

fuzz_run() {
	local name=$1 max_len=$2 seconds=$3 corpora=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		corpora+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	[ $# -eq 0 ] && set -- -max_total_time="$seconds"
	"$OUT/fuzz-$name" -artifact_prefix="$OUT/" -max_len="$max_len" "$@" \
		"$SCRATCH" ${corpora[@]+"${corpora[@]}"}
}
