#!/usr/bin/env bash
#
# Dynamic allocation benchmark (issue 18): one application of three phases in YARN cluster mode on the embedded
# YARN + HDFS cluster (bin/spindle-minicluster): a word count of the bench's Zipf words (512 MiB x --scale, on HDFS)
# in --partitions map and reduce tasks, then --pause seconds in which the driver only sleeps, then the same word count
# again. What the pause costs is what dynamic allocation should save.
#
#   bench/dynamic.sh [--reps N] [--scale S] [--pause SECONDS] [--executors N] [--partitions P] [--skip-build]
#
# Configurations, interleaved (run 1 of each, then run 2 of each, ...), after one unmeasured warm-up run per engine:
#   Spindle static (--num-executors N); Spindle with dynamic allocation and shuffle tracking; Spindle with dynamic
#   allocation and the NodeManagers' spindle_shuffle service; Spark static (--num-executors N); Spark with dynamic
#   allocation and shuffle tracking (the embedded cluster has no spark_shuffle service). Both engines' dynamic runs
#   use the same settings: at most N executors, none at the start or at least, backlog timeouts 1 s, executor idle
#   timeout 10 s. Executors of 1 GB heap and 1 core, a 512 MB driver, for every configuration.
# Prints medians of --reps runs (default 3) of: job time (the submitting command's start to its exit), the two word
# counts' times (from the driver), YARN's aggregate resource usage of the application once it has finished (the
# ResourceManager's memorySeconds and vcoreSeconds, AM included) in GB-seconds and vcore-seconds, and the running
# containers (AM included; sampled every second from the ResourceManager) at their peak and at the end of the pause;
# the ratios to the same engine's static run and Spindle's to Spark's. Fails when a run's two counts differ or differ
# from the other runs'. Defaults: --scale 1, --pause 120, --executors 4, --partitions 16.
# The table also goes to bench/results/dynamic-TIMESTAMP.md; submission logs, the ApplicationMasters' logs and the
# container samples to bench/results/logs/dynamic-TIMESTAMP/. Not a test: nothing here gates CI.

set -euo pipefail
shopt -s inherit_errexit

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/lib.sh"

reps=3
scale=1
pause=120
executors=4
partitions=16
build=true
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) [ $# -ge 2 ] || die "--reps needs a value"; reps="$2"; shift 2 ;;
    --scale) [ $# -ge 2 ] || die "--scale needs a value"; scale="$2"; shift 2 ;;
    --pause) [ $# -ge 2 ] || die "--pause needs a value"; pause="$2"; shift 2 ;;
    --executors) [ $# -ge 2 ] || die "--executors needs a value"; executors="$2"; shift 2 ;;
    --partitions) [ $# -ge 2 ] || die "--partitions needs a value"; partitions="$2"; shift 2 ;;
    --skip-build) build=false; shift ;;
    -h|--help) sed -n '3,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "--reps $reps is not a positive integer"
[[ "$scale" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--scale $scale is not a positive number"
[[ "$pause" =~ ^[0-9]+$ ]] || die "--pause $pause is not a whole number of seconds"
[[ "$executors" =~ ^[1-9][0-9]*$ ]] || die "--executors $executors is not a positive integer"
[[ "$partitions" =~ ^[1-9][0-9]*$ ]] || die "--partitions $partitions is not a positive integer"

# The same for both engines' dynamic runs.
idle_timeout=10s
backlog_timeout=1s
executor_memory=1g
driver_memory=512m

bench_java
command -v curl > /dev/null || die "curl is needed to ask the ResourceManager for the applications' resource usage"
command -v python3 > /dev/null || die "python3 is needed to read yarn-site.xml and the ResourceManager's JSON"
bench_build
bench_jars
bench_results dynamic

submit_pid=""
sampler_pid=""
bench_cleanup() {
  if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2> /dev/null || true; fi
  if [ -n "$submit_pid" ]; then kill "$submit_pid" 2> /dev/null || true; fi
}
bench_start_cluster dynamic

bench_generate_words "$scale" "$work/words.txt"
echo "dynamic.sh: putting the input on HDFS" >&2
fs -mkdir -p /bench >&2
fs -put -f "$work/words.txt" /bench/words.txt >&2
rm -f "$work/words.txt"
input="$hdfs/bench/words.txt"

# The settings of configuration $1 after the common ones, one argument per line.
config_args() {
  case "$1" in
    spindle-static) printf '%s\n' --num-executors "$executors" ;;
    spindle-dynamic|spindle-dynamic-service)
      printf -- '--conf\n%s\n' spindle.dynamicAllocation.enabled=true spindle.dynamicAllocation.minExecutors=0 \
        "spindle.dynamicAllocation.maxExecutors=$executors" spindle.dynamicAllocation.initialExecutors=0 \
        "spindle.dynamicAllocation.executorIdleTimeout=$idle_timeout" \
        "spindle.dynamicAllocation.schedulerBacklogTimeout=$backlog_timeout" \
        "spindle.dynamicAllocation.sustainedSchedulerBacklogTimeout=$backlog_timeout" \
        spindle.dynamicAllocation.shuffleTracking.enabled=true
      if [ "$1" = spindle-dynamic-service ]; then printf -- '--conf\n%s\n' spindle.shuffle.service.enabled=true; fi
      ;;
    spark-static) printf '%s\n' --num-executors "$executors" ;;
    spark-dynamic)
      printf -- '--conf\n%s\n' spark.dynamicAllocation.enabled=true spark.dynamicAllocation.minExecutors=0 \
        "spark.dynamicAllocation.maxExecutors=$executors" spark.dynamicAllocation.initialExecutors=0 \
        "spark.dynamicAllocation.executorIdleTimeout=$idle_timeout" \
        "spark.dynamicAllocation.schedulerBacklogTimeout=$backlog_timeout" \
        "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout=$backlog_timeout" \
        spark.dynamicAllocation.shuffleTracking.enabled=true
      ;;
    *) die "unknown configuration $1" ;;
  esac
}

config_label() {
  case "$1" in
    spindle-static) echo "Spindle static ($executors executors)" ;;
    spindle-dynamic) echo "Spindle dynamic, shuffle tracking" ;;
    spindle-dynamic-service) echo "Spindle dynamic + NodeManager shuffle service" ;;
    spark-static) echo "Spark static ($executors executors)" ;;
    spark-dynamic) echo "Spark dynamic, shuffle tracking" ;;
  esac
}

# Starts a submission of configuration $1 named $2, pausing $3 s, in the background (sets submit_pid).
start_submit() {
  local config="$1" name="$2" pause_s="$3" log="$logs_dir/$2.log" args
  mapfile -t args < <(config_args "$config")
  case "$config" in
    spindle-*)
      "${spindle_submit[@]}" --name "$name" \
        --driver-memory "$driver_memory" --executor-memory "$executor_memory" --executor-cores 1 "${args[@]}" \
        --class dev.spindle.bench.spindle.SpindleDynamic "$spindle_app" "$input" "$partitions" "$pause_s" \
        "$work/results/$name" > "$log" 2>&1 &
      ;;
    spark-*)
      "${spark_submit[@]}" --name "$name" \
        --driver-memory "$driver_memory" --executor-memory "$executor_memory" --executor-cores 1 "${args[@]}" \
        --class dev.spindle.bench.spark.SparkDynamic "$spark_app" "$input" "$partitions" "$pause_s" \
        "$work/results/$name" > "$log" 2>&1 &
      ;;
  esac
  submit_pid=$!
}

# Fields $2... of application $1 as the ResourceManager reports them, space-separated.
app_fields() {
  local app="$1" json
  shift
  json="$(curl -sf "http://$rm_web/ws/v1/cluster/apps/$app")" || return 1
  python3 -c '
import json, sys
app = json.load(sys.stdin)["app"]
print(" ".join(str(app.get(f, "")) for f in sys.argv[1:]))' "$@" <<< "$json"
}

# Appends "EPOCH_MS RUNNING_CONTAINERS" to $2 every second while application $1 runs; ends when it has finished.
sample_containers() {
  local app="$1" out="$2" fields
  while true; do
    if fields="$(app_fields "$app" state runningContainers)"; then
      case "${fields% *}" in
        FINISHED|FAILED|KILLED) return 0 ;;
        RUNNING) echo "$(now_ms) ${fields#* }" >> "$out" ;;
      esac
    fi
    sleep 1
  done
}

# The finished application's usage, once it no longer changes (containers still stopping add theirs when they end):
# "FINAL_STATUS MEMORY_MB_SECONDS VCORE_SECONDS".
final_usage() {
  local app="$1" previous="" current
  for _ in $(seq 1 60); do
    current="$(app_fields "$app" state finalStatus memorySeconds vcoreSeconds)" || current=""
    case "${current%% *}" in
      FINISHED|FAILED|KILLED)
        if [ "$current" = "$previous" ]; then
          echo "${current#* }"
          return 0
        fi
        ;;
    esac
    previous="$current"
    sleep 1
  done
  die "$app: its resource usage did not settle within 60 s (last: $current)"
}

# The ApplicationMaster container of attempt 1 of application $1.
am_container() {
  local json
  json="$(curl -sf "http://$rm_web/ws/v1/cluster/apps/$1/appattempts")" || return 1
  python3 -c '
import json, sys
for a in json.load(sys.stdin)["appAttempts"]["appAttempt"]:
    if a["id"] == 1:
        print(a["containerId"])' <<< "$json"
}

# Runs configuration $1 as $2, pausing $3 s. Sets run_line to "JOB_MS PHASE1_MS PHASE2_MS MB_S VCORE_S PEAK
# PAUSE_END DISTINCT" (PAUSE_END: NA when no sample fell into the pause), or to "" when the submission or the
# application failed. Called in the script's own shell, never in a condition, so that die ends the script.
run_one() {
  local config="$1" name="$2" pause_s="$3" log="$logs_dir/$2.log" samples="$logs_dir/$2.containers" app="" code=0
  local t0 t1 usage am stderr peak pause_end
  local -a result
  run_line=""
  : > "$samples"
  t0="$(now_ms)"
  start_submit "$config" "$name" "$pause_s"
  while [ -z "$app" ]; do
    app="$(grep -o -m 1 'application_[0-9]*_[0-9]*' "$log" 2> /dev/null)" || app=""
    if [ -z "$app" ]; then
      kill -0 "$submit_pid" 2> /dev/null || break
      sleep 0.2
    fi
  done
  if [ -n "$app" ]; then
    sample_containers "$app" "$samples" 2> /dev/null &
    sampler_pid=$!
  fi
  wait "$submit_pid" || code=$?
  t1="$(now_ms)"
  submit_pid=""
  if [ -n "$sampler_pid" ]; then
    kill "$sampler_pid" 2> /dev/null || true
    wait "$sampler_pid" 2> /dev/null || true
    sampler_pid=""
  fi
  if [ -z "$app" ]; then
    tail -n 20 "$log" >&2
    echo "dynamic.sh: $name: FAILED: the submission exited $code with no application id in $log" >&2
    return 0
  fi
  usage="$(final_usage "$app")"
  # The AM's log: the driver's decisions (Spindle logs every change of its executor target and every release).
  am="$(am_container "$app")" || am=""
  stderr=""
  if [ -n "$am" ]; then stderr="$(find "$SPINDLE_MINICLUSTER_DIR" -path "*/$am/stderr" 2> /dev/null | head -n 1)"; fi
  if [ -n "$stderr" ]; then cp "$stderr" "$logs_dir/$name-am.log"; fi
  if [ "$code" -ne 0 ] || [ "${usage%% *}" != SUCCEEDED ]; then
    tail -n 20 "$log" >&2
    echo "dynamic.sh: $name: FAILED: the submission exited $code, $app ended ${usage%% *}; logs in $logs_dir" >&2
    return 0
  fi
  [ -s "$work/results/$name" ] || die "$name: $app succeeded but wrote no result file $work/results/$name"
  read -r -a result < "$work/results/$name"
  [ "${#result[@]}" -eq 7 ] || die "$name: the result file holds '${result[*]}', not 7 numbers"
  [ "${result[0]}" = "${result[1]}" ] || die "$name: the two word counts found ${result[0]} and ${result[1]} words"
  peak="$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$samples")"
  pause_end="$(awk -v end="${result[5]}" '$1 <= end { v = $2 } END { print (v == "" ? "NA" : v) }' "$samples")"
  run_line="$((t1 - t0)) $((result[4] - result[3])) $((result[6] - result[5])) ${usage#* } $peak $pause_end ${result[0]}"
  echo "dynamic.sh: $name: $app, job $((t1 - t0)) ms, ${usage#* } MB-s and vcore-s, running containers peak" \
    "$peak, at the end of the pause $pause_end" >&2
}

configs=(spindle-static spindle-dynamic spindle-dynamic-service spark-static spark-dynamic)
mkdir -p "$work/runs" "$work/results"
for config in "${configs[@]}"; do
  : > "$work/runs/$config.txt"
  : > "$work/runs/$config.failed"
done

# One unmeasured run per engine: Spindle's first submission fills its jar cache on the cluster and writes the
# submitting JVM's class data sharing archive; both engines' first runs warm the page cache and HDFS.
echo "dynamic.sh: warm-up runs (not measured)" >&2
spark_note=""
run_one spindle-static warmup-spindle-static 0
[ -n "$run_line" ] || die "the warm-up run of Spindle failed; see $logs_dir"
run_one spark-static warmup-spark-static 0
if [ -z "$run_line" ]; then
  # Spark is the reference, not the subject: without it the Spindle rows still say what dynamic allocation saves.
  echo "dynamic.sh: WARNING: Spark's warm-up run failed; measuring Spindle alone (see $logs_dir)" >&2
  configs=(spindle-static spindle-dynamic spindle-dynamic-service)
  spark_note="Spark did not run on this cluster (its warm-up run failed: bench/results/logs/dynamic-$stamp/)."
fi

distinct=""
for i in $(seq 1 "$reps"); do
  for config in "${configs[@]}"; do
    run_one "$config" "$config-$i" "$pause"
    if [ -n "$run_line" ]; then
      words="${run_line##* }"
      [ -z "$distinct" ] || [ "$words" = "$distinct" ] \
        || die "$config-$i counted $words distinct words, the runs before it $distinct"
      distinct="$words"
      echo "${run_line% *}" >> "$work/runs/$config.txt"
    else
      echo "$config-$i" >> "$work/runs/$config.failed"
    fi
  done
done

# The median of column $1 of file $2 (NA values skipped; NA when none is left).
median_of_column() {
  awk -v c="$1" '$c != "NA" { print $c }' "$2" | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR == 0) print "NA"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
fmt() { # value, divisor, decimals, suffix
  awk -v v="$1" -v d="$2" -v p="$3" -v s="$4" 'BEGIN { if (v == "NA") print "—"; else printf "%.*f%s", p, v / d, s }'
}
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b == 0) print "—"; else printf "%.2f", a / b }'
}
declare -A med
for config in "${configs[@]}"; do
  for col in 1 2 3 4 5 6 7; do
    if [ -s "$work/runs/$config.txt" ]; then med[$config,$col]="$(median_of_column "$col" "$work/runs/$config.txt")"; else med[$config,$col]=NA; fi
  done
done
# Three ratios: job time, GB-s, vcore-s.
ratios() {
  echo "$(ratio "${med[$1,1]}" "${med[$2,1]}") / $(ratio "${med[$1,4]}" "${med[$2,4]}") / $(ratio "${med[$1,5]}" "${med[$2,5]}")"
}
spark_of() {
  case "$1" in
    spindle-static) echo spark-static ;;
    spindle-dynamic|spindle-dynamic-service) echo spark-dynamic ;;
  esac
}
static_of() {
  echo "${1%%-*}-static"
}

input_mb="$(awk -v b="$input_bytes" 'BEGIN { printf "%.0f", b / 1e6 }')"
commit="$(bench_commit)"
{
  echo "# Dynamic allocation, $(date '+%Y-%m-%d %H:%M'), at \`$commit\`"
  echo
  echo "One application per run: a word count of $input_mb MB of Zipf words on HDFS ($partitions map and $partitions"
  echo "reduce tasks, the distinct words counted), a pause of $pause s in the driver, the same word count again. YARN"
  echo "cluster mode on the embedded cluster (2 NodeManagers of 4 GB); executors of $executor_memory heap and 1 core"
  echo "(1.5 GB containers), a $driver_memory driver (1 GB AM container). Static: \`--num-executors $executors\`."
  echo "Dynamic, both engines alike: minExecutors 0, initialExecutors 0, maxExecutors $executors, executorIdleTimeout"
  echo "$idle_timeout, schedulerBacklogTimeout and sustainedSchedulerBacklogTimeout $backlog_timeout, shuffle tracking on"
  echo "(Spark's only option here: the embedded cluster runs no spark_shuffle service). Median of $reps run(s), interleaved,"
  echo "after one unmeasured run per engine; $(bench_machine)."
  echo "Every run counted $distinct distinct words, twice. $spark_note"
  echo
  echo "| Configuration | Job time | Word count 1 | Word count 2 | GB-s | vcore-s | Containers: peak / end of pause |" \
    "vs static: time / GB-s / vcore-s | Spindle / Spark: time / GB-s / vcore-s |"
  echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
  for config in "${configs[@]}"; do
    failed="$(wc -l < "$work/runs/$config.failed")"
    label="$(config_label "$config")"
    if [ "$failed" -gt 0 ]; then label="$label ($failed of $reps runs failed)"; fi
    vs_static="—"
    if [ "$config" != "$(static_of "$config")" ]; then vs_static="$(ratios "$config" "$(static_of "$config")")"; fi
    vs_spark="—"
    if [ -n "$(spark_of "$config")" ] && [ -z "$spark_note" ]; then
      vs_spark="$(ratios "$config" "$(spark_of "$config")")"
    fi
    echo "| $label | $(fmt "${med[$config,1]}" 1000 1 ' s') | $(fmt "${med[$config,2]}" 1000 1 ' s')" \
      "| $(fmt "${med[$config,3]}" 1000 1 ' s') | $(fmt "${med[$config,4]}" 1024 0 '') | $(fmt "${med[$config,5]}" 1 0 '')" \
      "| $(fmt "${med[$config,6]}" 1 0 '') / $(fmt "${med[$config,7]}" 1 0 '') | $vs_static | $vs_spark |"
  done
  echo
  echo "Job time: the submitting command's start to its exit. Word counts: the driver's time for each (the first from"
  echo "its context's start). GB-s and vcore-s: the ResourceManager's memorySeconds / 1024 and vcoreSeconds of the"
  echo "finished application, its AM included. Containers: the ResourceManager's running containers of the application,"
  echo "AM included, sampled every second. Both dynamic Spindle rows are compared with Spark's dynamic run."
  echo
  echo "Each run (job ms, count 1 ms, count 2 ms, MB-s, vcore-s, peak containers, containers at the end of the pause):"
  echo
  for config in "${configs[@]}"; do
    echo "- $config: $(awk '{ printf "%s(%s)", (NR > 1 ? ", " : ""), $0 }' "$work/runs/$config.txt")"
  done
} | tee "$results_dir/dynamic-$stamp.md"
echo "dynamic.sh: results in $results_dir/dynamic-$stamp.md, logs in $logs_dir" >&2
