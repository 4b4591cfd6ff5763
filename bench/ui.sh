#!/usr/bin/env bash
#
# What the web UI costs: word count over the bench's Zipf words (512 MiB × --scale) in local[2] with
# spindle.ui.enabled=false and =true, interleaved, --reps runs each (default 5), medians of wall time and CPU time
# (user + system of the submitting process tree); then the load time of a 10,000-task stage's page and of the
# first page of its task table (bench/UiPageLoad.java). Uses the built checkout (mvn -DskipTests package first).
#
#   bench/ui.sh [--reps N] [--scale S] [--data-dir DIR]
#
# Not a test: nothing here gates CI.

set -euo pipefail

die() {
  echo "ui.sh: error: $*" >&2
  exit 2
}

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo_dir="$(dirname "$bench_dir")"
reps=5
scale=1
data_dir=/tmp/spindle-bench-data
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reps) [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || die "--reps needs a positive whole number"; reps="$2"; shift 2 ;;
    --scale) [[ $# -ge 2 ]] || die "--scale needs a value"; scale="$2"; shift 2 ;;
    --data-dir) [[ $# -ge 2 ]] || die "--data-dir needs a directory"; data_dir="$2"; shift 2 ;;
    -h|--help) sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
jar="$repo_dir/target/spindle-0.1.0-SNAPSHOT.jar"
[[ -f "$jar" ]] || die "no $jar: run 'mvn -DskipTests package' at the repository root first"
[[ -d "$bench_dir/harness/target/classes" ]] || (cd "$bench_dir/harness" && mvn -B -q -DskipTests compile)
words="$data_dir/ui-words-$scale.txt"
if [[ ! -f "$words" ]]; then
  mkdir -p "$data_dir"
  java -cp "$bench_dir/harness/target/classes" dev.spindle.bench.data.GenerateWords "$scale" "$words"
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

cpu() { awk '{print $14+$15+$16+$17}' /proc/$$/stat; }
declare -A walls cpus
for rep in $(seq 1 "$reps"); do
  for ui in false true; do
    s=$(date +%s.%N); c0=$(cpu)
    "$repo_dir/bin/spindle-submit" --master 'local[2]' --conf spindle.ui.enabled=$ui \
      --class dev.spindle.examples.WordCount "$jar" "$words" "$out/wc-$ui-$rep" > /dev/null 2> "$out/wc-$ui-$rep.err" \
      || { cat "$out/wc-$ui-$rep.err" >&2; die "word count failed (ui=$ui)"; }
    e=$(date +%s.%N); c1=$(cpu)
    walls[$ui]+="$(echo "$e - $s" | bc) "
    cpus[$ui]+="$(echo "($c1 - $c0) / 100" | bc -l) "
    echo "run $rep ui=$ui: $(echo "$e - $s" | bc) s"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
off_wall=$(echo "${walls[false]}" | median); on_wall=$(echo "${walls[true]}" | median)
off_cpu=$(echo "${cpus[false]}" | median); on_cpu=$(echo "${cpus[true]}" | median)
printf '\n| word count, local[2], %s runs each | UI off | UI on | on / off |\n|---|--:|--:|--:|\n' "$reps"
printf '| wall (median) | %.2f s | %.2f s | %.3f |\n' "$off_wall" "$on_wall" "$(echo "$on_wall / $off_wall" | bc -l)"
printf '| CPU (median) | %.2f s | %.2f s | %.3f |\n\n' "$off_cpu" "$on_cpu" "$(echo "$on_cpu / $off_cpu" | bc -l)"

cp="$jar:$repo_dir/target/lib/*"
java -cp "$cp" -Dlog4j2.configurationFile="$repo_dir/conf/log4j2.properties" "$bench_dir/UiPageLoad.java" "$reps" \
  2> "$out/pageload.err" || { cat "$out/pageload.err" >&2; die "the page load run failed"; }
