package dev.spindle.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.config.SpindleConf;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class HadoopConfsTest {
    @Test
    void copiesCarryTheSpindleHadoopEntriesAndTravelAsOverrides() {
        Configuration conf = HadoopConfs.from(SpindleConf.empty()
                .with("spindle.hadoop.fs.local.block.size", "1048576")
                .with("spindle.app.name", "not-hadoop"));

        assertThat(conf.get("fs.local.block.size")).isEqualTo("1048576");
        assertThat(conf.get("app.name")).isNull();
        Map<String, String> overrides = HadoopConfs.overrides(conf);
        assertThat(overrides).containsEntry("fs.local.block.size", "1048576");
        assertThat(HadoopConfs.fromOverrides(overrides).get("fs.local.block.size")).isEqualTo("1048576");
        assertThat(HadoopConfs.fresh().get("fs.local.block.size")).isNotEqualTo("1048576");
    }

    /**
     * Hadoop adds a default resource (as the HDFS and YARN clients do when their classes load) under its class-wide
     * lock and then locks every live configuration to reload it, the shared loaded one included; copying took those
     * two locks in the other order, and a task building its configuration while another task first touched HDFS
     * hung both for good.
     */
    @Test
    void copyingWhileADefaultResourceIsAddedCompletes() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(3, runnable -> {
            Thread thread = new Thread(runnable, "hadoop-confs-test");
            thread.setDaemon(true); // a deadlocked thread must not keep the test JVM alive
            return thread;
        });
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<?> copying1 = threads.submit(() -> copy(start));
            Future<?> copying2 = threads.submit(() -> copy(start));
            Future<?> adding = threads.submit(() -> {
                start.await();
                for (int i = 0; i < 20; i++) {
                    // Absent files: a default resource that is not on the classpath is skipped when loading.
                    Configuration.addDefaultResource("spindle-test-absent-" + i + ".xml");
                    Thread.sleep(2);
                }
                return null;
            });
            start.countDown();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(adding.isDone() && copying1.isDone() && copying2.isDone())) {
                // Hung threads would also hang every later test of this JVM on Hadoop's lock: fail now, saying why.
                long[] deadlocked = ManagementFactory.getThreadMXBean().findMonitorDeadlockedThreads();
                assertThat(deadlocked).as("threads deadlocked copying and reloading configurations").isNull();
                assertThat(System.nanoTime()).as("copies and reloads still running after 30 s").isLessThan(until);
                Thread.sleep(10);
            }
            adding.get();
            copying1.get();
            copying2.get();
            assertThat(HadoopConfs.fresh().get("fs.defaultFS")).isEqualTo("file:///");
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * The shared configuration is parsed once, with the resources that HDFS's and MapReduce's classes add: loading
     * those classes afterwards, as a program's first file access does, must not make it parse everything again. In a
     * JVM of its own, since which of Hadoop's classes have loaded is the whole JVM's state.
     */
    @Test
    @Timeout(120)
    void theSharedConfigurationIsParsedOnceWithTheLateDefaultResources(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("first-parse.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), FirstParse.class.getName()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            boolean exited = child.waitFor(60, TimeUnit.SECONDS);
            String output = Files.readString(log);
            assertThat(exited).as("the child JVM ended within 60 s: " + output).isTrue();
            assertThat(child.exitValue()).as(output).isZero();
            assertThat(output.lines())
                    .contains("mapred-default: 1", "yarn-default: 2", "parses of core-default.xml: 1");
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * The child JVM of the test above. The shared configuration, made while the context class loader counts loads of
     * core-default.xml, keeps that loader, as its copies do; Hadoop's own configurations, made later, do not count.
     */
    static final class FirstParse {
        public static void main(String[] args) throws Exception {
            AtomicInteger parses = new AtomicInteger();
            ClassLoader plain = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(new ClassLoader(plain) {
                @Override
                public URL getResource(String name) {
                    if (name.equals("core-default.xml")) {
                        parses.incrementAndGet();
                    }
                    return super.getResource(name);
                }
            });
            Configuration conf = HadoopConfs.fresh();
            Thread.currentThread().setContextClassLoader(plain);
            // Keys that only mapred-default.xml and yarn-default.xml set.
            System.out.println("mapred-default: " + conf.get("mapreduce.job.reduces"));
            System.out.println("yarn-default: " + conf.get("yarn.resourcemanager.am.max-attempts"));
            FileSystem.getLocal(new Configuration()).exists(new org.apache.hadoop.fs.Path("/"));
            HadoopConfs.fresh().get("fs.defaultFS");
            System.out.println("parses of core-default.xml: " + parses.get());
        }
    }

    private static Void copy(CountDownLatch start) throws InterruptedException {
        start.await();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < until) {
            assertThat(HadoopConfs.fresh().get("fs.defaultFS")).isNotNull();
        }
        return null;
    }
}
