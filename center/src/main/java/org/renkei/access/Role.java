package org.renkei.access;

/**
 * What a token may do. ADMIN manages members and tokens; ANALYST is center staff
 * who see every object and the true source of anonymous submissions; MEMBER
 * shares and reads; SENSOR only posts observations.
 */
public enum Role implements WireEnum {
    ADMIN("admin"),
    ANALYST("analyst"),
    MEMBER("member"),
    SENSOR("sensor");

    private final String wire;

    Role(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    public static Role fromWire(String value) {
        return WireEnum.parse(Role.class, "role", value);
    }
}
