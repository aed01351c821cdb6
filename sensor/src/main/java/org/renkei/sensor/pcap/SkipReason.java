package org.renkei.sensor.pcap;

/** Why the reader skipped a record or stopped reading a file early. */
public enum SkipReason {
    /** A record header claims more bytes than {@link CaptureReader#MAX_RECORD_LENGTH}: the rest of the file is unreadable. */
    RECORD_TOO_LONG("record longer than the 256 KiB limit; rest of file skipped"),
    /** The file ends in the middle of a record header or record data. */
    TRUNCATED_RECORD("file ends inside a record"),
    /** A pcapng block length is not a multiple of 4, too small, or disagrees with its trailer. */
    BAD_BLOCK_LENGTH("pcapng block with an invalid length; rest of file skipped"),
    /** A pcapng packet block names an interface no IDB declared. */
    UNKNOWN_INTERFACE("pcapng packet block for an undeclared interface"),
    /** A pcapng packet block is too short for its own fixed fields or captured length. */
    BAD_PACKET_BLOCK("pcapng packet block shorter than its captured length"),
    /** A pcapng section header has an unknown byte-order magic. */
    BAD_SECTION_HEADER("pcapng section header with an invalid byte-order magic; rest of file skipped");

    private final String description;

    SkipReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
