package dev.spindle.deploy;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.SpindleException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

/**
 * The user's jar, checked and loaded: it exists, is a readable jar, contains the main class, and that class
 * has {@code public static void main(String[])}. Closing it closes the class loader.
 *
 * @param jar the application jar
 * @param loader loads the jar's classes; its parent is the loader that loaded Spindle
 * @param main the {@code main} method to invoke
 */
public record UserApplication(Path jar, URLClassLoader loader, Method main) implements AutoCloseable {

    public UserApplication {
        requireNonNull(jar, "jar is null");
        requireNonNull(loader, "loader is null");
        requireNonNull(main, "main is null");
    }

    /** Checks {@code jar} and {@code mainClass}, throwing {@link SpindleException} with the problem and the fix. */
    public static UserApplication load(Path jar, String mainClass, ClassLoader parent) {
        requireNonNull(jar, "jar is null");
        requireNonNull(mainClass, "mainClass is null");
        requireNonNull(parent, "parent is null");
        checkJar(jar, mainClass);
        URLClassLoader loader = new URLClassLoader("spindle-app", new URL[] {url(jar)}, parent);
        try {
            return new UserApplication(jar, loader, findMain(jar, mainClass, loader));
        } catch (RuntimeException | LinkageError e) {
            try {
                loader.close();
            } catch (IOException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    private static void checkJar(Path jar, String mainClass) {
        if (!Files.exists(jar)) {
            throw SpindleException.invalidArgument("application jar %s does not exist", jar.toAbsolutePath());
        }
        if (!Files.isRegularFile(jar)) {
            throw SpindleException.invalidArgument("application jar %s is not a file; give the path of a .jar file",
                    jar.toAbsolutePath());
        }
        if (!Files.isReadable(jar)) {
            throw SpindleException.invalidArgument("application jar %s is not readable; check its permissions",
                    jar.toAbsolutePath());
        }
        String entry = mainClass.replace('.', '/') + ".class";
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getEntry(entry) == null) {
                throw SpindleException.invalidArgument(
                        "class %s not found in application jar %s (no entry %s); check --class and the jar's contents",
                        mainClass, jar.toAbsolutePath(), entry);
            }
        } catch (IOException e) {
            throw new SpindleException(dev.spindle.common.ErrorCode.INVALID_ARGUMENT,
                    "application jar " + jar.toAbsolutePath() + " is not a valid jar file: " + e.getMessage(), e);
        }
    }

    private static Method findMain(Path jar, String mainClass, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(mainClass, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new SpindleException(dev.spindle.common.ErrorCode.INVALID_ARGUMENT, "class " + mainClass
                    + " in " + jar.toAbsolutePath() + " cannot be loaded: " + e
                    + "; is a class it needs missing from the jar?", e);
        }
        Method main;
        try {
            main = type.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            throw noMain(jar, mainClass);
        } catch (LinkageError e) {
            throw new SpindleException(dev.spindle.common.ErrorCode.INVALID_ARGUMENT, "class " + mainClass
                    + " in " + jar.toAbsolutePath() + " cannot be linked: " + e, e);
        }
        int modifiers = main.getModifiers();
        if (!Modifier.isStatic(modifiers) || !Modifier.isPublic(modifiers) || main.getReturnType() != void.class) {
            throw noMain(jar, mainClass);
        }
        // The class itself may be package-private, as the java launcher allows.
        main.setAccessible(true);
        return main;
    }

    private static SpindleException noMain(Path jar, String mainClass) {
        return SpindleException.invalidArgument(
                "class %s in %s has no public static void main(String[] args) method", mainClass, jar.toAbsolutePath());
    }

    private static URL url(Path jar) {
        try {
            return jar.toAbsolutePath().toUri().toURL();
        } catch (MalformedURLException e) {
            throw new SpindleException(dev.spindle.common.ErrorCode.INVALID_ARGUMENT,
                    "application jar path " + jar + " cannot be turned into a URL: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        loader.close();
    }
}
