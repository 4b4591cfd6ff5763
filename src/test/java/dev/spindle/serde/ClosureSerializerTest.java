package dev.spindle.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import dev.spindle.function.Function;
import dev.spindle.function.Function2;
import java.io.IOException;
import java.io.Serializable;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClosureSerializerTest {
    private static final ClassLoader LOADER = ClosureSerializerTest.class.getClassLoader();
    private static final String FIX = "make it implement java.io.Serializable, mark the field transient, "
            + "or create it inside the lambda";

    @TempDir
    static Path userJar;

    private final ClosureSerializer serializer = new ClosureSerializer();
    private final int offset = 7;

    /** Something a user's lambda might capture by accident: a connection, a logger, a context. */
    static final class Connection {
        int port() {
            return 5432;
        }
    }

    /** Serializable, but holds a field that is not. */
    static final class Settings implements Serializable {
        private final String name = "settings";
        private final Connection connection = new Connection();
    }

    /**
     * Compiles a tiny "user job" into a directory that is not on the test class path, as a user jar would
     * be: its classes are visible only through a class loader over that directory.
     */
    @BeforeAll
    static void compileUserJob() throws IOException {
        Path source = userJar.resolve("src/userjob/Job.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                package userjob;

                import dev.spindle.function.Function;

                public class Job implements java.io.Serializable {
                    public final String greeting;

                    public Job(String greeting) {
                        this.greeting = greeting;
                    }

                    public static Function<String, String> greeter(String greeting) {
                        return name -> greeting + ", " + name;
                    }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classPath = Path.of(Function.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .toString();
        int status = javac.run(null, null, null, "-d", userJar.resolve("classes").toString(),
                "-cp", classPath, source.toString());
        assertThat(status).as("javac exit status").isZero();
    }

    private static URLClassLoader userLoader() throws IOException {
        return new URLClassLoader(new URL[] {userJar.resolve("classes").toUri().toURL()}, LOADER);
    }

    /** A partition-like record: primitives, a string, a list, a nested record. */
    record Split(int index, String path, long start, List<String> hosts, Inner inner) implements Serializable {
    }

    record Inner(byte[] data, Pair<String, Integer> pair) implements Serializable {
    }

    /** A record that insists on canonical instances: Java serialization only. */
    record Canonical(int id) implements Serializable {
        private Object readResolve() {
            return this;
        }
    }

    @Test
    void valueRecordsTravelInACompactFormAndComeBackEqual() {
        Split split = new Split(3, "hdfs://nn/a.txt", 1L << 40, List.of("h1", "h2"), new Inner(new byte[] {1, 2},
                Pair.of("k", 7)));
        byte[] compact = serializer.serializeValue(split, "partition 3");
        assertThat(compact[0]).isEqualTo(RecordCodec.MARKER);
        assertThat(compact.length).isLessThan(serializer.serialize(split, "partition 3").length);
        Split flat = new Split(3, "hdfs://nn/a.txt", 0, List.of("h1"), null);
        assertThat(serializer.serializeValue(flat, "flat").length).as("a flat record")
                .isLessThan(serializer.serialize(flat, "flat").length / 3);
        assertThat(serializer.deserialize(serializer.serializeValue(flat, "flat"), LOADER)).isEqualTo(flat);
        Split back = (Split) serializer.deserialize(compact, LOADER);
        assertThat(back.index()).isEqualTo(3);
        assertThat(back.path()).isEqualTo(split.path());
        assertThat(back.start()).isEqualTo(1L << 40);
        assertThat(back.hosts()).containsExactly("h1", "h2");
        assertThat(back.inner().data()).containsExactly(1, 2);
        assertThat(back.inner().pair()).isEqualTo(Pair.of("k", 7));

        assertThat(serializer.serializeValue(new Canonical(1), "c")[0]).as("readResolve: Java serialization")
                .isNotEqualTo(RecordCodec.MARKER);
        assertThat(serializer.deserialize(serializer.serializeValue(new Canonical(1), "c"), LOADER))
                .isEqualTo(new Canonical(1));
        assertThat(serializer.deserialize(serializer.serializeValue(List.of(1, 2), "list"), LOADER))
                .isEqualTo(List.of(1, 2));
        byte[] truncated = java.util.Arrays.copyOf(compact, compact.length - 3);
        assertThatThrownBy(() -> serializer.deserialize(truncated, LOADER)).isInstanceOf(SpindleException.class)
                .hasMessageContaining("Cannot deserialize task data");
    }

    @Test
    void namesTheOperationTheCapturedArgumentAndTheFixForALambdaCapturingThis() {
        Function<Integer, Integer> addOffset = x -> x + offset;
        assertThatThrownBy(() -> serializer.serialize(addOffset, "map at WordCount.java:23"))
                .isInstanceOfSatisfying(SpindleException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_CODE_FAILED))
                .hasMessageContaining("map at WordCount.java:23")
                .hasMessageContaining(ClosureSerializerTest.class.getName() + " is not java.io.Serializable")
                .hasMessageContaining("captured argument 0 of lambda in " + ClosureSerializerTest.class.getName()
                        + " (a " + ClosureSerializerTest.class.getName() + ", which is not java.io.Serializable)")
                .hasMessageContaining(FIX);
    }

    @Test
    void saysWhichOfSeveralCapturedValuesIsTheCulprit() {
        String prefix = "p";
        int limit = 3;
        Connection connection = new Connection();
        Function<String, String> f = s -> prefix + s.substring(0, limit) + connection.port();
        assertThatThrownBy(() -> serializer.serialize(f, "filter at Job.java:9"))
                .isInstanceOf(SpindleException.class)
                .hasMessageContaining("filter at Job.java:9")
                .hasMessageContaining("captured argument 2 of lambda in " + ClosureSerializerTest.class.getName()
                        + " (a " + Connection.class.getName() + ", which is not java.io.Serializable)")
                .hasMessageContaining("captures [java.lang.String, java.lang.Integer, " + Connection.class.getName()
                        + "]")
                .hasMessageContaining(FIX);
    }

    @Test
    void followsFieldsOfSerializableCapturesDownToTheCulprit() {
        Settings settings = new Settings();
        Function<String, String> f = s -> s + settings.name;
        Pair<String, Object> closure = Pair.of("stage", List.of(f));
        assertThatThrownBy(() -> serializer.serialize(closure, "reduceByKey at Job.java:40"))
                .isInstanceOf(SpindleException.class)
                .hasMessageContaining(Connection.class.getName() + " is not java.io.Serializable")
                .hasMessageContaining("field Pair.value (a java.util.ImmutableCollections$List12) -> "
                        + "element of java.util.ImmutableCollections$List12 (a lambda in "
                        + ClosureSerializerTest.class.getName() + ") -> captured argument 0 of lambda in "
                        + ClosureSerializerTest.class.getName() + " (a " + Settings.class.getName()
                        + ") -> field Settings.connection (a " + Connection.class.getName()
                        + ", which is not java.io.Serializable)");
    }

    @Test
    void explainsALambdaWhoseInterfaceIsNotSerializable() {
        java.util.function.Function<String, Integer> plain = String::length;
        Pair<String, Object> closure = Pair.of("f", plain);
        assertThatThrownBy(() -> serializer.serialize(closure, "map at Job.java:3"))
                .isInstanceOf(SpindleException.class)
                .hasMessageContaining("a lambda in " + ClosureSerializerTest.class.getName()
                        + " is not java.io.Serializable")
                .hasMessageContaining("field Pair.value")
                .hasMessageContaining("dev.spindle.function");
    }

    @Test
    void roundTripsAndRunsALambdaCapturingSerializableValues() throws Exception {
        String prefix = "n=";
        List<Integer> extra = List.of(1, 2, 3);
        long base = 100L;
        Function2<String, Integer, String> f = (s, n) -> prefix + s + (base + n + extra.size());
        byte[] bytes = serializer.serialize(f, "map at Job.java:1");
        @SuppressWarnings("unchecked")
        Function2<String, Integer, String> back = (Function2<String, Integer, String>) serializer.deserialize(bytes, LOADER);
        assertThat(back).isNotSameAs(f);
        assertThat(back.call("x", 5)).isEqualTo("n=x108");
    }

    @Test
    void deserializesUserLambdasThroughTheGivenChildClassLoader() throws Exception {
        byte[] bytes;
        try (URLClassLoader driverSide = userLoader()) {
            Object greeter = driverSide.loadClass("userjob.Job").getMethod("greeter", String.class).invoke(null, "Hello");
            bytes = serializer.serialize(greeter, "map at Job.java:12");
        }
        try (URLClassLoader executorSide = userLoader()) {
            Object back = serializer.deserialize(bytes, executorSide);
            @SuppressWarnings("unchecked")
            Function<String, String> greeter = (Function<String, String>) back;
            assertThat(greeter.call("world")).isEqualTo("Hello, world");
            assertThat(back.getClass().getName()).startsWith("userjob.Job$$Lambda");
            assertThat(back.getClass().getClassLoader()).isSameAs(executorSide);
        }
        assertThatThrownBy(() -> serializer.deserialize(bytes, LOADER))
                .isInstanceOfSatisfying(SpindleException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_CODE_FAILED))
                .hasMessageContaining("userjob.Job")
                .hasMessageContaining("not found");
    }

    @Test
    void recordSerializerResolvesUserClassesAndLambdasThroughTheGivenLoader() throws Exception {
        DefaultRecordSerializer records = new DefaultRecordSerializer();
        byte[] jobBytes;
        byte[] lambdaBytes;
        try (URLClassLoader driverSide = userLoader()) {
            Class<?> job = driverSide.loadClass("userjob.Job");
            jobBytes = records.toBytes(Pair.of("job", job.getConstructor(String.class).newInstance("hi")));
            lambdaBytes = records.toBytes(job.getMethod("greeter", String.class).invoke(null, "Hey"));
        }
        try (URLClassLoader executorSide = userLoader()) {
            Pair<?, ?> pair = (Pair<?, ?>) records.fromBytes(jobBytes, executorSide);
            assertThat(pair.value().getClass().getClassLoader()).isSameAs(executorSide);
            assertThat(pair.value().getClass().getField("greeting").get(pair.value())).isEqualTo("hi");
            @SuppressWarnings("unchecked")
            Function<String, String> greeter = (Function<String, String>) records.fromBytes(lambdaBytes, executorSide);
            assertThat(greeter.call("you")).isEqualTo("Hey, you");
        }
        assertThatThrownBy(() -> records.fromBytes(jobBytes, LOADER))
                .isInstanceOfSatisfying(SpindleException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_CODE_FAILED))
                .hasMessageContaining("userjob.Job")
                .hasMessageContaining("not found by class loader");
    }

    @Test
    void rejectsBytesThatAreNotASerializedClosure() {
        assertThatThrownBy(() -> serializer.deserialize(new byte[] {1, 2, 3}, LOADER))
                .isInstanceOfSatisfying(SpindleException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
                .hasMessageContaining("Cannot deserialize task code (3 bytes)");
    }
}
