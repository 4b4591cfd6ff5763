package dev.spindle.yarn;

import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.io.ClassArchiveUpload;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.apache.hadoop.yarn.api.records.URL;

/**
 * Class data sharing for the JVMs of YARN containers: which archive an ApplicationMaster or executor container
 * maps, or whether it writes one ({@link ClassArchiveUpload}).
 *
 * <p>An archive is valid only for the class path it was written with, jar by jar: the same names in the same order,
 * each with the same size and modification time. Containers get that when Spindle's jars arrive as the client's
 * cached zip ({@link StagedResources#spindleArchive}): YARN unpacks a zip keeping each entry's time, so every
 * container on every node sees the same jars under the same relative names; the application's jars stay off the
 * class path (both roles load them in a class loader of their own). So one archive per Spindle build, JDK and role
 * serves every container; it lives next to the cached zip, in the directory its digest names, and is localized like
 * it. The first container of a role that finds none writes it as it stops; until then containers start without one.
 *
 * <p>The JDK refuses to write an archive, and ends the JVM, when a class came from a class path entry after a
 * non-empty directory (the configuration directory and the container's own come after Spindle's jars, the cluster's
 * entries after those). So before it dumps, {@link ClassArchiveUpload} checks where every class of the class path's
 * loader came from, and writes nothing when one came from such an entry.
 */
public final class ContainerClassArchives {
    /** The ApplicationMaster's role: the driver's classes. */
    public static final String AM = "am";
    /** The executors' role. */
    public static final String EXECUTOR = "executor";
    /** The JVM's own class data sharing messages would go to the container's stdout: an archive is optional. */
    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    private static final Pattern SHARING_FLAGS = Pattern.compile(
            "(^|\\s)-(Xshare:|XX:(SharedArchiveFile|ArchiveClassesAtExit|[+-]RecordDynamicDumpInfo))");

    /**
     * What a container starts with: JVM options, files to localize and environment. {@link #NONE}: nothing, the
     * container runs without an archive.
     */
    public record Plan(List<String> javaOptions, Map<String, LocalResource> resources, Map<String, String> environment) {
        public static final Plan NONE = new Plan(List.of(), Map.of(), Map.of());

        public Plan {
            javaOptions = List.copyOf(javaOptions);
            resources = Map.copyOf(resources);
            environment = Map.copyOf(environment);
        }

        /** True when the container writes the archive. */
        public boolean writes() {
            return environment.containsKey(ClassArchiveUpload.TARGET_ENV);
        }

        /** The JVM options as one space-separated string, before {@code userOptions}. */
        public String javaOptionsBefore(String userOptions) {
            String user = userOptions == null ? "" : userOptions.strip();
            return (String.join(" ", javaOptions) + " " + user).strip();
        }
    }

    private ContainerClassArchives() {
    }

    /**
     * The plan of a {@code role} container of the application staged as {@code staged}, whose JVM runs from {@code
     * javaHome} with {@code userOptions}: map the archive when it exists; else write it when {@code mayWrite} (one
     * container of the role should), else nothing.
     */
    public static Plan plan(SpindleConf conf, Configuration hadoopConf, StagedResources staged, String role,
            String javaHome, String userOptions, boolean mayWrite) throws IOException {
        if (!conf.get(SpindleConfig.YARN_CLASS_DATA_SHARING) || setsSharingItself(userOptions)) {
            return Plan.NONE;
        }
        Optional<Path> location = location(staged, role, javaHome);
        if (location.isEmpty()) {
            return Plan.NONE;
        }
        Path archive = location.get();
        FileSystem fs = archive.getFileSystem(hadoopConf);
        FileStatus status;
        try {
            status = fs.getFileStatus(archive);
        } catch (FileNotFoundException e) {
            status = null;
        }
        List<String> options = new java.util.ArrayList<>(QUIET);
        if (status != null) {
            String name = localName(role);
            options.add(0, "-XX:SharedArchiveFile=" + name);
            return new Plan(options, Map.of(name, LocalResource.newInstance(URL.fromPath(fs.makeQualified(archive)),
                    LocalResourceType.FILE, LocalResourceVisibility.PRIVATE, status.getLen(),
                    status.getModificationTime())), Map.of());
        }
        if (!mayWrite) {
            return Plan.NONE;
        }
        options.add(0, "-XX:+RecordDynamicDumpInfo");
        return new Plan(options, Map.of(), Map.of(ClassArchiveUpload.TARGET_ENV,
                fs.makeQualified(archive).toString()));
    }

    /**
     * Where the archive of {@code role} containers running Java from {@code javaHome} lives: next to the client's
     * cached zip of Spindle's jars. Empty when the jars do not come from that zip (their names or times could
     * differ between containers).
     */
    static Optional<Path> location(StagedResources staged, String role, String javaHome) {
        return staged.spindleArchive().filter(e -> e.shared() && !e.contents().isEmpty())
                .map(e -> new Path(new Path(e.path()).getParent(), role + "-" + jvmKey(javaHome) + ".jsa"));
    }

    /** The name the archive of {@code role} has in a container's directory. */
    static String localName(String role) {
        return "__spindle_" + role + "_classes__.jsa";
    }

    /** True when {@code userOptions} set class data sharing flags, which then stay the user's. */
    static boolean setsSharingItself(String userOptions) {
        return userOptions != null && SHARING_FLAGS.matcher(userOptions).find();
    }

    /**
     * The JVM an archive was written by: an archive maps only into the same JVM build. The containers' JDK is taken
     * to be the one of this JVM at {@code javaHome} (the same cluster-wide, as {@code spindle.yarn.javaHome} says).
     */
    public static String jvmKey(String javaHome) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((System.getProperty("java.vm.vendor") + "\n" + System.getProperty("java.vm.version") + "\n"
                    + System.getProperty("os.arch") + "\n" + javaHome).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
