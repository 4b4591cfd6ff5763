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
     * Spindle jar {@code local} from the content-keyed cache, uploading it only when no earlier submission did.
     * Cached files are immutable: a changed jar has another key.
     */
    StagedResources.Entry cached(java.nio.file.Path local, Role role) throws IOException {
        String name = local.getFileName().toString();
        Path dir = new Path(cacheDir, digests.digest(local));
        Path target = new Path(dir, name);
        if (fs.exists(target) && fs.getFileStatus(target).getLen() == Files.size(local)) {
            reused++;
        } else {
            fs.mkdirs(dir, CACHE_DIR_PERMISSION);
            Path temporary = new Path(dir, "." + name + "." + UUID.randomUUID() + ".tmp");
            copy(local, temporary);
            // Another client may have cached the same content meanwhile: either copy is fine.
            if (!fs.rename(temporary, target)) {
                fs.delete(temporary, false);
                if (!fs.exists(target)) {
                    throw new IOException("cannot move " + temporary + " to " + target);
                }
            }
            LOG.debug("Cached {} as {}", local, target);
        }
        return StagedResources.describe(fs, target, name, role, true);
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
