package dev.spindle.io;

import java.io.Serializable;

/** How a save action writes records: text lines (optionally compressed) or Avro container files. */
public sealed interface RecordFormat extends Serializable {
    /** One line per element, its {@code toString()}; a {@code Pair} as {@code key<TAB>value}. */
    record Text(String codecClassName) implements RecordFormat {
    }

    /** Avro container files of records (generic or specific) with this schema, given as JSON. */
    record Avro(String schemaJson) implements RecordFormat {
    }
}
