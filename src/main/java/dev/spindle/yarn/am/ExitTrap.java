package dev.spindle.yarn.am;

import java.security.Permission;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Turns {@code System.exit(n)} called by the user's program into an {@link ExitTrapped} exception, so that the
 * ApplicationMaster can still report the application's final status and unregister. It relies on a security
 * manager (the AM JVM runs with {@code -Djava.security.manager=allow}); where the JVM no longer supports one (Java
 * 24 and later) the trap is off and such an exit ends the attempt without a final status.
 */
@SuppressWarnings("removal")
final class ExitTrap {
    private static final Logger LOG = LogManager.getLogger(ExitTrap.class);

    /** What {@code System.exit} throws in a trapped thread. */
    static final class ExitTrapped extends SecurityException {
        private static final long serialVersionUID = 1L;
        private final int status;

        ExitTrapped(int status) {
            super("System.exit(" + status + ") was called by the application; the ApplicationMaster reports it "
                    + "as the application's end");
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private final SecurityManager previous;
    private final boolean installed;

    private ExitTrap(SecurityManager previous, boolean installed) {
        this.previous = previous;
        this.installed = installed;
    }

    /**
     * Traps exits of threads in {@code group} (and the groups under it); {@code onExit} hears the status, whichever
     * thread called it, since only that thread sees the exception.
     */
    static ExitTrap install(ThreadGroup group, java.util.function.IntConsumer onExit) {
        SecurityManager previous = System.getSecurityManager();
        try {
            System.setSecurityManager(new SecurityManager() {
                @Override
                public void checkPermission(Permission perm) {
                }

                @Override
                public void checkPermission(Permission perm, Object context) {
                }

                @Override
                public void checkExit(int status) {
                    if (group.parentOf(Thread.currentThread().getThreadGroup())) {
                        onExit.accept(status);
                        throw new ExitTrapped(status);
                    }
                }
            });
            return new ExitTrap(previous, true);
        } catch (UnsupportedOperationException | SecurityException e) {
            LOG.warn("Cannot trap System.exit in the application ({}); an exit will end this attempt without a "
                    + "final status", e.toString());
            return new ExitTrap(previous, false);
        }
    }

    void uninstall() {
        if (installed) {
            System.setSecurityManager(previous);
        }
    }
}
