package org.renkei.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.renkei.access.Audience;
import org.renkei.access.Member;
import org.renkei.access.MemberInput;
import org.renkei.access.MemberType;
import org.renkei.access.Principal;
import org.renkei.access.Role;
import org.renkei.access.Sector;
import org.renkei.access.SharingGroup;
import org.renkei.access.TokenInfo;
import org.renkei.center.Center;
import org.renkei.http.Json;
import org.renkei.intel.Submission;
import org.renkei.stix.Tlp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code renkei demo}: the center with demo members in several sectors, their
 * tokens, sample content at every TLP level, and curl examples to try.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the center with demo members, tokens and sample content, and print how to use them.",
                "Demo tokens are re-issued on every run (the previous demo tokens are revoked)."})
final class DemoCommand implements Callable<Integer> {
    static final String DEMO_LABEL = "demo";
    static final String TLP_CLEAR = Tlp.CLEAR.markingDefinitionId();
    static final String TLP_GREEN = Tlp.GREEN.markingDefinitionId();
    static final String TLP_AMBER = Tlp.AMBER.markingDefinitionId();
    static final String TLP_RED = Tlp.RED.markingDefinitionId();

    @Mixin
    ServerOptions options = new ServerOptions();

    private record DemoMember(String name, MemberType type, Sector sector, List<String> cidrs, List<Long> asns,
                              double trust) {
    }

    private static final List<DemoMember> MEMBERS = List.of(
            new DemoMember("Demo Electric Power Co.", MemberType.OPERATOR, Sector.ELECTRIC_POWER,
                    List.of("192.0.2.0/25"), List.of(64500L), 0.7),
            new DemoMember("Demo Bank", MemberType.OPERATOR, Sector.FINANCE, List.of("198.51.100.0/25"),
                    List.of(64501L), 0.7),
            new DemoMember("Finance ISAC (demo)", MemberType.SECTOR_BODY, Sector.FINANCE, List.of(), List.of(), 0.8),
            new DemoMember("Demo ISP", MemberType.ISP, Sector.INFORMATION_COMMUNICATIONS,
                    List.of("203.0.113.0/24", "2001:db8::/32"), List.of(64502L), 0.6),
            new DemoMember("Demo Security Vendor", MemberType.VENDOR, null, List.of(), List.of(), 0.9));

    @Override
    public Integer call() throws Exception {
        CenterProcess.run(options.config(), DemoCommand::createAndShow);
        return 0;
    }

    /** The demo's members, tokens and content (each step ends early on a stop signal), then how to try them. */
    private static void createAndShow(Center center) throws InterruptedException {
        System.err.println("renkei: creating demo members, tokens and content...");
        Map<String, Member> members = new LinkedHashMap<>();
        for (DemoMember d : MEMBERS) {
            Member m = center.members().list().stream().filter(x -> x.name().equals(d.name())).findFirst()
                    .orElseGet(() -> center.members().create(new MemberInput(d.name(), d.type(), d.sector(), true,
                            d.cidrs(), d.asns(), d.trust(), false)));
            members.put(d.name(), m);
            CenterProcess.checkNotStopping();
        }
        SharingGroup circle = center.members().groups().stream().filter(g -> g.name().equals("Finance circle (demo)"))
                .findFirst().orElseGet(() -> center.members().createGroup("Finance circle (demo)",
                        "Demo Bank and the Finance ISAC", Set.of(members.get("Demo Bank").id(),
                                members.get("Finance ISAC (demo)").id())));
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("ADMIN", reissue(center, center.centerMember(), Role.ADMIN));
        tokens.put("ANALYST", reissue(center, center.centerMember(), Role.ANALYST));
        tokens.put("BANK", reissue(center, members.get("Demo Bank"), Role.MEMBER));
        tokens.put("ISAC", reissue(center, members.get("Finance ISAC (demo)"), Role.MEMBER));
        tokens.put("POWER", reissue(center, members.get("Demo Electric Power Co."), Role.MEMBER));
        tokens.put("ISP", reissue(center, members.get("Demo ISP"), Role.MEMBER));
        tokens.put("VENDOR", reissue(center, members.get("Demo Security Vendor"), Role.MEMBER));
        tokens.put("SENSOR", reissue(center, members.get("Demo ISP"), Role.SENSOR));
        CenterProcess.checkNotStopping();
        submitSamples(center, members, circle);
        center.ingestor().awaitIdle(Duration.ofSeconds(30));
        CenterProcess.checkNotStopping();

        ServeCommand.announce(center);
        String base = center.uri().toString().replace("127.0.0.1", "localhost");
        System.out.println();
        System.out.println("Demo tokens (re-issued on every demo run):");
        tokens.forEach((k, v) -> System.out.println("  export " + k + "=" + v));
        System.out.println();
        System.out.println("Try:");
        System.out.println("  curl -s " + base + "/taxii2/                                  # TAXII discovery, no token");
        System.out.println("  curl -s " + base + "/taxii2/api1/collections/public/objects/  # TLP:CLEAR, no token");
        System.out.println("  curl -s -u bank:$BANK " + base + "/taxii2/api1/collections/   # what Demo Bank may use");
        System.out.println("  curl -s -g -u bank:$BANK '" + base + "/taxii2/api1/collections/sector-finance/objects/?match[type]=indicator'");
        System.out.println("  curl -s -H \"Authorization: Bearer $POWER\" '" + base + "/taxii2/api1/collections/sector-finance/objects/'  # 403: not its sector");
        System.out.println("  curl -N -H \"Authorization: Bearer $ISP\" " + base + "/api/v1/stream   # live; submit something in another shell");
        System.out.println("  curl -s -H \"Authorization: Bearer $ADMIN\" " + base + "/api/v1/members");
        System.out.println();
        System.out.println("Press Ctrl-C to stop.");
    }

    private static String reissue(Center center, Member m, Role role) {
        for (TokenInfo t : center.tokens().list(m.id())) {
            if (DEMO_LABEL.equals(t.label()) && t.role() == role && t.revoked() == null) {
                center.tokens().revoke(m.id(), t.id());
            }
        }
        return center.tokens().issue(m.id(), role, DEMO_LABEL).token();
    }

    private static void submitSamples(Center center, Map<String, Member> members, SharingGroup circle) {
        Member vendor = members.get("Demo Security Vendor");
        Member bank = members.get("Demo Bank");
        Member isac = members.get("Finance ISAC (demo)");
        Member isp = members.get("Demo ISP");
        Instant t = Instant.parse("2026-11-01T00:00:00Z");
        // deterministic ids: re-running the demo re-submits the same versions, which is idempotent
        submit(center, center.centerMember(), Role.ADMIN, Audience.NONE, false, List.of(
                indicator("c1a0b7e2-0000-4000-8000-000000000001", "Mirai C2 server", "[ipv4-addr:value = '192.0.2.200']",
                        TLP_CLEAR, t, "Command-and-control server of a Mirai variant seen by the national darknet.")));
        submit(center, vendor, Role.MEMBER, Audience.NONE, false, List.of(
                indicator("c1a0b7e2-0000-4000-8000-000000000002", "Phishing domain", "[domain-name:value = 'login-bank.example']",
                        TLP_GREEN, t, "Credential phishing aimed at online-banking customers."),
                indicator("c1a0b7e2-0000-4000-8000-000000000003", "Emotet distribution URL",
                        "[url:value = 'http://malware.example/invoice.doc']", TLP_GREEN, t, "Emotet dropper.")));
        submit(center, isac, Role.MEMBER, Audience.ofSector(Sector.FINANCE), false, List.of(
                indicator("c1a0b7e2-0000-4000-8000-000000000004", "Banking trojan C2", "[ipv4-addr:value = '203.0.113.50']",
                        TLP_AMBER, t, "C2 of a banking trojan targeting the finance sector.")));
        submit(center, bank, Role.MEMBER, Audience.ofGroup(circle.id()), true, List.of(
                indicator("c1a0b7e2-0000-4000-8000-000000000005", "Wire-fraud mail sender",
                        "[email-addr:value = 'ceo@fraud.example']", TLP_AMBER, t,
                        "Seen against Demo Bank's treasury desk (contact soc@demobank.example, +81-3-1234-5678; "
                                + "victim host 198.51.100.23).")));
        submit(center, center.centerMember(), Role.ANALYST, Audience.ofMember(isp.id()), false, List.of(
                indicator("c1a0b7e2-0000-4000-8000-000000000006", "Infected customer host",
                        "[ipv4-addr:value = '203.0.113.77']", TLP_RED, t,
                        "Mirai-infected host in Demo ISP's network, scanning telnet.")));
    }

    private static ObjectNode indicator(String uuid, String name, String pattern, String tlp, Instant t, String description) {
        ObjectNode o = Json.object();
        o.put("type", "indicator");
        o.put("spec_version", "2.1");
        o.put("id", "indicator--" + uuid);
        String ts = t.truncatedTo(ChronoUnit.MILLIS).toString().replace("Z", ".000Z");
        o.put("created", ts);
        o.put("modified", ts);
        o.put("name", name);
        o.put("description", description);
        o.putArray("indicator_types").add("malicious-activity");
        o.put("pattern", pattern);
        o.put("pattern_type", "stix");
        o.put("valid_from", ts);
        o.putArray("object_marking_refs").add(tlp);
        return o;
    }

    private static void submit(Center center, Member m, Role role, Audience to, boolean anonymous, List<ObjectNode> objects) {
        Principal p = new Principal(m.id(), m.name(), m.type(), m.sector(), Set.of(), role, UUID.randomUUID());
        center.ingestor().submit(new Submission(p, "demo", to, anonymous, tlp -> null), new ArrayList<JsonNode>(objects));
    }
}
