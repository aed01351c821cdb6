package org.renkei.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresBinariesTest {
    @Test
    void explainsThatOnlyLinuxAmd64IsBundled() {
        assertThatThrownBy(() -> PostgresBinaries.checkPlatform("Mac OS X", "aarch64"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("only bundled for linux/amd64")
                .hasMessageContaining("Mac OS X/aarch64")
                .hasMessageContaining("--db jdbc:postgresql://");
        PostgresBinaries.checkPlatform("Linux", "amd64");
    }

    @Test
    void unpacksOnceIntoTheCacheAndReusesTheCopy(@TempDir Path cache) throws Exception {
        PostgresBinaries first = PostgresBinaries.unpack(cache);
        assertThat(first.postgres()).isExecutable();
        assertThat(first.initdb()).isExecutable();
        long modified = Files.getLastModifiedTime(first.postgres()).toMillis();
        PostgresBinaries second = PostgresBinaries.unpack(cache);
        assertThat(second.home()).isEqualTo(first.home());
        assertThat(Files.getLastModifiedTime(second.postgres()).toMillis()).isEqualTo(modified);
        try (var entries = Files.list(cache)) {
            assertThat(entries.toList()).as("no partial copies left").containsExactly(first.home());
        }
    }
}
