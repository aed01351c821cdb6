package org.renkei.access;

import java.util.List;

/**
 * A member as an administrator writes it. On update, a null field means "leave
 * unchanged"; {@code sectorSet} tells an explicit null sector (remove it) from an
 * absent one.
 */
public record MemberInput(String name, MemberType type, Sector sector, boolean sectorSet, List<String> cidrs,
                          List<Long> asns, Double trustWeight, Boolean anonymousByDefault) {
}
