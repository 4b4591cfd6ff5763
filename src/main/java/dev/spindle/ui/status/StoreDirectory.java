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

    /** The store of application {@code appId} (of its latest attempt). */
    Optional<AppStatusStore> store(String appId);

    /** The store of attempt {@code attemptId} of application {@code appId}. */
    default Optional<AppStatusStore> store(String appId, String attemptId) {
        return store(appId).filter(store -> store.application().map(app -> app.attempts().stream()
                .anyMatch(attempt -> attempt.attemptId().equals(attemptId))).orElse(false));
    }

    /** Every application, newest first, with all its attempts; the history server answers without replaying. */
    default List<ApiModel.ApplicationInfo> applications() {
        return stores().stream().flatMap(store -> store.application().stream()).toList();
    }

    /** Application {@code appId} with all its attempts. */
    default Optional<ApiModel.ApplicationInfo> application(String appId) {
        return store(appId).flatMap(AppStatusStore::application);
    }

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
