package org.renkei.access;

/**
 * The critical-infrastructure sectors of Japan's action plan: 14 from 2018, ports
 * added in 2024 (shared/DESIGN.md).
 */
public enum Sector implements WireEnum {
    INFORMATION_COMMUNICATIONS("information-communications"),
    FINANCE("finance"),
    AVIATION("aviation"),
    AIRPORTS("airports"),
    RAILWAYS("railways"),
    ELECTRIC_POWER("electric-power"),
    GAS("gas"),
    GOVERNMENT("government"),
    MEDICAL("medical"),
    WATER("water"),
    LOGISTICS("logistics"),
    CHEMICALS("chemicals"),
    CREDIT("credit"),
    PETROLEUM("petroleum"),
    PORTS("ports");

    private final String wire;

    Sector(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    public static Sector fromWire(String value) {
        return WireEnum.parse(Sector.class, "sector", value);
    }
}
