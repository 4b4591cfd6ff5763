package dev.spindle.api;

import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.io.OutputCommitter;
import dev.spindle.io.OutputGuard;
import dev.spindle.io.RecordFormat;
import dev.spindle.plan.Lineages;
import dev.spindle.plan.Node;
import dev.spindle.recovery.ActionJournal;
import org.apache.avro.Schema;

/** Save actions: set up the output on the driver, write each partition in a task, commit or abort the job. */
final class Saving {
    private Saving() {
    }

    static void saveText(Context context, Node<?> node, String path, String codecClassName) {
        save(context, node, path, new RecordFormat.Text(codecClassName), "saveAsTextFile");
    }

    static void saveAvro(Context context, Node<?> node, String path, Schema schema) {
        save(context, node, path, new RecordFormat.Avro(schema.toString()), "saveAsAvroFile");
    }

    private static <T> void save(Context context, Node<T> node, String path, RecordFormat format, String action) {
        java.util.Objects.requireNonNull(path, "path is null");
        node.numPartitions(); // input errors first, before the output directory is touched
        SpindleConf conf = context.conf();
        String output = OutputCommitter.qualify(path, conf);
        // Before anything is journaled, moved or deleted: never over the job's input or a shared directory.
        OutputGuard.check(output, Lineages.nodes(node).stream().flatMap(n -> n.inputPaths().stream()).toList(),
                format, conf);
        ActionJournal.Slot slot = context.jobs().begin(action, action + " " + output + " at " + CallSites.current(),
                node, output, format);
        switch (slot.outputHistory()) {
            case COMMITTED -> {
                if (OutputCommitter.isCommitted(output, conf)) {
                    OutputCommitter.settleReplaced(output, true, conf);
                    slot.replayedOutput(output);
                    return;
                }
                slot.runs("the output " + output + " an earlier attempt committed has no _SUCCESS any more");
            }
            case STARTED -> {
                if (OutputCommitter.isCommitted(output, conf)) {
                    // The commit completed; the attempt was lost before it journaled so (or deleted what it replaced).
                    OutputCommitter.settleReplaced(output, true, conf);
                    slot.outputCommitted(output);
                    slot.replayedOutput(output);
                    return;
                }
                slot.runs("an earlier attempt started writing " + output + " and did not commit it; its partial "
                        + "output is deleted, and an output it was overwriting is put back");
                OutputCommitter.deleteUncommitted(output, conf);
                OutputCommitter.settleReplaced(output, false, conf);
            }
            case NONE -> {
            }
        }
        boolean overwrite = conf.get(SpindleConfig.OUTPUT_OVERWRITE);
        // Journaled once the directory is known to be this job's to write, before it is touched: a later attempt
        // deletes only what this one may have left half-written.
        OutputCommitter.checkAvailable(output, overwrite, conf);
        slot.outputStarted(output);
        OutputCommitter committer = OutputCommitter.setupJob(output, format, overwrite, conf);
        try {
            // Each partition's result names its committed attempt: the job commits exactly those.
            committer.commitJob(context.jobs().runOutputJob(node, (ctx, records) -> committer.writePartition(records,
                    ctx), action));
        } catch (RuntimeException e) {
            committer.abortJob(e);
            throw e;
        }
        slot.outputCommitted(output);
    }
}
