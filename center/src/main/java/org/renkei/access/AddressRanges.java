package org.renkei.access;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import org.renkei.InputException;

/** Validates and normalises the address ranges members declare (control plane, not a hot path). */
final class AddressRanges {
    private AddressRanges() {
    }

    /** "192.0.2.0/24" stays, "192.0.2.7" becomes "192.0.2.7/32", "192.0.2.7/24" is refused. */
    static String normalise(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InputException(field, "an address range is required, e.g. 192.0.2.0/24 or 2001:db8::/32");
        }
        // only "address" or "address/length": ranges (10.0.0.0-255), wildcards (10.0.0.*), masks
        // (/255.0.255.0) and zones (%eth0), which the parser also knows, are not CIDR blocks
        if (!text.trim().matches("[0-9A-Fa-f:.]+(/\\d{1,3})?")) {
            throw new InputException(field, "'" + text + "' is not an address or a CIDR block such as 192.0.2.0/24 or "
                    + "2001:db8::/32");
        }
        IPAddress a;
        try {
            a = new IPAddressString(text.trim()).toAddress();
        } catch (AddressStringException e) {
            throw new InputException(field, "'" + text + "' is not an IPv4 or IPv6 address range (" + e.getMessage() + ")");
        }
        if (a == null) {
            throw new InputException(field, "'" + text + "' is not an IPv4 or IPv6 address range");
        }
        Integer len = a.getNetworkPrefixLength();
        if (len == null) {
            return a.toCanonicalString() + "/" + a.getBitCount();
        }
        IPAddress block = a.toPrefixBlock();
        if (!a.isPrefixBlock()) {
            throw new InputException(field, "'" + text + "' has bits set after the prefix; did you mean "
                    + block.toCanonicalString() + "?");
        }
        return block.toCanonicalString();
    }
}
