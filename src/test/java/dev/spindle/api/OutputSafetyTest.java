package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.config.SpindleConf;
import dev.spindle.io.OutputCommitter;
import dev.spindle.io.OutputGuard;
import dev.spindle.io.RecordFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A save never destroys its own input or a directory that holds more than output, even with
 * spindle.output.overwrite=true; an overwritten output is only gone once the new one commits.
 */
@Timeout(60)
class OutputSafetyTest {
    @TempDir
    Path dir;

    private Path input;

    @BeforeEach
    void writeInput() throws IOException {
        input = Files.createDirectories(dir.resolve("in")).resolve("text.txt");
        Files.writeString(input, "a b\nb c\n");
    }

    private static Context overwriting() {
        return new Context(SpindleConf.empty().with("spindle.master", "local[2]")
                .with("spindle.output.overwrite", "true"));
    }

    @Test
    void aSaveOverItsOwnInputIsRefusedAndTheInputSurvives() {
        try (Context ctx = overwriting()) {
            Dataset<String> lines = ctx.textFile(input.toString());
            // WordCount IN/text.txt IN: the output directory contains the input file.
            assertThatThrownBy(() -> lines.map(String::toUpperCase).saveAsTextFile(dir.resolve("in").toString()))
                    .hasMessageContaining("cannot save to").hasMessageContaining(dir.resolve("in").toString())
                    .hasMessageContaining("contains the job's input").hasMessageContaining("text.txt");
            assertThatThrownBy(() -> lines.saveAsTextFile(input.toString()))
                    .hasMessageContaining("is the job's input");
            Dataset<String> directory = ctx.textFile(dir.resolve("in").toString());
            assertThatThrownBy(() -> directory.saveAsTextFile(dir.resolve("in/out").toString()))
                    .hasMessageContaining("lies inside the job's input");
            Dataset<String> glob = ctx.textFile(dir.resolve("in") + "/*.txt");
            assertThatThrownBy(() -> glob.saveAsTextFile(dir.resolve("in/out").toString()))
                    .hasMessageContaining("lies inside the job's input");
        }
        assertThat(input).hasContent("a b\nb c");
        assertThat(dir.resolve("in/out")).doesNotExist();
    }

    @Test
    void sharedDirectoriesAreRefused() throws IOException {
        SpindleConf conf = SpindleConf.empty().with("spindle.eventLog.dir", dir.resolve("events").toString());
        FileSystem local = FileSystem.getLocal(new Configuration());
        RecordFormat text = new RecordFormat.Text(null);
        for (String place : List.of("/", local.getHomeDirectory().toString(), local.getWorkingDirectory().toString(),
                local.getHomeDirectory() + "/.spindle/staging/app_1", dir.resolve("events").toString())) {
            String output = local.makeQualified(new org.apache.hadoop.fs.Path(place)).toString();
            assertThatThrownBy(() -> OutputGuard.check(output, List.of(), text, conf)).as(place)
                    .hasMessageContaining("cannot save to " + output)
                    .hasMessageContaining("holds more than this job's output");
        }
        // A directory of its own, beside those, is fine.
        OutputGuard.check(local.makeQualified(new org.apache.hadoop.fs.Path(dir.resolve("out").toUri())).toString(),
                List.of(input.toString()), text, conf);
    }

    @Test
    void aMisspeltCodecFailsBeforeTheOutputDirectoryExists() {
        try (Context ctx = overwriting()) {
            assertThatThrownBy(() -> ctx.textFile(input.toString()).saveAsTextFile(dir.resolve("out").toString(),
                    "org.apache.hadoop.io.compress.GzipCodek"))
                    .hasMessageContaining("GzipCodek is not a Hadoop compression codec class");
        }
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void anOverwrittenOutputIsKeptUntilTheNewOneCommitsAndRestoredWhenTheJobFails() throws IOException {
        Path out = dir.resolve("out");
        try (Context ctx = overwriting()) {
            ctx.textFile(input.toString()).saveAsTextFile(out.toString());
            Files.writeString(out.resolve("marker"), "the old output");

            assertThatThrownBy(() -> ctx.textFile(input.toString()).map(line -> {
                throw new IllegalStateException("boom in " + line);
            }).saveAsTextFile(out.toString())).hasMessageContaining("boom");
            assertThat(out.resolve("marker")).hasContent("the old output");
            assertThat(out.resolve("_SUCCESS")).exists();
            assertThat(siblings()).containsExactlyInAnyOrder("in", "out");

            ctx.textFile(input.toString()).map(String::toUpperCase).saveAsTextFile(out.toString());
        }
        assertThat(out.resolve("marker")).doesNotExist();
        assertThat(String.join("", Files.readAllLines(out.resolve("part-00000")))).contains("A B");
        assertThat(siblings()).containsExactlyInAnyOrder("in", "out");
    }

    @Test
    void recoverySettlesTheOutputsAnInterruptedOverwriteMovedAside() throws IOException {
        Path out = dir.resolve("out");
        String output = out.toUri().toString();
        SpindleConf conf = SpindleConf.empty();
        Files.createDirectories(dir.resolve(".out.replaced-job_1"));
        Files.writeString(dir.resolve(".out.replaced-job_1/marker"), "the old output");

        // Not committed, its partial output already deleted: the replaced output comes back.
        OutputCommitter.settleReplaced(output, false, conf);
        assertThat(out.resolve("marker")).hasContent("the old output");
        assertThat(siblings()).containsExactlyInAnyOrder("in", "out");

        // Committed: what it replaced goes, as the commit would have deleted it.
        Files.createDirectories(dir.resolve(".out.replaced-job_2"));
        OutputCommitter.settleReplaced(output, true, conf);
        assertThat(siblings()).containsExactlyInAnyOrder("in", "out");

        // Two of them: which one is the user's is not guessed.
        Files.createDirectories(dir.resolve(".out.replaced-job_3"));
        Files.createDirectories(dir.resolve(".out.replaced-job_4"));
        org.apache.hadoop.fs.FileUtil.fullyDelete(out.toFile());
        OutputCommitter.settleReplaced(output, false, conf);
        assertThat(siblings()).containsExactlyInAnyOrder("in", ".out.replaced-job_3", ".out.replaced-job_4");
    }

    private List<String> siblings() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList();
        }
    }
}
