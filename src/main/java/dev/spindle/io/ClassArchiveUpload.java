package dev.spindle.io;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The container side of class data sharing on YARN ({@code ContainerClassArchives} decides who trains): a JVM
 * started with {@code -XX:+RecordDynamicDumpInfo} and {@link #TARGET_ENV} writes the classes it loaded as a dynamic
 * archive (the JDK's {@code VM.cds dynamic_dump} diagnostic command, run in this JVM) and publishes it at that path
 * of the cluster file system, where later containers localize it from. Best effort: any failure is logged and
 * leaves no file behind, and the containers simply start without an archive.
 */
public final class ClassArchiveUpload {
    private static final Logger LOG = LogManager.getLogger(ClassArchiveUpload.class);
    /** The environment variable naming where this JVM publishes its archive; unset: it does not. */
    public static final String TARGET_ENV = "SPINDLE_CLASS_ARCHIVE_TARGET";
    private static final FsPermission FILE_PERMISSION = new FsPermission((short) 0644);

    private ClassArchiveUpload() {
    }

    /** Publishes this JVM's archive when its environment asks for it ({@link #TARGET_ENV}); {@code who} for logs. */
    public static void publishIfAsked(String who) {
        String target = System.getenv(TARGET_ENV);
        if (target != null && !target.isBlank()) {
            publish(new Path(target), new Configuration(), java.nio.file.Path.of("spindle-classes.jsa"), who);
        }
    }

    /** Dumps this JVM's archive into {@code local}, moves it to {@code target}; true when this call published it. */
    static boolean publish(Path target, Configuration conf, java.nio.file.Path local, String who) {
        long start = System.nanoTime();
        Path temporary = null;
        FileSystem fs = null;
        try {
            fs = target.getFileSystem(conf);
            if (fs.exists(target)) {
                LOG.info("{}: the class data sharing archive {} exists already", who, target);
                return false;
            }
            dump(local);
            long bytes = Files.size(local);
            temporary = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
            fs.mkdirs(target.getParent());
            fs.copyFromLocalFile(true, false, new Path(local.toAbsolutePath().toUri()), temporary);
            fs.setPermission(temporary, FILE_PERMISSION);
            // Another container may have published one meanwhile: either is fine.
            boolean moved = fs.rename(temporary, target);
            if (!moved) {
                fs.delete(temporary, false);
            }
            temporary = null;
            LOG.info("{} wrote the class data sharing archive {} ({} MiB in {} ms) for the containers of later "
                    + "applications", who, target, bytes >> 20, (System.nanoTime() - start) / 1_000_000);
            return moved;
        } catch (IOException | JMException | RuntimeException e) {
            LOG.warn("{} cannot write a class data sharing archive to {} ({}); later containers start without one",
                    who, target, e.toString());
            return false;
        } finally {
            deleteQuietly(fs, temporary);
            try {
                Files.deleteIfExists(local);
            } catch (IOException e) {
                LOG.debug("Cannot delete {}: {}", local, e.toString());
            }
        }
    }

    /** Writes the classes this JVM has loaded as a dynamic archive; needs {@code -XX:+RecordDynamicDumpInfo}. */
    static void dump(java.nio.file.Path file) throws IOException, JMException {
        Files.deleteIfExists(file);
        List<Class<?>> loaded = linkLoadedClasses();
        String unsafe = unsafeClassPath(System.getProperty("java.class.path"), loaded,
                ClassLoader.getSystemClassLoader());
        if (unsafe != null) {
            throw new IOException(unsafe);
        }
        Object answer = diagnosticCommand("vmCds", "dynamic_dump", file.toAbsolutePath().toString());
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            throw new IOException("the JVM wrote no archive: " + String.valueOf(answer).strip());
        }
    }

    private static Object diagnosticCommand(String operation, String... arguments) throws JMException {
        return ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), operation, new Object[] {arguments},
                new String[] {String[].class.getName()});
    }

    /**
     * Links the classes this JVM loaded but never linked. Unlike a dump at exit, the {@code VM.cds} command (JDK 17)
     * leaves such classes out of the archive, and there are hundreds: Log4j and Jackson load their plugins and
     * annotations by name without using most of them, yet every later JVM loads them again. Reflection on a class's
     * methods links it without initializing it. The list comes from {@code VM.class_hierarchy}; classes of the boot
     * loader are in the JDK's own archive.
     */
    static List<Class<?>> linkLoadedClasses() throws JMException {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        List<Class<?>> linked = new ArrayList<>();
        for (String line : String.valueOf(diagnosticCommand("vmClassHierarchy")).split("\n")) {
            String entry = line.replaceFirst("^[|\\s-]*", "");
            int slash = entry.indexOf('/');
            if (slash <= 0 || entry.startsWith("null", slash + 1)) {
                continue;
            }
            String name = entry.substring(0, slash);
            if (name.contains("$$Lambda$") || name.contains("LambdaForm$")) {
                continue;
            }
            try {
                Class<?> cls = Class.forName(name, false, loader);
                cls.getDeclaredMethods();
                linked.add(cls);
            } catch (ClassNotFoundException | LinkageError | SecurityException e) {
                // Not visible from here, or not linkable: the dump leaves it out, as it would have.
            }
        }
        return linked;
    }

    /**
     * Why the JDK would end this JVM instead of writing an archive, or null when it will not: it does so when a
     * class of {@code system} (the class path's loader) came from the class path entry of a non-empty directory or
     * from any entry after one. The conf and container directories follow Spindle's jars; the cluster's entries
     * ({@code yarn.application.classpath}) follow them, and a program that loads a class from one of those gets no
     * archive written (and keeps running).
     */
    static String unsafeClassPath(String classPath, List<Class<?>> classes, ClassLoader system) throws IOException {
        List<java.nio.file.Path> entries = new ArrayList<>();
        int firstNonEmptyDirectory = -1;
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            java.nio.file.Path path = java.nio.file.Path.of(entry).toAbsolutePath().normalize();
            if (firstNonEmptyDirectory < 0 && Files.isDirectory(path)) {
                try (java.util.stream.Stream<java.nio.file.Path> files = Files.list(path)) {
                    if (files.findAny().isPresent()) {
                        firstNonEmptyDirectory = entries.size();
                    }
                }
            }
            entries.add(path);
        }
        if (firstNonEmptyDirectory < 0) {
            return null;
        }
        java.util.Set<java.nio.file.Path> risky = new java.util.HashSet<>(
                entries.subList(firstNonEmptyDirectory, entries.size()));
        for (Class<?> cls : classes) {
            if (cls.getClassLoader() != system) {
                continue;
            }
            java.security.CodeSource source = cls.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null || !"file".equals(source.getLocation().getProtocol())) {
                continue;
            }
            java.nio.file.Path from;
            try {
                from = java.nio.file.Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
            } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                continue;
            }
            if (risky.contains(from)) {
                return "class " + cls.getName() + " came from class path entry " + from + ", which is or follows "
                        + "the non-empty directory " + entries.get(firstNonEmptyDirectory);
            }
        }
        return null;
    }

    private static void deleteQuietly(FileSystem fs, Path path) {
        if (fs != null && path != null) {
            try {
                fs.delete(path, false);
            } catch (IOException e) {
                LOG.debug("Cannot delete {}: {}", path, e.toString());
            }
        }
    }
}
