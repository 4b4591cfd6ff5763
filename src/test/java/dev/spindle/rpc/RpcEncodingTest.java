package dev.spindle.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.recovery.CheckpointEntry;
import dev.spindle.rpc.message.RpcMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RPC frames are written by each message's generated encoder; they must be the bytes Avro's own writer makes. */
class RpcEncodingTest {
    static Stream<Schema> messageTypes() {
        return RpcMessage.getClassSchema().getField("body").schema().getTypes().stream();
    }

    @ParameterizedTest
    @MethodSource("messageTypes")
    void everyMessageIsEncodedAsAvrosWriterEncodesIt(Schema type) throws IOException {
        for (int variant = 0; variant < 3; variant++) {
            SpecificRecord body = (SpecificRecord) SpecificData.get().deepCopy(type, sample(type, variant));
            RpcMessage message = RpcMessage.newBuilder().setBody(body).build();

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            BinaryEncoder avro = EncoderFactory.get().directBinaryEncoder(expected, null);
            new SpecificDatumWriter<>(RpcMessage.class).write(message, avro);
            avro.flush();
            ByteArrayOutputStream actual = new ByteArrayOutputStream();
            RpcConnection.encode(body, actual, null);

            assertThat(actual.toByteArray()).as(type.getName() + " variant " + variant)
                    .isEqualTo(expected.toByteArray());
            assertThat(new SpecificDatumReader<>(RpcMessage.class).read(null,
                    DecoderFactory.get().binaryDecoder(actual.toByteArray(), null))).isEqualTo(message);
        }
    }

    @Test
    void aRecordOutsideTheProtocolIsRefusedByName() {
        CheckpointEntry notAMessage = (CheckpointEntry) SpecificData.get().deepCopy(CheckpointEntry.getClassSchema(),
                sample(CheckpointEntry.getClassSchema(), 0));

        assertThatThrownBy(() -> RpcConnection.encode(notAMessage, new ByteArrayOutputStream(), null))
                .isInstanceOf(RpcException.class)
                .hasMessageContaining(CheckpointEntry.class.getName())
                .hasMessageContaining("is not a message of Spindle's RPC protocol");
    }

    /**
     * A value of {@code schema} with every field set: a union takes its non-null branch in even variants and its first
     * branch in odd ones, arrays and maps hold two entries, numbers are large enough for multi-byte variable-length
     * encodings.
     */
    private static Object sample(Schema schema, int variant) {
        return switch (schema.getType()) {
            case RECORD -> {
                GenericData.Record record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), sample(field.schema(), variant + field.pos()));
                }
                yield record;
            }
            case UNION -> {
                List<Schema> branches = schema.getTypes();
                Schema chosen = variant % 2 == 1 ? branches.get(0)
                        : branches.stream().filter(b -> b.getType() != Schema.Type.NULL).findFirst()
                                .orElse(branches.get(0));
                yield sample(chosen, variant);
            }
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                items.add(sample(schema.getElementType(), variant));
                items.add(sample(schema.getElementType(), variant + 1));
                yield items;
            }
            case MAP -> Map.of("k" + variant, sample(schema.getValueType(), variant),
                    "j" + variant, sample(schema.getValueType(), variant + 1));
            case ENUM -> new GenericData.EnumSymbol(schema,
                    schema.getEnumSymbols().get(variant % schema.getEnumSymbols().size()));
            case FIXED -> new GenericData.Fixed(schema, new byte[schema.getFixedSize()]);
            case STRING -> "text-" + variant + "-\u00e9";
            case BYTES -> ByteBuffer.wrap(new byte[] {1, (byte) variant, (byte) 0xff});
            case INT -> 1_000 * variant + 300;
            case LONG -> 5_000_000_000L * (variant + 1);
            case FLOAT -> variant + 0.25f;
            case DOUBLE -> variant + 0.5;
            case BOOLEAN -> variant % 2 == 0;
            case NULL -> null;
        };
    }
}
