package dev.spindle.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.config.SpindleConf;
import dev.spindle.driver.DriverHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The four examples, run through their main methods in local mode, against answers computed in plain Java. */
@Timeout(180)
class ExamplesTest {
    @TempDir
    Path dir;

    /** Runs an example's main as spindle-submit --master local[2] does. */
    private static void submitted(DriverHost.Program main) throws Exception {
        DriverHost.local(SpindleConf.empty().with("spindle.master", "local[2]")).run(main);
    }

    /** {@code count} lines of a 10-character printable key followed by a payload. */
    static List<String> sortRecords(Random random, int count) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder key = new StringBuilder();
            for (int c = 0; c < 10; c++) {
                key.append((char) ('!' + random.nextInt(90)));
            }
            records.add(key + "payload-" + i);
        }
        return records;
    }

    static List<String> readOutput(Path out) throws IOException {
        assertThat(out.resolve("_SUCCESS")).exists();
        List<String> lines = new ArrayList<>();
        try (Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                lines.addAll(Files.readAllLines(part, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    @Test
    void wordCount() throws Exception {
        Path in = dir.resolve("in.txt");
        Random random = new Random(5);
        Map<String, Integer> expected = new HashMap<>();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            StringBuilder line = new StringBuilder("  ");
            for (int w = 0; w < random.nextInt(12); w++) {
                String word = "w" + (int) Math.pow(random.nextInt(40), 2);
                expected.merge(word, 1, Integer::sum);
                line.append(word).append(random.nextBoolean() ? " \t " : " ");
            }
            lines.add(line.toString());
        }
        Files.write(in, lines);
        Path out = dir.resolve("out");
        submitted(() -> WordCount.main(new String[] {in.toString(), out.toString()}));
        Map<String, Integer> actual = new HashMap<>();
        for (String line : readOutput(out)) {
            String[] fields = line.split("\t");
            assertThat(fields).hasSize(2);
            assertThat(actual.put(fields[0], Integer.parseInt(fields[1]))).as("word %s written twice", fields[0]).isNull();
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void sortWritesPartFilesInGlobalOrder() throws Exception {
        Path in = dir.resolve("records.txt");
        List<String> records = sortRecords(new Random(9), 5000);
        Files.write(in, records);
        Path out = dir.resolve("sorted");
        submitted(() -> Sort.main(new String[] {in.toString(), out.toString()}));
        List<String> sorted = readOutput(out);
        assertThat(sorted).hasSize(5000).containsExactlyInAnyOrderElementsOf(records);
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i - 1).substring(0, 10).compareTo(sorted.get(i).substring(0, 10)))
                    .as("line %d in order", i).isLessThanOrEqualTo(0);
        }
    }

    @Test
    void pageRankMatchesAPlainJavaComputation() throws Exception {
        Path in = dir.resolve("edges.txt");
        Random random = new Random(4);
        List<String> edges = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            edges.add("v" + random.nextInt(60) + " v" + random.nextInt(60));
        }
        Files.write(in, edges);
        Path out = dir.resolve("ranks");
        submitted(() -> PageRank.main(new String[] {in.toString(), "5", out.toString()}));
        Map<String, Double> actual = new HashMap<>();
        for (String line : readOutput(out)) {
            String[] fields = line.split("\t");
            actual.put(fields[0], Double.parseDouble(fields[1]));
        }
        Map<String, Double> expected = PlainPageRank.ranks(edges, 5);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((v, r) -> assertThat(actual.get(v)).as("rank of %s", v).isCloseTo(r,
                org.assertj.core.data.Offset.offset(1e-9)));
    }

    @Test
    void joinWritesEveryMatch() throws Exception {
        Path left = dir.resolve("left.txt");
        Path right = dir.resolve("right.txt");
        Files.write(left, List.of("1,a", "2,b", "2,bb", "3,c", "5,e"));
        Files.write(right, List.of("2,two", "3,three", "4,four", "3,drei"));
        Path out = dir.resolve("joined");
        submitted(() -> Join.main(new String[] {left.toString(), right.toString(), out.toString()}));
        assertThat(readOutput(out)).containsExactlyInAnyOrder("2\tb\ttwo", "2\tbb\ttwo", "3\tc\tthree", "3\tc\tdrei");
    }

    @Test
    void wrongArgumentsGiveTheUsageLine() {
        assertThatThrownBy(() -> submitted(() -> WordCount.main(new String[] {"only-one"})))
                .hasMessageContaining("usage: WordCount IN OUT");
    }

    @Test
    void anExistingOutputDirectoryIsRefusedBeforeAnyTaskRuns() throws Exception {
        Path in = dir.resolve("in.txt");
        Files.write(in, List.of("a b"));
        Path out = Files.createDirectories(dir.resolve("exists"));
        Files.writeString(out.resolve("keep.txt"), "precious");
        assertThatThrownBy(() -> submitted(() -> WordCount.main(new String[] {in.toString(), out.toString()})))
                .hasMessageContaining("already exists")
                .hasMessageContaining("spindle.output.overwrite");
        assertThat(out.resolve("keep.txt")).hasContent("precious");
    }
}
