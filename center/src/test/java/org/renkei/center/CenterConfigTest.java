package org.renkei.center;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.renkei.InputException;

class CenterConfigTest {

    @Test
    void environmentOverridesTheFileWhichOverridesDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("renkei.properties");
        Files.writeString(file, "server.port=9000\ntaxii.page-size=50\ndb.url=\n");
        CenterConfig c = CenterConfig.load(file, Map.of("RENKEI_TAXII_PAGE_SIZE", "20"));
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.integer("taxii.page-size")).isEqualTo(20);
        assertThat(c.dbUrl()).isNull();
        assertThat(c.get("server.host")).isEqualTo("0.0.0.0");
    }

    @Test
    void theExampleFileDocumentsEveryKey() throws Exception {
        Path example = Path.of("..", "renkei.example.properties");
        String text = Files.readString(example);
        for (String key : CenterConfig.DEFAULTS.keySet()) {
            assertThat(text).as(key).contains(key + "=");
        }
        CenterConfig.load(example, Map.of()); // and it loads
    }

    @Test
    void embeddedStoreSettingsComeFromTheDbEmbeddedKeys() {
        Path dir = Path.of("data", "postgres");
        var defaults = Center.embeddedSettings(CenterConfig.defaultsOnly(), dir);
        assertThat(defaults.dataChecksums()).isTrue();
        assertThat(defaults.port()).isEqualTo(5433);
        assertThat(defaults.serverSettings()).isEmpty();
        CenterConfig c = CenterConfig.load(null, Map.of("RENKEI_DB_EMBEDDED_CHECKSUMS", "off",
                "RENKEI_DB_EMBEDDED_SETTINGS", "work_mem=64MB, max_wal_size=8GB"));
        var s = Center.embeddedSettings(c, dir);
        assertThat(s.dataChecksums()).isFalse();
        assertThat(s.serverSettings()).containsExactly(Map.entry("work_mem", "64MB"), Map.entry("max_wal_size", "8GB"));
        assertThatThrownBy(() -> Center.embeddedSettings(c.with("db.embedded-checksums", "maybe"), dir))
                .isInstanceOf(InputException.class).hasMessageContaining("db.embedded-checksums").hasMessageContaining("maybe");
        assertThatThrownBy(() -> Center.embeddedSettings(c.with("db.embedded-settings", "fsync=off"), dir))
                .isInstanceOf(InputException.class).hasMessageContaining("db.embedded-settings")
                .hasMessageContaining("fsync");
    }

    @Test
    void unknownKeysAndBadNumbersAreNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("renkei.properties");
        Files.writeString(file, "server.prot=9000\n");
        assertThatThrownBy(() -> CenterConfig.load(file, Map.of())).isInstanceOf(InputException.class)
                .hasMessageContaining("server.prot");
        CenterConfig c = CenterConfig.load(null, Map.of("RENKEI_SERVER_PORT", "eighty"));
        assertThatThrownBy(c::port).hasMessageContaining("server.port").hasMessageContaining("eighty");
    }
}
