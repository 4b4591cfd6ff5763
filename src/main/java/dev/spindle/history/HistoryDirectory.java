package dev.spindle.history;

import static java.util.Objects.requireNonNull;

import dev.spindle.ui.status.ApiModel.ApplicationAttemptInfo;
import dev.spindle.ui.status.ApiModel.ApplicationInfo;
import dev.spindle.ui.status.AppStatusStore;
import dev.spindle.ui.status.StoreDirectory;
import dev.spindle.ui.status.Times;
import java.util.List;
import java.util.Optional;

/**
 * The history server's applications: listed from the event log summaries of an {@link EventLogCatalog} (no replay
 * needed for the list), each one's pages served from a store rebuilt from its log by {@link HistoryStores}.
 */
final class HistoryDirectory implements StoreDirectory {
    private final EventLogCatalog catalog;
    private final HistoryStores stores;

    HistoryDirectory(EventLogCatalog catalog, HistoryStores stores) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.stores = requireNonNull(stores, "stores is null");
    }

    /** The stores of every application, rebuilding those not cached: the list and REST answers do not need it. */
    @Override
    public List<AppStatusStore> stores() {
        return catalog.applications().stream().flatMap(app -> store(app.id()).stream()).toList();
    }

    @Override
    public Optional<AppStatusStore> store(String appId) {
        return stores.store(appId, Optional.empty());
    }

    @Override
    public Optional<AppStatusStore> store(String appId, String attemptId) {
        try {
            return stores.store(appId, Optional.of(Integer.parseInt(attemptId)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<ApplicationInfo> applications() {
        return catalog.applications().stream().map(HistoryDirectory::info).toList();
    }

    @Override
    public Optional<ApplicationInfo> application(String appId) {
        return catalog.application(appId).map(HistoryDirectory::info);
    }

    /** As the live store describes its attempt, for each attempt in the log directory. */
    static ApplicationInfo info(EventLogCatalog.Application app) {
        List<ApplicationAttemptInfo> attempts = app.attempts().stream().map(a -> new ApplicationAttemptInfo(
                String.valueOf(a.attempt()), Times.format(a.start()), Times.format(a.end()),
                Times.format(a.lastUpdated()), a.duration(), a.user(), a.completed(),
                a.completed() ? a.status() : null, a.start(), a.end(), a.lastUpdated())).toList();
        return new ApplicationInfo(app.id(), app.last().name(), attempts);
    }
}
