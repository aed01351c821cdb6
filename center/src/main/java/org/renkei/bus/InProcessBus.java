package org.renkei.bus;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each event synchronously to every subscriber on the publisher's thread.
 * Subscribers must therefore be quick (hand off to a queue): a slow one delays the
 * others. A failing subscriber is logged and does not stop delivery to the rest.
 */
public final class InProcessBus<E> implements EventBus<E> {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessBus.class);
    private final CopyOnWriteArrayList<Consumer<? super E>> subscribers = new CopyOnWriteArrayList<>();

    @Override
    public void publish(E event) {
        for (Consumer<? super E> s : subscribers) {
            try {
                s.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("an event subscriber failed; the others still get the event", e);
            }
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<? super E> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }
}
