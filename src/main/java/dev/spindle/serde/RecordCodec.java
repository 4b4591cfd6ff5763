package dev.spindle.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;

/**
 * A compact form for small Java records such as partitions: a marker byte, then the class name and each component as
 * values of the record serializer. It skips what makes Java serialization expensive for a small object sent on its
 * own (a stream header, buffers and class descriptors per object): a partition is encoded once per task. Records
 * that declare {@code readResolve} (canonical instances) are left to Java serialization. Components are encoded
 * independently, so references shared between components are not preserved; that is right for value-like records
 * and the reason this is not used for task code.
 */
final class RecordCodec {
    /** First byte of the compact form; a Java serialization stream starts with 0xAC. */
    static final byte MARKER = 0x52;

    private record Shape(Class<?> type, MethodHandle[] accessors, MethodHandle constructor) {
    }

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return shape(type);
        }
    };

    private RecordCodec() {
    }

    private static Shape shape(Class<?> type) {
        if (!type.isRecord() || !Serializable.class.isAssignableFrom(type) || declaresReadResolve(type)) {
            return null;
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
            RecordComponent[] components = type.getRecordComponents();
            MethodHandle[] accessors = new MethodHandle[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                accessors[i] = lookup.unreflect(components[i].getAccessor());
                types[i] = components[i].getType();
            }
            MethodHandle constructor = lookup.findConstructor(type, MethodType.methodType(void.class, types))
                    .asSpreader(Object[].class, components.length);
            return new Shape(type, accessors, constructor);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // not accessible: Java serialization handles it
        }
    }

    private static boolean declaresReadResolve(Class<?> type) {
        try {
            type.getDeclaredMethod("readResolve");
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    static boolean supports(Object value) {
        return value != null && SHAPES.get(value.getClass()) != null;
    }

    /** The compact form of {@code value}, a record that {@link #supports} accepts. */
    static byte[] encode(Object value) throws IOException {
        Shape shape = SHAPES.get(value.getClass());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        bytes.write(MARKER);
        try (DefaultRecordOutput out = new DefaultRecordOutput(bytes, 256)) {
            out.write(shape.type().getName());
            for (MethodHandle accessor : shape.accessors()) {
                out.write(accessor.invoke(value));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cannot read a component of " + shape.type().getName() + ": " + t, t);
        }
        return bytes.toByteArray();
    }

    /** The record of {@link #encode}, its class and component classes resolved through {@code loader}. */
    static Object decode(byte[] bytes, ClassLoader loader) throws IOException, ClassNotFoundException {
        DefaultRecordInput in = new DefaultRecordInput(new InputBuffer(bytes, 1), loader);
        Object name = in.read();
        if (!(name instanceof String className)) {
            throw new IOException("not a compact record: no class name");
        }
        Shape shape = SHAPES.get(Class.forName(className, false, loader));
        if (shape == null) {
            throw new IOException(className + " cannot be read in the compact record form");
        }
        Object[] components = new Object[shape.accessors().length];
        for (int i = 0; i < components.length; i++) {
            components[i] = in.read();
            if (components[i] == RecordInput.END) {
                throw new IOException("truncated compact form of " + className);
            }
        }
        try {
            return shape.constructor().invoke(components);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cannot construct " + className + ": " + t, t);
        }
    }
}
