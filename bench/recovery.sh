#!/usr/bin/env bash
#
# ApplicationMaster recovery benchmark: a program of two actions of the same size (word count of one half of the
# bench's Zipf words, saved; then word count of the other half, saved) in YARN cluster mode on the embedded YARN +
# HDFS cluster (bin/spindle-minicluster), its AM's JVM killed with SIGKILL when the first action has completed.
#
#   bench/recovery.sh [--reps N] [--scale S] [--skip-build]
#
# Per repetition: a clean Spindle run; a Spindle run whose AM is killed (attempt 2 replays the first action from the
# event log and runs the second); a Spark run whose AM is killed (spark.yarn.maxAppAttempts=2: attempt 2 runs main
# from the start). The program writes a local marker file when its first action has completed; the harness waits
# for it, finds the AM container of attempt 1 (ResourceManager REST API) and its JVM (the java process whose working
# directory is that container's), and kills it. Prints medians of --reps runs (default 3) of: kill to result (the
# submitting command exits), the clean run's submit to result, and the work remaining at the kill (the clean run's
# marker to result), and whether kill to result <= remaining work + 15 s. Fails when a killed run's output (sorted
# lines) differs from the clean Spindle run's. --scale: the whole input's size as a fraction of 512 MiB (default 1).
# The table also goes to bench/results/recovery-TIMESTAMP.md, the logs to bench/results/logs/recovery-TIMESTAMP/.
# Not a test: nothing here gates CI.

set -euo pipefail
shopt -s inherit_errexit

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/lib.sh"

reps=3
scale=1
build=true
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) [ $# -ge 2 ] || die "--reps needs a value"; reps="$2"; shift 2 ;;
    --scale) [ $# -ge 2 ] || die "--scale needs a value"; scale="$2"; shift 2 ;;
    --skip-build) build=false; shift ;;
    -h|--help) sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "--reps $reps is not a positive integer"
[[ "$scale" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--scale $scale is not a positive number"

# The target: kill to result at most the work remaining at the kill plus this.
slack_ms=15000

bench_java
command -v curl > /dev/null || die "curl is needed to ask the ResourceManager for the AM container"
command -v python3 > /dev/null || die "python3 is needed to read yarn-site.xml and the ResourceManager's JSON"
bench_build
bench_jars
bench_results recovery

submit_pid=""
bench_cleanup() {
  if [ -n "$submit_pid" ]; then kill "$submit_pid" 2> /dev/null || true; fi
}
bench_start_cluster recovery

bench_generate_words "$scale" "$work/words.txt"
echo "recovery.sh: putting the input on HDFS" >&2
# Two halves, split at a line boundary: one per action.
split -n l/2 -d -a 1 "$work/words.txt" "$work/words-"
rm -f "$work/words.txt"
fs -mkdir -p /bench >&2
fs -put -f "$work/words-0" /bench/words-1.txt >&2
fs -put -f "$work/words-1" /bench/words-2.txt >&2
rm -f "$work/words-0" "$work/words-1"
input1="$hdfs/bench/words-1.txt"
input2="$hdfs/bench/words-2.txt"

# Starts a submission in the background (sets submit_pid). Args: engine name.
start_submit() {
  local engine="$1" name="$2" log="$logs_dir/$2.log"
  case "$engine" in
    spindle)
      "${spindle_submit[@]}" --name "$name" --driver-memory 512m --executor-memory 1g --num-executors 2 \
        --conf spindle.yarn.maxAppAttempts=2 \
        --class dev.spindle.bench.spindle.SpindleRecovery "$spindle_app" "$input1" "$input2" "$hdfs/bench/out/$name" \
        "$work/markers/$name" > "$log" 2>&1 &
      ;;
    spark)
      "${spark_submit[@]}" --name "$name" --driver-memory 512m --executor-memory 1g --num-executors 2 \
        --conf spark.yarn.maxAppAttempts=2 \
        --class dev.spindle.bench.spark.SparkRecovery "$spark_app" "$input1" "$input2" "$hdfs/bench/out/$name" \
        "$work/markers/$name" > "$log" 2>&1 &
      ;;
  esac
  submit_pid=$!
}

# Waits for the background submission; dies unless it exited 0.
finish_submit() {
  local name="$1" code=0
  wait "$submit_pid" || code=$?
  submit_pid=""
  [ "$code" -eq 0 ] || { tail -n 40 "$logs_dir/$name.log" >&2; die "$name: the submission exited $code"; }
}

# The ResourceManager's view of an application's attempts: "ATTEMPT_ID CONTAINER_ID" lines.
attempts() {
  curl -sf "http://$rm_web/ws/v1/cluster/apps/$1/appattempts" | python3 -c '
import json, sys
for a in json.load(sys.stdin)["appAttempts"]["appAttempt"]:
    print(a["id"], a["containerId"])'
}

# The pid of the java process whose working directory is container $1's.
jvm_of() {
  local container="$1" proc pid found=""
  for proc in /proc/[0-9]*; do
    pid="${proc#/proc/}"
    [[ "$(readlink "$proc/exe" 2> /dev/null)" == */java ]] || continue
    [[ "$(readlink "$proc/cwd" 2> /dev/null)" == */"$container" ]] || continue
    [ -z "$found" ] || die "two JVMs in container $container: $found and $pid"
    found="$pid"
  done
  [ -n "$found" ] || die "no JVM runs in container $container"
  echo "$found"
}

# Output NAME from HDFS as sorted lines, one file per action: $work/out/NAME/counts-{1,2}.txt
fetch_output() {
  local name="$1"
  rm -rf "$work/out/$name"
  mkdir -p "$work/out"
  fs -get "/bench/out/$name" "$work/out/$name.raw" >&2
  mkdir -p "$work/out/$name"
  for action in counts-1 counts-2; do
    [ -f "$work/out/$name.raw/$action/_SUCCESS" ] || die "$name: /bench/out/$name/$action has no _SUCCESS"
    cat "$work/out/$name.raw/$action"/part-* | LC_ALL=C sort > "$work/out/$name/$action.txt"
  done
  rm -rf "$work/out/$name.raw"
}

# The clean Spindle run. Prints "SUBMIT_TO_RESULT_MS MARKER_TO_RESULT_MS".
run_clean() {
  local name="$1" t0 t1 marker
  t0="$(now_ms)"
  start_submit spindle "$name"
  finish_submit "$name"
  t1="$(now_ms)"
  marker="$(cat "$work/markers/$name" 2> /dev/null)" || die "$name: no marker $work/markers/$name"
  fetch_output "$name"
  echo "$((t1 - t0)) $((t1 - marker))"
}

# A run whose AM is killed at the marker. Prints "KILL_TO_RESULT_MS".
run_killed() {
  local engine="$1" name="$2" app container pid t_kill t_end
  start_submit "$engine" "$name"
  # A bash script has no file-watch primitive that is everywhere; poll, which only moves the kill by up to 50 ms
  # (the kill, not the marker, starts the clock).
  while [ ! -f "$work/markers/$name" ]; do
    kill -0 "$submit_pid" 2> /dev/null || { tail -n 40 "$logs_dir/$name.log" >&2; die "$name ended before its marker"; }
    sleep 0.05
  done
  app="$(grep -o -m 1 'application_[0-9]*_[0-9]*' "$logs_dir/$name.log")" || die "$name: no application id in its log"
  container="$(attempts "$app" | awk '$1 == 1 { print $2 }')"
  [ -n "$container" ] || die "$name: the ResourceManager reports no attempt 1 of $app"
  pid="$(jvm_of "$container")"
  t_kill="$(now_ms)"
  kill -KILL "$pid" 2> /dev/null || die "$name: the AM's JVM (pid $pid) ended before the kill: the second action" \
    "took less time than finding it; use a larger --scale"
  finish_submit "$name"
  t_end="$(now_ms)"
  [ "$(attempts "$app" | wc -l)" -eq 2 ] || die "$name: $app did not end in attempt 2: $(attempts "$app" | tr '\n' ' ')"
  echo "recovery.sh: $name: killed the AM of attempt 1 of $app (container $container, pid $pid)" >&2
  if [ "$engine" = spindle ]; then
    # What attempt 2 replayed and ran, from its AM's log (the NodeManagers keep container logs under the cluster dir).
    local am2 stderr
    am2="$(attempts "$app" | awk '$1 == 2 { print $2 }')"
    stderr="$(find "$SPINDLE_MINICLUSTER_DIR" -path "*/$am2/stderr" 2> /dev/null | head -n 1)"
    if [ -n "$stderr" ]; then
      cp "$stderr" "$logs_dir/$name-attempt-2-am.log"
      grep -o 'Action [0-9]* (.*' "$stderr" | sed 's/^/recovery.sh:   /' >&2 || true
    fi
  fi
  fetch_output "$name"
  for action in counts-1 counts-2; do
    cmp -s "$work/out/$name/$action.txt" "$work/out/$3/$action.txt" \
      || die "$name: the $action output differs from the clean run's ($3)"
  done
  echo "$((t_end - t_kill))"
}

: > "$work/clean.txt"
: > "$work/spindle-killed.txt"
: > "$work/spark-killed.txt"
for i in $(seq 1 "$reps"); do
  clean="$(run_clean "spindle-clean-$i")"
  echo "recovery.sh: run $i: Spindle clean: submit to result ${clean% *} ms, marker to result ${clean#* } ms" >&2
  echo "$clean" >> "$work/clean.txt"
  for engine in spindle spark; do
    killed="$(run_killed "$engine" "$engine-killed-$i" "spindle-clean-$i")"
    echo "recovery.sh: run $i: $engine killed at the marker: kill to result $killed ms; output as the clean run's" >&2
    echo "$killed" >> "$work/$engine-killed.txt"
  done
done

seconds() {
  awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'
}
clean_ms="$(cut -d ' ' -f 1 "$work/clean.txt" | median)"
remaining_ms="$(cut -d ' ' -f 2 "$work/clean.txt" | median)"
spindle_ms="$(median < "$work/spindle-killed.txt")"
spark_ms="$(median < "$work/spark-killed.txt")"
target_ms="$(awk -v r="$remaining_ms" -v s="$slack_ms" 'BEGIN { print r + s }')"
met="$(awk -v k="$spindle_ms" -v t="$target_ms" 'BEGIN { print (k <= t ? "met" : "NOT met") }')"
input_mb="$(awk -v b="$input_bytes" 'BEGIN { printf "%.0f", b / 1e6 }')"
commit="$(bench_commit)"
clean_runs="$(awk '{ printf "%s%s / %s", (NR > 1 ? ", " : ""), $1, $2 }' "$work/clean.txt")"
spindle_runs="$(paste -sd ',' "$work/spindle-killed.txt" | sed 's/,/, /g')"
spark_runs="$(paste -sd ',' "$work/spark-killed.txt" | sed 's/,/, /g')"
{
  echo "# ApplicationMaster recovery, $(date '+%Y-%m-%d %H:%M'), at \`$commit\`"
  echo
  echo "Two word counts, one per half of $input_mb MB of Zipf words on HDFS, each saved; YARN cluster mode on the"
  echo "embedded cluster, 2 executors of 1 GB, a 512 MB driver; the AM's JVM killed (SIGKILL) once the first save"
  echo "has completed. Median of $reps run(s); $(bench_machine)."
  echo "Killed runs' outputs equal the clean run's (sorted lines)."
  echo
  echo "| | Spindle | Spark |"
  echo "|---|--:|--:|"
  echo "| AM killed after the first action: kill to result | $(seconds "$spindle_ms") | $(seconds "$spark_ms") |"
  echo "| Clean run: submit to result | $(seconds "$clean_ms") | — |"
  echo "| Remaining work at the kill (clean run: first action done to result) | $(seconds "$remaining_ms") | — |"
  echo
  echo "Target: Spindle's kill to result <= remaining work + $((slack_ms / 1000)) s:" \
    "$(seconds "$spindle_ms") <= $(seconds "$target_ms"): $met."
  echo
  echo "Each run, in ms: clean (submit to result / remaining work) $clean_runs; Spindle killed $spindle_runs;"
  echo "Spark killed $spark_runs. The first clean run's submit to result includes uploading Spindle's jars to the"
  echo "cluster's jar cache."
} | tee "$results_dir/recovery-$stamp.md"
echo "recovery.sh: results in $results_dir/recovery-$stamp.md, logs in $logs_dir" >&2
