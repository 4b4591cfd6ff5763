package dev.spindle.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.deploy.ClusterRuns.Run;
import dev.spindle.yarn.mini.EmbeddedCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * spindle-submit --master yarn against an embedded YARN (two NodeManagers) + HDFS cluster: WordCount from HDFS to
 * HDFS with the driver in the ApplicationMaster and executors in containers, equal to local mode; a failing
 * program fails the application and the client; Spindle's jars are uploaded once; bad submissions fail at the
 * client before anything is uploaded; the staging directory is gone after success.
 */
@Timeout(300)
class YarnSubmitIT {
    private static final Path HOME = Path.of("").toAbsolutePath();
    private static final String WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
    private static Path work;
    private static EmbeddedCluster cluster;
    private static FileSystem fs;
    private static Path confDir;
    private static Path localInput;

    @BeforeAll
    static void startCluster() throws IOException {
        work = Files.createDirectories(HOME.resolve("target/yarn-submit-it"));
        // Containers of "yarn jar" applications take Hadoop from the cluster, as on a real one: here, Hadoop's
        // client jars (the mini cluster's default yarn.application.classpath points at unset HADOOP_*_HOMEs).
        Configuration overrides = new Configuration(false);
        overrides.set("yarn.application.classpath", String.join(",", hadoopJars()));
        cluster = EmbeddedCluster.start("yarn-submit-it", work.resolve("cluster"), 2, overrides);
        confDir = work.resolve("conf");
        cluster.writeConfDir(confDir);
        fs = cluster.fileSystem();
        localInput = work.resolve("input.txt");
        Random random = new Random(7);
        String[] words = WORDS.split(" ");
        StringBuilder text = new StringBuilder();
        for (int line = 0; line < 20_000; line++) {
            for (int w = 0; w < 8; w++) {
                text.append(words[(int) Math.min(words.length - 1, Math.abs(random.nextGaussian()) * 4)]).append(' ');
            }
            text.append('\n');
        }
        Files.writeString(localInput, text);
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(localInput.toUri()), new org.apache.hadoop.fs.Path("/in/words.txt"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theClusterConfigurationDirectoryHoldsTheClustersOwnSettingsOnly() throws IOException {
        for (String name : List.of("core-site.xml", "yarn-site.xml")) {
            assertThat(Files.size(confDir.resolve(name))).as(name + ": every client JVM parses it").isLessThan(20_000);
        }
        Configuration client = new Configuration();
        client.addResource(new org.apache.hadoop.fs.Path(confDir.resolve("core-site.xml").toUri()));
        assertThat(client.get("fs.defaultFS")).isEqualTo(cluster.fileSystem().getUri().toString());
        // Hadoop's 400 ms first close wait is a default, not the cluster's choice: Spindle's client shortens it.
        dev.spindle.yarn.YarnConfs.shortenCloseWaits(client);
        assertThat(client.getInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 0)).isEqualTo(25);
    }

    private static Run submit(String... args) {
        return submit(new ByteArrayOutputStream(), args);
    }

    private static Run submit(ByteArrayOutputStream err, String... args) {
        List<String> all = new ArrayList<>(List.of("--num-executors", "2"));
        all.addAll(List.of(args));
        return new ClusterRuns(fs, confDir).submit(err, all.toArray(new String[0]));
    }

    private static Path spindleJar() throws IOException {
        try (Stream<Path> jars = Files.list(HOME.resolve("target"))) {
            return jars.filter(p -> p.getFileName().toString().matches("spindle-[0-9].*\\.jar"))
                    .filter(p -> !p.getFileName().toString().matches(".*-(sources|examples|yarn|shuffle-service)\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("run mvn package first"));
        }
    }

    private static List<String> hdfsLines(String dir) throws IOException {
        List<String> lines = new ArrayList<>();
        for (FileStatus status : fs.listStatus(new org.apache.hadoop.fs.Path(dir))) {
            if (status.getPath().getName().startsWith("part-")) {
                try (InputStream in = fs.open(status.getPath())) {
                    new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().forEach(lines::add);
                }
            }
        }
        return lines;
    }

    /** WordCount of the same input in local mode. */
    private static synchronized List<String> localWordCount() throws IOException {
        Path localOut = work.resolve("local-wordcount");
        deleteLocal(localOut);
        int local = new Submitter(System.out, System.err, Map.of()).run(new String[] {"--master", "local[2]",
                "--class", "dev.spindle.examples.WordCount", spindleJar().toString(), localInput.toString(),
                localOut.toString()});
        assertThat(local).isZero();
        List<String> expected = new ArrayList<>();
        try (Stream<Path> parts = Files.list(localOut)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                expected.addAll(Files.readAllLines(part));
            }
        }
        return expected;
    }

    private static org.apache.hadoop.fs.Path stagingRoot() throws IOException {
        return new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".spindle/staging");
    }

    private static int stagedApplications() throws IOException {
        return fs.exists(stagingRoot()) ? fs.listStatus(stagingRoot()).length : 0;
    }

    private static Map<String, Long> cachedJars() throws IOException {
        Map<String, Long> jars = new HashMap<>();
        org.apache.hadoop.fs.Path cache = new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".spindle/cache");
        if (!fs.exists(cache)) {
            return jars;
        }
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(cache, true);
        while (files.hasNext()) {
            LocatedFileStatus file = files.next();
            jars.put(file.getPath().toString(), file.getModificationTime());
        }
        return jars;
    }

    @Test
    void wordCountRunsOnYarnFromHdfsToHdfsLikeLocalModeAndLaterSubmissionsReuseTheJarsAndClassArchives()
            throws Exception {
        // Whichever test ran first wrote the archives: this one starts without them.
        for (String file : cachedJars().keySet()) {
            if (file.endsWith(".jsa")) {
                fs.delete(new org.apache.hadoop.fs.Path(file), false);
            }
        }
        Run run = submit("--name", "wordcount-it", "--class", "dev.spindle.examples.WordCount",
                spindleJar().toString(), "/in/words.txt", "/out/wordcount");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).containsPattern("submitted application application_\\d+_\\d+")
                .contains("is RUNNING").contains("final status SUCCEEDED");

        List<String> expected = localWordCount();
        assertThat(hdfsLines("/out/wordcount")).isNotEmpty().containsExactlyInAnyOrderElementsOf(expected);
        assertThat(fs.exists(new org.apache.hadoop.fs.Path("/out/wordcount/_SUCCESS"))).isTrue();
        assertThat(stagedApplications()).as("staging directories left after success").isZero();

        // Spindle's jars went as one cached zip; the first application's AM and one of its executors wrote the class
        // data sharing archives of their roles next to it as they stopped.
        Map<String, Long> cached = cachedJars();
        List<String> archiveDirs = cached.keySet().stream().filter(p -> p.endsWith(".jsa"))
                .map(p -> p.substring(0, p.lastIndexOf('/'))).distinct().toList();
        assertThat(archiveDirs).hasSize(1);
        assertThat(cached.keySet().stream().filter(p -> p.startsWith(archiveDirs.get(0) + "/")))
                .extracting(p -> p.replaceAll(".*/", "")).containsExactlyInAnyOrder(
                        "__spindle_libs__.zip", "am-" + jvmKey() + ".jsa", "executor-" + jvmKey() + ".jsa");
        String firstAm = amStderr(run.applicationId());
        assertThat(firstAm).containsPattern("one executor writes \\S+executor-\\S+ as it stops")
                .contains("The ApplicationMaster wrote the class data sharing archive");
        assertThat(containerLogs(run.applicationId(), "stderr"))
                .containsPattern("Executor \\d+ wrote the class data sharing archive \\S+executor-");

        // A second submission uploads nothing of Spindle, writes no archive, and its JVMs take their classes from
        // the archives (the class loading log of each JVM says where every class came from).
        String classLog = "-Xlog:class+load=info";
        Run again = submit("--conf", "spindle.driver.extraJavaOptions=" + classLog, "--conf",
                "spindle.executor.extraJavaOptions=" + classLog, "--class", "dev.spindle.examples.WordCount",
                spindleJar().toString(), "/in/words.txt", "/out/wordcount-2");
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(again.stderr()).containsPattern("reused \\d+ cached Spindle jars").contains("uploaded 2 files");
        assertThat(cachedJars()).isEqualTo(cached);
        assertThat(hdfsLines("/out/wordcount-2")).containsExactlyInAnyOrderElementsOf(expected);
        String appId = again.applicationId();
        assertThat(amStderr(appId)).doesNotContain("class data sharing archive");
        assertThat(amLogFile(appId, "launch_container.sh")).as("the AM's defaults, then the user's options")
                .contains("'-XX:Tier4BackEdgeThreshold=120000' '" + classLog + "'");
        for (Map.Entry<String, String> stdout : containerLogFiles(appId, "stdout").entrySet()) {
            long fromArchive = stdout.getValue().lines().filter(l -> l.endsWith("source: shared objects file (top)"))
                    .count();
            assertThat(fromArchive).as("classes from the archive in " + stdout.getKey()).isGreaterThan(1_000);
        }
        assertThat(containerLogFiles(appId, "stdout")).hasSize(3);
    }

    private static String jvmKey() {
        return dev.spindle.yarn.ContainerClassArchives.jvmKey(System.getProperty("java.home"));
    }

    /** Every container log file {@code name} of application {@code appId}, by path. */
    private static Map<String, String> containerLogFiles(String appId, String name) throws IOException {
        Map<String, String> logs = new java.util.TreeMap<>();
        try (Stream<Path> dirs = Files.find(HOME.resolve("target/test/data/yarn-submit-it"), 2,
                (dir, attributes) -> dir.getFileName().toString().contains("-logDir-nm-"))) {
            for (Path dir : dirs.toList()) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : files.filter(f -> f.toString().contains(appId)
                            && f.getFileName().toString().equals(name)).toList()) {
                        logs.put(f.toString(), Files.readString(f));
                    }
                }
            }
        }
        return logs;
    }

    private static String containerLogs(String appId, String name) throws IOException {
        return String.join("\n", containerLogFiles(appId, name).values());
    }

    @Test
    void theUnpackedDistributionSubmitsToYarnGivenHadoopConfDir() throws Exception {
        Path dist = work.resolve("dist");
        deleteLocal(dist);
        Files.createDirectories(dist);
        Path tarball;
        try (Stream<Path> files = Files.list(HOME.resolve("target"))) {
            tarball = files.filter(p -> p.getFileName().toString().matches("spindle-.*\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("mvn package builds the distribution tarball"));
        }
        assertThat(new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", dist.toString()).inheritIO().start()
                .waitFor()).isZero();
        Path home;
        try (Stream<Path> dirs = Files.list(dist)) {
            home = dirs.findFirst().orElseThrow();
        }
        Path examples;
        try (Stream<Path> jars = Files.list(home.resolve("examples"))) {
            examples = jars.findFirst().orElseThrow();
        }
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/spindle-submit").toString(), "--master", "yarn",
                "--driver-memory", "512m", "--executor-memory", "512m", "--class", "dev.spindle.examples.WordCount",
                examples.toString(), "/in/words.txt", "/out/from-distribution")
                .redirectErrorStream(true).redirectOutput(work.resolve("dist.log").toFile());
        builder.environment().remove("SPINDLE_HOME");
        builder.environment().put("HADOOP_CONF_DIR", confDir.toString());
        builder.environment().put("SPINDLE_CDS", "false");
        Process process = builder.start();
        assertThat(process.waitFor(240, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(work.resolve("dist.log"));
        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log).contains("final status SUCCEEDED");
        assertThat(hdfsLines("/out/from-distribution")).isNotEmpty();
    }

    /** Hadoop's client jars and what they need, as a cluster's {@code hadoop classpath} would give them. */
    private static List<String> hadoopJars() throws IOException {
        try (Stream<Path> jars = Files.list(HOME.resolve("target/lib"))) {
            return jars.map(Path::toString).filter(p -> p.matches(".*/(hadoop-client-|slf4j-api|commons-logging).*"))
                    .sorted().toList();
        }
    }

    @Test
    void yarnJarRunsTheSubmitterFromTheShadedJarWithTheClustersHadoop() throws Exception {
        Path yarnJar;
        try (Stream<Path> jars = Files.list(HOME.resolve("target"))) {
            yarnJar = jars.filter(p -> p.getFileName().toString().matches("spindle-.*-yarn\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("mvn package builds the yarn jar"));
        }
        // What "yarn jar" runs: RunJar with the cluster's configuration and Hadoop on the class path.
        String classPath = confDir + java.io.File.pathSeparator
                + String.join(java.io.File.pathSeparator, hadoopJars());
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(javaBin.toString(), "-cp", classPath,
                "org.apache.hadoop.util.RunJar", yarnJar.toString(), "--master", "yarn", "--driver-memory", "512m",
                "--executor-memory", "512m", "--class", "dev.spindle.examples.WordCount", yarnJar.toString(),
                "/in/words.txt", "/out/yarn-jar")
                .redirectErrorStream(true).redirectOutput(work.resolve("yarn-jar.log").toFile());
        builder.environment().remove("SPINDLE_HOME");
        builder.environment().remove("HADOOP_CONF_DIR");
        Process process = builder.start();
        assertThat(process.waitFor(240, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(work.resolve("yarn-jar.log"));
        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log).contains("final status SUCCEEDED").contains("uploaded").contains("reused 0 cached");
        assertThat(hdfsLines("/out/yarn-jar")).isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(localWordCount());
    }

    private static Run command(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = new Submitter(System.out, errStream, Map.of("HADOOP_CONF_DIR", confDir.toString()))
                    .run(args);
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        System.err.println(stderr);
        return new Run(code, stderr);
    }

    @Test
    void withoutWaitingTheClientReturnsAndStatusAndKillWorkOnTheApplicationId() throws Exception {
        Path jar = TestJars.build(work, "sleeper.jar", Map.of("it.Sleeper", """
                package it;
                public class Sleeper {
                    public static void main(String[] args) {
                        try (dev.spindle.api.Context ctx = dev.spindle.api.Context.create()) {
                            ctx.parallelize(java.util.List.of(1, 2), 2).map(n -> {
                                Thread.sleep(600_000);
                                return n;
                            }).count();
                        }
                    }
                }
                """));
        Run run = submit("--conf", "spindle.yarn.submit.waitAppCompletion=false", "--class", "it.Sleeper",
                jar.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        String appId = run.applicationId();
        assertThat(appId).startsWith("application_");

        // The staging directory is the owner's alone; its files are world-readable.
        org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(stagingRoot(), appId);
        assertThat(fs.getFileStatus(staging).getPermission().toShort()).isEqualTo((short) 0700);
        FileStatus[] staged = fs.listStatus(staging);
        assertThat(staged).extracting(f -> f.getPath().getName())
                .containsExactlyInAnyOrder("__app__.jar", "__spindle_conf__.zip");
        for (FileStatus file : staged) {
            assertThat(file.getPermission().toShort()).as(file.getPath().toString()).isEqualTo((short) 0644);
        }

        Run status = command("--status", appId);
        assertThat(status.exitCode()).isZero();
        assertThat(status.stderr()).contains(appId).containsPattern("state (ACCEPTED|RUNNING)");

        Run kill = command("--kill", appId);
        assertThat(kill.exitCode()).as(kill.stderr()).isZero();
        assertThat(command("--status", appId).stderr()).contains("state KILLED");
        assertThat(fs.exists(staging)).as("staging directory of the killed application").isFalse();
        assertThat(command("--status", "application_x").stderr()).contains("is not a YARN application id");
    }

    @Test
    void systemExitInMainDecidesTheFinalStatus() throws Exception {
        Path jar = TestJars.build(work, "exits.jar", Map.of("it.Exits", """
                package it;
                public class Exits {
                    public static void main(String[] args) {
                        try (dev.spindle.api.Context ctx = dev.spindle.api.Context.create()) {
                            ctx.parallelize(java.util.List.of(1, 2, 3), 2).count();
                            if (args[0].startsWith("thread:")) {
                                // Another of the application's threads exits while main still works.
                                new Thread(() -> System.exit(Integer.parseInt(args[0].substring(7)))).start();
                                try {
                                    Thread.sleep(600_000);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                            System.exit(Integer.parseInt(args[0]));
                        }
                    }
                }
                """));
        Run three = submit("--class", "it.Exits", jar.toString(), "3");
        assertThat(three.exitCode()).isEqualTo(1);
        assertThat(three.stderr()).contains("final status FAILED").contains("the application called System.exit(3)");
        long start = System.nanoTime();
        Run fromThread = submit("--class", "it.Exits", jar.toString(), "thread:5");
        assertThat(fromThread.exitCode()).isEqualTo(1);
        assertThat(fromThread.stderr()).contains("the application called System.exit(5)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(2));
        Run zero = submit("--class", "it.Exits", jar.toString(), "0");
        assertThat(zero.exitCode()).as(zero.stderr()).isZero();
        assertThat(zero.stderr()).contains("final status SUCCEEDED");
    }

    @Test
    void spindleJarsCanComeFromAPreUploadedArchive() throws Exception {
        Path zip = work.resolve("spindle-libs.zip");
        List<Path> jars = new ArrayList<>(List.of(spindleJar()));
        try (Stream<Path> lib = Files.list(HOME.resolve("target/lib"))) {
            jars.addAll(lib.toList());
        }
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            for (Path jar : jars) {
                out.putNextEntry(new java.util.zip.ZipEntry(jar.getFileName().toString()));
                Files.copy(jar, out);
                out.closeEntry();
            }
        }
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(zip.toUri()),
                new org.apache.hadoop.fs.Path("/shared/spindle-libs.zip"));
        Run run = submit("--conf", "spindle.yarn.archive=/shared/spindle-libs.zip", "--class",
                "dev.spindle.examples.WordCount", spindleJar().toString(), "/in/words.txt", "/out/from-archive");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).contains("uploaded 2 files").contains("reused 0 cached Spindle jars");
        assertThat(hdfsLines("/out/from-archive")).containsExactlyInAnyOrderElementsOf(localWordCount());
    }

    @Test
    void anExceptionInMainFailsTheApplicationAndTheClientPrintsIt() throws Exception {
        Path jar = TestJars.build(work, "failing-app.jar", Map.of("it.Failing", """
                package it;
                public class Failing {
                    public static void main(String[] args) {
                        try (dev.spindle.api.Context ctx = dev.spindle.api.Context.create()) {
                            long n = ctx.parallelize(java.util.List.of(1, 2, 3), 2).count();
                            throw new IllegalStateException("the input had " + n + " records, expected 4");
                        }
                    }
                }
                """));
        Run run = submit("--class", "it.Failing", jar.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("final status FAILED")
                .contains("java.lang.IllegalStateException: the input had 3 records, expected 4");
    }

    @Test
    void badSubmissionsFailAtTheClientBeforeAnyUpload() throws Exception {
        int before = stagedApplications();
        Run missingJar = submit("--class", "dev.spindle.examples.WordCount", work.resolve("nope.jar").toString());
        assertThat(missingJar.exitCode()).isEqualTo(2);
        assertThat(missingJar.stderr()).contains("application jar").contains("nope.jar").contains("does not exist");

        Run unknownClass = submit("--class", "dev.spindle.examples.NoSuchExample", spindleJar().toString());
        assertThat(unknownClass.exitCode()).isEqualTo(2);
        assertThat(unknownClass.stderr()).contains("class dev.spindle.examples.NoSuchExample not found");

        Run tooBig = submit("--executor-memory", "64g", "--class", "dev.spindle.examples.WordCount",
                spindleJar().toString(), "/in/words.txt", "/out/never");
        assertThat(tooBig.exitCode()).isEqualTo(2);
        assertThat(tooBig.stderr()).contains("executor memory 65536 MB + overhead 6553 MB")
                .contains("maximum container memory").contains("--executor-memory");

        Run noQueue = submit("--queue", "nightly", "--class", "dev.spindle.examples.WordCount",
                spindleJar().toString(), "/in/words.txt", "/out/never");
        assertThat(noQueue.exitCode()).isEqualTo(2);
        assertThat(noQueue.stderr()).contains("queue 'nightly' does not exist").contains("--queue");

        assertThat(stagedApplications()).as("nothing staged").isEqualTo(before);
        assertThat(fs.exists(new org.apache.hadoop.fs.Path("/out/never"))).isFalse();
    }

    @Test
    void anExecutorContainerKilledMidJobIsReplacedAndTheJobSucceedsWithTheSameOutput() throws Exception {
        Path jar = TestJars.build(work, "held-count.jar", Map.of("it.HeldCount", """
                package it;
                import dev.spindle.api.Context;
                import dev.spindle.common.Pair;
                import java.nio.file.Files;
                import java.nio.file.Path;
                public class HeldCount {
                    public static void main(String[] args) {
                        String markers = args[0];
                        try (Context ctx = Context.create()) {
                            // HDFS input: the tasks prefer the DataNode's host, and so does the request for
                            // the replacement container.
                            ctx.textFile(args[1], 12)
                                    .mapPartitionsWithIndex((index, it) -> {
                                        Path dir = Path.of(markers);
                                        Files.createDirectories(dir);
                                        Files.writeString(dir.resolve("task-" + index + "-pid-"
                                                + ProcessHandle.current().pid()), "");
                                        // Held (a condition, checked every 20 ms) until the test has killed an
                                        // executor running one of these tasks, so that the kill lands mid-task,
                                        // and a replacement executor has started one; the second half also
                                        // until the client has printed the progress of the first.
                                        while (!Files.exists(dir.resolve("release"))) {
                                            Thread.sleep(20);
                                        }
                                        while (index >= 6 && !Files.exists(dir.resolve("finish"))) {
                                            Thread.sleep(20);
                                        }
                                        return it;
                                    })
                                    .mapToPair(line -> Pair.of(line.length() % 10, 1L))
                                    .reduceByKey(Long::sum, 3)
                                    .map(p -> p.key() + "\t" + p.value())
                                    .saveAsTextFile(args[2]);
                        }
                    }
                }
                """));
        Path markers = work.resolve("held-count-markers");
        deleteLocal(markers);
        ByteArrayOutputStream clientErr = new ByteArrayOutputStream();
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() ->
                submit(clientErr, "--conf", "spindle.executor.heartbeatInterval=1s", "--class", "it.HeldCount",
                        jar.toString(), markers.toString(), "/in/words.txt", "/out/held-count"));
        String first = whileRunning(run, "a task started in an executor container")
                .until(() -> taskMarkers(markers).stream().findFirst().orElse(null), java.util.Objects::nonNull);
        String victimTask = first.replaceFirst("-pid-.*", "");
        long victim = Long.parseLong(first.replaceFirst(".*-pid-", ""));
        ProcessHandle victimProcess = ProcessHandle.of(victim).orElseThrow();
        assertThat(victimProcess.info().commandLine().orElse("")).contains("ExecutorMain");
        new ProcessBuilder("kill", "-9", Long.toString(victim)).start().waitFor();
        victimProcess.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        // The killed executor, the other one and the replacement: a third process ran a task.
        whileRunning(run, "a task started in the replacement executor")
                .until(() -> taskMarkers(markers).stream().map(m -> m.replaceFirst(".*-pid-", "")).distinct()
                        .count() >= 3);
        Files.createFile(markers.resolve("release"));
        // Half the map tasks finish, the ApplicationMaster reports it, and the client prints it while it runs.
        whileRunning(run, "the client printing the application's progress")
                .until(() -> java.util.regex.Pattern.compile("progress [1-9]\\d*%")
                        .matcher(clientErr.toString(StandardCharsets.UTF_8)).find());
        Files.createFile(markers.resolve("finish"));

        Run result = run.get(240, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        List<String> expected = Files.readAllLines(localInput).stream()
                .collect(java.util.stream.Collectors.groupingBy(line -> line.length() % 10,
                        java.util.stream.Collectors.counting()))
                .entrySet().stream().map(e -> e.getKey() + "\t" + e.getValue()).toList();
        assertThat(hdfsLines("/out/held-count")).containsExactlyInAnyOrderElementsOf(expected);
        // The killed executor's task ran again elsewhere: the fault hit the work, and the work was redone.
        assertThat(taskMarkers(markers)).filteredOn(m -> m.startsWith(victimTask + "-pid-"))
                .contains(first).anySatisfy(m -> assertThat(m).isNotEqualTo(first));
        String amLog = amStderr(result.applicationId());
        assertThat(amLog).as("the AM's log").containsPattern("Executor \\d+ in container \\S+ exited with code 137")
                .contains("Launching executor 3 in container")
                .containsPattern("Requesting 1 executor container\\(s\\) preferring hosts \\[\\S+");
    }

    /** A wait for {@code what} that fails at once if the application {@code run} ends first. */
    private static ConditionFactory whileRunning(CompletableFuture<Run> run, String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .failFast("the application ended first", run::isDone);
    }

    /** The names of the marker files tasks made in {@code markers} ({@code task-<index>-pid-<pid>}), sorted. */
    private static List<String> taskMarkers(Path markers) throws IOException {
        if (!Files.isDirectory(markers)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(markers)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("task-")).sorted().toList();
        }
    }

    @Test
    void aContainerOverItsMemoryLimitIsReportedWithTheLimitAndTheSetting() throws Exception {
        Path jar = TestJars.build(work, "memory-hog.jar", Map.of("it.MemoryHog", """
                package it;
                import dev.spindle.api.Context;
                import java.nio.ByteBuffer;
                import java.util.ArrayList;
                import java.util.List;
                public class MemoryHog {
                    public static void main(String[] args) {
                        try (Context ctx = Context.create()) {
                            ctx.parallelize(List.of(1, 2, 3, 4), 4).map(n -> {
                                List<ByteBuffer> held = new ArrayList<>();
                                for (int i = 0; i < 12; i++) {
                                    ByteBuffer buffer = ByteBuffer.allocateDirect(64 << 20);
                                    for (int page = 0; page < buffer.capacity(); page += 4096) {
                                        buffer.put(page, (byte) 1);
                                    }
                                    held.add(buffer);
                                }
                                Thread.sleep(30_000);
                                return n + held.size();
                            }).count();
                        }
                    }
                }
                """));
        Run run = submit("--executor-memory", "128m", "--conf", "spindle.executor.memoryOverhead=128m",
                "--conf", "spindle.executor.extraJavaOptions=-XX:MaxDirectMemorySize=2g",
                "--conf", "spindle.task.maxFailures=3", "--class", "it.MemoryHog", jar.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("final status FAILED")
                .containsPattern("killed by YARN for using more physical memory than its container allows \\(\\S+ \\S+ "
                        + "of 256 MB physical memory used\\)")
                .containsPattern("raise spindle.executor.memoryOverhead \\(now 128m\\) to at least \\d+[mg], "
                        + "or spindle.executor.memory \\(now 128m\\) if the heap itself is short");
    }

    /** The ApplicationMaster's stderr (its log) in the NodeManagers' log directories. */
    private static String amStderr(String appId) throws IOException {
        return amLogFile(appId, "stderr");
    }

    /**
     * File {@code name} of the ApplicationMaster's container in the NodeManagers' log directories: its stderr (log),
     * or {@code launch_container.sh}, which the NodeManagers copy there.
     */
    private static String amLogFile(String appId, String name) throws IOException {
        // Only the NodeManagers' log directories: their local directories change while containers come and go.
        List<Path> logDirs;
        try (Stream<Path> dirs = Files.find(HOME.resolve("target/test/data/yarn-submit-it"), 2,
                (dir, attributes) -> dir.getFileName().toString().contains("-logDir-nm-"))) {
            logDirs = dirs.toList();
        }
        List<Path> logs = new ArrayList<>();
        for (Path dir : logDirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(f -> f.toString().contains(appId) && f.toString().contains("_000001")
                        && f.getFileName().toString().equals(name)).forEach(logs::add);
            }
        }
        assertThat(logs).as("AM " + name + " of " + appId).hasSize(1);
        return Files.readString(logs.get(0));
    }

    private static void deleteLocal(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
