package org.renkei.sensor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the tables ask for huge pages, and that they get what they asked for. */
class NativeMemoryTest {

    private static void device(Path devices, String name, String id, String features) throws IOException {
        Path d = Files.createDirectories(devices.resolve(name));
        Files.writeString(d.resolve("device"), id + "\n");
        Files.writeString(d.resolve("features"), features + "\n");
    }

    @Test
    void aBalloonWithFreePageReportingIsRecognisedFromSysfs(@TempDir Path devices) throws IOException {
        assertThat(NativeMemory.reportsFreePages(devices.resolve("missing"))).isFalse();
        device(devices, "virtio1", "0x0002", "0000011111"); // a block device: bit 5 means something else there
        device(devices, "virtio2", "0x0005", "0110000000"); // a balloon without reporting
        assertThat(NativeMemory.reportsFreePages(devices)).isFalse();
        device(devices, "virtio0", "0x0005", "0110010100000000000000000000000010"); // as on this project's VMs
        assertThat(NativeMemory.reportsFreePages(devices)).isTrue();
    }

    @Test
    void memoryFaultedAtOnceSkipsHugePagesOnlyWhereTheHostTakesFreeMemoryBack() {
        assertThat(NativeMemory.hugePages(false, null, () -> true)).isTrue();
        assertThat(NativeMemory.hugePages(true, null, () -> true)).isFalse();
        assertThat(NativeMemory.hugePages(true, null, () -> false)).isTrue();
        assertThat(NativeMemory.hugePages(true, "true", () -> true)).isTrue();
        assertThat(NativeMemory.hugePages(false, "false", () -> false)).isFalse();
    }

    /** The advice reaches the kernel: /proc/self/smaps lists the mapping with the "hg" flag (MADV_HUGEPAGE) or without it. */
    @Test
    void theMappingCarriesTheAdviceAskedFor() throws IOException {
        if (NativeMemory.MMAP == null) return; // not Linux: arena memory, no advice
        for (boolean huge : new boolean[] {true, false}) {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment m = NativeMemory.allocateAdvised(arena, 8L << 20, huge);
                m.set(SlotTable.LONG, (8L << 20) - 8, 42L);
                assertThat(m.get(SlotTable.LONG, 0)).isZero();
                assertThat(vmFlags(m.address())).as("VmFlags of the mapping").matches(f -> f.contains(" hg") == huge);
            }
        }
    }

    private static String vmFlags(long address) throws IOException {
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("[0-9a-f]+-[0-9a-f]+ .*")) { // a mapping's first line: its address range
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                inside = Long.parseUnsignedLong(range[0], 16) <= address && address < Long.parseUnsignedLong(range[1], 16);
            } else if (inside && line.startsWith("VmFlags:")) {
                return line.substring("VmFlags:".length()) + " ";
            }
        }
        throw new AssertionError("no mapping holds " + Long.toHexString(address));
    }
}
