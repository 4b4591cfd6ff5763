package dev.spindle.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.config.SpindleConf;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where a program's contexts get their driver: the host bound around main, or a local one outside any host. */
@Timeout(60)
class DriverHostTest {
    private static final ClassLoader LOADER = DriverHostTest.class.getClassLoader();

    @Test
    void theProgramsSettingsGoOverTheSubmittedOnesInTheLocalHost() throws Exception {
        DriverHost host = DriverHost.local(SpindleConf.empty().with("spindle.master", "local[1]")
                .with("spindle.app.name", "submitted").with("spindle.default.parallelism", "3"));
        AtomicReference<SpindleConf> seen = new AtomicReference<>();
        host.run(() -> {
            try (DriverHost.Lease lease = DriverHost.leaseFor(SpindleConf.empty().with("spindle.master", "local[2]")
                    .with("spindle.app.name", "program"), LOADER)) {
                seen.set(lease.driver().conf());
            }
        });
        assertThat(seen.get().asMap()).containsEntry("spindle.master", "local[2]")
                .containsEntry("spindle.app.name", "program").containsEntry("spindle.default.parallelism", "3");
        assertThat(DriverHost.current()).isEmpty();
    }

    @Test
    void threadsTheProgramStartsUseItsHost() throws Exception {
        SpindleConf conf = SpindleConf.empty().with("spindle.master", "local[1]");
        try (Driver driver = Driver.start(conf, LOADER)) {
            DriverHost host = DriverHost.of(driver, "a test AM");
            AtomicReference<Driver> leased = new AtomicReference<>();
            host.run(() -> {
                Thread worker = new Thread(() -> {
                    try (DriverHost.Lease lease = DriverHost.leaseFor(SpindleConf.empty(), LOADER)) {
                        leased.set(lease.driver());
                    }
                });
                worker.start();
                worker.join();
            });
            assertThat(leased.get()).isSameAs(driver);
        }
    }

    @Test
    void aYarnContextOutsideAnyHostIsRefusedWithTheWayOut() {
        assertThatThrownBy(() -> DriverHost.leaseFor(SpindleConf.empty().with("spindle.master", "yarn"), LOADER))
                .hasMessageContaining("spindle.master=yarn, but this thread has no driver")
                .hasMessageContaining("create the Context there")
                .hasMessageContaining("bin/spindle-submit --master yarn");
    }

    @Test
    void theApplicationsDriverKeepsTheSubmittedMasterAndIgnoresTheProgramsStartupSettings() throws Exception {
        try (Driver driver = Driver.start(SpindleConf.empty().with("spindle.master", "local[1]"), LOADER)) {
            AtomicReference<SpindleConf> seen = new AtomicReference<>();
            DriverHost.of(driver, "a test AM").run(() -> {
                try (DriverHost.Lease lease = DriverHost.leaseFor(SpindleConf.empty()
                        .with("spindle.master", "local[4]").with("spindle.output.overwrite", "true"), LOADER)) {
                    seen.set(lease.conf());
                }
            });
            assertThat(seen.get().asMap()).containsEntry("spindle.master", "local[1]")
                    .containsEntry("spindle.output.overwrite", "true");
        }
    }
}
