package dev.spindle.api;

import dev.spindle.config.SpindleConfig;
import dev.spindle.io.OutputCommitter;
import dev.spindle.io.RecordFormat;
import dev.spindle.plan.Node;
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
        OutputCommitter committer = OutputCommitter.setupJob(path, format, context.conf().get(SpindleConfig.OUTPUT_OVERWRITE),
                context.conf());
        try {
            context.jobs().runAll(node, (ctx, records) -> committer.writePartition(ctx.attemptId().partition(),
                    ctx.attemptId().attempt(), records, ctx), action);
            committer.commitJob(node.numPartitions());
        } catch (RuntimeException e) {
            committer.abortJob(e);
            throw e;
        }
    }
}
