#!/usr/bin/env bash
#
# YARN benchmark: the same small job (sum 1,000 ints in 2 tasks) submitted in cluster mode to the embedded YARN +
# HDFS cluster (bin/spindle-minicluster), by Spindle (bin/spindle-submit --master yarn) and by Apache Spark
# (SparkSubmit --master yarn --deploy-mode cluster), one after the other, REPS times each after one warm-up
# submission of each. Both get 2 executors of 512 MB, a 512 MB driver and a 200 ms report interval; Spark's jars
# are given as local: URIs (nothing uploaded), Spindle's come from its per-user jar cache.
#
#   bench/yarn.sh [--reps N] [--skip-build]
#
# Prints, per engine, the median time from starting the submitting command to the first task running (each
# task writes its start time to a marker file; the containers run on this machine) and to the command's exit
# after the application finished, and the ratios. Not a test: nothing here gates CI.

set -euo pipefail

die() {
  echo "yarn.sh: error: $*" >&2
  exit 2
}

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo_dir="$(dirname "$bench_dir")"
reps=5
build=true
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) [ $# -ge 2 ] || die "--reps needs a value"; reps="$2"; shift 2 ;;
    --skip-build) build=false; shift ;;
    -h|--help) sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
java="$java_home/bin/java"

if $build; then
  echo "yarn.sh: building Spindle and the bench project" >&2
  (cd "$repo_dir" && mvn -B -q -DskipTests install) >&2
  (cd "$bench_dir" && mvn -B -q package) >&2
fi

spindle_app="$(ls "$bench_dir"/spindle-jobs/target/spindle-bench-spindle-jobs-*.jar | head -n 1)"
spark_app="$(ls "$bench_dir"/spark-jobs/target/spindle-bench-spark-jobs-*.jar | head -n 1)"
spark_cp="$(cat "$bench_dir/spark-jobs/target/classpath.txt")"

work="$(mktemp -d /tmp/spindle-yarn-bench.XXXXXX)"
export SPINDLE_MINICLUSTER_DIR="$work/cluster"
stop() {
  "$repo_dir/bin/spindle-minicluster" stop >&2 || true
  rm -rf "$work"
}
trap stop EXIT
"$repo_dir/bin/spindle-minicluster" start >&2
export HADOOP_CONF_DIR="$SPINDLE_MINICLUSTER_DIR/conf"

# Spark's jars for its containers, as local: URIs (they exist on every "node": this machine).
mkdir -p "$work/spark-lib"
tr ':' '\n' <<< "$spark_cp" | while read -r jar; do
  [ -f "$jar" ] && ln -sf "$jar" "$work/spark-lib/$(basename "$jar")"
done

now_ms() {
  date +%s%3N
}

# Runs one submission; prints "FIRST_TASK_MS RESULT_MS".
run() {
  local engine="$1" markers="$work/markers-$RANDOM$RANDOM" log="$work/last-$1.log" t0 t1 first
  t0="$(now_ms)"
  case "$engine" in
    spindle)
      SPINDLE_SUBMIT_OPTS="" "$repo_dir/bin/spindle-submit" --master yarn --driver-memory 512m \
        --executor-memory 512m --num-executors 2 --conf spindle.yarn.report.interval=200ms \
        --class dev.spindle.bench.spindle.SpindleYarnSmall "$spindle_app" "$markers" > "$log" 2>&1 \
        || { cat "$log" >&2; die "the Spindle submission failed"; }
      ;;
    spark)
      "$java" -Xmx512m -cp "$HADOOP_CONF_DIR:$spark_cp" org.apache.spark.deploy.SparkSubmit --master yarn \
        --deploy-mode cluster --driver-memory 512m --executor-memory 512m --num-executors 2 \
        --conf spark.yarn.report.interval=200ms --conf "spark.yarn.jars=local:$work/spark-lib/*" \
        --conf "spark.yarn.appMasterEnv.JAVA_HOME=$java_home" --conf "spark.executorEnv.JAVA_HOME=$java_home" \
        --conf spark.ui.enabled=false \
        --class dev.spindle.bench.spark.SparkYarnSmall "$spark_app" "$markers" > "$log" 2>&1 \
        || { tail -n 40 "$log" >&2; die "the Spark submission failed"; }
      ;;
  esac
  t1="$(now_ms)"
  first="$(ls "$markers" 2> /dev/null | sed 's/.*-//' | sort -n | head -n 1)"
  [ -n "$first" ] || die "$engine: no task marker in $markers"
  echo "$((first - t0)) $((t1 - t0))"
}

median() {
  sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "yarn.sh: warm-up submissions" >&2
run spindle > /dev/null
run spark > /dev/null
: > "$work/spindle.txt"
: > "$work/spark.txt"
for i in $(seq 1 "$reps"); do
  for engine in spindle spark; do
    result="$(run "$engine")"
    echo "yarn.sh: $engine run $i: first task ${result% *} ms, result ${result#* } ms" >&2
    echo "$result" >> "$work/$engine.txt"
  done
done

declare -A first result
for engine in spindle spark; do
  first[$engine]="$(cut -d ' ' -f 1 "$work/$engine.txt" | median)"
  result[$engine]="$(cut -d ' ' -f 2 "$work/$engine.txt" | median)"
done
cpu="$(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo
echo "Small job (sum of 1,000 ints, 2 tasks) in YARN cluster mode on the embedded cluster, median of $reps runs"
echo "after one warm-up each; $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB, $("$java" -version 2>&1 | head -n 1)."
echo
echo "| | Spindle | Spark | Spindle / Spark |"
echo "|---|---:|---:|---:|"
awk -v a="${first[spindle]}" -v b="${first[spark]}" \
  'BEGIN { printf "| submit to first task running | %.2f s | %.2f s | %.2f |\n", a / 1000, b / 1000, a / b }'
awk -v a="${result[spindle]}" -v b="${result[spark]}" \
  'BEGIN { printf "| submit to result (client exits) | %.2f s | %.2f s | %.2f |\n", a / 1000, b / 1000, a / b }'
