# shellcheck shell=bash
#
# Shared setup of the bench scripts that run on the embedded YARN + HDFS cluster (bin/spindle-minicluster):
# yarn.sh, recovery.sh and dynamic.sh. Sourced by them, never run:
#
#   . "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/lib.sh"
#
# On sourcing it defines bench_dir, repo_dir, die (messages prefixed with the script's name) and the helpers below;
# it runs nothing. A script parses its options, then calls, in this order:
#
#   bench_java                  java_home, java
#   bench_build                 mvn install at the repo root and mvn package of the bench project, unless build=false
#   bench_jars                  spindle_app, spark_app, spark_cp (the bench project's jobs jars, Spark's classpath)
#   bench_results NAME          stamp, results_dir (bench/results), logs_dir (bench/results/logs/NAME-STAMP, created)
#   bench_start_cluster NAME    work (a fresh /tmp/spindle-NAME-bench.XXXXXX), starts the cluster in work/cluster,
#                               exports SPINDLE_MINICLUSTER_DIR and HADOOP_CONF_DIR, sets rm_web (the
#                               ResourceManager's web address) and hdfs (fs.defaultFS without a trailing /), links
#                               Spark's jars into work/spark-lib, and sets spindle_submit and spark_submit (below).
#                               An EXIT trap calls the script's bench_cleanup function, if it defines one (to end
#                               its background processes), then stops the cluster and deletes work.
#
# spindle_submit and spark_submit are arrays, the common start of a cluster-mode submission on this cluster; a
# script appends its own options (--name, memory, executors), then --class, the jar and the program's arguments:
#
#   "${spindle_submit[@]}" --num-executors 2 --class C "$spindle_app" ARGS...   # bin/spindle-submit --master yarn
#   "${spark_submit[@]}" --num-executors 2 --class C "$spark_app" ARGS...       # SparkSubmit, --deploy-mode cluster
#
# Both set a 200 ms report interval; Spark's jars are local: URIs (they exist on every "node": this machine), its UI
# is off and its containers get this JAVA_HOME. Arrays, not functions, so that "$!" of a submission started with &
# is the submitting process itself.
#
# Other helpers: fs ARGS (a Hadoop file system shell on the cluster), conf_value FILE NAME, bench_generate_words
# SCALE FILE (the bench's deterministic Zipf words; sets input_bytes, input_words and input_distinct), now_ms,
# median (of the numbers on stdin), bench_machine (cores, CPU, memory, Java: one line), bench_commit.

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo_dir="$(dirname "$bench_dir")"
bench_name="$(basename "$0")"

die() {
  echo "$bench_name: error: $*" >&2
  exit 2
}

bench_java() {
  java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
  java="$java_home/bin/java"
  [ -x "$java" ] || die "no java at $java: set JAVA_HOME or put java (17+) on the PATH"
}

bench_build() {
  if ${build:-true}; then
    echo "$bench_name: building Spindle and the bench project" >&2
    (cd "$repo_dir" && mvn -B -q -DskipTests install) >&2
    (cd "$bench_dir" && mvn -B -q package) >&2
  fi
}

bench_jars() {
  spindle_app="$(ls "$bench_dir"/spindle-jobs/target/spindle-bench-spindle-jobs-*.jar 2> /dev/null | head -n 1)"
  spark_app="$(ls "$bench_dir"/spark-jobs/target/spindle-bench-spark-jobs-*.jar 2> /dev/null | head -n 1)"
  [ -n "$spindle_app" ] && [ -n "$spark_app" ] && [ -f "$bench_dir/spark-jobs/target/classpath.txt" ] \
    || die "the bench project is not built (run without --skip-build, or mvn package in $bench_dir)"
  spark_cp="$(cat "$bench_dir/spark-jobs/target/classpath.txt")"
}

bench_results() {
  stamp="$(date +%Y%m%d-%H%M%S)"
  results_dir="$bench_dir/results"
  logs_dir="$results_dir/logs/$1-$stamp"
  mkdir -p "$logs_dir"
}

# The value of property $2 in the Hadoop configuration file $1.
conf_value() {
  python3 -c '
import sys, xml.etree.ElementTree as ET
props = {p.findtext("name"): p.findtext("value") for p in ET.parse(sys.argv[1]).getroot().iter("property")}
print(props.get(sys.argv[2], ""))' "$1" "$2"
}

fs() {
  "$repo_dir/bin/spindle-minicluster" fs "$@"
}

bench_exit() {
  if declare -F bench_cleanup > /dev/null; then bench_cleanup || true; fi
  "$repo_dir/bin/spindle-minicluster" stop >&2 || true
  rm -rf "$work"
}

bench_start_cluster() {
  command -v python3 > /dev/null || die "python3 is needed to read the cluster's yarn-site.xml and core-site.xml"
  work="$(mktemp -d "/tmp/spindle-$1-bench.XXXXXX")"
  export SPINDLE_MINICLUSTER_DIR="$work/cluster"
  trap bench_exit EXIT
  "$repo_dir/bin/spindle-minicluster" start >&2
  export HADOOP_CONF_DIR="$SPINDLE_MINICLUSTER_DIR/conf"
  rm_web="$(conf_value "$HADOOP_CONF_DIR/yarn-site.xml" yarn.resourcemanager.webapp.address)"
  [ -n "$rm_web" ] || die "no yarn.resourcemanager.webapp.address in $HADOOP_CONF_DIR/yarn-site.xml"
  hdfs="$(conf_value "$HADOOP_CONF_DIR/core-site.xml" fs.defaultFS)"
  [ -n "$hdfs" ] || die "no fs.defaultFS in $HADOOP_CONF_DIR/core-site.xml"
  hdfs="${hdfs%/}"

  # Spark's jars for its containers, as local: URIs (they exist on every "node": this machine).
  mkdir -p "$work/spark-lib"
  tr ':' '\n' <<< "$spark_cp" | while read -r jar; do
    [ -f "$jar" ] && ln -sf "$jar" "$work/spark-lib/$(basename "$jar")"
  done

  spindle_submit=(env SPINDLE_SUBMIT_OPTS= "$repo_dir/bin/spindle-submit" --master yarn
    --conf spindle.yarn.report.interval=200ms)
  spark_submit=("$java" -Xmx512m -cp "$HADOOP_CONF_DIR:$spark_cp" org.apache.spark.deploy.SparkSubmit --master yarn
    --deploy-mode cluster --conf spark.yarn.report.interval=200ms --conf "spark.yarn.jars=local:$work/spark-lib/*"
    --conf "spark.yarn.appMasterEnv.JAVA_HOME=$java_home" --conf "spark.executorEnv.JAVA_HOME=$java_home"
    --conf spark.ui.enabled=false)
}

# Writes the bench's Zipf words of scale $1 (512 MiB x $1) to local file $2; sets input_bytes, input_words (tokens)
# and input_distinct (distinct words), as the generator reports them.
bench_generate_words() {
  local report
  echo "$bench_name: generating the input (scale $1)" >&2
  report="$("$java" -cp "$bench_dir/harness/target/classes" dev.spindle.bench.data.GenerateWords "$1" "$2" 2>&1)" \
    || { echo "$report" >&2; die "generating the words failed"; }
  echo "$report" >&2
  input_bytes="$(stat -c %s "$2")"
  input_words="$(sed -n 's/.* \([0-9,]*\) words, \([0-9,]*\) distinct.*/\1/p' <<< "$report" | tr -d ,)"
  input_distinct="$(sed -n 's/.* \([0-9,]*\) words, \([0-9,]*\) distinct.*/\2/p' <<< "$report" | tr -d ,)"
  [ -n "$input_words" ] && [ -n "$input_distinct" ] || die "the generator did not report its word counts: $report"
}

now_ms() {
  date +%s%3N
}

median() {
  sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

bench_machine() {
  local cpu
  cpu="$(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "$(nproc) cores ($cpu), $(free -g | awk '/Mem:/ { print $2 }') GiB, $("$java" -version 2>&1 | head -n 1)"
}

bench_commit() {
  git -C "$repo_dir" describe --always --dirty 2> /dev/null || echo unknown
}
