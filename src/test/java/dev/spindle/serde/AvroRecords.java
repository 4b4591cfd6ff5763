package dev.spindle.serde;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Avro records for tests: generic ones of two schemas parsed here, and the hand-written {@link AvroUser}. */
final class AvroRecords {
    static final Schema EVENT = new Schema.Parser().parse("""
            {"type": "record", "name": "Event", "namespace": "test.events", "fields": [
              {"name": "name", "type": "string"},
              {"name": "time", "type": "long"},
              {"name": "tags", "type": {"type": "array", "items": "string"}}
            ]}""");
    static final Schema METRIC = new Schema.Parser().parse("""
            {"type": "record", "name": "Metric", "fields": [
              {"name": "name", "type": "string"},
              {"name": "value", "type": "double"}
            ]}""");

    private AvroRecords() {
    }

    static AvroUser user(String name, int age) {
        return new AvroUser(name, age, name + "@example.com");
    }

    static GenericRecord generic(String name, long time) {
        GenericRecord record = new GenericData.Record(EVENT);
        record.put("name", name);
        record.put("time", time);
        record.put("tags", java.util.List.of("t-" + name, "all"));
        return record;
    }

    static GenericRecord metric(String name, double value) {
        GenericRecord record = new GenericData.Record(METRIC);
        record.put("name", name);
        record.put("value", value);
        return record;
    }
}
