package dev.spindle.serde;

/** The type-tag byte in front of every value of the record format. The numbers are the format: never reuse one. */
final class Tag {
    static final int NULL = 0;
    static final int STRING = 1;
    static final int INT = 2;
    static final int LONG = 3;
    static final int DOUBLE = 4;
    static final int FLOAT = 5;
    static final int SHORT = 6;
    static final int BYTE = 7;
    static final int CHAR = 8;
    static final int TRUE = 9;
    static final int FALSE = 10;
    static final int BYTES = 11;
    static final int PAIR = 12;
    static final int LIST = 13;
    /** An Avro specific record of a class not seen before in this stream: class name, then the datum. */
    static final int SPECIFIC_DEFINE = 14;
    /** An Avro specific record of a class defined earlier: its stream id, then the datum. */
    static final int SPECIFIC_REF = 15;
    /** An Avro generic record of a schema not seen before in this stream: schema JSON, then the datum. */
    static final int GENERIC_DEFINE = 16;
    /** An Avro generic record of a schema defined earlier: its stream id, then the datum. */
    static final int GENERIC_REF = 17;
    /** Any other {@link java.io.Serializable}: length, then one Java serialization stream. */
    static final int JAVA = 18;

    private static final String[] NAMES = {
        "null", "String", "Integer", "Long", "Double", "Float", "Short", "Byte", "Character", "Boolean",
        "Boolean", "byte[]", "Pair", "List", "Avro specific record", "Avro specific record",
        "Avro generic record", "Avro generic record", "Java-serialized object",
    };

    private Tag() {
    }

    static String name(int tag) {
        return tag >= 0 && tag < NAMES.length ? NAMES[tag] : "unknown tag " + tag;
    }
}
