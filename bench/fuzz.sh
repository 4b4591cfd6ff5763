#!/usr/bin/env bash
#
# Long fuzz run of the RPC and block servers: the test CI runs (RpcFuzzTest, a short budget and a fixed seed),
# with a longer budget per server and a seed of your choice (default: a new one each run, printed first so that a
# failure can be replayed with --seed).
#
#   bench/fuzz.sh [--minutes M] [--seed N]
#
# Not a benchmark of speed and not a CI gate: it fails when a server crashes, allocates past the frame limit,
# decodes anything before authentication, or stops serving a legitimate client.

set -euo pipefail

die() {
  echo "fuzz.sh: error: $*" >&2
  exit 2
}

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo_dir="$(dirname "$bench_dir")"
minutes=10
seed="$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || die "--minutes needs a positive whole number"
      minutes="$2"; shift 2 ;;
    --seed) [[ $# -ge 2 && "$2" =~ ^-?[0-9]+$ ]] || die "--seed needs a whole number"
      seed="$2"; shift 2 ;;
    -h|--help) sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

# The budget is per server (RPC and block server), so the run takes about twice it.
budget_ms=$(( minutes * 60 * 1000 / 2 ))
echo "fuzz.sh: seed ${seed}, ${minutes} min (replay: bench/fuzz.sh --seed ${seed} --minutes ${minutes})"
cd "$repo_dir"
mvn -B -q test -Dtest=RpcFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Drpc.fuzz.seed="$seed" -Drpc.fuzz.budgetMillis="$budget_ms" -Djunit.jupiter.execution.timeout.mode=disabled
echo "fuzz.sh: no failure in ${minutes} min with seed ${seed}"
