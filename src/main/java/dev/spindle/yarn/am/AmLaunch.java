package dev.spindle.yarn.am;

import static java.util.Objects.requireNonNull;

import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import dev.spindle.rpc.AppSecret;
import dev.spindle.yarn.StagedResources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ContainerId;

/**
 * What an ApplicationMaster attempt starts from, as the client staged it and YARN launched it: the resolved
 * configuration, the program to run, the staged files, the attempt, and the application secret.
 *
 * @param maxAttempts the attempts the client asked YARN for ({@code spindle.yarn.maxAppAttempts}, resolved)
 */
record AmLaunch(SpindleConf conf, String mainClass, List<String> args, StagedResources listed,
        ApplicationAttemptId attempt, int maxAttempts, AppSecret secret, Path stagingDir) {
    AmLaunch {
        requireNonNull(conf, "conf is null");
        requireNonNull(mainClass, "mainClass is null");
        args = List.copyOf(args);
        requireNonNull(listed, "listed is null");
        requireNonNull(attempt, "attempt is null");
        requireNonNull(secret, "secret is null");
        requireNonNull(stagingDir, "stagingDir is null");
    }

    static AmLaunch read(java.nio.file.Path workDir, Map<String, String> env) throws IOException {
        SpindleConf conf = SpindleConf.fromFile(workDir.resolve(StagedResources.inConfArchive(
                StagedResources.SPINDLE_CONF)));
        List<String> lines = Files.readAllLines(workDir.resolve(StagedResources.inConfArchive(
                StagedResources.APP_ARGS)), StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            args.add(new String(Base64.getDecoder().decode(line), StandardCharsets.UTF_8));
        }
        StagedResources listed = StagedResources.readFrom(workDir.resolve(StagedResources.inConfArchive(
                StagedResources.FILE_NAME)));
        ApplicationAttemptId attempt = ContainerId.fromString(
                env.get(ApplicationConstants.Environment.CONTAINER_ID.name())).getApplicationAttemptId();
        byte[] key = UserGroupInformation.getCurrentUser().getCredentials()
                .getSecretKey(new Text(AppSecret.CREDENTIALS_ALIAS));
        if (key == null) {
            throw new IllegalStateException("the AM's credentials hold no " + AppSecret.CREDENTIALS_ALIAS
                    + "; was the application submitted by spindle-submit?");
        }
        String staging = env.get(StagedResources.STAGING_DIR_ENV);
        if (staging == null) {
            throw new IllegalStateException("the AM's environment has no " + StagedResources.STAGING_DIR_ENV
                    + "; was the application submitted by spindle-submit?");
        }
        return new AmLaunch(conf, lines.get(0), args, listed, attempt,
                conf.getOptional(SpindleConfig.YARN_MAX_APP_ATTEMPTS).orElse(1), AppSecret.of(key), new Path(staging));
    }

    String applicationId() {
        return attempt.getApplicationId().toString();
    }

    /**
     * No attempt follows this one if it fails. With {@code spindle.yarn.attemptFailuresValidityInterval} only the
     * ResourceManager knows (old failures stop counting), so no attempt calls itself the last.
     */
    boolean lastAttempt() {
        return conf.getOptional(SpindleConfig.YARN_ATTEMPT_FAILURES_VALIDITY_INTERVAL).isEmpty()
                && attempt.getAttemptId() >= maxAttempts;
    }

    List<String> applicationJars() {
        return listed.applicationJars();
    }

    /** The staged files, with the configuration archive that holds their list (executors get it too). */
    StagedResources staged(FileSystem fs) throws IOException {
        return listed.with(StagedResources.describe(fs, new Path(stagingDir, StagedResources.CONF_ARCHIVE_FILE),
                StagedResources.CONF_ARCHIVE, StagedResources.Role.CONF_ARCHIVE, false));
    }
}
