package dev.spindle.serde;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/** A hand-written Avro specific record, as the Avro compiler would generate it (minus the builders). */
public final class AvroUser extends SpecificRecordBase {
    public static final Schema SCHEMA$ = new Schema.Parser().parse("""
            {"type": "record", "name": "AvroUser", "namespace": "dev.spindle.serde", "fields": [
              {"name": "name", "type": {"type": "string", "avro.java.string": "String"}},
              {"name": "age", "type": "int"},
              {"name": "email", "type": ["null", {"type": "string", "avro.java.string": "String"}], "default": null}
            ]}""");

    private String name;
    private int age;
    private String email;

    /** For Avro's reflective instantiation. */
    public AvroUser() {
    }

    public AvroUser(String name, int age, String email) {
        this.name = name;
        this.age = age;
        this.email = email;
    }

    @Override
    public Schema getSchema() {
        return SCHEMA$;
    }

    @Override
    public Object get(int field) {
        return switch (field) {
            case 0 -> name;
            case 1 -> age;
            case 2 -> email;
            default -> throw new IndexOutOfBoundsException("field " + field);
        };
    }

    @Override
    public void put(int field, Object value) {
        switch (field) {
            case 0 -> name = value.toString();
            case 1 -> age = (Integer) value;
            case 2 -> email = value == null ? null : value.toString();
            default -> throw new IndexOutOfBoundsException("field " + field);
        }
    }

    public String name() {
        return name;
    }

    public int age() {
        return age;
    }

    public String email() {
        return email;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvroUser u && age == u.age && Objects.equals(name, u.name) && Objects.equals(email, u.email);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, age, email);
    }
}
