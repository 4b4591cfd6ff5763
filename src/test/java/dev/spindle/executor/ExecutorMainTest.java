package dev.spindle.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorMainTest {
    @TempDir
    Path dir;

    @Test
    void theApplicationsJarsAreLoadedInAChildLoaderThatAsksSpindleFirst() throws Exception {
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("app-resource.txt"));
            out.write("from the app".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
        }
        ClassLoader loader = ExecutorMain.applicationLoader(jar + File.pathSeparator);
        assertThat(loader).isNotSameAs(ExecutorMain.class.getClassLoader());
        assertThat(loader.getParent()).isSameAs(ExecutorMain.class.getClassLoader());
        assertThat(loader.getResource("app-resource.txt")).isNotNull();
        assertThat(loader.loadClass(ExecutorMain.class.getName())).isSameAs(ExecutorMain.class);
        assertThat(ExecutorMain.applicationLoader("")).isSameAs(ExecutorMain.class.getClassLoader());
        assertThat(ExecutorMain.applicationLoader(null)).isSameAs(ExecutorMain.class.getClassLoader());
        assertThatThrownBy(() -> ExecutorMain.applicationLoader(dir.resolve("missing.jar").toString()))
                .hasMessageContaining(ExecutorMain.USER_CLASS_PATH_ENV).hasMessageContaining("missing.jar")
                .hasMessageContaining("not a readable file");
    }
}
