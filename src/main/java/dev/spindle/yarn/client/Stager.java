package dev.spindle.yarn.client;

import static java.util.Objects.requireNonNull;

import dev.spindle.yarn.StagedResources;
import dev.spindle.yarn.StagedResources.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Puts files on the cluster file system: per application into its staging directory, and Spindle's own jars into
 * a per-user cache keyed by content, so that a second submission uploads none of them.
 */
final class Stager {
    private static final Logger LOG = LogManager.getLogger(Stager.class);
    static final FsPermission FILE_PERMISSION = new FsPermission((short) 0644);
    static final FsPermission STAGING_DIR_PERMISSION = new FsPermission((short) 0700);
    static final FsPermission CACHE_DIR_PERMISSION = new FsPermission((short) 0755);

    private final FileSystem fs;
    private final Path stagingDir;
    private final Path cacheDir;
    private final DigestCache digests;
    private int uploaded;
    private long uploadedBytes;
    private int reused;

    Stager(FileSystem fs, Path stagingDir, Path cacheDir, DigestCache digests) {
        this.fs = requireNonNull(fs, "fs is null");
        this.stagingDir = requireNonNull(stagingDir, "stagingDir is null");
        this.cacheDir = requireNonNull(cacheDir, "cacheDir is null");
        this.digests = requireNonNull(digests, "digests is null");
    }

    /** Creates the staging directory, readable by its owner only. */
    void createStagingDir() throws IOException {
        if (!fs.mkdirs(stagingDir, STAGING_DIR_PERMISSION)) {
            throw new IOException("cannot create the staging directory " + stagingDir);
        }
        fs.setPermission(stagingDir, STAGING_DIR_PERMISSION);
    }

    /** Copies {@code local} into the staging directory as {@code name}. */
    StagedResources.Entry stage(java.nio.file.Path local, String name, Role role) throws IOException {
        Path target = new Path(stagingDir, name);
        copy(local, target);
        return StagedResources.describe(fs, target, name, role, false);
    }

    /** Writes {@code content} into the staging directory as {@code name}. */
    StagedResources.Entry stage(byte[] content, String name, Role role) throws IOException {
        Path target = new Path(stagingDir, name);
        try (OutputStream out = fs.create(target, false)) {
            out.write(content);
        }
        fs.setPermission(target, FILE_PERMISSION);
        uploaded++;
        uploadedBytes += content.length;
        return StagedResources.describe(fs, target, name, role, false);
    }

    /**
     * Spindle's jars as one zip in the content-keyed cache, keyed by the jars' names and contents; built and uploaded
     * only when no earlier submission did. YARN unpacks a zip keeping each entry's modification time, so the jars
     * have the same names, sizes and times in every container on every node, which class data sharing archives
     * require ({@code ContainerClassArchives}); and a container localizes one file, not one per jar.
     */
    StagedResources.Entry bundle(java.util.List<java.nio.file.Path> jars) throws IOException {
        java.util.List<String> names = new java.util.ArrayList<>();
        StringBuilder key = new StringBuilder();
        for (java.nio.file.Path jar : jars) {
            String name = jar.getFileName().toString();
            if (names.contains(name)) {
                throw new IOException("two of Spindle's jars are named " + name + ": " + jars);
            }
            names.add(name);
            key.append(name).append(' ').append(digests.digest(jar)).append('\n');
        }
        Path dir = new Path(cacheDir, "libs-" + sha256(key.toString()));
        Path target = new Path(dir, StagedResources.LIB_ARCHIVE + ".zip");
        if (fs.exists(target)) {
            reused += jars.size();
        } else {
            java.nio.file.Path zip = Files.createTempFile("spindle-libs", ".zip");
            try {
                writeZip(jars, zip);
                fs.mkdirs(dir, CACHE_DIR_PERMISSION);
                Path temporary = new Path(dir, "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
                copy(zip, temporary);
                if (!fs.rename(temporary, target)) {
                    fs.delete(temporary, false);
                    if (!fs.exists(target)) {
                        throw new IOException("cannot move " + temporary + " to " + target);
                    }
                }
                LOG.debug("Cached Spindle's {} jars as {}", jars.size(), target);
            } finally {
                Files.deleteIfExists(zip);
            }
        }
        StagedResources.Entry entry = StagedResources.describe(fs, target, StagedResources.LIB_ARCHIVE,
                Role.SPINDLE_ARCHIVE, true);
        return new StagedResources.Entry(entry.name(), entry.role(), entry.path(), entry.size(), entry.timestamp(),
                true, names);
    }

    /** The jars, stored uncompressed (they are compressed already), each with its own modification time. */
    static void writeZip(java.util.List<java.nio.file.Path> jars, java.nio.file.Path zip) throws IOException {
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(
                new java.io.BufferedOutputStream(Files.newOutputStream(zip), 1 << 16))) {
            for (java.nio.file.Path jar : jars) {
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                try (InputStream in = Files.newInputStream(jar)) {
                    byte[] buffer = new byte[1 << 16];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        crc.update(buffer, 0, n);
                    }
                }
                java.util.zip.ZipEntry entry = new java.util.zip.ZipEntry(jar.getFileName().toString());
                entry.setMethod(java.util.zip.ZipEntry.STORED);
                entry.setSize(Files.size(jar));
                entry.setCrc(crc.getValue());
                entry.setLastModifiedTime(Files.getLastModifiedTime(jar));
                out.putNextEntry(entry);
                Files.copy(jar, out);
                out.closeEntry();
            }
        }
    }

    private static String sha256(String text) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(
                    digest.digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private void copy(java.nio.file.Path local, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(local); OutputStream out = fs.create(target, false)) {
            uploadedBytes += in.transferTo(out);
        }
        fs.setPermission(target, FILE_PERMISSION);
        uploaded++;
    }

    int uploaded() {
        return uploaded;
    }

    long uploadedBytes() {
        return uploadedBytes;
    }

    int reused() {
        return reused;
    }

}
