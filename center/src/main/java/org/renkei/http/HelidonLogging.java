package org.renkei.http;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Helidon's logging set-up, found through {@link java.util.ServiceLoader}: nothing to set up, as
 * {@code renkei} routes java.util.logging (Helidon's) to SLF4J itself ({@code org.renkei.cli.Main}).
 * Without a provider Helidon prints "There is no Helidon logging implementation on classpath" at
 * every start; its own SLF4J provider is not on Maven Central for our Helidon version.
 */
public final class HelidonLogging implements LoggingProvider {
    @Override
    public void initialization() {
    }

    @Override
    public void runTime() {
    }
}
