package org.renkei.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedPostgresSettingsTest {
    @Test
    void sharedBuffersAreAQuarterOfMemoryBetween128MbAnd1Gb() {
        long mb = 1024 * 1024;
        assertThat(EmbeddedPostgresSettings.sharedBuffersMb(0)).isEqualTo(128);
        assertThat(EmbeddedPostgresSettings.sharedBuffersMb(256 * mb)).isEqualTo(128);
        assertThat(EmbeddedPostgresSettings.sharedBuffersMb(2048 * mb)).isEqualTo(512);
        assertThat(EmbeddedPostgresSettings.sharedBuffersMb(4096 * mb)).isEqualTo(1024);
        assertThat(EmbeddedPostgresSettings.sharedBuffersMb(64L * 1024 * mb)).isEqualTo(1024);
    }

    @Test
    void defaultsMakeCheckpointsRareAndSizeSharedBuffers() {
        Map<String, String> d = EmbeddedPostgresSettings.defaultServerSettings();
        assertThat(d).containsEntry("max_wal_size", "4GB").containsEntry("checkpoint_timeout", "15min")
                .containsKey("shared_buffers");
        assertThat(d.keySet()).doesNotContainAnyElementsOf(EmbeddedPostgresSettings.DURABILITY_SETTINGS);
        assertThat(EmbeddedPostgresSettings.of(Path.of("x")).dataChecksums()).isTrue();
    }

    @Test
    void parsesNameValuePairsSeparatedByCommasOrSpaces() {
        assertThat(EmbeddedPostgresSettings.parseServerSettings(" work_mem=64MB, max_wal_size=8GB  auto_explain.log_min_duration=1s"))
                .containsExactly(Map.entry("work_mem", "64MB"), Map.entry("max_wal_size", "8GB"),
                        Map.entry("auto_explain.log_min_duration", "1s"));
        assertThat(EmbeddedPostgresSettings.parseServerSettings("")).isEmpty();
        assertThat(EmbeddedPostgresSettings.parseServerSettings(null)).isEmpty();
        assertThatThrownBy(() -> EmbeddedPostgresSettings.parseServerSettings("work_mem"))
                .hasMessageContaining("'work_mem' is not name=value");
        assertThatThrownBy(() -> EmbeddedPostgresSettings.parseServerSettings("work_mem="))
                .hasMessageContaining("is not name=value");
        assertThatThrownBy(() -> EmbeddedPostgresSettings.parseServerSettings("work-mem=1MB"))
                .hasMessageContaining("not a PostgreSQL setting name");
    }

    @Test
    void durabilityCannotBeTurnedOffThroughExtraSettings() {
        var settings = EmbeddedPostgresSettings.of(Path.of("x"));
        for (String off : new String[] {"fsync=off", "synchronous_commit=off", "FULL_PAGE_WRITES=off"}) {
            assertThatThrownBy(() -> settings.withServerSettings(EmbeddedPostgresSettings.parseServerSettings(off)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be overridden");
        }
    }
}
