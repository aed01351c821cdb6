package org.renkei.sensor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.*;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.lang.reflect.Method;

/**
 * Before/after comparison for a loaded machine: two builds of the sensor (A, B: their
 * {@code classes} directories) in one JVM, each in its own class loader, run the
 * {@link CpuTimeBenchmark} workload in alternating passes (A B B A ...) over the same
 * capture, so both see the same load; prints packets per CPU-second of the steady passes.
 * {@code AbBenchmark ROUNDS CAPTURE DIR_A DIR_B [decode-thread]} with {@code -Dlibs=} the
 * dependency classpath; see bench/sensor/ab.sh. With {@code decode-thread} each pass runs
 * {@code analyze}'s two-thread path (a decode thread feeding this one) and the figures are
 * packets per second of the whole process's CPU time (both threads, and whatever else the JVM
 * ran meanwhile) and of wall time, besides this thread's CPU time.
 */
public final class AbBenchmark {
    private AbBenchmark() {
    }

    public static void main(String[] a) throws Exception {
        int rounds = Integer.parseInt(a[0]);
        Path file = Path.of(a[1]);
        String[] dirs = {a[2], a[3]};
        boolean decodeThread = a.length > 4 && a[4].equals("decode-thread");
        String[] libs = System.getProperty("libs").split(":");
        Object[] analyzers = new Object[2];
        Method[] readAll = new Method[2];
        Method[] open = new Method[2];
        for (int v = 0; v < 2; v++) {
            List<URL> urls = new ArrayList<>();
            urls.add(Path.of(dirs[v]).toUri().toURL());
            for (String l : libs) urls.add(Path.of(l).toUri().toURL());
            ClassLoader cl = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            Class<?> pc = cl.loadClass("org.renkei.sensor.classify.PacketClassifier");
            Object classifier = pc.getMethod("builtIn").invoke(null);
            Class<?> scanCfg = cl.loadClass("org.renkei.sensor.detect.ScanDetector$Config");
            Object sc = scanCfg.getConstructor(int.class, long.class, long.class).newInstance(100, 480L, 4_000_000L);
            Class<?> dosCfg = cl.loadClass("org.renkei.sensor.detect.DosDetector$Config");
            Object dc = dosCfg.getMethod("defaults").invoke(null);
            Class<?> cfg = cl.loadClass("org.renkei.sensor.report.CaptureAnalyzer$Config");
            Object c = cfg.getConstructor(scanCfg, dosCfg, long.class, int.class).newInstance(sc, dc, 65536L, 20);
            Class<?> an = cl.loadClass("org.renkei.sensor.report.CaptureAnalyzer");
            analyzers[v] = an.getConstructor(cfg, pc).newInstance(c, classifier);
            Class<?> rc = cl.loadClass("org.renkei.sensor.pcap.CaptureReader");
            open[v] = rc.getMethod("open", Path.class);
            readAll[v] = decodeThread ? an.getMethod("readAll", rc, String.class, Runnable.class, boolean.class)
                    : an.getMethod("readAll", rc, String.class, Runnable.class);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[][] r = new double[2][rounds], proc = new double[2][rounds], wall = new double[2][rounds];
        for (int i = 0; i < rounds; i++) {
            for (int k = 0; k < 2; k++) {
                int v = (i % 2 == 0) ? k : 1 - k;
                long c0 = mx.getCurrentThreadCpuTime(), p0 = os.getProcessCpuTime(), w0 = System.nanoTime();
                try (AutoCloseable rd = (AutoCloseable) open[v].invoke(null, file)) {
                    if (decodeThread) readAll[v].invoke(analyzers[v], rd, "bench", null, true);
                    else readAll[v].invoke(analyzers[v], rd, "bench", null);
                }
                r[v][i] = PipelineBenchmark.PACKETS / ((mx.getCurrentThreadCpuTime() - c0) / 1e3);
                proc[v][i] = PipelineBenchmark.PACKETS / ((os.getProcessCpuTime() - p0) / 1e3);
                wall[v][i] = PipelineBenchmark.PACKETS / ((System.nanoTime() - w0) / 1e3);
            }
        }
        for (int v = 0; v < 2; v++) {
            double[] s = Arrays.copyOfRange(r[v], 2, rounds);
            Arrays.sort(s);
            System.out.printf("%s: median %.2f, max %.2f M packets per CPU-second; all passes %s%n", v == 0 ? "A" : "B", s[s.length / 2], s[s.length - 1], Arrays.toString(Arrays.stream(r[v]).map(x -> Math.round(x * 100) / 100.0).toArray()));
        }
        if (decodeThread) {
            for (int v = 0; v < 2; v++) {
                double[] pc = Arrays.copyOfRange(proc[v], 2, rounds), wl = Arrays.copyOfRange(wall[v], 2, rounds);
                Arrays.sort(pc);
                Arrays.sort(wl);
                System.out.printf("%s (decode thread): median %.2f M packets per process-CPU-second, %.2f M per wall-second (max %.2f)%n", v == 0 ? "A" : "B",
                        pc[pc.length / 2], wl[wl.length / 2], wl[wl.length - 1]);
            }
        }
    }
}
