package dev.spindle.yarn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.config.SpindleConf;
import dev.spindle.io.ClassArchiveUpload;
import dev.spindle.yarn.StagedResources.Entry;
import dev.spindle.yarn.StagedResources.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerClassArchivesTest {
    @TempDir
    Path dir;

    private StagedResources staged(boolean knownJars) {
        return new StagedResources(List.of(new Entry(StagedResources.LIB_ARCHIVE, Role.SPINDLE_ARCHIVE,
                dir.resolve("libs-abc/__spindle_libs__.zip").toUri().toString(), 1, 1, true,
                knownJars ? List.of("spindle.jar") : List.of())));
    }

    @Test
    void theFirstContainerWritesTheArchiveNextToTheJarsAndLaterOnesMapIt() throws Exception {
        SpindleConf conf = SpindleConf.empty();
        Configuration hadoop = new Configuration();
        ContainerClassArchives.Plan write = ContainerClassArchives.plan(conf, hadoop, staged(true),
                ContainerClassArchives.EXECUTOR, "/jdk", "-verbose:gc", true);
        assertThat(write.writes()).isTrue();
        String target = write.environment().get(ClassArchiveUpload.TARGET_ENV);
        assertThat(target).contains("/libs-abc/executor-").endsWith(".jsa");
        assertThat(write.javaOptions()).contains("-XX:+RecordDynamicDumpInfo");
        assertThat(write.javaOptionsBefore("-verbose:gc")).endsWith(" -verbose:gc");
        assertThat(write.resources()).isEmpty();
        // Without leave to write (another container does), nothing.
        assertThat(ContainerClassArchives.plan(conf, hadoop, staged(true), ContainerClassArchives.EXECUTOR, "/jdk",
                "", false)).isEqualTo(ContainerClassArchives.Plan.NONE);

        Path archive = Path.of(java.net.URI.create(target));
        Files.createDirectories(archive.getParent());
        Files.write(archive, new byte[] {1, 2, 3, 4});
        ContainerClassArchives.Plan map = ContainerClassArchives.plan(conf, hadoop, staged(true),
                ContainerClassArchives.EXECUTOR, "/jdk", "", true);
        assertThat(map.writes()).isFalse();
        String name = ContainerClassArchives.localName(ContainerClassArchives.EXECUTOR);
        assertThat(map.javaOptions()).contains("-XX:SharedArchiveFile=" + name);
        assertThat(map.resources()).containsOnlyKeys(name);
        assertThat(map.resources().get(name).getSize()).isEqualTo(4);
        assertThat(map.resources().get(name).getVisibility()).isEqualTo(LocalResourceVisibility.PRIVATE);

        // Each role and JDK has its own.
        assertThat(ContainerClassArchives.plan(conf, hadoop, staged(true), ContainerClassArchives.AM, "/jdk", "",
                true).writes()).isTrue();
        assertThat(ContainerClassArchives.plan(conf, hadoop, staged(true), ContainerClassArchives.EXECUTOR,
                "/other-jdk", "", true).writes()).isTrue();
    }

    @Test
    void noArchiveWhenOffWhenTheJarsMayDifferOrWhenTheUserSetsSharingFlags() throws Exception {
        Configuration hadoop = new Configuration();
        SpindleConf off = SpindleConf.empty().with(dev.spindle.config.SpindleConfig.YARN_CLASS_DATA_SHARING, "false");
        assertThat(ContainerClassArchives.plan(off, hadoop, staged(true), ContainerClassArchives.EXECUTOR, "/jdk",
                "", true)).isEqualTo(ContainerClassArchives.Plan.NONE);
        assertThat(ContainerClassArchives.plan(SpindleConf.empty(), hadoop, staged(false),
                ContainerClassArchives.EXECUTOR, "/jdk", "", true)).isEqualTo(ContainerClassArchives.Plan.NONE);
        for (String flags : List.of("-Xshare:off", "-XX:SharedArchiveFile=/x.jsa", "-Xmx1g -XX:ArchiveClassesAtExit=a",
                "-XX:+RecordDynamicDumpInfo")) {
            assertThat(ContainerClassArchives.plan(SpindleConf.empty(), hadoop, staged(true),
                    ContainerClassArchives.EXECUTOR, "/jdk", flags, true)).as(flags)
                    .isEqualTo(ContainerClassArchives.Plan.NONE);
        }
    }
}
