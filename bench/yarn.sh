#!/usr/bin/env bash
#
# YARN benchmark: Spindle (bin/spindle-submit --master yarn) against Apache Spark (SparkSubmit --master yarn
# --deploy-mode cluster, its jars as local: URIs, nothing uploaded; Spindle's come from its per-user jar cache), in
# cluster mode on the embedded YARN + HDFS cluster (bin/spindle-minicluster). Submissions alternate between the
# engines, --reps of each after one unmeasured warm-up submission of each; 200 ms report intervals for both.
#
#   bench/yarn.sh [--workload small|wordcount|all] [--reps N] [--scale S] [--skip-build]
#
# Workloads (--workload, default all: small, then wordcount):
#   small      sum 1,000 ints in 2 tasks; 2 executors of 512 MB, a 512 MB driver. Medians of the time from starting
#              the submitting command to the first task running (each task writes its start time to a marker file;
#              the containers run on this machine) and to the command's exit, and the ratios. --reps default 5.
#   wordcount  word count of the bench's Zipf words on HDFS (512 MiB x --scale, 537 MB at the default 1):
#              dev.spindle.examples.WordCount from Spindle's jar against the bench's SparkWordCount (same algorithm),
#              both --num-executors 2 --executor-cores 1 --executor-memory 1g --driver-memory 1g. Medians of the time
#              from starting the submitting command to its exit, and Spark / Spindle. Every run's output (word<TAB>count
#              lines, sorted) must equal the Spindle warm-up's, whose lines must be the input's distinct words with
#              counts summing to its words: the script fails otherwise. --reps default 3.
#
# The tables also go to bench/results/yarn-TIMESTAMP.md; the submissions' logs, and the word count's container logs
# (AM and executors), to bench/results/logs/yarn-TIMESTAMP/. Not a test: nothing here gates CI.

set -euo pipefail
shopt -s inherit_errexit

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/lib.sh"

workload=all
reps=""
scale=1
build=true
while [ $# -gt 0 ]; do
  case "$1" in
    --workload) [ $# -ge 2 ] || die "--workload needs a value"; workload="$2"; shift 2 ;;
    --reps) [ $# -ge 2 ] || die "--reps needs a value"; reps="$2"; shift 2 ;;
    --scale) [ $# -ge 2 ] || die "--scale needs a value"; scale="$2"; shift 2 ;;
    --skip-build) build=false; shift ;;
    -h|--help) sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done
case "$workload" in
  small|wordcount) workloads=("$workload") ;;
  all) workloads=(small wordcount) ;;
  *) die "--workload $workload is not small, wordcount or all" ;;
esac
[ -z "$reps" ] || [[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "--reps $reps is not a positive integer"
[[ "$scale" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--scale $scale is not a positive number"

bench_java
bench_build
bench_jars
# Spindle's own jar (the examples are in it), as bin/spindle-submit finds it in a source checkout.
spindle_jar="$(ls -t "$repo_dir"/target/spindle-*.jar 2> /dev/null | grep -v -e '-sources.jar$' -e '-tests.jar$' \
  -e '-examples.jar$' -e '-yarn.jar$' -e '-shuffle-service.jar$' | head -n 1 || true)"
[ -n "$spindle_jar" ] || die "no Spindle jar in $repo_dir/target (run without --skip-build, or mvn install there)"
bench_results yarn
results_file="$results_dir/yarn-$stamp.md"
bench_start_cluster yarn

{
  echo "# Spindle and Spark on YARN, $(date '+%Y-%m-%d %H:%M'), at \`$(bench_commit)\`"
  echo
  echo "Cluster mode on the embedded YARN + HDFS cluster (bin/spindle-minicluster: 2 NodeManagers, 1 DataNode);"
  echo "$(bench_machine). Load average (1, 5, 15 min) at the start: $(cut -d ' ' -f 1-3 /proc/loadavg)."
} > "$results_file"

# ---------------------------------------------------------------------------------------------------------------------
# small: submit -> first task, submit -> result.

# Runs one submission of the small job; prints "FIRST_TASK_MS RESULT_MS".
small_run() {
  local engine="$1" name="$2" markers="$work/markers-$2" log="$logs_dir/$2.log" t0 t1 first
  t0="$(now_ms)"
  case "$engine" in
    spindle)
      "${spindle_submit[@]}" --driver-memory 512m --executor-memory 512m --num-executors 2 \
        --class dev.spindle.bench.spindle.SpindleYarnSmall "$spindle_app" "$markers" > "$log" 2>&1 \
        || { tail -n 40 "$log" >&2; die "$name: the Spindle submission failed; its log: $log"; }
      ;;
    spark)
      "${spark_submit[@]}" --driver-memory 512m --executor-memory 512m --num-executors 2 \
        --class dev.spindle.bench.spark.SparkYarnSmall "$spark_app" "$markers" > "$log" 2>&1 \
        || { tail -n 40 "$log" >&2; die "$name: the Spark submission failed; its log: $log"; }
      ;;
  esac
  t1="$(now_ms)"
  first="$(ls "$markers" 2> /dev/null | sed 's/.*-//' | sort -n | head -n 1)"
  [ -n "$first" ] || die "$name: no task marker in $markers"
  echo "$((first - t0)) $((t1 - t0))"
}

small() {
  local n="${reps:-5}" i engine result
  echo "$bench_name: small: warm-up submissions" >&2
  small_run spindle small-spindle-warmup > /dev/null
  small_run spark small-spark-warmup > /dev/null
  : > "$work/small-spindle.txt"
  : > "$work/small-spark.txt"
  for i in $(seq 1 "$n"); do
    for engine in spindle spark; do
      result="$(small_run "$engine" "small-$engine-$i")"
      echo "$bench_name: small: $engine run $i: first task ${result% *} ms, result ${result#* } ms" >&2
      echo "$result" >> "$work/small-$engine.txt"
    done
  done

  local -A first result_ms
  for engine in spindle spark; do
    first[$engine]="$(cut -d ' ' -f 1 "$work/small-$engine.txt" | median)"
    result_ms[$engine]="$(cut -d ' ' -f 2 "$work/small-$engine.txt" | median)"
  done
  {
    echo
    echo "## Small job (sum of 1,000 ints, 2 tasks)"
    echo
    echo "2 executors of 512 MB, a 512 MB driver, both engines; median of $n runs, interleaved, after one warm-up each."
    echo
    echo "| | Spindle | Spark | Spindle / Spark |"
    echo "|---|--:|--:|--:|"
    awk -v a="${first[spindle]}" -v b="${first[spark]}" \
      'BEGIN { printf "| submit to first task running | %.2f s | %.2f s | %.2f |\n", a / 1000, b / 1000, a / b }'
    awk -v a="${result_ms[spindle]}" -v b="${result_ms[spark]}" \
      'BEGIN { printf "| submit to result (client exits) | %.2f s | %.2f s | %.2f |\n", a / 1000, b / 1000, a / b }'
    echo
    echo "Each run (first task / result, ms): Spindle" \
      "$(awk '{ printf "%s%s / %s", (NR > 1 ? ", " : ""), $1, $2 }' "$work/small-spindle.txt");" \
      "Spark $(awk '{ printf "%s%s / %s", (NR > 1 ? ", " : ""), $1, $2 }' "$work/small-spark.txt")."
  } | tee -a "$results_file"
}

# ---------------------------------------------------------------------------------------------------------------------
# wordcount: submit -> result over the Zipf words on HDFS, outputs verified equal.

# The same containers for both engines: 2 executors x 1 core x 1 GB heap, a 1 GB driver (the AM, cluster mode).
wc_resources=(--num-executors 2 --executor-cores 1 --executor-memory 1g --driver-memory 1g)

# Runs one word count submission writing to /bench/out/$2; prints "RESULT_MS".
wc_run() {
  local engine="$1" name="$2" log="$logs_dir/$2.log" t0 t1
  t0="$(now_ms)"
  case "$engine" in
    spindle)
      "${spindle_submit[@]}" --name "$name" "${wc_resources[@]}" \
        --class dev.spindle.examples.WordCount "$spindle_jar" "$input" "$hdfs/bench/out/$name" > "$log" 2>&1 \
        || { tail -n 40 "$log" >&2; die "$name: the Spindle submission failed; its log: $log"; }
      ;;
    spark)
      "${spark_submit[@]}" --name "$name" "${wc_resources[@]}" \
        --class dev.spindle.bench.spark.SparkWordCount "$spark_app" "$input" "$hdfs/bench/out/$name" > "$log" 2>&1 \
        || { tail -n 40 "$log" >&2; die "$name: the Spark submission failed; its log: $log"; }
      ;;
  esac
  t1="$(now_ms)"
  echo "$((t1 - t0))"
}

# Fetches /bench/out/$1, checks it is complete and well formed, and writes its lines, sorted, to $work/out/$1.txt.
# Prints its number of part files. Both engines write "word<TAB>count" lines; the check makes sure of it.
wc_output() {
  local name="$1" raw="$work/out/$1.raw" bad
  rm -rf "$raw"
  mkdir -p "$work/out"
  fs -get "/bench/out/$name" "$raw" >&2
  [ -f "$raw/_SUCCESS" ] || die "$name: /bench/out/$name has no _SUCCESS"
  compgen -G "$raw/part-*" > /dev/null || die "$name: /bench/out/$name has no part files"
  cat "$raw"/part-* | LC_ALL=C sort > "$work/out/$name.txt"
  bad="$(LC_ALL=C grep -v -m 1 -E $'^[^\t ]+\t[0-9]+$' "$work/out/$name.txt" || true)"
  [ -z "$bad" ] || die "$name: an output line is not word<TAB>count: '$bad'"
  ls "$raw"/part-* | wc -l
  rm -rf "$raw"
}

# Copies the container logs of submission $1's application (the NodeManagers keep them under the cluster's directory)
# to $logs_dir/$1-containers/; prints the number of its containers (AM and executors).
wc_containers() {
  local name="$1" app dir count=0
  app="$(grep -o -m 1 'application_[0-9]*_[0-9]*' "$logs_dir/$name.log")" || die "$name: no application id in its log"
  mkdir -p "$logs_dir/$name-containers"
  while read -r dir; do
    cp -r "$dir"/container_* "$logs_dir/$name-containers/" 2> /dev/null || true
  done < <(find "$SPINDLE_MINICLUSTER_DIR" -type d -name "$app" -path '*logDir-nm*')
  count="$(find "$logs_dir/$name-containers" -mindepth 1 -maxdepth 1 -type d -name 'container_*' | wc -l)"
  echo "$count"
}

wordcount() {
  local n="${reps:-3}" i engine ms lines sum
  local -A parts containers
  bench_generate_words "$scale" "$work/words.txt"
  echo "$bench_name: wordcount: putting the input on HDFS" >&2
  fs -mkdir -p /bench /bench/out >&2
  fs -put -f "$work/words.txt" /bench/words.txt >&2
  rm -f "$work/words.txt"
  input="$hdfs/bench/words.txt"

  # One unmeasured run per engine: Spindle's first submission fills its jar cache on the cluster and writes the
  # submitting JVM's class data sharing archive; both warm the page cache and HDFS. The Spindle warm-up's output is
  # the reference, checked against the generator's counts.
  echo "$bench_name: wordcount: warm-up submissions" >&2
  ms="$(wc_run spindle wc-spindle-warmup)"
  parts[spindle]="$(wc_output wc-spindle-warmup)"
  containers[spindle]="$(wc_containers wc-spindle-warmup)"
  reference="$work/out/wc-spindle-warmup.txt"
  lines="$(wc -l < "$reference")"
  sum="$(awk -F '\t' '{ s += $2 } END { printf "%d", s }' "$reference")"
  [ "$lines" -eq "$input_distinct" ] && [ "$sum" -eq "$input_words" ] \
    || die "wc-spindle-warmup: $lines words counting $sum in all; the input has $input_distinct distinct words," \
      "$input_words in all"
  echo "$bench_name: wordcount: Spindle warm-up $ms ms; $lines words, counts summing to the input's $sum" >&2
  ms="$(wc_run spark wc-spark-warmup)"
  parts[spark]="$(wc_output wc-spark-warmup)"
  containers[spark]="$(wc_containers wc-spark-warmup)"
  cmp -s "$work/out/wc-spark-warmup.txt" "$reference" \
    || die "wc-spark-warmup: Spark's output differs from Spindle's (sorted lines): diff $work/out/wc-spark-warmup.txt $reference"
  echo "$bench_name: wordcount: Spark warm-up $ms ms; output equal to Spindle's" >&2
  rm -f "$work/out/wc-spark-warmup.txt"

  : > "$work/wc-spindle.txt"
  : > "$work/wc-spark.txt"
  for i in $(seq 1 "$n"); do
    for engine in spindle spark; do
      ms="$(wc_run "$engine" "wc-$engine-$i")"
      parts[$engine]="$(wc_output "wc-$engine-$i")"
      containers[$engine]="$(wc_containers "wc-$engine-$i")"
      cmp -s "$work/out/wc-$engine-$i.txt" "$reference" \
        || die "wc-$engine-$i: the output differs from the Spindle warm-up's (sorted lines)"
      rm -f "$work/out/wc-$engine-$i.txt"
      echo "$bench_name: wordcount: $engine run $i: $ms ms; output equal; ${containers[$engine]} containers" >&2
      echo "$ms" >> "$work/wc-$engine.txt"
    done
  done

  local spindle_ms spark_ms ratio met input_mb
  spindle_ms="$(median < "$work/wc-spindle.txt")"
  spark_ms="$(median < "$work/wc-spark.txt")"
  ratio="$(awk -v a="$spark_ms" -v b="$spindle_ms" 'BEGIN { printf "%.2f", a / b }')"
  met="$(awk -v r="$ratio" 'BEGIN { print (r >= 3 ? "met" : "NOT met") }')"
  input_mb="$(awk -v b="$input_bytes" 'BEGIN { printf "%.0f", b / 1e6 }')"
  {
    echo
    echo "## Word count, $input_mb MB on HDFS"
    echo
    echo "$input_mb MB of Zipf words (\`--scale $scale\`; $input_words words, $input_distinct distinct) on HDFS;"
    echo "Spindle's \`dev.spindle.examples.WordCount\`, Spark's \`SparkWordCount\`, both with \`${wc_resources[*]}\`."
    echo "Median of $n runs, interleaved, after one warm-up each; submit to exit of the submitting command."
    echo
    echo "| Word count, YARN cluster mode | Spindle | Spark | Spark / Spindle |"
    echo "|---|--:|--:|--:|"
    awk -v a="$spindle_ms" -v b="$spark_ms" -v r="$ratio" \
      'BEGIN { printf "| submit to result (client exits) | %.2f s | %.2f s | %s |\n", a / 1000, b / 1000, r }'
    echo
    echo "Outputs: every run's sorted \`word<TAB>count\` lines equal ($lines lines, counts summing to $sum, the input's)."
    echo "Each run (ms): Spindle $(paste -sd ',' "$work/wc-spindle.txt" | sed 's/,/, /g');" \
      "Spark $(paste -sd ',' "$work/wc-spark.txt" | sed 's/,/, /g'). Output part files (reduce partitions):" \
      "Spindle ${parts[spindle]}, Spark ${parts[spark]}. Containers of an application (AM and executors, from the" \
      "NodeManagers' logs, last run): Spindle ${containers[spindle]}, Spark ${containers[spark]}."
    echo "Target (issue 19): Spark / Spindle >= 3: $ratio, $met."
  } | tee -a "$results_file"
}

for w in "${workloads[@]}"; do
  "$w"
done
echo "$bench_name: results in $results_file, logs in $logs_dir" >&2
