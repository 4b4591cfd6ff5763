package dev.spindle.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.SpindleException;
import dev.spindle.config.MasterSpec.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MasterSpecTest {
    @Test
    void parsesEveryForm() {
        assertThat(MasterSpec.parse("local[4]", 8)).isEqualTo(new MasterSpec(Kind.LOCAL, 4, 0, 0, 0));
        assertThat(MasterSpec.parse("local[*]", 8)).isEqualTo(new MasterSpec(Kind.LOCAL, 8, 0, 0, 0));
        assertThat(MasterSpec.parse("local", 8)).isEqualTo(new MasterSpec(Kind.LOCAL, 1, 0, 0, 0));
        assertThat(MasterSpec.parse(" local[ 2 ] ", 8)).isEqualTo(new MasterSpec(Kind.LOCAL, 2, 0, 0, 0));
        assertThat(MasterSpec.parse("local-cluster[2,1,1024]", 8))
                .isEqualTo(new MasterSpec(Kind.LOCAL_CLUSTER, 0, 2, 1, 1024));
        assertThat(MasterSpec.parse("local-cluster[3, 2, 512]", 8))
                .isEqualTo(new MasterSpec(Kind.LOCAL_CLUSTER, 0, 3, 2, 512));
        assertThat(MasterSpec.parse("yarn", 8)).isEqualTo(new MasterSpec(Kind.YARN, 0, 0, 0, 0));
        assertThat(MasterSpec.parse("local[*]").threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void localModeTriesATaskOnceUnlessLocalNFOrTheSettingSaysOtherwise() {
        assertThat(MasterSpec.parse("local[2,3]", 8)).isEqualTo(new MasterSpec(Kind.LOCAL, 2, 0, 0, 0, 3))
                .hasToString("local[2,3]");
        assertThat(MasterSpec.parse("local[*, 2]", 8)).isEqualTo(new MasterSpec(Kind.LOCAL, 8, 0, 0, 0, 2));
        SpindleConf none = SpindleConf.empty();
        assertThat(MasterSpec.parse("local[2]", 8).taskAttempts(none)).isEqualTo(new MasterSpec.TaskAttempts(1,
                "local mode tries a task once; use local[N,F] for F attempts"));
        assertThat(MasterSpec.parse("local[2,3]", 8).taskAttempts(none))
                .isEqualTo(new MasterSpec.TaskAttempts(3, "spindle.master=local[2,3]"));
        SpindleConf five = SpindleConf.empty().with("spindle.task.maxFailures", "5");
        assertThat(MasterSpec.parse("local[2]", 8).taskAttempts(five))
                .isEqualTo(new MasterSpec.TaskAttempts(5, "spindle.task.maxFailures=5"));
        assertThat(MasterSpec.parse("local-cluster[2,1,512]", 8).taskAttempts(none))
                .isEqualTo(new MasterSpec.TaskAttempts(4, "spindle.task.maxFailures=4"));
        assertThat(MasterSpec.parse("yarn", 8).taskAttempts(none).attempts()).isEqualTo(4);
    }

    @Test
    void toStringIsTheCanonicalForm() {
        assertThat(MasterSpec.parse("local[*]", 6)).hasToString("local[6]");
        assertThat(MasterSpec.parse("local-cluster[ 2,1,1024]", 6)).hasToString("local-cluster[2,1,1024]");
        assertThat(MasterSpec.parse("yarn", 6)).hasToString("yarn");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "local[0]                 | invalid master local[0]: the thread count must be at least 1; use local[N] with N >= 1, or local[*]",
        "local[x]                 | invalid master local[x]; expected local[N] (N >= 1 task threads), local[*], local[N,F] (F attempts per task), local-cluster[E,C,MB] or yarn",
        "local[2,0]               | invalid master local[2,0]: the attempts per task must be at least 1; use local[N,F] with F >= 1",
        "local[2,]                | invalid master local[2,]; expected",
        "local[-1]                | invalid master local[-1]; expected local[N]",
        "local[99999999999]       | invalid master local[99999999999]: 99999999999 is too large",
        "local-cluster[2,1]       | invalid master local-cluster[2,1]; expected local-cluster[E,C,MB] (executors, cores per executor, MiB of heap per executor), for example local-cluster[2,1,1024]",
        "local-cluster[0,1,1024]  | local-cluster[E,C,MB] needs E >= 1 executors, C >= 1 cores and MB >= 32",
        "local-cluster[2,1,16]    | local-cluster[E,C,MB] needs E >= 1 executors, C >= 1 cores and MB >= 32",
        "YARN                     | invalid master YARN; expected",
        "spark://host:7077        | invalid master spark://host:7077; expected",
        "''                       | invalid master ; expected",
    })
    void badMastersNameTheExpectedForm(String master, String message) {
        assertThatThrownBy(() -> MasterSpec.parse(master, 4))
                .isInstanceOf(SpindleException.class)
                .hasMessageContaining(message);
    }
}
