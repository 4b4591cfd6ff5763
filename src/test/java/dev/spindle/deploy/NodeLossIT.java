package dev.spindle.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.deploy.ClusterRuns.ContainerJvm;
import dev.spindle.deploy.ClusterRuns.Run;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.yarn.mini.EmbeddedCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A NodeManager stopped mid-job (a lost node): its executor's running reduce task and the map outputs it wrote are
 * redone elsewhere, and the output is byte-identical to a fault-free run. The applications use the NodeManagers'
 * shuffle service, which goes with its node: the first fetch from it fails, and every output it served is redone
 * (losing only the executor would rerun no map task; {@code DynamicAllocationIT} shows that). Each NodeManager offers 2 GiB, room for two 1 GiB
 * containers, so one of the application's two executors always runs on the node without the ApplicationMaster.
 */
@Timeout(600)
class NodeLossIT {
    private static final String CLUSTER = "node-loss-it";

    private static EmbeddedCluster cluster;
    private static FileSystem fs;
    private static ClusterRuns runs;
    private static Path appJar;

    @BeforeAll
    static void startCluster() throws Exception {
        Path work = Files.createDirectories(ClusterRuns.HOME.resolve("target/" + CLUSTER));
        Configuration overrides = new Configuration(false);
        overrides.set("yarn.nodemanager.resource.memory-mb", "2048");
        overrides.set("yarn.nm.liveness-monitor.expiry-interval-ms", "5000");
        cluster = EmbeddedCluster.start(CLUSTER, work.resolve("cluster"), 2, overrides);
        Path confDir = work.resolve("conf");
        cluster.writeConfDir(confDir);
        fs = cluster.fileSystem();
        runs = new ClusterRuns(fs, confDir);
        StringBuilder text = new StringBuilder();
        for (int line = 0; line < 20_000; line++) {
            text.append("w").append(line % 97).append(" x").append(line % 13).append(" y").append(line % 7).append('\n');
        }
        try (var out = fs.create(new org.apache.hadoop.fs.Path("/in/words.txt"))) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        appJar = TestJars.build(work, "fault-job.jar", FaultJobs.sources());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Run run(String name, String mode) {
        return runs.submit("--num-executors", "2", "--name", name, "--conf", "spindle.executor.heartbeatInterval=1s",
                "--conf", "spindle.shuffle.service.enabled=true",
                "--class", "it.FaultJob", appJar.toString(), runs.hdfs("/in/words.txt"), runs.hdfs("/out/" + name),
                runs.hdfs("/markers/" + name), mode);
    }

    @Test
    void aNodeManagerStoppedMidJob() throws Exception {
        Run clean = run("clean", "none");
        assertThat(clean.exitCode()).as(clean.stderr()).isZero();
        Map<String, byte[]> expected = runs.files("/out/clean");

        CompletableFuture<Run> running = CompletableFuture.supplyAsync(() -> run("lose-node", "lose-node"));
        org.apache.hadoop.fs.Path markers = new org.apache.hadoop.fs.Path("/markers/lose-node");
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> running.isDone() || fs.exists(markers) && heldPids(markers).size() == 2);
        assertThat(running).as("the application ended before both executors held a task").isNotDone();
        List<ContainerJvm> held = heldPids(markers).stream().map(ClusterRuns::containerJvm).toList();
        String app = "application_" + held.get(0).containerId().replaceFirst("container_(e\\d+_)?(\\d+_\\d+)_.*", "$2");
        int amNode = ClusterRuns.containerJvms(app).stream().filter(ContainerJvm::isApplicationMaster)
                .findFirst().orElseThrow().nodeManager();
        ContainerJvm victim = held.stream().filter(j -> j.nodeManager() != amNode).findFirst()
                .orElseThrow(() -> new AssertionError("no executor off the AM's node: " + held));
        cluster.stopNodeManager(victim.nodeManager());
        victim.process().onExit().get(2, TimeUnit.MINUTES);
        fs.createNewFile(new org.apache.hadoop.fs.Path(markers, "release"));

        Run run = running.get(5, TimeUnit.MINUTES);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        Map<String, byte[]> output = runs.files("/out/lose-node");
        assertThat(output.keySet()).containsExactlyElementsOf(expected.keySet());
        output.forEach((file, bytes) -> assertThat(bytes).as(file).isEqualTo(expected.get(file)));
        List<SchedulerEvent> events = runs.events(run.applicationId());
        assertThat(ClusterRuns.executorsRemoved(events)).as("the lost node's executor").isNotEmpty();
        // The ResourceManager learns of the node's end from its unregistration, or from its silence.
        Awaitility.await("the ResourceManager lost the node").atMost(Duration.ofMinutes(1))
                .until(() -> cluster.resourceManager().getRMContext().getInactiveRMNodes().size() == 1);
        int[] stages = ClusterRuns.stagesInSubmissionOrder(events);
        assertThat(ClusterRuns.tasksStarted(events, t -> t.stageId() == stages[0]))
                .as("the map output the lost node's service served was written again").isGreaterThan(4);
        assertThat(ClusterRuns.tasksStarted(events, t -> t.stageId() == stages[stages.length - 1]))
                .as("the reduce task held on the lost node ran again").isGreaterThan(4);
    }

    private static List<Long> heldPids(org.apache.hadoop.fs.Path markers) throws java.io.IOException {
        return List.of(fs.listStatus(markers)).stream().map(FileStatus::getPath).map(p -> p.getName())
                .filter(n -> n.contains("-pid-")).map(n -> Long.parseLong(n.replaceFirst(".*-pid-", ""))).toList();
    }
}
