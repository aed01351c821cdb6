package org.renkei.bus;

import java.util.function.Consumer;

/** Publish/subscribe of events of one type. */
public interface EventBus<E> {
    void publish(E event);

    /** Subscribes; close the returned handle to stop receiving. */
    AutoCloseable subscribe(Consumer<? super E> subscriber);
}
