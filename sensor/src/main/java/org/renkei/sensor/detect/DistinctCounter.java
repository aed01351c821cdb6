package org.renkei.sensor.detect;

/**
 * HyperLogLog distinct counter (Flajolet et al. 2007) with 2^p one-byte registers and
 * the linear-counting correction for small cardinalities. Used for the number of
 * darknet addresses seen (to infer the telescope size) and sources per fingerprint;
 * standard error ≈ 1.04 / sqrt(2^p). Adding is allocation-free.
 */
public final class DistinctCounter {
    private final byte[] registers;
    private final int p;

    public DistinctCounter(int precision) {
        this.p = precision;
        this.registers = new byte[1 << precision];
    }

    public void addHash(long h) {
        int idx = (int) (h >>> (64 - p));
        int rank = Long.numberOfLeadingZeros((h << p) | (1L << (p - 1))) + 1;
        if (rank > registers[idx]) registers[idx] = (byte) rank;
    }

    public void addInt(int v) {
        addHash(hashInt(v));
    }

    public void add128(long hi, long lo) {
        addHash(hash128(hi, lo));
    }

    /** The hash {@link #addInt} adds, for a caller that computes it elsewhere (e.g. on another thread). */
    public static long hashInt(int v) {
        return Addresses.mix(v & 0xFFFFFFFFL);
    }

    /** The hash {@link #add128} adds. */
    public static long hash128(long hi, long lo) {
        return Addresses.mix(hi ^ Addresses.mix(lo));
    }

    public long estimate() {
        int m = registers.length;
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += Math.scalb(1.0, -r);
            if (r == 0) zeros++;
        }
        double alpha = 0.7213 / (1 + 1.079 / m);
        double e = alpha * m * (double) m / sum;
        if (e <= 2.5 * m && zeros > 0) e = m * Math.log((double) m / zeros);
        return Math.round(e);
    }
}
