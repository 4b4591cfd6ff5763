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
    void toStringIsTheCanonicalForm() {
        assertThat(MasterSpec.parse("local[*]", 6)).hasToString("local[6]");
        assertThat(MasterSpec.parse("local-cluster[ 2,1,1024]", 6)).hasToString("local-cluster[2,1,1024]");
        assertThat(MasterSpec.parse("yarn", 6)).hasToString("yarn");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "local[0]                 | invalid master local[0]: the thread count must be at least 1; use local[N] with N >= 1, or local[*]",
        "local[x]                 | invalid master local[x]; expected local[N] (N >= 1 task threads), local[*], local-cluster[E,C,MB] or yarn",
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
