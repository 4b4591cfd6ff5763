package dev.spindle.ui.status;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The applications a UI serves: the live driver's one, or the history server's many, each with its own
 * {@link AppStatusStore}.
 */
public interface StoreDirectory {
    /** Every application with a store, newest first. */
    List<AppStatusStore> stores();

    /** The store of application {@code appId}. */
    Optional<AppStatusStore> store(String appId);

    /** A directory of the one application {@code store} describes (once its start event arrived). */
    static StoreDirectory single(AppStatusStore store) {
        requireNonNull(store, "store is null");
        return new StoreDirectory() {
            @Override
            public List<AppStatusStore> stores() {
                return store.application().isPresent() ? List.of(store) : List.of();
            }

            @Override
            public Optional<AppStatusStore> store(String appId) {
                return store.application().filter(app -> app.id().equals(appId)).map(app -> store);
            }
        };
    }
}
