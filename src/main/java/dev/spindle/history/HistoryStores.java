package dev.spindle.history;

import static java.util.Objects.requireNonNull;

import dev.spindle.ui.status.AppStatusStore;
import dev.spindle.ui.status.StoreLimits;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The status stores of the applications the history server shows, rebuilt from their event logs by replaying every
 * event into a fresh {@link AppStatusStore}: the same store, and so the same pages and REST answers, as the live UI.
 * The most recently used {@code maxCached} stores are kept; an attempt whose log grew since (a running application)
 * is replayed again.
 */
final class HistoryStores {
    private record Key(String appId, int attempt) {
    }

    private record Loaded(EventLogCatalog.Attempt attempt, AppStatusStore store) {
    }

    private final EventLogCatalog catalog;
    private final StoreLimits limits;
    private final Map<Key, Loaded> cache;

    HistoryStores(EventLogCatalog catalog, StoreLimits limits, int maxCached) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Loaded> eldest) {
                return size() > maxCached;
            }
        };
    }

    /** The store of {@code appId}'s attempt {@code attempt}, or of its last attempt when {@code attempt} is empty. */
    synchronized Optional<AppStatusStore> store(String appId, Optional<Integer> attempt) {
        Optional<EventLogCatalog.Application> application = catalog.application(appId);
        if (application.isEmpty()) {
            return Optional.empty();
        }
        Optional<EventLogCatalog.Attempt> chosen = attempt.isEmpty() ? Optional.of(application.get().last())
                : application.get().attempts().stream().filter(a -> a.attempt() == attempt.get()).findFirst();
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        Key key = new Key(appId, chosen.get().attempt());
        Loaded loaded = cache.get(key);
        if (loaded == null || !loaded.attempt().equals(chosen.get())) {
            AppStatusStore store = new AppStatusStore(limits);
            catalog.events(chosen.get()).forEach(store::onEvent);
            loaded = new Loaded(chosen.get(), store);
            cache.put(key, loaded);
        }
        return Optional.of(loaded.store());
    }
}
