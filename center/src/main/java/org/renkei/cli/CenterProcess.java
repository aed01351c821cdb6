package org.renkei.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.renkei.center.Center;
import org.renkei.center.CenterConfig;

/**
 * The center as a command runs it ({@code serve}, {@code demo}): its stop-signal handling is in
 * place before the first start-up step, so that Ctrl-C or SIGTERM at any moment stops the process
 * in order and quietly. The step under way (starting the store, the demo creating its content)
 * finishes or notices the stop ({@link #checkNotStopping()}), then the center closes what uses the
 * store, then the embedded store stops (its own hook waits for that: {@link Center#start(CenterConfig,
 * String, java.util.function.Consumer, boolean)}). Before this, a stop during start-up took the store
 * down under the command's open connections, which logged them as broken, with stack traces.
 */
final class CenterProcess {
    /** How long a stop signal waits for the start-up step under way before the process exits anyway. */
    private static final long STEP_WAIT_SECONDS = 60;

    /** Start-up work of a command, on the started center: printing where it listens, the demo's content. */
    interface StartUp {
        void run(Center center) throws Exception;
    }

    /** Thrown by {@link #checkNotStopping()}: the start-up work ends there, silently. */
    private static final class Stopping extends RuntimeException {
        Stopping() {
            super("stopping", null, false, false);
        }
    }

    private static final CountDownLatch settled = new CountDownLatch(1);
    private static final CountDownLatch stopped = new CountDownLatch(1);
    private static volatile Center center;
    private static volatile boolean stopping;

    private CenterProcess() {
    }

    /**
     * Starts the center (reporting each step on standard error), runs the command's start-up work on
     * it, and returns once a stop signal has closed it. An error of the start or of the work is
     * thrown as it is, unless a stop signal came first (then it is the stop's doing and not reported).
     */
    static void run(CenterConfig cfg, StartUp work) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(CenterProcess::stop, "renkei-shutdown"));
        try {
            center = Center.start(cfg, System.getenv(Center.ADMIN_TOKEN_ENV), line -> System.err.println("renkei: " + line), true);
            work.run(center);
        } catch (Exception | Error e) {
            if (stopping) return; // cut short by the stop: the JVM exits with the signal's status
            Center started = center; // the work failed, and says why: close what was started, in order
            center = null;
            if (started != null) started.close();
            throw e;
        } finally {
            settled.countDown();
        }
        stopped.await();
    }

    /** For start-up work between its steps: ends it (silently) once a stop signal has come. */
    static void checkNotStopping() {
        if (stopping) throw new Stopping();
    }

    private static void stop() {
        if (settled.getCount() == 0 && center == null) return; // a failed start, exiting with its own error
        stopping = true;
        System.err.println("renkei: stopping...");
        try {
            settled.await(STEP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Center c = center;
        if (c != null) c.close();
        stopped.countDown();
    }
}
