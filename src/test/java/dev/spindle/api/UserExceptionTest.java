package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.plan.TaskException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/** A failed job carries the task's own exception as its cause, in-process and from executor processes. */
@Timeout(120)
class UserExceptionTest {
    /** A user's exception type, with a field of its own. */
    static final class BadRecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int record;

        BadRecordException(int record) {
            super("bad record " + record);
            this.record = record;
        }

        int record() {
            return record;
        }
    }

    /** An exception that cannot travel: its field is not serializable. */
    static final class UnshippableException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Object lock = new Object();

        UnshippableException(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return super.toString() + lock.hashCode();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local[2]", "local-cluster[1,1,512]"})
    void theUsersExceptionIsTheCause(String master) {
        try (Context ctx = new Context(SpindleConf.empty().with("spindle.master", master))) {
            assertThatThrownBy(() -> ctx.parallelize(List.of(1, 2, 3, 4), 2).map(x -> {
                if (x == 3) {
                    throw new BadRecordException(x);
                }
                return x;
            }).collect())
                    .isInstanceOf(SpindleException.class)
                    .hasMessageContaining("bad record 3")
                    .cause().isInstanceOf(BadRecordException.class).hasMessage("bad record 3")
                    .satisfies(e -> assertThat(((BadRecordException) e).record()).isEqualTo(3));

            // One that cannot travel arrives described: its class, message and the executor's stack trace.
            assertThatThrownBy(() -> ctx.parallelize(List.of(1), 1).map(x -> {
                throw new UnshippableException("no way " + x);
            }).collect())
                    .cause().isInstanceOf(TaskException.class)
                    .hasMessage(UnshippableException.class.getName() + ": no way 1")
                    .satisfies(e -> assertThat(((TaskException) e).remoteStackTrace()).contains("UserExceptionTest"));
        }
    }
}
