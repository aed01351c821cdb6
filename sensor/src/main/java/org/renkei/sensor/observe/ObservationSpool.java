package org.renkei.sensor.observe;

import java.io.IOException;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory of batches waiting for the center's acknowledgement. A batch is written to
 * a temporary file, forced to disk and renamed, so after a crash the spool holds whole
 * batches only; names start with the creation time so they are sent oldest first.
 * Batches the center rejects as invalid (4xx other than auth and rate limits) move to
 * {@code rejected/} for an operator to inspect instead of blocking the queue.
 */
public final class ObservationSpool {
    private final Path dir;

    public ObservationSpool(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        // Half-written temporaries from a crash are not batches.
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) Files.deleteIfExists(p);
        }
    }

    public Path directory() {
        return dir;
    }

    public Path put(ObservationBatch batch) throws IOException {
        // Parts of one interval share created_at; the part number keeps them in order.
        String name = String.format("%015d-%05d-%s.json", batch.createdAt().toEpochMilli(), batch.part(), batch.batchId());
        Path tmp = dir.resolve(name + ".tmp");
        Path target = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            // Streamed: the batch's JSON is never held in memory as a whole.
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024);
            batch.writeJson(out);
            out.flush();
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** Spooled batches, oldest first. */
    public List<Path> pending() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    public void acknowledge(Path batch) throws IOException {
        Files.deleteIfExists(batch);
    }

    public void reject(Path batch) throws IOException {
        Path rejected = Files.createDirectories(dir.resolve("rejected"));
        Files.move(batch, rejected.resolve(batch.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
}
