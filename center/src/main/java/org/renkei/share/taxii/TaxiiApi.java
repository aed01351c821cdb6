package org.renkei.share.taxii;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.renkei.ForbiddenException;
import org.renkei.InputException;
import org.renkei.NotFoundException;
import org.renkei.access.Principal;
import org.renkei.intel.Ingestor;
import org.renkei.intel.ObjectQuery;
import org.renkei.intel.ObjectStore;
import org.renkei.intel.StoredObject;
import org.renkei.intel.Submission;
import org.renkei.intel.SubmissionStatus;
import org.renkei.intel.Timestamps;
import org.renkei.stix.StixEnvelope;
import org.renkei.stix.StixJson;
import org.renkei.stix.StixParseException;
import org.renkei.http.Authenticator;
import org.renkei.http.Bodies;
import org.renkei.http.ErrorBodies;
import org.renkei.http.HttpStatusException;
import org.renkei.http.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The TAXII 2.1 endpoints under {@code /taxii2/}. One handler dispatches on the path
 * so that every TAXII URL (with or without its trailing slash) gets TAXII's content
 * negotiation and error object, including for 404 and 405.
 */
public final class TaxiiApi implements HttpService {
    public static final String API_ROOT = "api1";
    static final String MEDIA = ErrorBodies.TAXII_MEDIA_TYPE;
    static final String STIX_MEDIA = "application/stix+json;version=2.1";

    private final TaxiiCollections collections;
    private final ObjectStore store;
    private final Ingestor ingestor;
    private final Authenticator auth;
    private final PageTokens pages;
    private final TaxiiSettings settings;
    /** Request bodies: one streaming pass, nesting and size limits, duplicate keys refused. */
    private final StixJson stixJson = StixJson.withDefaultLimits();
    private final PageCache pageCache = new PageCache();

    public TaxiiApi(org.renkei.access.MemberDirectory members, ObjectStore store, Ingestor ingestor, Authenticator auth,
                    byte[] pageKey, TaxiiSettings settings) {
        this.collections = new TaxiiCollections(members);
        this.store = store;
        this.ingestor = ingestor;
        this.auth = auth;
        this.pages = new PageTokens(pageKey, java.time.Clock.systemUTC());
        this.settings = settings;
    }

    /** Server limits and titles. */
    public record TaxiiSettings(String title, String description, String contact, long maxContentLength,
                                int defaultPageSize, int maxPageSize) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(this::dispatch);
    }

    private void dispatch(ServerRequest req, ServerResponse res) {
        String path = req.path().absolute().path();
        List<String> seg = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                seg.add(s);
            }
        }
        // seg[0] is "taxii2": the path is absolute
        Method m = req.prologue().method();
        int n = seg.size();
        if (n == 1) {
            only(m, Method.GET);
            negotiate(req);
            discovery(req, res);
            return;
        }
        if (!seg.get(1).equals(API_ROOT)) {
            throw new NotFoundException("there is no API root '" + seg.get(1) + "'; the API root is /taxii2/" + API_ROOT + "/");
        }
        Principal p = auth.principal(req);
        if (n == 2) {
            only(m, Method.GET);
            negotiate(req);
            apiRoot(res);
            return;
        }
        if (seg.get(2).equals("status") && n == 4) {
            only(m, Method.GET);
            negotiate(req);
            status(res, p, seg.get(3));
            return;
        }
        if (!seg.get(2).equals("collections")) {
            throw new NotFoundException("no TAXII endpoint at " + path);
        }
        if (n == 3) {
            only(m, Method.GET);
            negotiate(req);
            listCollections(res, p);
            return;
        }
        TaxiiCollection c = collections.find(p, seg.get(3))
                .orElseThrow(() -> p.isAuthenticated()
                        ? new NotFoundException("no collection '" + seg.get(3) + "' that you may use; GET /taxii2/"
                        + API_ROOT + "/collections/ lists yours")
                        : new org.renkei.http.UnauthenticatedAccess("collection '" + seg.get(3) + "' needs a token"));
        if (n == 4) {
            only(m, Method.GET);
            negotiate(req);
            send(res, 200, collectionJson(c));
            return;
        }
        String kind = seg.get(4);
        if (kind.equals("manifest") && n == 5) {
            only(m, Method.GET);
            negotiate(req);
            requireRead(c);
            manifest(req, res, p, c);
            return;
        }
        if (!kind.equals("objects")) {
            throw new NotFoundException("no TAXII endpoint at " + path);
        }
        if (n == 5) {
            if (m == Method.POST) {
                negotiate(req);
                addObjects(req, res, p, c);
                return;
            }
            only(m, Method.GET);
            negotiate(req);
            requireRead(c);
            getObjects(req, res, p, c, null);
            return;
        }
        String objectId = seg.get(5);
        if (n == 6) {
            if (m == Method.DELETE) {
                negotiate(req);
                deleteObject(req, res, p, c, objectId);
                return;
            }
            only(m, Method.GET);
            negotiate(req);
            requireRead(c);
            getObjects(req, res, p, c, objectId);
            return;
        }
        if (n == 7 && seg.get(6).equals("versions")) {
            only(m, Method.GET);
            negotiate(req);
            requireRead(c);
            versions(req, res, p, c, objectId);
            return;
        }
        throw new NotFoundException("no TAXII endpoint at " + path);
    }

    // --- endpoints ---

    private void discovery(ServerRequest req, ServerResponse res) {
        ObjectNode o = Json.object();
        o.put("title", settings.title());
        o.put("description", settings.description());
        if (settings.contact() != null) {
            o.put("contact", settings.contact());
        }
        String root = "/taxii2/" + API_ROOT + "/";
        o.put("default", root);
        o.putArray("api_roots").add(root);
        send(res, 200, o);
    }

    private void apiRoot(ServerResponse res) {
        ObjectNode o = Json.object();
        o.put("title", settings.title() + " API root");
        o.put("description", "Collections laid out by audience: public, community, sectors, sharing groups, "
                + "each member's own.");
        o.putArray("versions").add(MEDIA);
        o.put("max_content_length", settings.maxContentLength());
        send(res, 200, o);
    }

    private void listCollections(ServerResponse res, Principal p) {
        ObjectNode o = Json.object();
        ArrayNode list = o.putArray("collections");
        for (TaxiiCollection c : collections.visibleTo(p)) {
            list.add(collectionJson(c));
        }
        send(res, 200, o);
    }

    private static ObjectNode collectionJson(TaxiiCollection c) {
        ObjectNode o = Json.object();
        o.put("id", c.id());
        o.put("title", c.title());
        o.put("description", c.description());
        o.put("can_read", c.canRead());
        o.put("can_write", c.canWrite());
        o.putArray("media_types").add(STIX_MEDIA);
        return o;
    }

    private void getObjects(ServerRequest req, ServerResponse res, Principal p, TaxiiCollection c, String objectId) {
        // a cached page was rendered for exactly this path and query, so they were valid then and are
        // now: the filters are parsed only when a page is rendered (a 'next' token can outlive its
        // expiry by at most the cache's TTL)
        OptionalLong version = store.versionForCaching();
        PageCache.Page page = version.isEmpty() ? objectsPage(req, p, c, objectId)
                : pageCache.get(PageCache.key(p, req.path().absolute().path() + "?" + req.query().rawValue(),
                version.getAsLong()), () -> objectsPage(req, p, c, objectId));
        if (page.first() != null) {
            res.header("X-TAXII-Date-Added-First", page.first());
            res.header("X-TAXII-Date-Added-Last", page.last());
        }
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, MEDIA);
        res.header(HeaderNames.VARY, "Accept-Encoding");
        if (acceptsGzip(req)) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            res.send(page.gzipped());
        } else {
            sendLarge(res, page.body());
        }
    }

    /** Bodies up to this size go out with {@code send}, copied once with the head; larger ones are not copied. */
    public static final int COPY_LIMIT = 16 * 1024;
    /** The first bytes of a large body: they travel with the response head, the rest is written as is. */
    private static final int HEAD_SLICE = 1024;
    /** The largest output-stream buffer that never copies the rest of a large body (see {@link #sendLarge}). */
    public static final int MAX_WRITE_BUFFER = COPY_LIMIT - HEAD_SLICE;

    /**
     * Writes a body without copying it. {@code send(byte[])} copies the whole entity into a new
     * buffer behind the response head, so that head and body leave in one write: for a cached
     * 64 KB page that was a 64 KB allocation and copy on every request (a tenth of the server's
     * CPU under wrk, and most of its garbage). Through the output stream with the length set,
     * the head and a small slice are written first and the rest straight from the cached array.
     * The server's write buffer ({@code writeBufferSize} in {@link org.renkei.web.CenterHttpServer})
     * must be at most the size of that rest, else the stream would copy it into the buffer.
     */
    static void sendLarge(ServerResponse res, byte[] body) {
        if (body.length <= COPY_LIMIT) {
            res.send(body);
            return;
        }
        res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(body.length));
        try (java.io.OutputStream out = res.outputStream()) {
            out.write(body, 0, HEAD_SLICE);
            out.write(body, HEAD_SLICE, body.length - HEAD_SLICE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Whether Accept-Encoding accepts gzip: named with a q-value above zero, or not named
     * and {@code *} accepted (RFC 9110, 12.5.3).
     */
    static boolean acceptsGzip(ServerRequest req) {
        return acceptsGzip(req.headers().first(HeaderNames.ACCEPT_ENCODING).orElse(null));
    }

    static boolean acceptsGzip(String accept) {
        if (accept == null) {
            return false;
        }
        Double gzip = null;
        Double any = null;
        for (String part : accept.split(",")) {
            String[] param = part.split(";");
            String coding = param[0].trim();
            double q = 1;
            for (int i = 1; i < param.length; i++) {
                String p = param[i].trim();
                if (p.regionMatches(true, 0, "q=", 0, 2)) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0; // a q-value we cannot read: do not guess
                    }
                }
            }
            if (coding.equalsIgnoreCase("gzip") || coding.equalsIgnoreCase("x-gzip")) {
                gzip = q;
            } else if (coding.equals("*")) {
                any = q;
            }
        }
        return gzip != null ? gzip > 0 : any != null && any > 0;
    }

    /** An objects page, rendered once for the page cache. */
    private PageCache.Page objectsPage(ServerRequest req, Principal p, TaxiiCollection c, String objectId) {
        Filters f = filters(req, objectId);
        String binding = binding(p, c, objectId == null ? "objects" : "object:" + objectId, f);
        ObjectStore.Page page = page(req, p, c, f, binding);
        if (objectId != null && page.objects().isEmpty() && f.after == null && req.query().first("next").isEmpty()) {
            throw new NotFoundException("no object " + objectId + " in collection " + c.id() + " matches");
        }
        StringBuilder sb = new StringBuilder(256 + page.objects().size() * 512);
        sb.append("{\"more\":").append(page.more());
        if (page.more()) {
            sb.append(",\"next\":\"").append(nextToken(page, binding)).append('"');
        }
        sb.append(",\"objects\":[");
        for (int i = 0; i < page.objects().size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(page.objects().get(i).body());
        }
        sb.append("]}");
        List<StoredObject> objects = page.objects();
        return new PageCache.Page(sb.toString().getBytes(StandardCharsets.UTF_8),
                objects.isEmpty() ? null : objects.getFirst().dateAdded(),
                objects.isEmpty() ? null : objects.getLast().dateAdded());
    }

    private void manifest(ServerRequest req, ServerResponse res, Principal p, TaxiiCollection c) {
        Filters f = filters(req, null);
        String binding = binding(p, c, "manifest", f);
        ObjectStore.Page page = page(req, p, c, f, binding);
        ObjectNode o = Json.object();
        o.put("more", page.more());
        if (page.more()) {
            o.put("next", nextToken(page, binding));
        }
        ArrayNode list = o.putArray("objects");
        for (StoredObject s : page.objects()) {
            ObjectNode r = list.addObject();
            r.put("id", s.id());
            r.put("date_added", s.dateAdded());
            r.put("version", s.versionString());
            r.put("media_type", STIX_MEDIA);
        }
        dateHeaders(res, page.objects());
        send(res, 200, o);
    }

    private void versions(ServerRequest req, ServerResponse res, Principal p, TaxiiCollection c, String objectId) {
        Filters f = filters(req, objectId);
        f = new Filters(f.ids, f.types, ObjectQuery.Versions.ALL, f.specVersions, f.after, f.limit);
        String binding = binding(p, c, "versions:" + objectId, f);
        ObjectStore.Page page = page(req, p, c, f, binding);
        if (page.objects().isEmpty() && f.after == null && req.query().first("next").isEmpty()) {
            throw new NotFoundException("no object " + objectId + " in collection " + c.id());
        }
        ObjectNode o = Json.object();
        o.put("more", page.more());
        if (page.more()) {
            o.put("next", nextToken(page, binding));
        }
        ArrayNode list = o.putArray("versions");
        for (StoredObject s : page.objects()) {
            list.add(s.versionString());
        }
        dateHeaders(res, page.objects());
        send(res, 200, o);
    }

    private void deleteObject(ServerRequest req, ServerResponse res, Principal p, TaxiiCollection c, String objectId) {
        requireRead(c);
        Filters f = filters(req, objectId);
        ObjectQuery q = new ObjectQuery(c.scope(), List.of(objectId), List.of(), req.query().first("match[version]")
                .isPresent() ? f.versions : ObjectQuery.Versions.ALL, f.specVersions, null, 10_000);
        List<StoredObject> matching = store.query(p, c.readPath(), q).objects();
        if (matching.isEmpty()) {
            throw new NotFoundException("no object " + objectId + " in collection " + c.id() + " matches");
        }
        if (!c.canWrite()) {
            throw new ForbiddenException("you may not write to collection " + c.id());
        }
        Set<Long> versions = new LinkedHashSet<>();
        for (StoredObject s : matching) {
            if (!p.isCenterStaff() && !s.submitter().equals(p.memberId())) {
                throw new ForbiddenException("only the submitter's organisation or center staff may delete " + objectId);
            }
            versions.add(s.versionUs());
        }
        store.delete(objectId, versions);
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, MEDIA);
        res.send();
    }

    private void addObjects(ServerRequest req, ServerResponse res, Principal p, TaxiiCollection c) {
        if (!p.isAuthenticated()) {
            throw new org.renkei.http.UnauthenticatedAccess("adding objects needs a token");
        }
        if (!c.canWrite() || !p.isCommunityMember()) {
            throw new ForbiddenException("you may not add objects to collection " + c.id());
        }
        String ct = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!isTaxiiMedia(ct)) {
            throw new HttpStatusException(415, "send the envelope as Content-Type: " + MEDIA
                    + (ct.isEmpty() ? "" : " (got '" + ct + "')"));
        }
        Boolean anonymous = null;
        String anon = req.headers().first(io.helidon.http.HeaderNames.create("X-Renkei-Anonymous")).orElse(null);
        if (anon != null) {
            anonymous = switch (anon.trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new InputException("X-Renkei-Anonymous", "must be true or false");
            };
        }
        byte[] body = Bodies.read(req, settings.maxContentLength());
        // each object is checked as the parser reaches it (see Ingestor.Intake); nothing is
        // recorded until finish, so a body refused half-way leaves no trace
        Ingestor.Intake intake = ingestor.intake(new Submission(p, c.id(), c.audience(), anonymous, c.tlpRule()));
        StixEnvelope envelope;
        try {
            envelope = stixJson.parseEnvelope(body, intake::add);
        } catch (StixParseException e) {
            if (e.kind() == StixParseException.Kind.TOO_LARGE) {
                throw new HttpStatusException(413, e.getMessage());
            }
            throw new InputException(e.getMessage());
        }
        List<SubmissionStatus.Entry> notObjects = new ArrayList<>();
        for (StixEnvelope.NotAnObject n : envelope.notObjects()) {
            notObjects.add(new SubmissionStatus.Entry(null, null, n.problem()));
        }
        SubmissionStatus st = intake.finish(notObjects);
        sendRaw(res, 202, st.toJson());
    }

    private void status(ServerResponse res, Principal p, String id) {
        if (!p.isAuthenticated()) {
            throw new org.renkei.http.UnauthenticatedAccess("status resources need a token");
        }
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("no status has id " + id);
        }
        sendRaw(res, 200, ingestor.status(uuid, p).toJson());
    }

    // --- filters and paging ---

    private record Filters(List<String> ids, List<String> types, ObjectQuery.Versions versions,
                           List<String> specVersions, Long after, int limit) {
    }

    private Filters filters(ServerRequest req, String objectId) {
        var q = req.query();
        List<String> ids = objectId != null ? List.of(objectId) : list(q.all("match[id]", List::of));
        List<String> types = list(q.all("match[type]", List::of));
        List<String> specs = list(q.all("match[spec_version]", List::of));
        for (String s : specs) {
            if (!s.matches("\\d+\\.\\d+")) {
                throw new InputException("match[spec_version]", "'" + s + "' is not a STIX version such as 2.1");
            }
        }
        ObjectQuery.Versions versions = ObjectQuery.Versions.LAST;
        List<String> vs = list(q.all("match[version]", List::of));
        if (!vs.isEmpty()) {
            boolean first = false, last = false, all = false;
            Set<Long> specific = new LinkedHashSet<>();
            for (String v : vs) {
                switch (v) {
                    case "first" -> first = true;
                    case "last" -> last = true;
                    case "all" -> all = true;
                    default -> {
                        Long us = Timestamps.parseMicros(v);
                        if (us == null) {
                            throw new InputException("match[version]", "'" + v + "' is not first, last, all or an "
                                    + "RFC 3339 timestamp such as 2026-01-01T00:00:00.000Z");
                        }
                        specific.add(us);
                    }
                }
            }
            versions = new ObjectQuery.Versions(first, last, all, specific);
        }
        Long after = null;
        var aa = q.first("added_after");
        if (aa.isPresent()) {
            after = Timestamps.parseMicros(aa.get());
            if (after == null) {
                throw new InputException("added_after", "'" + aa.get() + "' is not an RFC 3339 timestamp such as "
                        + "2026-01-01T00:00:00.000Z");
            }
        }
        int limit = settings.defaultPageSize();
        var l = q.first("limit");
        if (l.isPresent()) {
            try {
                limit = Integer.parseInt(l.get().trim());
            } catch (NumberFormatException e) {
                throw new InputException("limit", "'" + l.get() + "' is not a whole number");
            }
            if (limit < 1) {
                throw new InputException("limit", "must be at least 1, was " + limit);
            }
            limit = Math.min(limit, settings.maxPageSize());
        }
        return new Filters(ids, types, versions, specs, after, limit);
    }

    private static List<String> list(List<String> raw) {
        List<String> out = new ArrayList<>();
        for (String r : raw) {
            for (String s : r.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    private static String binding(Principal p, TaxiiCollection c, String endpoint, Filters f) {
        return (p.isAuthenticated() ? p.memberId() + "/" + p.role().wire() : "public") + "|" + c.id() + "|" + endpoint
                + "|" + f.ids + "|" + f.types + "|" + f.versions + "|" + f.specVersions + "|" + f.after;
    }

    private ObjectStore.Page page(ServerRequest req, Principal p, TaxiiCollection c, Filters f, String binding) {
        Long after = f.after;
        var next = req.query().first("next");
        if (next.isPresent()) {
            long last = pages.redeem(next.get(), binding);
            after = after == null ? last : Math.max(after, last);
        }
        ObjectQuery q = new ObjectQuery(c.scope(), f.ids, f.types, f.versions, f.specVersions, after, f.limit);
        return store.query(p, c.readPath(), q);
    }

    private String nextToken(ObjectStore.Page page, String binding) {
        return pages.issue(binding, page.objects().getLast().dateAddedUs());
    }

    private static void dateHeaders(ServerResponse res, List<StoredObject> objects) {
        if (!objects.isEmpty()) {
            res.header("X-TAXII-Date-Added-First", objects.getFirst().dateAdded());
            res.header("X-TAXII-Date-Added-Last", objects.getLast().dateAdded());
        }
    }

    // --- HTTP details ---

    private static void requireRead(TaxiiCollection c) {
        if (!c.canRead()) {
            throw new ForbiddenException("you may add objects to collection " + c.id() + " but not read it");
        }
    }

    private static void only(Method actual, Method allowed) {
        if (actual != allowed) {
            throw HttpStatusException.methodNotAllowed(actual.text(), java.util.List.of(allowed.text()));
        }
    }

    /** 406 unless the caller accepts TAXII 2.1 JSON. */
    private static void negotiate(ServerRequest req) {
        var accept = req.headers().first(HeaderNames.ACCEPT);
        if (accept.isEmpty()) {
            return;
        }
        for (String range : accept.get().split(",")) {
            String r = range.trim().toLowerCase(Locale.ROOT);
            String type = r.contains(";") ? r.substring(0, r.indexOf(';')).trim() : r;
            if (type.equals("*/*") || type.equals("application/*")) {
                return;
            }
            if (type.equals("application/taxii+json") && versionOk(r)) {
                return;
            }
        }
        throw new HttpStatusException(406, "this server speaks " + MEDIA + "; send Accept: " + MEDIA
                + " (got '" + accept.get() + "')");
    }

    private static boolean isTaxiiMedia(String contentType) {
        String r = contentType.trim().toLowerCase(Locale.ROOT);
        String type = r.contains(";") ? r.substring(0, r.indexOf(';')).trim() : r;
        return type.equals("application/taxii+json") && versionOk(r);
    }

    private static boolean versionOk(String mediaRange) {
        for (String param : mediaRange.split(";")) {
            String pr = param.trim().replace(" ", "");
            if (pr.startsWith("version=")) {
                return pr.equals("version=2.1");
            }
        }
        return true;
    }

    private static void send(ServerResponse res, int status, ObjectNode body) {
        sendRaw(res, status, Json.MAPPER.writeValueAsString(body));
    }

    private static void sendRaw(ServerResponse res, int status, String body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, MEDIA);
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }
}
