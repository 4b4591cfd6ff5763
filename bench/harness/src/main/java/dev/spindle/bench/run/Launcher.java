package dev.spindle.bench.run;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The main class of every forked benchmark JVM: runs {@code MAIN_CLASS ARGS...}, then prints
 * {@code bench-result main-seconds=S}, the time the program's {@code main} took (context start, job, save and
 * context stop; JVM start excluded), and exits, so that no lingering non-daemon thread can hold the run open.
 * A failing program exits with status 1 after printing its exception and the cause chain on stderr.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: Launcher MAIN_CLASS [ARGS...]");
            System.exit(2);
        }
        try {
            Method main = Class.forName(args[0]).getMethod("main", String[].class);
            String[] programArgs = Arrays.copyOfRange(args, 1, args.length);
            long start = System.nanoTime();
            main.invoke(null, (Object) programArgs);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.println(ResultLine.MAIN_SECONDS.format(seconds));
            System.out.flush();
            System.exit(0);
        } catch (InvocationTargetException e) {
            fail(args[0], e.getCause());
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            fail(args[0], e);
        }
    }

    private static void fail(String mainClass, Throwable failure) {
        System.err.println("bench-failed: " + mainClass + " threw " + Failures.describe(failure));
        System.err.flush();
        System.exit(1);
    }
}
