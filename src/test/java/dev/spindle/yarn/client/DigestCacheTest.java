package dev.spindle.yarn.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestCacheTest {
    @TempDir
    Path dir;

    @Test
    void aSecondSubmissionTakesUnchangedJarsDigestsFromTheFileAndHashesChangedOnes() throws Exception {
        Path jar = Files.write(dir.resolve("a.jar"), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_700_000_000_000L));
        Path file = dir.resolve("cache/jar-digests.tsv");
        DigestCache first = DigestCache.at(file);
        String digest = first.digest(jar);
        assertThat(digest).isEqualTo(DigestCache.sha256(jar)).hasSize(24);
        first.save();
        assertThat(file).exists();

        // Same path, length and time, other bytes: the remembered digest is what comes back, so nothing was read.
        Files.write(jar, new byte[] {9, 9, 9});
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_700_000_000_000L));
        assertThat(DigestCache.at(file).digest(jar)).isEqualTo(digest);

        // A rebuilt jar (another time) is hashed again.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_700_000_001_000L));
        DigestCache second = DigestCache.at(file);
        assertThat(second.digest(jar)).isEqualTo(DigestCache.sha256(jar)).isNotEqualTo(digest);
        second.save();
        assertThat(Files.readAllLines(file)).hasSize(2);
    }

    @Test
    void aDamagedOrUnwritableCacheOnlyCostsTheHashing() throws Exception {
        Path jar = Files.write(dir.resolve("a.jar"), new byte[] {1, 2, 3});
        Path damaged = Files.writeString(dir.resolve("damaged.tsv"), "not\ta\tnumber\there\n\u0000");
        assertThat(DigestCache.at(damaged).digest(jar)).isEqualTo(DigestCache.sha256(jar));
        Path blocked = Files.writeString(dir.resolve("a-file"), "");
        DigestCache unwritable = DigestCache.at(blocked.resolve("jar-digests.tsv"));
        assertThat(unwritable.digest(jar)).isEqualTo(DigestCache.sha256(jar));
        unwritable.save(); // its directory cannot be made: logged, nothing thrown
    }
}
