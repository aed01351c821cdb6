package org.renkei.web;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.renkei.ForbiddenException;
import org.renkei.InputException;
import org.renkei.NotFoundException;
import org.renkei.access.AccessPolicy;
import org.renkei.access.Audience;
import org.renkei.access.Principal;
import org.renkei.access.ReadPath;
import org.renkei.access.Sector;
import org.renkei.http.Authenticator;
import org.renkei.http.Bodies;
import org.renkei.http.Json;
import org.renkei.intel.Ingestor;
import org.renkei.intel.ObjectQuery;
import org.renkei.intel.ObjectStore;
import org.renkei.intel.Scope;
import org.renkei.intel.StoredObject;
import org.renkei.intel.Submission;
import org.renkei.intel.SubmissionStatus;
import org.renkei.intel.Timestamps;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * REST access to the knowledge base, for members and scripts that do not speak TAXII:
 * submit with explicit recipients and anonymity, search, and get one object (with its
 * true source for those the access policy allows).
 */
final class ObjectsApi implements HttpService {
    static final int MAX_LIMIT = 1000;

    private final Authenticator auth;
    private final AccessPolicy policy;
    private final ObjectStore store;
    private final Ingestor ingestor;
    private final long maxBody;

    ObjectsApi(Authenticator auth, AccessPolicy policy, ObjectStore store, Ingestor ingestor, long maxBody) {
        this.auth = auth;
        this.policy = policy;
        this.store = store;
        this.ingestor = ingestor;
        this.maxBody = maxBody;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/objects", this::submit)
                .get("/objects", this::search)
                .get("/objects/{id}", this::get)
                .get("/status/{id}", this::status);
    }

    private void submit(ServerRequest req, ServerResponse res) {
        Principal p = auth.required(req);
        if (!p.isCommunityMember()) {
            throw new ForbiddenException("a " + p.role().wire() + " token cannot submit objects");
        }
        ObjectNode body = Bodies.onlyKnown(Bodies.readObject(req, maxBody), "a submission",
                List.of("objects", "recipients", "anonymous"));
        JsonNode objects = body.get("objects");
        if (objects == null || !objects.isArray()) {
            throw new InputException("objects", "is required: a list of STIX 2.1 objects");
        }
        Audience to = audience(body.get("recipients"));
        Boolean anonymous = null;
        if (body.has("anonymous")) {
            if (!body.get("anonymous").isBoolean()) {
                throw new InputException("anonymous", "must be true or false");
            }
            anonymous = body.get("anonymous").asBoolean();
        }
        List<JsonNode> list = new ArrayList<>();
        objects.forEach(list::add);
        SubmissionStatus st = ingestor.submit(new Submission(p, "rest", to, anonymous, t -> null), list);
        sendStatus(res, 202, st);
    }

    private static Audience audience(JsonNode r) {
        if (r == null || r.isNull()) {
            return Audience.NONE;
        }
        if (!r.isObject()) {
            throw new InputException("recipients", "must be an object: {\"members\": [...], \"sectors\": [...], \"groups\": [...]}");
        }
        Set<UUID> members = new HashSet<>();
        Set<Sector> sectors = new HashSet<>();
        Set<UUID> groups = new HashSet<>();
        Bodies.onlyKnown((ObjectNode) r, "recipients", List.of("members", "sectors", "groups"));
        for (String k : r.propertyNames()) {
            JsonNode list = r.get(k);
            if (!list.isArray()) {
                throw new InputException("recipients." + k, "must be a list");
            }
            for (JsonNode v : list) {
                String s = v.isString() ? v.asString() : v.toString();
                switch (k) {
                    case "members" -> members.add(MembersApi.parseUuid("recipients.members", s));
                    case "groups" -> groups.add(MembersApi.parseUuid("recipients.groups", s));
                    case "sectors" -> sectors.add(Sector.fromWire(s));
                    default -> throw new InputException("recipients." + k, "is not members, sectors or groups");
                }
            }
        }
        return new Audience(members, sectors, groups);
    }

    private void search(ServerRequest req, ServerResponse res) {
        Principal p = auth.principal(req);
        var q = req.query();
        List<String> types = new ArrayList<>();
        q.all("type", List::of).forEach(t -> types.addAll(List.of(t.split(","))));
        Long after = null;
        String c = q.first("cursor").orElse(q.first("added_after").orElse(null));
        if (c != null) {
            try {
                after = c.matches("-?\\d{1,19}") ? Long.valueOf(c) : Timestamps.parseMicros(c);
            } catch (NumberFormatException e) {
                after = null;
            }
            if (after == null) {
                throw new InputException("added_after", "'" + c + "' is not an RFC 3339 timestamp or a cursor");
            }
        }
        int limit = 100;
        if (q.first("limit").isPresent()) {
            try {
                limit = Integer.parseInt(q.first("limit").get());
            } catch (NumberFormatException e) {
                throw new InputException("limit", "'" + q.first("limit").get() + "' is not a whole number");
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new InputException("limit", "must be between 1 and " + MAX_LIMIT);
            }
        }
        ObjectQuery query = new ObjectQuery(Scope.ALL, q.all("id", List::of), types, ObjectQuery.Versions.LAST,
                List.of(), after, limit);
        ObjectStore.Page page = store.query(p, ReadPath.DIRECT, query);
        StringBuilder sb = new StringBuilder("{\"objects\":[");
        for (int i = 0; i < page.objects().size(); i++) {
            sb.append(i == 0 ? "" : ",").append(page.objects().get(i).body());
        }
        sb.append("],\"more\":").append(page.more());
        if (page.more()) {
            sb.append(",\"cursor\":\"").append(page.objects().getLast().dateAddedUs()).append('"');
        }
        sb.append('}');
        res.header("Content-Type", "application/json");
        res.send(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Principal p = auth.principal(req);
        String id = req.path().pathParameters().get("id");
        StoredObject o = store.latest(p, ReadPath.DIRECT, Scope.ALL, id)
                .orElseThrow(() -> new NotFoundException("no object has id " + id));
        ObjectNode out = Json.object();
        out.set("object", Json.MAPPER.readTree(o.body()));
        out.put("date_added", o.dateAdded());
        out.put("tlp", o.tlp().name().toLowerCase().replace('_', '+'));
        if (policy.maySeeSource(p, o.submitter())) {
            ObjectNode src = out.putObject("source");
            src.put("member_id", o.submitter().toString());
            src.put("anonymous", o.anonymous());
        }
        MembersApi.json(res, 200, out);
    }

    private void status(ServerRequest req, ServerResponse res) {
        Principal p = auth.required(req);
        UUID id = MembersApi.parseUuid("id", req.path().pathParameters().get("id"));
        sendStatus(res, 200, ingestor.status(id, p));
    }

    private static void sendStatus(ServerResponse res, int status, SubmissionStatus st) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(st.toJson().getBytes(StandardCharsets.UTF_8));
    }
}
