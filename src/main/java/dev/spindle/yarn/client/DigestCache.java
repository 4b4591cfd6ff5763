package dev.spindle.yarn.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Content digests of the local jars a client submits, remembered across submissions by path, length and
 * modification time in one small file, so that a submission hashes only jars that changed (hashing Spindle's jars
 * took a noticeable part of a small job's submit time). A file that cannot be read or written only costs the
 * hashing: the digests are then computed as if nothing were remembered.
 */
final class DigestCache {
    private static final Logger LOG = LogManager.getLogger(DigestCache.class);
    /** Entries kept at most: old ones (jars of earlier builds) go first. */
    static final int MAX_ENTRIES = 500;

    private record Key(String path, long length, long modifiedMillis) {
    }

    private final Path file;
    private final Map<Key, String> digests = new LinkedHashMap<>();
    private boolean changed;

    private DigestCache(Path file) {
        this.file = file;
    }

    /**
     * The cache in {@code $XDG_CACHE_HOME/spindle} (else {@code ~/.cache/spindle}), next to the class data sharing
     * archives bin/spindle-submit keeps.
     */
    static DigestCache defaultLocation() {
        String base = System.getenv("XDG_CACHE_HOME");
        Path dir = base != null && !base.isBlank() ? Path.of(base)
                : Path.of(System.getProperty("user.home"), ".cache");
        return at(dir.resolve("spindle").resolve("jar-digests.tsv"));
    }

    static DigestCache at(Path file) {
        DigestCache cache = new DigestCache(file);
        if (file != null && Files.isReadable(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] fields = line.split("\t", 4);
                    if (fields.length == 4) {
                        cache.digests.put(new Key(fields[3], Long.parseLong(fields[1]), Long.parseLong(fields[2])),
                                fields[0]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Ignoring the jar digest cache {}: {}", file, e.toString());
                cache.digests.clear();
            }
        }
        return cache;
    }

    /** The SHA-256 of {@code jar} (the first 12 bytes, in hex), from the cache when the file has not changed. */
    synchronized String digest(Path jar) throws IOException {
        Path absolute = jar.toAbsolutePath();
        Key key = new Key(absolute.toString(), Files.size(absolute), Files.getLastModifiedTime(absolute).toMillis());
        String known = digests.get(key);
        if (known != null) {
            return known;
        }
        String digest = sha256(absolute);
        // A jar rewritten within one modification-time tick (a build racing the submission) must not be taken for
        // its old self: it is remembered only when the file looks the same after hashing.
        if (Files.getLastModifiedTime(absolute).toMillis() == key.modifiedMillis()
                && Files.size(absolute) == key.length()) {
            digests.put(key, digest);
            changed = true;
        }
        return digest;
    }

    /** Writes what was learnt, replacing the file whole; failures are logged at debug and otherwise ignored. */
    synchronized void save() {
        if (!changed || file == null) {
            return;
        }
        StringBuilder text = new StringBuilder();
        int skip = Math.max(0, digests.size() - MAX_ENTRIES);
        for (Map.Entry<Key, String> entry : digests.entrySet()) {
            if (skip > 0) {
                skip--;
                continue;
            }
            Key key = entry.getKey();
            text.append(entry.getValue()).append('\t').append(key.length()).append('\t').append(key.modifiedMillis())
                    .append('\t').append(key.path()).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try {
                Files.writeString(temporary, text, StandardCharsets.UTF_8);
                try {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
            changed = false;
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not write the jar digest cache {}: {}", file, e.toString());
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
