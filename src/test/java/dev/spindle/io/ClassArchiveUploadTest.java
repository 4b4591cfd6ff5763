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
                .hasMessageContaining("class path entry");
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
    void aClassFromAnEntryAtOrAfterANonEmptyDirectoryStopsTheDumpThatWouldEndTheJvm() throws Exception {
        // Two jars holding the same class, as the class path's loader would load it from one or the other.
        Path classes = Path.of(ClassArchiveUploadTest.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        String resource = ClassArchiveUploadTest.class.getName().replace('.', '/') + ".class";
        Path first = jarWith(dir.resolve("first.jar"), classes, resource);
        Path last = jarWith(dir.resolve("last.jar"), classes, resource);
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("core-site.xml"), "<configuration/>");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        String sep = java.io.File.pathSeparator;
        String classPath = first + sep + empty + sep + conf + sep + last;
        try (java.net.URLClassLoader fromFirst = loaderOf(first); java.net.URLClassLoader fromLast = loaderOf(last)) {
            Class<?> early = fromFirst.loadClass(ClassArchiveUploadTest.class.getName());
            Class<?> late = fromLast.loadClass(ClassArchiveUploadTest.class.getName());
            assertThat(ClassArchiveUpload.unsafeClassPath(classPath, java.util.List.of(early), fromFirst)).isNull();
            assertThat(ClassArchiveUpload.unsafeClassPath(classPath, java.util.List.of(early, late), fromLast))
                    .contains("came from class path entry " + last)
                    .contains("the non-empty directory " + conf);
            // Classes of other loaders (the application's) do not count; nor does a path with no such directory.
            assertThat(ClassArchiveUpload.unsafeClassPath(classPath, java.util.List.of(late), fromFirst)).isNull();
            assertThat(ClassArchiveUpload.unsafeClassPath(first + sep + empty + sep + last,
                    java.util.List.of(late), fromLast)).isNull();
        }
    }

    private static java.net.URLClassLoader loaderOf(Path jar) throws Exception {
        return new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, null);
    }

    private static Path jarWith(Path jar, Path classes, String resource) throws Exception {
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry(resource));
            out.write(Files.readAllBytes(classes.resolve(resource)));
            out.closeEntry();
        }
        return jar;
    }
}
