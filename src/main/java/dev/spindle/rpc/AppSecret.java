package dev.spindle.rpc;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The application's shared secret: every RPC and block connection proves knowledge of it before anything is
 * decoded. It reaches executors in a file readable only by the application's user (or in YARN credentials), never
 * on a command line, in an environment variable or in a log line: {@link #toString()} does not reveal it.
 */
public final class AppSecret {
    /** Bytes of a generated secret; files must hold at least {@link #MIN_BYTES}. */
    public static final int BYTES = 32;
    /** The name of the secret key in YARN credentials (the ApplicationMaster's and the executor containers'). */
    public static final String CREDENTIALS_ALIAS = "spindle.app.secret";
    static final int MIN_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;

    private AppSecret(byte[] key) {
        this.key = key;
    }

    public static AppSecret generate() {
        byte[] key = new byte[BYTES];
        RANDOM.nextBytes(key);
        return new AppSecret(key);
    }

    /** A secret from raw bytes (for example a YARN credential's secret key). */
    public static AppSecret of(byte[] key) {
        requireNonNull(key, "key is null");
        SpindleException.checkArgument(key.length >= MIN_BYTES, "an application secret needs at least %d bytes, got %d",
                MIN_BYTES, key.length);
        return new AppSecret(key.clone());
    }

    /** Reads a secret written by {@link #writeTo}. */
    public static AppSecret readFrom(Path file) {
        requireNonNull(file, "file is null");
        try {
            return of(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot read the application secret file " + file
                    + ": " + e.getMessage(), e);
        }
    }

    /** Writes the secret to a new file that only its owner can read (0600 where the file system has modes). */
    public void writeTo(Path file) {
        requireNonNull(file, "file is null");
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.write(file, key, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "the application secret file " + file
                    + " already exists; refusing to overwrite it", e);
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot write the application secret file " + file
                    + ": " + e.getMessage(), e);
        }
    }

    /** The raw bytes, for handing to another secure store (YARN credentials). */
    public byte[] bytes() {
        return key.clone();
    }

    /** HMAC-SHA256 of the concatenated {@code parts} under the secret. */
    byte[] mac(byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new SpindleException(ErrorCode.INTERNAL, "HmacSHA256 is not available in this JVM: " + e, e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AppSecret other && java.security.MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "AppSecret[redacted]";
    }
}
