package org.renkei.sensor.pcap;

import java.io.IOException;

/** The input cannot be read as a capture at all; the message says what was found and what to do. */
public final class CaptureFormatException extends IOException {
    public CaptureFormatException(String message) {
        super(message);
    }
}
