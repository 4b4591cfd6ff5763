package dev.spindle.serde;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.lang.reflect.Proxy;

/**
 * An {@link ObjectInputStream} that resolves classes and proxy interfaces through a given class loader
 * (a user jar's, on executors), falling back to the platform mechanism for primitives and for what the
 * loader does not know. Serializable lambdas resolve too: their capturing class comes through here.
 */
final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
        super(in);
        this.loader = requireNonNull(loader, "loader is null");
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        try {
            return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
            // Primitive types ("int") and classes only the default mechanism finds.
            try {
                return super.resolveClass(desc);
            } catch (ClassNotFoundException fallback) {
                e.addSuppressed(fallback);
                throw e;
            }
        }
    }

    @Override
    @SuppressWarnings("deprecation")
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
        Class<?>[] classes = new Class<?>[interfaces.length];
        for (int i = 0; i < interfaces.length; i++) {
            classes[i] = Class.forName(interfaces[i], false, loader);
        }
        try {
            return Proxy.getProxyClass(loader, classes);
        } catch (IllegalArgumentException e) {
            return super.resolveProxyClass(interfaces);
        }
    }
}
