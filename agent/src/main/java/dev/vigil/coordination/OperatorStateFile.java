package dev.vigil.coordination;

import dev.vigil.config.AtomicFile;
import dev.vigil.scheduler.AdminState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator state (standby, maintenance, moves and bans) persisted in the state directory's
 * {@code admin.json}, so that a cluster restarted as a whole keeps it. Coordination's state
 * persistence; used on the coordination thread only.
 */
final class OperatorStateFile {
    // Logged as Coordination, as before the split: operators grep the journal for that name.
    private static final Logger LOG = LoggerFactory.getLogger(Coordination.class);
    private static final String ADMIN_FILE = "admin.json";

    private final Path stateDir;
    /** What the file holds (null: unreadable): an unchanged state is not written again. */
    private AdminState saved;

    OperatorStateFile(Path stateDir) {
        this.stateDir = stateDir;
    }

    /**
     * The persisted operator state; INITIAL when there is none. An unreadable file also gives
     * INITIAL here, but is remembered as unread, so the first save replaces it.
     */
    AdminState load() {
        var file = stateDir.resolve(ADMIN_FILE);
        AdminState loaded;
        if (!Files.exists(file)) {
            loaded = AdminState.INITIAL;
        } else {
            try {
                loaded = GossipJson.readAdmin(dev.vigil.config.BoundedFile.readBytes(file,
                        dev.vigil.config.BoundedFile.STATE_FILE_LIMIT, "operator state file"));
            } catch (IOException e) {
                // Written atomically, so this is a hand-edit or a disk fault: the coordinator's copy will replace it.
                LOG.error("cannot read {}: {}; starting from no operator state", file, e.getMessage());
                loaded = null;
            }
        }
        saved = loaded;
        return loaded == null ? AdminState.INITIAL : loaded;
    }

    /**
     * Only when it changed: a write is an fsync, and a node that becomes coordinator saves the
     * state it adopted; the fsync took up to 20 ms on the takeover path.
     */
    void save(AdminState admin) {
        if (admin.equals(saved)) return;
        try {
            AtomicFile.write(stateDir.resolve(ADMIN_FILE), GossipJson.write(admin));
            saved = admin;
        } catch (IOException e) {
            LOG.error("cannot persist operator state in {}: {}", stateDir, e.getMessage());
        }
    }
}
