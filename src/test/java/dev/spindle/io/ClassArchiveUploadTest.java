package dev.spindle.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchiveUploadTest {
    @TempDir
    Path dir;

    @Test
    void aDumpThatCannotBeDoneWritesNothingAndSaysWhy() throws Exception {
        // This JVM has class files in directories on its class path, and no -XX:+RecordDynamicDumpInfo: no dump (the
        // writing case runs on YARN, in YarnSubmitIT).
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("cache/executor-x.jsa").toUri());
        Path local = dir.resolve("work/spindle-classes.jsa");
        Files.createDirectories(local.getParent());
        assertThat(ClassArchiveUpload.publish(target, new Configuration(), local, "Executor 1")).isFalse();
        assertThat(dir.resolve("cache")).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(),
                p -> assertThat(p).isEmptyDirectory());
        assertThat(local).doesNotExist();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClassArchiveUpload.dump(local))
                .hasMessageContaining("holds class files");
    }

    @Test
    void anArchiveAlreadyThereIsLeftAsItIs() throws Exception {
        Path existing = Files.createDirectories(dir.resolve("cache")).resolve("executor-x.jsa");
        Files.write(existing, new byte[] {1});
        assertThat(ClassArchiveUpload.publish(new org.apache.hadoop.fs.Path(existing.toUri()), new Configuration(),
                dir.resolve("local.jsa"), "Executor 1")).isFalse();
        assertThat(existing).hasBinaryContent(new byte[] {1});
    }

    @Test
    void aClassPathTheJdkWouldDieOnIsRefusedBeforeDumping() throws Exception {
        Path jar = Files.write(dir.resolve("a.jar"), new byte[] {1});
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("core-site.xml"), "<configuration/>");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        String sep = java.io.File.pathSeparator;
        assertThat(ClassArchiveUpload.unsafeClassPath(jar + sep + empty + sep + jar + sep + conf)).isNull();
        assertThat(ClassArchiveUpload.unsafeClassPath(jar + sep + conf + sep + dir.resolve("missing.jar"))).isNull();
        assertThat(ClassArchiveUpload.unsafeClassPath(jar + sep + conf + sep + jar))
                .isEqualTo("class path entry " + jar + " follows a non-empty directory");
        Files.createDirectories(conf.resolve("x"));
        Files.write(conf.resolve("x/Y.class"), new byte[] {1});
        assertThat(ClassArchiveUpload.unsafeClassPath(jar + sep + conf))
                .isEqualTo("class path directory " + conf + " holds class files");
    }
}
