package dev.spindle.recovery;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.recovery.log.LogRecord;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Reads event logs that {@link EventLogWriter} wrote, including the log of an attempt that died while writing
 * (a cut last block is dropped and reported) and a log still being written (what was {@code hflush}ed).
 *
 * <p>It walks the Avro container format's blocks itself rather than through Avro's {@code DataFileStream}, which
 * silently ends at a cut block and so cannot tell a complete log from a truncated one.
 */
public final class EventLogReader {
    private static final Logger LOG = LogManager.getLogger(EventLogReader.class);

    static final String FILE_PREFIX = "attempt-";
    static final String FILE_SUFFIX = ".avro";
    private static final Pattern ATTEMPT_FILE = Pattern.compile(Pattern.quote(FILE_PREFIX) + "([1-9][0-9]{0,9})"
            + Pattern.quote(FILE_SUFFIX));

    /**
     * What one log holds, in the order written.
     *
     * @param truncated true when the file ended inside a block (the writer died mid-write); that block's records
     *     are not in the lists
     */
    public record Contents(List<SchedulerEvent> events, List<RecoveryRecord> records, boolean truncated) {
        public Contents {
            events = List.copyOf(events);
            records = List.copyOf(records);
        }
    }

    private EventLogReader() {
    }

    /**
     * The event logs of every attempt of {@code appId} under {@code eventLogDir}, by attempt number; other files
     * are ignored, and an application without logs has none.
     */
    public static List<Path> attemptFiles(FileSystem fs, Path eventLogDir, String appId) {
        Path appDir = new Path(eventLogDir, requireNonNull(appId, "appId is null"));
        FileStatus[] statuses;
        try {
            statuses = fs.listStatus(appDir);
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot list the event logs in " + appDir + ": "
                    + e.getMessage(), e);
        }
        List<Path> files = new ArrayList<>();
        for (FileStatus status : statuses) {
            if (status.isFile() && attemptOf(status.getPath()) > 0) {
                files.add(status.getPath());
            }
        }
        files.sort(Comparator.comparingLong(EventLogReader::attemptOf));
        return List.copyOf(files);
    }

    /** The attempt number of an event log file, or -1 when the name is not {@code attempt-<n>.avro}. */
    static long attemptOf(Path file) {
        Matcher m = ATTEMPT_FILE.matcher(file.getName());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Reads one event log.
     *
     * @throws SpindleException when the file is missing, unreadable, not an Avro container file, cut inside its
     *     header, or corrupt before its end
     */
    public static Contents read(FileSystem fs, Path file) {
        try (InputStream in = fs.open(file)) {
            return read(file, DecoderFactory.get().binaryDecoder(in, null));
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot read event log " + file + ": " + e.getMessage(),
                    e);
        }
    }

    private static Contents read(Path file, BinaryDecoder in) throws IOException {
        Header header = Header.read(file, in);
        // Avro caches schema resolution by schema instance: the current schema itself makes that cache hit.
        Schema writerSchema = header.schema.equals(LogRecord.getClassSchema()) ? LogRecord.getClassSchema()
                : header.schema;
        SpecificDatumReader<LogRecord> datumReader = new SpecificDatumReader<>(writerSchema, LogRecord.getClassSchema());
        List<SchedulerEvent> events = new ArrayList<>();
        List<RecoveryRecord> records = new ArrayList<>();
        byte[] sync = new byte[DataFileConstants.SYNC_SIZE];
        for (int block = 0; !in.isEnd(); block++) {
            long count;
            byte[] data;
            try {
                count = in.readLong();
                long size = in.readLong();
                if (count < 0 || size < 0 || size > Integer.MAX_VALUE) {
                    throw corrupt(file, block, "block header says " + count + " records in " + size + " bytes", null);
                }
                data = new byte[(int) size];
                in.readFixed(data);
                in.readFixed(sync);
            } catch (EOFException e) {
                LOG.warn("Event log {} ends inside block {} (the writer stopped mid-write); read the {} events and {} "
                        + "recovery records before it", file, block, events.size(), records.size());
                return new Contents(events, records, true);
            }
            if (!Arrays.equals(sync, header.sync)) {
                throw corrupt(file, block, "its sync marker does not match the header's", null);
            }
            try {
                BinaryDecoder blockIn = DecoderFactory.get().binaryDecoder(data, null);
                for (long i = 0; i < count; i++) {
                    Object decodedRecord = EventLogCodec.decode(datumReader.read(null, blockIn));
                    if (decodedRecord instanceof SchedulerEvent event) {
                        events.add(event);
                    } else {
                        records.add((RecoveryRecord) decodedRecord);
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw corrupt(file, block, "cannot decode its records: " + e, e);
            }
        }
        return new Contents(events, records, false);
    }

    private static SpindleException corrupt(Path file, int block, String problem, Throwable cause) {
        return new SpindleException(ErrorCode.INVALID_INPUT, "event log " + file + " is corrupt at block " + block
                + ": " + problem, cause);
    }

    /** The container file's header: magic, metadata (schema, codec), sync marker. */
    private record Header(Schema schema, byte[] sync) {
        static Header read(Path file, BinaryDecoder in) throws IOException {
            Map<String, byte[]> meta = new HashMap<>();
            byte[] sync = new byte[DataFileConstants.SYNC_SIZE];
            try {
                byte[] magic = new byte[DataFileConstants.MAGIC.length];
                in.readFixed(magic);
                if (!Arrays.equals(magic, DataFileConstants.MAGIC)) {
                    throw notAnEventLog(file, "it is not an Avro container file (no Avro magic bytes)", null);
                }
                for (long n = in.readMapStart(); n != 0; n = in.mapNext()) {
                    for (long i = 0; i < n; i++) {
                        String key = in.readString();
                        ByteBuffer value = in.readBytes(null);
                        byte[] bytes = new byte[value.remaining()];
                        value.get(bytes);
                        meta.put(key, bytes);
                    }
                }
                in.readFixed(sync);
            } catch (EOFException e) {
                throw notAnEventLog(file, "it ends inside its Avro header (the writer stopped while creating it)", e);
            } catch (AvroRuntimeException e) {
                throw notAnEventLog(file, "its Avro header is unreadable: " + e.getMessage(), e);
            }
            byte[] schema = meta.get(DataFileConstants.SCHEMA);
            if (schema == null) {
                throw notAnEventLog(file, "its Avro header has no schema", null);
            }
            byte[] codec = meta.get(DataFileConstants.CODEC);
            if (codec != null && !DataFileConstants.NULL_CODEC.equals(new String(codec, StandardCharsets.UTF_8))) {
                // EventLogWriter writes uncompressed blocks; Avro keeps its codec instances to itself.
                throw notAnEventLog(file, "its blocks use the " + new String(codec, StandardCharsets.UTF_8)
                        + " codec; event logs are uncompressed", null);
            }
            try {
                return new Header(new Schema.Parser().parse(new String(schema, StandardCharsets.UTF_8)), sync);
            } catch (RuntimeException e) {
                throw notAnEventLog(file, "its Avro header is unreadable: " + e.getMessage(), e);
            }
        }

        private static SpindleException notAnEventLog(Path file, String problem, Throwable cause) {
            return new SpindleException(ErrorCode.INVALID_INPUT, "cannot read event log " + file + ": " + problem,
                    cause);
        }
    }
}
