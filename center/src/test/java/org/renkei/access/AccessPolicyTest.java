package org.renkei.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.renkei.stix.Tlp;

/**
 * The TLP 2.0 rules as a table written by hand from FIRST's definitions (not derived
 * from the policy's code): one row per relation between caller and object, one column
 * per TLP level (null = unmarked, treated as AMBER).
 */
class AccessPolicyTest {
    static final UUID SUBMITTER = UUID.randomUUID();
    static final UUID NAMED = UUID.randomUUID();
    static final UUID GROUP = UUID.randomUUID();
    static final AccessPolicy POLICY = new AccessPolicy();

    // recipients: NAMED member, the finance sector, GROUP
    static final Audience TO = new Audience(Set.of(NAMED), Set.of(Sector.FINANCE), Set.of(GROUP));

    static Principal member(UUID id, Sector sector, Set<UUID> groups, Role role) {
        return new Principal(id, "m", MemberType.OPERATOR, sector, groups, role, UUID.randomUUID());
    }

    //                                  CLEAR  GREEN  AMBER  STRICT RED    unmarked
    static Stream<Arguments> relations() {
        return Stream.of(
                row("public (no token)", Principal.PUBLIC, true, false, false, false, false, false),
                row("submitter's own organisation", member(SUBMITTER, null, Set.of(), Role.MEMBER), true, true, true, true, true, true),
                row("member named as recipient", member(NAMED, null, Set.of(), Role.MEMBER), true, true, true, true, true, true),
                row("member of the named sector", member(UUID.randomUUID(), Sector.FINANCE, Set.of(), Role.MEMBER), true, true, true, false, false, true),
                row("member of the named group", member(UUID.randomUUID(), null, Set.of(GROUP), Role.MEMBER), true, true, true, true, false, true),
                row("unrelated member", member(UUID.randomUUID(), Sector.GAS, Set.of(UUID.randomUUID()), Role.MEMBER), true, true, false, false, false, false),
                row("sensor token of the named member", member(NAMED, null, Set.of(), Role.SENSOR), true, false, false, false, false, false),
                row("center analyst", new Principal(UUID.randomUUID(), "c", MemberType.CENTER, null, Set.of(), Role.ANALYST, UUID.randomUUID()), true, true, true, true, true, true),
                row("center administrator", new Principal(UUID.randomUUID(), "c", MemberType.CENTER, null, Set.of(), Role.ADMIN, UUID.randomUUID()), true, true, true, true, true, true));
    }

    static Arguments row(String name, Principal p, boolean... seesClearGreenAmberStrictRedUnmarked) {
        return Arguments.of(name, p, seesClearGreenAmberStrictRedUnmarked);
    }

    static final Tlp[] LEVELS = {Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED, null};

    @ParameterizedTest(name = "{0}")
    @MethodSource("relations")
    void directReadsFollowTlp(String relation, Principal p, boolean[] expected) {
        for (int i = 0; i < LEVELS.length; i++) {
            Visibility v = new Visibility(LEVELS[i], SUBMITTER, TO);
            assertThat(POLICY.maySee(p, v, ReadPath.DIRECT))
                    .as("%s reading %s", relation, LEVELS[i] == null ? "unmarked" : LEVELS[i])
                    .isEqualTo(expected[i]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("relations")
    void bulkReadsNeverCarryRed(String relation, Principal p, boolean[] expected) {
        for (int i = 0; i < LEVELS.length; i++) {
            Visibility v = new Visibility(LEVELS[i], SUBMITTER, TO);
            boolean want = expected[i] && LEVELS[i] != Tlp.RED;
            assertThat(POLICY.maySee(p, v, ReadPath.BULK))
                    .as("%s bulk-reading %s", relation, LEVELS[i] == null ? "unmarked" : LEVELS[i])
                    .isEqualTo(want);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("relations")
    void onlyTheSubmitterAndStaffMayLearnTheSource(String relation, Principal p, boolean[] ignored) {
        boolean want = p.isCenterStaff() || SUBMITTER.equals(p.memberId());
        assertThat(POLICY.maySeeSource(p, SUBMITTER)).as(relation).isEqualTo(want);
    }
}
