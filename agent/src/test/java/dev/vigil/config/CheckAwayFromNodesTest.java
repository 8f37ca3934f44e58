package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link ConfigLoader#checkAwayFromNodes}: everything but the key file, which lives on the nodes. */
class CheckAwayFromNodesTest {
    private static final Path FILE = Path.of("/nonexistent-dir/cluster.yaml");

    private static final String GOOD = """
            cluster: web
            auth: {keyfile: /nonexistent-dir/authkey}
            nodes:
              - {name: ha1, address: 10.0.0.48}
              - {name: ha2, address: 10.0.0.49}
            links:
              - {type: udp, mode: unicast, port: 694}
            """;

    @Test
    void aMissingKeyFileIsNotAnErrorHereButIsForCheck() throws Exception {
        assertThat(ConfigLoader.checkAwayFromNodes(GOOD, FILE)).isEmpty();
        assertThat(ConfigLoader.check(GOOD, FILE, ConfigLoader.SYSTEM_RESOLVER)).singleElement().asString()
                .startsWith(FILE + ":2:17: key file /nonexistent-dir/authkey does not exist");
    }

    @Test
    void theRestIsCheckedAsEverIncludingTheAuthSectionsShapeAndTheTwoNodeRule() {
        assertThat(ConfigLoader.checkAwayFromNodes(GOOD.replace("{keyfile: /nonexistent-dir/authkey}", "{}"), FILE))
                .singleElement().asString().contains("keyfile");
        assertThat(ConfigLoader.checkAwayFromNodes(GOOD + "resources:\n  - {id: vip, agent: \"ocf:vigil:IPaddr\"}\n", FILE))
                .singleElement().asString().startsWith(FILE + ":3:1: this cluster has 2 votes");
    }
}
