package org.renkei.share.taxii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.renkei.InputException;

class PageTokensTest {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

    static PageTokens at(Instant t) {
        return new PageTokens(KEY, Clock.fixed(t, ZoneOffset.UTC));
    }

    @Test
    void aTokenRoundTripsForItsOwnBinding() {
        String t = at(NOW).issue("bank|community|q", 1234567L);
        assertThat(at(NOW.plusSeconds(3600)).redeem(t, "bank|community|q")).isEqualTo(1234567L);
    }

    @Test
    void aStaleTokenIsRefusedAndSaysSo() {
        String t = at(NOW).issue("b", 1L);
        assertThatThrownBy(() -> at(NOW.plus(PageTokens.LIFETIME).plusSeconds(1)).redeem(t, "b"))
                .isInstanceOf(InputException.class).hasMessageContaining("expired");
    }

    @Test
    void aTokenFromAnotherKeyOrTamperedIsRefused() {
        String t = new PageTokens("another key, another server......".getBytes(), Clock.fixed(NOW, ZoneOffset.UTC))
                .issue("b", 1L);
        assertThatThrownBy(() -> at(NOW).redeem(t, "b")).hasMessageContaining("not a value this server issued");
        String mine = at(NOW).issue("b", 1L);
        char[] c = mine.toCharArray();
        c[5] = c[5] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> at(NOW).redeem(new String(c), "b")).isInstanceOf(InputException.class);
        assertThatThrownBy(() -> at(NOW).redeem("!!!", "b")).isInstanceOf(InputException.class);
    }

    @Test
    void aTokenForAnotherBindingIsRefused() {
        String t = at(NOW).issue("bank|community|q", 1L);
        assertThatThrownBy(() -> at(NOW).redeem(t, "power|community|q")).hasMessageContaining("another caller");
    }
}
