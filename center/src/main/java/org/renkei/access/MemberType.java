package org.renkei.access;

/** What kind of organisation a member is. */
public enum MemberType implements WireEnum {
    CENTER("center"),
    SECTOR_BODY("sector-body"),
    OPERATOR("operator"),
    ISP("isp"),
    VENDOR("vendor"),
    GOVERNMENT("government"),
    MUNICIPALITY("municipality"),
    RESEARCH("research");

    private final String wire;

    MemberType(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    public static MemberType fromWire(String value) {
        return WireEnum.parse(MemberType.class, "type", value);
    }
}
