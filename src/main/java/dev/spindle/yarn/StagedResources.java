package dev.spindle.yarn;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.apache.hadoop.yarn.api.records.URL;

/**
 * The files a Spindle application's containers localize, as the client staged them: each with the name it gets in
 * the container's working directory, where it lives on the cluster file system, and its role. The configuration
 * travels as one archive ({@link #CONF_ARCHIVE}: the resolved Spindle configuration, the main class and arguments,
 * the Hadoop and Log4j configuration and this list, {@link #FILE_NAME}); the ApplicationMaster reads the list back
 * to give executors the same files. One archive rather than six small files: each HDFS file close waits for the
 * DataNode's block report, which made staging seconds slower.
 */
public final class StagedResources {
    /** Names in a container's working directory. */
    public static final String FILE_NAME = "__spindle_resources__";
    /** The configuration archive: its name in the staging directory, and the directory it unpacks to. */
    public static final String CONF_ARCHIVE_FILE = "__spindle_conf__.zip";
    public static final String CONF_ARCHIVE = "__spindle_conf__";
    public static final String APP_JAR = "__app__.jar";
    public static final String SPINDLE_CONF = "__spindle__.conf";
    public static final String APP_ARGS = "__app_args__";
    /**
     * The submitter's Hadoop configuration goes to containers under each of these names: YARN's and HDFS's defaults
     * load after {@code core-site.xml} and would otherwise override the cluster addresses it carries.
     */
    public static final List<String> HADOOP_CONF = List.of("core-site.xml", "hdfs-site.xml", "yarn-site.xml");
    public static final String LOG4J_CONF = "log4j2.properties";
    public static final String EXECUTOR_CONF = "__executor__.conf";
    public static final String LIB_ARCHIVE = "__spindle_libs__";
    /** Environment variable of the AM: its staging directory. */
    public static final String STAGING_DIR_ENV = "SPINDLE_YARN_STAGING_DIR";

    /** What a staged file is for, which decides who localizes it and whether it joins the class path. */
    public enum Role {
        /** A Spindle jar: class path of the AM and executors. */
        SPINDLE_JAR,
        /** A zip of Spindle's jars ({@code spindle.yarn.archive}): its jars join both class paths. */
        SPINDLE_ARCHIVE,
        /** The application jar or a {@code --jars} jar: the AM loads them in the application's class loader. */
        APP_JAR,
        /** A {@code --files} file, in every container's working directory. */
        FILE,
        /** A configuration file for executors (their driver's resolved configuration). */
        CONF,
        /** The configuration archive: first on every class path (Hadoop's *-site.xml files). */
        CONF_ARCHIVE
    }

    /**
     * One staged file. {@code contents}: for an archive of jars, their names in class path order (empty when not
     * known: the class path then names the archive's directory with a wildcard).
     */
    public record Entry(String name, Role role, String path, long size, long timestamp, boolean shared,
            List<String> contents) {
        public Entry {
            requireNonNull(name, "name is null");
            requireNonNull(role, "role is null");
            requireNonNull(path, "path is null");
            contents = List.copyOf(contents);
        }

        public Entry(String name, Role role, String path, long size, long timestamp, boolean shared) {
            this(name, role, path, size, timestamp, shared, List.of());
        }

        /** The YARN local resource that localizes it. */
        public LocalResource toLocalResource() {
            return LocalResource.newInstance(URL.fromPath(new Path(path)),
                    role == Role.SPINDLE_ARCHIVE || role == Role.CONF_ARCHIVE ? LocalResourceType.ARCHIVE
                            : LocalResourceType.FILE,
                    shared ? LocalResourceVisibility.PRIVATE : LocalResourceVisibility.APPLICATION, size, timestamp);
        }

        /** The class path entries of a Spindle jar or archive, relative to the container's working directory. */
        List<String> classPathEntries() {
            return switch (role) {
                case SPINDLE_JAR -> List.of(name);
                case SPINDLE_ARCHIVE -> contents.isEmpty() ? List.of(name + "/*")
                        : contents.stream().map(jar -> name + "/" + jar).toList();
                default -> List.of();
            };
        }
    }

    private final List<Entry> entries;

    public StagedResources(List<Entry> entries) {
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry entry : entries) {
            if (byName.putIfAbsent(entry.name(), entry) != null) {
                throw SpindleException.invalidArgument("two files would be named %s in the containers (%s and %s); "
                        + "rename one of them", entry.name(), byName.get(entry.name()).path(), entry.path());
            }
        }
        this.entries = List.copyOf(entries);
    }

    /** An entry for {@code file}, with the size and modification time YARN checks when it localizes it. */
    public static Entry describe(FileSystem fs, Path file, String name, Role role, boolean shared) throws IOException {
        FileStatus status = fs.getFileStatus(file);
        return new Entry(name, role, fs.makeQualified(file).toString(), status.getLen(), status.getModificationTime(),
                shared);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The local resources of a container, ApplicationMaster or executor. */
    public Map<String, LocalResource> localResources() {
        Map<String, LocalResource> resources = new HashMap<>();
        for (Entry entry : entries) {
            resources.put(entry.name(), entry.toLocalResource());
        }
        return resources;
    }

    /** Where file {@code name} of the configuration archive is, relative to a container's directory. */
    public static String inConfArchive(String name) {
        return CONF_ARCHIVE + "/" + name;
    }

    /**
     * The class path of the ApplicationMaster and executors, in YARN's cross-platform form: Spindle's jars, relative
     * to the container's directory and in a fixed order, then the configuration directory (Hadoop's *-site.xml
     * files) and the container's directory ({@code --files}), then {@code clusterEntries}. The application's jars
     * are not on it: both load them in a class loader of their own ({@link #applicationJars()}).
     *
     * <p>The order serves class data sharing ({@code ContainerClassArchives}): an archive is valid in another
     * container only when its class path names the same jars, in the same order, by the same relative names, with
     * no non-empty directory before the last jar a class came from.
     */
    public String classPath(List<String> clusterEntries) {
        List<String> path = new ArrayList<>();
        for (Role role : new Role[] {Role.SPINDLE_JAR, Role.SPINDLE_ARCHIVE}) {
            for (Entry entry : entries) {
                if (entry.role() == role) {
                    path.addAll(entry.classPathEntries());
                }
            }
        }
        if (entries.stream().anyMatch(e -> e.role() == Role.CONF_ARCHIVE)) {
            path.add("{{PWD}}/" + CONF_ARCHIVE);
        }
        path.add("{{PWD}}");
        path.addAll(clusterEntries);
        return String.join("<CPS>", path);
    }

    /** The archive of Spindle's jars the containers run from, if they run from one. */
    public java.util.Optional<Entry> spindleArchive() {
        return entries.stream().filter(e -> e.role() == Role.SPINDLE_ARCHIVE).findFirst();
    }

    /** Names of the application's jars, in class path order (the AM's user class loader). */
    public List<String> applicationJars() {
        return entries.stream().filter(e -> e.role() == Role.APP_JAR).map(Entry::name).toList();
    }

    /** The list as tab-separated lines, for {@link #readFrom}. */
    public byte[] toBytes() {
        StringBuilder text = new StringBuilder();
        for (Entry e : entries) {
            text.append(String.join("\t", e.name(), e.role().name(), e.path(), Long.toString(e.size()),
                    Long.toString(e.timestamp()), Boolean.toString(e.shared()), String.join("/", e.contents())))
                    .append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a list written by {@link #writeTo}. */
    public static StagedResources readFrom(java.nio.file.Path file) {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            List<Entry> entries = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                entries.add(new Entry(f[0], Role.valueOf(f[1]), f[2], Long.parseLong(f[3]), Long.parseLong(f[4]),
                        Boolean.parseBoolean(f[5]), f.length < 7 || f[6].isEmpty() ? List.of()
                                : List.of(f[6].split("/"))));
            }
            return new StagedResources(entries);
        } catch (IOException | RuntimeException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot read the staged resource list " + file + ": " + e,
                    e);
        }
    }

    /** A copy with {@code entry} added. */
    public StagedResources with(Entry entry) {
        List<Entry> more = new ArrayList<>(entries);
        more.add(entry);
        return new StagedResources(more);
    }
}
