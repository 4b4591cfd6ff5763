package dev.spindle.io;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where the application's driver listens now: a small file in the application's staging directory that each
 * ApplicationMaster attempt rewrites when it starts ({@code host port attempt}, one line). Executors that outlive
 * an attempt read it to find the next one.
 *
 * @param attempt the ApplicationMaster attempt that wrote it
 */
public record DriverEndpointFile(String host, int port, int attempt) {
    /** The file's name in the staging directory. */
    public static final String NAME = "driver-endpoint";

    public DriverEndpointFile {
        requireNonNull(host, "host is null");
    }

    /**
     * Writes {@code endpoint} to {@code file}: a temporary file renamed into place, so that a reader sees the old
     * endpoint, none (and tries again), or the new one, never a part.
     */
    public static void write(FileSystem fs, Path file, DriverEndpointFile endpoint) {
        Path temp = new Path(file.getParent(), "." + file.getName() + "." + endpoint.attempt() + ".tmp");
        try {
            try (OutputStream out = fs.create(temp, true)) {
                out.write((endpoint.host() + " " + endpoint.port() + " " + endpoint.attempt() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            fs.delete(file, false);
            if (!fs.rename(temp, file)) {
                throw new IOException("cannot rename " + temp + " to " + file);
            }
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot write the driver's address to " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /** The endpoint in {@code file} (a fully qualified path), or empty while there is none. */
    public static Optional<DriverEndpointFile> read(String file, SpindleConf conf) throws IOException {
        Path path = new Path(file);
        FileSystem fs = path.getFileSystem(HadoopConfs.from(conf));
        String text;
        try (InputStream in = fs.open(path)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
        String[] fields = text.split(" ");
        if (fields.length != 3) {
            throw new IOException("driver endpoint file " + file + " holds '" + text + "', not 'HOST PORT ATTEMPT'");
        }
        try {
            return Optional.of(new DriverEndpointFile(fields[0], Integer.parseInt(fields[1]),
                    Integer.parseInt(fields[2])));
        } catch (NumberFormatException e) {
            throw new IOException("driver endpoint file " + file + " holds '" + text + "', not 'HOST PORT ATTEMPT'");
        }
    }
}
