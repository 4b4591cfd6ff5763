package dev.spindle.yarn.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.yarn.StagedResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagerTest {
    @TempDir
    Path dir;

    @Test
    void spindlesJarsGoAsOneCachedZipThatKeepsTheirNamesOrderAndTimes() throws Exception {
        Path b = Files.write(dir.resolve("b-lib.jar"), new byte[] {1, 2, 3});
        Path a = Files.write(dir.resolve("a-spindle.jar"), new byte[] {4, 5});
        Files.setLastModifiedTime(b, FileTime.fromMillis(1_700_000_000_000L));
        Files.setLastModifiedTime(a, FileTime.fromMillis(1_600_000_000_000L));
        FileSystem fs = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path cache = new org.apache.hadoop.fs.Path(dir.resolve("cache").toUri());
        Stager first = new Stager(fs, new org.apache.hadoop.fs.Path(dir.resolve("staging").toUri()), cache,
                DigestCache.at(dir.resolve("digests.tsv")));

        StagedResources.Entry entry = first.bundle(List.of(a, b));
        assertThat(entry.role()).isEqualTo(StagedResources.Role.SPINDLE_ARCHIVE);
        assertThat(entry.name()).isEqualTo(StagedResources.LIB_ARCHIVE);
        assertThat(entry.shared()).isTrue();
        assertThat(entry.contents()).containsExactly("a-spindle.jar", "b-lib.jar");
        assertThat(entry.path()).endsWith("/__spindle_libs__.zip");
        assertThat(first.uploaded()).isEqualTo(1);
        try (ZipFile zip = new ZipFile(Path.of(java.net.URI.create(entry.path())).toFile())) {
            List<? extends ZipEntry> entries = Collections.list(zip.entries());
            assertThat(entries).extracting(ZipEntry::getName).containsExactly("a-spindle.jar", "b-lib.jar");
            assertThat(entries).extracting(e -> e.getLastModifiedTime().toMillis())
                    .containsExactly(1_600_000_000_000L, 1_700_000_000_000L);
            assertThat(zip.getInputStream(entries.get(1)).readAllBytes()).containsExactly(1, 2, 3);
        }

        // Another submission of the same jars reuses the zip; changed content makes another.
        Stager second = new Stager(fs, new org.apache.hadoop.fs.Path(dir.resolve("staging2").toUri()), cache,
                DigestCache.at(dir.resolve("digests.tsv")));
        assertThat(second.bundle(List.of(a, b)).path()).isEqualTo(entry.path());
        assertThat(second.uploaded()).isZero();
        assertThat(second.reused()).isEqualTo(2);
        Files.write(b, new byte[] {7});
        assertThat(second.bundle(List.of(a, b)).path()).isNotEqualTo(entry.path());
        assertThat(second.uploaded()).isEqualTo(1);
    }
}
