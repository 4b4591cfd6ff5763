package dev.spindle.yarn.am;

import static java.util.Objects.requireNonNull;

import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import java.net.URI;
import java.util.Optional;

/**
 * The URLs the ApplicationMaster gives the ResourceManager for its application's link: the driver's live UI while it
 * runs (the ResourceManager serves it through its web proxy, under {@code /proxy/<appId>/}), and after the end the
 * history server's page of the application, when {@code spindle.history.ui.address} names one.
 */
final class TrackingUrls {
    /** What the ResourceManager takes as "no URL": its link then leads to its own page of the application. */
    static final String NONE = "";

    private TrackingUrls() {
    }

    /** The live UI at {@code ui}, as a tracking URL; {@link #NONE} when the driver runs no UI. */
    static String live(Optional<URI> ui) {
        return ui.map(URI::toString).orElse(NONE);
    }

    /**
     * The final tracking URL: {@code <spindle.history.ui.address>/history/<appId>/} (http:// added to a bare
     * host:port), or {@link #NONE} when no history server is configured.
     */
    static String afterEnd(SpindleConf conf, String applicationId) {
        requireNonNull(applicationId, "applicationId is null");
        return conf.getOptional(SpindleConfig.HISTORY_UI_ADDRESS).map(address -> {
            String base = address.strip();
            if (!base.startsWith("http://") && !base.startsWith("https://")) {
                base = "http://" + base;
            }
            while (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            return base + "/history/" + applicationId + "/";
        }).orElse(NONE);
    }
}
