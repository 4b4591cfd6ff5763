#!/usr/bin/env bash
#
# Spindle benchmark: builds and installs Spindle, builds the bench project (which brings in Spark), generates
# the data (or reuses it), runs the workloads on Spindle (in-process and local-cluster), Spark and plain Java, and
# prints a Markdown table.
#
#   bench/run.sh [--scale S] [--reps N] [--workloads LIST] [--engines LIST] [--data-dir DIR] [--heap SIZE]
#                [--threads N] [--cds on|off] [--skip-build] [other harness options: java -cp harness/target/classes
#                dev.spindle.bench.BenchMain --help]
#
# Environment (flags win): BENCH_SCALE (1), BENCH_REPS (3), BENCH_WORKLOADS (all), BENCH_ENGINES (all),
# BENCH_DATA_DIR (/tmp/spindle-bench-data), BENCH_HEAP (4g), SPARK_VERSION (the bench pom's), JAVA_HOME.
#
# Full run (about 1.5 GB of data, dozens of minutes on 2 cores):  bench/run.sh
# Smoke run:                                                     bench/run.sh --scale 0.01 --reps 1
#
# The table goes to stdout and to bench/results/bench-TIMESTAMP.md; progress and build output go to stderr.

set -euo pipefail

die() {
  echo "run.sh: error: $*" >&2
  exit 2
}

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo_dir="$(dirname "$bench_dir")"

scale="${BENCH_SCALE:-1}"
reps="${BENCH_REPS:-3}"
workloads="${BENCH_WORKLOADS:-all}"
engines="${BENCH_ENGINES:-all}"
data_dir="${BENCH_DATA_DIR:-/tmp/spindle-bench-data}"
heap="${BENCH_HEAP:-4g}"
build=true
extra=()

while [ $# -gt 0 ]; do
  case "$1" in
    --scale) [ $# -ge 2 ] || die "--scale needs a value"; scale="$2"; shift 2 ;;
    --reps) [ $# -ge 2 ] || die "--reps needs a value"; reps="$2"; shift 2 ;;
    --workloads) [ $# -ge 2 ] || die "--workloads needs a value"; workloads="$2"; shift 2 ;;
    --engines) [ $# -ge 2 ] || die "--engines needs a value"; engines="$2"; shift 2 ;;
    --data-dir) [ $# -ge 2 ] || die "--data-dir needs a value"; data_dir="$2"; shift 2 ;;
    --heap) [ $# -ge 2 ] || die "--heap needs a value"; heap="$2"; shift 2 ;;
    --skip-build) build=false; shift ;;
    -h|--help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) extra+=("$1"); shift ;;
  esac
done

if [ -n "${JAVA_HOME:-}" ]; then
  java="$JAVA_HOME/bin/java"
else
  java="$(command -v java)" || die "java not found: set JAVA_HOME or put java (17+) on the PATH"
fi

if $build; then
  echo "run.sh: installing Spindle (mvn -DskipTests install in $repo_dir)" >&2
  (cd "$repo_dir" && mvn -B -q -DskipTests install) >&2
  echo "run.sh: building the bench project" >&2
  spark_flag=()
  if [ -n "${SPARK_VERSION:-}" ]; then spark_flag=("-Dspark.version=$SPARK_VERSION"); fi
  (cd "$bench_dir" && mvn -B -q ${spark_flag[@]+"${spark_flag[@]}"} package) >&2
fi

label="$(git -C "$repo_dir" describe --always --dirty 2>/dev/null || echo unknown)"

exec "$java" -cp "$bench_dir/harness/target/classes" dev.spindle.bench.BenchMain \
  --bench-dir "$bench_dir" --scale "$scale" --reps "$reps" --workloads "$workloads" --engines "$engines" \
  --data-dir "$data_dir" --heap "$heap" --label "spindle $label" ${extra[@]+"${extra[@]}"}
