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

    @Test
    void twoFirstStartsAtOnceBothGetTheOneCopy(@TempDir Path cache) throws Exception {
        var start = new java.util.concurrent.CountDownLatch(1);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var a = pool.submit(() -> { start.await(); return PostgresBinaries.unpack(cache); });
            var b = pool.submit(() -> { start.await(); return PostgresBinaries.unpack(cache); });
            start.countDown();
            assertThat(a.get().home()).isEqualTo(b.get().home());
            assertThat(a.get().postgres()).isExecutable();
        }
        try (var entries = Files.list(cache)) {
            assertThat(entries.toList()).as("no partial copies left").hasSize(1);
        }
    }

    @Test
    void aLostRenameUsesTheWinnersCopyButAFailedOneIsReported(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("home");
        Path partial = Files.createDirectories(dir.resolve("partial/bin"));
        Files.writeString(partial.resolve("x"), "x");
        Files.createDirectories(home.resolve("lib"));
        Files.writeString(home.resolve("lib/y"), "y");
        assertThatThrownBy(() -> PostgresBinaries.moveIntoPlace(partial.getParent(), home))
                .as("home is there but incomplete: no postgres binary")
                .isInstanceOf(java.io.IOException.class);
        Path postgres = Files.createDirectories(home.resolve("bin")).resolve("postgres");
        Files.writeString(postgres, "#!/bin/sh\n");
        postgres.toFile().setExecutable(true);
        PostgresBinaries.moveIntoPlace(partial.getParent(), home);
        assertThat(postgres).isExecutable();
    }
}
