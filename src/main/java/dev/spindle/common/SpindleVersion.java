package dev.spindle.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Which Spindle this is. */
public final class SpindleVersion {
    private static final Logger LOG = LogManager.getLogger(SpindleVersion.class);

    private SpindleVersion() {
    }

    /** The version from the jar's manifest or the Maven metadata, else {@code development build}. */
    public static String current() {
        String version = SpindleVersion.class.getPackage().getImplementationVersion();
        if (version != null) {
            return version;
        }
        try (InputStream in = SpindleVersion.class.getResourceAsStream(
                "/META-INF/maven/dev.spindle/spindle/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String fromPom = properties.getProperty("version");
                if (fromPom != null) {
                    return fromPom;
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot read the Maven metadata for the version: {}", e.toString());
        }
        return "development build";
    }
}
