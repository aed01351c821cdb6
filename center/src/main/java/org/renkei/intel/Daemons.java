package org.renkei.intel;

import java.time.Duration;

/** The start, pause and stop of this package's background threads (store version, store feed). */
final class Daemons {
    private Daemons() {
    }

    static Thread start(String name, Runnable loop) {
        return Thread.ofPlatform().daemon().name(name).start(loop);
    }

    /** Sleeps; false when interrupted (the thread is being stopped). */
    static boolean pause(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Interrupts the thread and waits up to five seconds for it to end. */
    static void stop(Thread t) {
        t.interrupt();
        try {
            t.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
