package org.renkei.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchPrefixTest {
    @Test
    void wrapsInAUserNamespaceExactlyWhenRunningAsRoot() {
        LaunchPrefix prefix = LaunchPrefix.forCurrentUser();
        assertThat(prefix.usesUserNamespace()).isEqualTo(LaunchPrefix.effectiveUid() == 0);
        if (prefix.usesUserNamespace()) {
            assertThat(prefix.command(List.of("postgres"))).endsWith("--user", "--map-user=65534",
                    "--map-group=65534", "postgres");
        }
    }

    @Test
    void explainsWhatToDoWhenUnshareIsMissing(@TempDir Path empty) {
        assertThatThrownBy(() -> LaunchPrefix.locateUnshare(empty.toString()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("`unshare` was not found on PATH")
                .hasMessageContaining("util-linux")
                .hasMessageContaining("--db");
    }

    @Test
    void findsUnshareOnThePath() {
        assertThat(LaunchPrefix.locateUnshare("/nonexistent:/usr/bin:/bin")).endsWith(Path.of("unshare"));
    }

    @Test
    void mapsToTheUidOfNobodyFromThePasswordFile(@TempDir Path dir) throws Exception {
        Path passwd = Files.writeString(dir.resolve("passwd"), "root:x:0:0::/root:/bin/sh\nnobody:x:99:99::/:/bin/false\n");
        assertThat(LaunchPrefix.nobodyUid(passwd)).isEqualTo(99);
        assertThat(LaunchPrefix.nobodyUid(dir.resolve("missing"))).isEqualTo(65534);
    }
}
