package org.renkei.web;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.renkei.InputException;
import org.renkei.access.IssuedToken;
import org.renkei.http.Authenticator;
import org.renkei.http.Bodies;
import org.renkei.http.Json;
import org.renkei.access.Member;
import org.renkei.access.MemberDirectory;
import org.renkei.access.MemberInput;
import org.renkei.access.MemberType;
import org.renkei.access.Principal;
import org.renkei.access.Role;
import org.renkei.access.Sector;
import org.renkei.access.SharingGroup;
import org.renkei.access.TokenInfo;
import org.renkei.access.TokenService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * REST API for the center's administrators: members, their tokens, sharing groups;
 * and {@code GET /api/v1/me} for any caller. Mounted at {@code /api/v1}.
 */
final class MembersApi implements HttpService {
    private static final long MAX_BODY = 1 << 20;

    private final MemberDirectory members;
    private final TokenService tokens;
    private final Authenticator auth;

    MembersApi(MemberDirectory members, TokenService tokens, Authenticator auth) {
        this.members = members;
        this.tokens = tokens;
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/me", this::me)
                .post("/members", this::createMember)
                .get("/members", this::listMembers)
                .get("/members/{id}", this::getMember)
                .patch("/members/{id}", this::updateMember)
                .put("/members/{id}", this::updateMember)
                .delete("/members/{id}", this::deleteMember)
                .post("/members/{id}/tokens", this::issueToken)
                .get("/members/{id}/tokens", this::listTokens)
                .get("/members/{id}/tokens/{token}", this::getToken)
                .delete("/members/{id}/tokens/{token}", this::revokeToken)
                .post("/groups", this::createGroup)
                .get("/groups", this::listGroups)
                .get("/groups/{id}", this::getGroup)
                .patch("/groups/{id}", this::updateGroup)
                .put("/groups/{id}", this::updateGroup)
                .delete("/groups/{id}", this::deleteGroup);
    }

    private void me(ServerRequest req, ServerResponse res) {
        Principal p = auth.required(req);
        ObjectNode out = Json.object();
        out.put("member_id", p.memberId().toString());
        out.put("member_name", p.memberName());
        out.put("member_type", p.memberType().wire());
        if (p.sector() != null) {
            out.put("sector", p.sector().wire());
        }
        out.put("role", p.role().wire());
        ArrayNode groups = out.putArray("groups");
        p.groups().forEach(g -> groups.add(g.toString()));
        json(res, 200, out);
    }

    private void createMember(ServerRequest req, ServerResponse res) {
        auth.requireRole(req, Role.ADMIN);
        Member m = members.create(memberInput(Bodies.readObject(req, MAX_BODY), true));
        res.header(HeaderNames.LOCATION, "/api/v1/members/" + m.id());
        json(res, 201, memberJson(m));
    }

    private void listMembers(ServerRequest req, ServerResponse res) {
        auth.requireRole(req, Role.ADMIN, Role.ANALYST);
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("members");
        members.list().forEach(m -> list.add(memberJson(m)));
        json(res, 200, out);
    }

    private void getMember(ServerRequest req, ServerResponse res) {
        Principal p = auth.required(req);
        UUID id = uuid(req, "id");
        if (!p.isCenterStaff() && !id.equals(p.memberId())) {
            // other members' details are the center's business; answer as if absent
            throw new org.renkei.NotFoundException("no member has id " + id);
        }
        json(res, 200, memberJson(members.get(id)));
    }

    private void updateMember(ServerRequest req, ServerResponse res) {
        auth.requireRole(req, Role.ADMIN);
        Member m = members.update(uuid(req, "id"), memberInput(Bodies.readObject(req, MAX_BODY), false));
        tokens.forgetCachedPrincipals();
        json(res, 200, memberJson(m));
    }

    private void deleteMember(ServerRequest req, ServerResponse res) {
        auth.requireRole(req, Role.ADMIN);
        members.delete(uuid(req, "id"));
        tokens.forgetCachedPrincipals();
        res.status(204).send();
    }

    private void issueToken(ServerRequest req, ServerResponse res) {
        auth.requireRole(req, Role.ADMIN);
        UUID id = uuid(req, "id");
        ObjectNode body = req.content().hasEntity()
                ? Bodies.onlyKnown(Bodies.readObject(req, MAX_BODY), "a token request", List.of("role", "label"))
                : Json.object();
        Role role = Role.fromWire(text(body, "role", "member"));
        IssuedToken t = tokens.issue(id, role, text(body, "label", null));
        ObjectNode out = Json.object();
        out.put("token", t.token());
        out.put("id", t.id().toString());
        out.put("member_id", t.memberId().toString());
        out.put("role", t.role().wire());
        if (t.label() != null) {
            out.put("label", t.label());
        }
        out.put("created", t.created().toString());
        out.put("note", "the token is shown only now; store it safely");
        res.header(HeaderNames.LOCATION, "/api/v1/members/" + id + "/tokens/" + t.id());
        json(res, 201, out);
    }

    private void listTokens(ServerRequest req, ServerResponse res) {
        auth.requireRole(req, Role.ADMIN);
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("tokens");
        for (TokenInfo t : tokens.list(uuid(req, "id"))) {
            list.add(tokenJson(t));
        }
        json(res, 200, out);
    }

    private void getToken(ServerRequest req, ServerResponse res) {
        auth.requireRole(req, Role.ADMIN);
        UUID tokenId = uuid(req, "token");
        TokenInfo t = tokens.list(uuid(req, "id")).stream().filter(x -> x.id().equals(tokenId)).findFirst()
                .orElseThrow(() -> new org.renkei.NotFoundException("member " + uuid(req, "id") + " has no token " + tokenId));
        json(res, 200, tokenJson(t));
    }

    private static ObjectNode tokenJson(TokenInfo t) {
        ObjectNode o = Json.object();
        o.put("id", t.id().toString());
        o.put("role", t.role().wire());
        if (t.label() != null) {
            o.put("label", t.label());
        }
        o.put("created", t.created().toString());
        if (t.revoked() != null) {
            o.put("revoked", t.revoked().toString());
        }
        return o;
    }

    private void revokeToken(ServerRequest req, ServerResponse res) {
        auth.requireRole(req, Role.ADMIN);
        tokens.revoke(uuid(req, "id"), uuid(req, "token"));
        res.status(204).send();
    }

    private static final List<String> GROUP_PROPERTIES = List.of("name", "description", "members");

    private void createGroup(ServerRequest req, ServerResponse res) {
        auth.requireRole(req, Role.ADMIN);
        ObjectNode body = Bodies.onlyKnown(Bodies.readObject(req, MAX_BODY), "a sharing group", GROUP_PROPERTIES,
                "id", "created");
        SharingGroup g = members.createGroup(text(body, "name", null), text(body, "description", null),
                uuids(body, "members"));
        tokens.forgetCachedPrincipals();
        res.header(HeaderNames.LOCATION, "/api/v1/groups/" + g.id());
        json(res, 201, groupJson(g));
    }

    private void listGroups(ServerRequest req, ServerResponse res) {
        auth.requireRole(req, Role.ADMIN, Role.ANALYST);
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("groups");
        members.groups().forEach(g -> list.add(groupJson(g)));
        json(res, 200, out);
    }

    private void getGroup(ServerRequest req, ServerResponse res) {
        Principal p = auth.required(req);
        SharingGroup g = members.group(uuid(req, "id"));
        if (!p.isCenterStaff() && !p.groups().contains(g.id())) {
            throw new org.renkei.NotFoundException("no sharing group has id " + g.id());
        }
        json(res, 200, groupJson(g));
    }

    private void updateGroup(ServerRequest req, ServerResponse res) {
        auth.requireRole(req, Role.ADMIN);
        ObjectNode body = Bodies.onlyKnown(Bodies.readObject(req, MAX_BODY), "a sharing group", GROUP_PROPERTIES,
                "id", "created");
        SharingGroup g = members.updateGroup(uuid(req, "id"), text(body, "name", null), text(body, "description", null),
                body.has("members") ? uuids(body, "members") : null);
        tokens.forgetCachedPrincipals();
        json(res, 200, groupJson(g));
    }

    private void deleteGroup(ServerRequest req, ServerResponse res) {
        auth.requireRole(req, Role.ADMIN);
        members.deleteGroup(uuid(req, "id"));
        tokens.forgetCachedPrincipals();
        res.status(204).send();
    }

    // --- JSON mapping ---

    static ObjectNode memberJson(Member m) {
        ObjectNode o = Json.object();
        o.put("id", m.id().toString());
        o.put("name", m.name());
        o.put("type", m.type().wire());
        if (m.sector() != null) {
            o.put("sector", m.sector().wire());
        }
        ArrayNode cidrs = o.putArray("cidrs");
        m.cidrs().forEach(cidrs::add);
        ArrayNode asns = o.putArray("asns");
        m.asns().forEach(asns::add);
        o.put("trust_weight", m.trustWeight());
        o.put("anonymous_default", m.anonymousByDefault());
        o.put("identity_id", m.identityId());
        o.put("created", m.created().toString());
        o.put("modified", m.modified().toString());
        return o;
    }

    static ObjectNode groupJson(SharingGroup g) {
        ObjectNode o = Json.object();
        o.put("id", g.id().toString());
        o.put("name", g.name());
        if (g.description() != null) {
            o.put("description", g.description());
        }
        ArrayNode ms = o.putArray("members");
        g.members().stream().map(UUID::toString).sorted().forEach(ms::add);
        o.put("created", g.created().toString());
        return o;
    }

    private static MemberInput memberInput(ObjectNode b, boolean create) {
        Bodies.onlyKnown(b, "a member", List.of("name", "type", "sector", "cidrs", "asns", "trust_weight",
                "anonymous_default"), "id", "identity_id", "created", "modified");
        String type = text(b, "type", null);
        String sector = b.has("sector") && !b.get("sector").isNull() ? text(b, "sector", null) : null;
        List<String> cidrs = null;
        if (b.has("cidrs")) {
            cidrs = new ArrayList<>();
            for (JsonNode n : array(b, "cidrs")) {
                if (!n.isString()) {
                    throw new InputException("cidrs", "must be a list of strings such as \"192.0.2.0/24\"");
                }
                cidrs.add(n.asString());
            }
        }
        List<Long> asns = null;
        if (b.has("asns")) {
            asns = new ArrayList<>();
            for (JsonNode n : array(b, "asns")) {
                if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                    throw new InputException("asns", "must be a list of AS numbers from 0 to 4294967295, such as 64500");
                }
                asns.add(n.asLong());
            }
        }
        Double trust = null;
        if (b.has("trust_weight")) {
            if (!b.get("trust_weight").isNumber()) {
                throw new InputException("trust_weight", "must be a number between 0 and 1");
            }
            trust = b.get("trust_weight").asDouble();
        }
        Boolean anon = null;
        if (b.has("anonymous_default")) {
            if (!b.get("anonymous_default").isBoolean()) {
                throw new InputException("anonymous_default", "must be true or false");
            }
            anon = b.get("anonymous_default").asBoolean();
        }
        if (create && type == null) {
            throw new InputException("type", "is required: one of center, sector-body, operator, isp, vendor, "
                    + "government, municipality, research");
        }
        return new MemberInput(text(b, "name", null), type == null ? null : MemberType.fromWire(type),
                sector == null ? null : Sector.fromWire(sector), b.has("sector"), cidrs, asns, trust, anon);
    }

    static String text(ObjectNode b, String field, String dflt) {
        JsonNode n = b.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isString()) {
            throw new InputException(field, "must be a string");
        }
        return n.asString();
    }

    private static JsonNode array(ObjectNode b, String field) {
        JsonNode n = b.get(field);
        if (!n.isArray()) {
            throw new InputException(field, "must be a list");
        }
        return n;
    }

    private static Set<UUID> uuids(ObjectNode b, String field) {
        Set<UUID> out = new LinkedHashSet<>();
        if (!b.has(field)) {
            return out;
        }
        for (JsonNode n : array(b, field)) {
            out.add(parseUuid(field, n.isString() ? n.asString() : n.toString()));
        }
        return out;
    }

    static UUID uuid(ServerRequest req, String param) {
        return parseUuid(param, req.path().pathParameters().get(param));
    }

    static UUID parseUuid(String field, String s) {
        try {
            if (s.length() != 36) {
                throw new IllegalArgumentException();
            }
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw new InputException(field, "'" + s + "' is not a UUID");
        }
    }

    static void json(ServerResponse res, int status, Object body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(body));
    }
}
