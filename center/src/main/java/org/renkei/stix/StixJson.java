package org.renkei.stix;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads request bodies into STIX objects and writes objects, bundles and envelopes.
 *
 * <p>Reading is one streaming pass: the envelope's own fields are read token by token and
 * each element of {@code objects} becomes a tree as it is reached, so a body is parsed
 * once and the object count limit fires before the excess is even read. The limits are
 * enforced by the parser itself (nesting depth, string length, document length).
 * Duplicate keys are rejected, because two values for one property make the meaning of
 * an object depend on the reader.
 *
 * <p>Instances are immutable and thread-safe; create one per configuration and share it.
 */
public final class StixJson {

    /**
     * Parsing limits.
     *
     * @param maxNestingDepth   deepest allowed nesting of arrays and objects
     * @param maxStringLength   longest allowed string value, in characters
     * @param maxObjects        most objects allowed in one bundle or envelope
     * @param maxDocumentLength largest body, in bytes
     */
    public record Limits(int maxNestingDepth, int maxStringLength, int maxObjects, long maxDocumentLength) {
        public Limits {
            if (maxNestingDepth < 4 || maxStringLength < 1 || maxObjects < 1 || maxDocumentLength < 2) {
                throw new IllegalArgumentException("limits too small to hold any STIX object");
            }
        }

        /** Depth 64, strings up to 10 MiB (artifacts carry base64 payloads), 100,000 objects, 100 MiB. */
        public static Limits defaults() {
            return new Limits(64, 10 * 1024 * 1024, 100_000, 100L * 1024 * 1024);
        }
    }

    /** Shared writer (and reader for trusted input such as our own resources). */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private static final StixJson DEFAULT = new StixJson(Limits.defaults());

    private final Limits limits;
    private final JsonMapper mapper;

    private StixJson(Limits limits) {
        this.limits = limits;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxDocumentLength(limits.maxDocumentLength())
                        .build())
                .build();
        // Duplicate keys are caught where the tree is built (the map's put returns the earlier value)
        // rather than by the parser (STRICT_DUPLICATE_DETECTION), which keeps a set of names per
        // JSON object: a few percent of the ingest's CPU for the same answer. The envelope's own
        // members are checked by hand in parseEnvelope.
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                // each element of "objects" is read as a tree in the middle of the stream
                .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    public static StixJson withDefaultLimits() {
        return DEFAULT;
    }

    public static StixJson withLimits(Limits limits) {
        return new StixJson(limits);
    }

    public Limits limits() {
        return limits;
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads a STIX bundle or a TAXII envelope. Objects are not validated here; a body whose
     * structure is fine but whose objects are invalid parses, and {@link StixValidator}
     * reports per object.
     *
     * @throws StixParseException if the body is not JSON, breaks a limit, or is neither a
     *                            bundle nor an envelope
     */
    public StixEnvelope parseEnvelope(byte[] body) {
        return parseEnvelope(body, null);
    }

    /**
     * As {@link #parseEnvelope(byte[])}, but each object is handed to {@code each} as soon as it
     * is read, in order, and the returned envelope's {@link StixEnvelope#objects()} is empty: the
     * receiver can check an object and let its tree go before the next is parsed (see
     * {@code Ingestor.Intake}). If the body turns out malformed later, the objects already handed
     * over were still valid JSON; the exception says the body as a whole is refused.
     */
    public StixEnvelope parseEnvelope(byte[] body, Consumer<StixObject> each) {
        checkLength(body);
        try (JsonParser parser = mapper.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notStix(parser, "the body must be a JSON object (a STIX bundle or a TAXII envelope)");
            }
            String type = null, id = null, next = null;
            boolean more = false;
            List<StixObject> objects = null;
            List<StixEnvelope.NotAnObject> notObjects = new ArrayList<>();
            JsonToken token;
            java.util.Set<String> members = new java.util.HashSet<>();
            while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                if (!members.add(name)) {
                    throw malformed(parser, "malformed JSON: duplicate key \"" + StixId.abbreviate(name) + "\"");
                }
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "type" -> type = expectString(parser, value, "type");
                    case "id" -> id = expectString(parser, value, "id");
                    case "next" -> next = value == JsonToken.VALUE_NULL ? null : expectString(parser, value, "next");
                    case "more" -> {
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                            throw notStix(parser, "'more' must be true or false");
                        }
                        more = value == JsonToken.VALUE_TRUE;
                    }
                    case "objects" -> objects = readObjects(parser, value, notObjects, body, each);
                    // spec_version appears in STIX 2.0 bundles; other envelope members are ignored
                    default -> parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT) throw notStix(parser, "unexpected content");
            if (parser.nextToken() != null) throw malformed(parser, "unexpected content after the end of the JSON object");
            StixId bundleId = null;
            if (type != null) {
                if (!type.equals("bundle")) {
                    throw new StixParseException(StixParseException.Kind.NOT_STIX,
                            "the body is a STIX object of type '" + StixId.abbreviate(type)
                                    + "'; send it inside a bundle or a TAXII envelope {\"objects\": [...]}", -1, -1, -1);
                }
                String problem = StixId.problemWith(id);
                if (problem == null && !id.startsWith("bundle--")) problem = "the bundle id must start with 'bundle--'";
                if (problem != null) {
                    throw new StixParseException(StixParseException.Kind.NOT_STIX, "bundle: " + problem, -1, -1, -1);
                }
                bundleId = StixId.parse(id);
            }
            return new StixEnvelope(bundleId, objects == null ? List.of() : objects, more, next, notObjects);
        } catch (JacksonException e) {
            throw translate(e);
        }
    }

    private List<StixObject> readObjects(JsonParser parser, JsonToken value, List<StixEnvelope.NotAnObject> notObjects,
                                         byte[] body, Consumer<StixObject> each) {
        if (value == JsonToken.VALUE_NULL) return List.of();
        if (value != JsonToken.START_ARRAY) throw notStix(parser, "'objects' must be an array");
        List<StixObject> objects = new ArrayList<>();
        Consumer<StixObject> sink = each != null ? each : objects::add;
        int index = -1;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            index++;
            if (index == limits.maxObjects()) {
                throw new StixParseException(StixParseException.Kind.TOO_LARGE,
                        "more than " + limits.maxObjects() + " objects; split the content into several requests",
                        offset(parser.currentTokenLocation()), line(parser.currentTokenLocation()),
                        column(parser.currentTokenLocation()));
            }
            if (token != JsonToken.START_OBJECT) {
                notObjects.add(new StixEnvelope.NotAnObject(index, "objects[" + index + "] is " + describe(token) + ", not a JSON object"));
                parser.skipChildren();
                continue;
            }
            long start = parser.currentTokenLocation().getByteOffset();
            JsonNode node = mapper.readTree(parser);
            long end = parser.currentTokenLocation().getByteOffset() + 1; // just past the closing brace
            String text = start >= 0 && end > start && end <= body.length && isCompact(body, (int) start, (int) end)
                    ? new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8) : null;
            sink.accept(StixObject.adopt((ObjectNode) node, text));
        }
        return objects;
    }

    /**
     * True when the JSON object in {@code b[from, to)} has no whitespace between tokens, so
     * its text can be kept as the object's compact form; a cheap scan next to parsing it.
     */
    static boolean isCompact(byte[] b, int from, int to) {
        if (b[from] != '{' || b[to - 1] != '}') return false;
        boolean inString = false;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                return false;
            }
        }
        return !inString;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> "not a value";
        };
    }

    /** Reads a single STIX object (not a bundle). @throws StixParseException */
    public StixObject parseObject(byte[] json) {
        checkLength(json);
        try (JsonParser parser = mapper.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) throw notStix(parser, "a STIX object must be a JSON object");
            JsonNode node = mapper.readTree(parser);
            if (parser.nextToken() != null) throw malformed(parser, "unexpected content after the end of the JSON object");
            return StixObject.adopt((ObjectNode) node);
        } catch (JacksonException e) {
            throw translate(e);
        }
    }

    private void checkLength(byte[] body) {
        if (body.length > limits.maxDocumentLength()) {
            throw new StixParseException(StixParseException.Kind.TOO_LARGE,
                    "the body is " + body.length + " bytes; the limit is " + limits.maxDocumentLength(), -1, -1, -1);
        }
        if (body.length == 0) throw new StixParseException(StixParseException.Kind.MALFORMED, "the body is empty", 0, 1, 1);
    }

    private static String expectString(JsonParser parser, JsonToken value, String name) {
        if (value != JsonToken.VALUE_STRING) throw notStix(parser, "'" + name + "' must be a string");
        return parser.getString();
    }

    private static StixParseException notStix(JsonParser parser, String problem) {
        TokenStreamLocation at = parser.currentTokenLocation();
        return new StixParseException(StixParseException.Kind.NOT_STIX, where(at) + problem, offset(at), line(at), column(at));
    }

    private static StixParseException malformed(JsonParser parser, String problem) {
        TokenStreamLocation at = parser.currentTokenLocation();
        return new StixParseException(StixParseException.Kind.MALFORMED, where(at) + problem, offset(at), line(at), column(at));
    }

    private static final java.util.regex.Pattern DUPLICATE_TREE_KEY = java.util.regex.Pattern.compile(
            "Duplicate (?:field|property|Object property) ['\"](.*)['\"] for");

    private StixParseException translate(JacksonException e) {
        TokenStreamLocation at = e.getLocation();
        String original = e.getOriginalMessage() == null ? "invalid JSON" : e.getOriginalMessage();
        if (e instanceof StreamConstraintsException) {
            StixParseException.Kind kind;
            String problem;
            if (original.contains("nesting depth")) {
                kind = StixParseException.Kind.TOO_DEEP;
                problem = "JSON is nested deeper than " + limits.maxNestingDepth() + " levels";
            } else if (original.contains("String value length")) {
                kind = StixParseException.Kind.TOO_LARGE;
                problem = "a string is longer than " + limits.maxStringLength() + " characters";
            } else if (original.contains("Document length")) {
                kind = StixParseException.Kind.TOO_LARGE;
                problem = "the body is longer than " + limits.maxDocumentLength() + " bytes";
            } else {
                kind = StixParseException.Kind.TOO_LARGE;
                problem = "the JSON exceeds a size limit (" + firstLine(original) + ")";
            }
            return new StixParseException(kind, where(at) + problem, offset(at), line(at), column(at));
        }
        java.util.regex.Matcher duplicate = DUPLICATE_TREE_KEY.matcher(original);
        if (duplicate.lookingAt()) {
            // Jackson's wording names its own feature flag; say what is wrong with the body
            original = "duplicate key \"" + StixId.abbreviate(duplicate.group(1)) + "\"";
        }
        return new StixParseException(StixParseException.Kind.MALFORMED, where(at) + "malformed JSON: " + firstLine(original),
                offset(at), line(at), column(at));
    }

    private static String firstLine(String message) {
        // Jackson appends hints and source excerpts on later lines; the first line names the problem
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() <= 300 ? line : line.substring(0, 297) + "...";
    }

    private static String where(TokenStreamLocation at) {
        if (at == null || at.getLineNr() < 0) return "";
        return "at line " + at.getLineNr() + ", column " + at.getColumnNr()
                + (at.getByteOffset() >= 0 ? " (byte " + at.getByteOffset() + ")" : "") + ": ";
    }

    private static long offset(TokenStreamLocation at) { return at == null ? -1 : at.getByteOffset(); }
    private static int line(TokenStreamLocation at) { return at == null ? -1 : at.getLineNr(); }
    private static int column(TokenStreamLocation at) { return at == null ? -1 : at.getColumnNr(); }

    // ---------------------------------------------------------------- writing

    /** A STIX 2.1 bundle with a fresh random id. */
    public static byte[] writeBundle(Collection<StixObject> objects) {
        return writeBundle(new StixId("bundle", UUID.randomUUID()), objects);
    }

    /** A STIX 2.1 bundle with the given id. */
    public static byte[] writeBundle(StixId bundleId, Collection<StixObject> objects) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + objects.size() * 512);
        try (JsonGenerator generator = MAPPER.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeStringProperty("type", "bundle");
            generator.writeStringProperty("id", bundleId.toString());
            generator.writeName("objects");
            writeObjects(generator, objects);
            generator.writeEndObject();
        }
        return out.toByteArray();
    }

    /** A TAXII 2.1 envelope; {@code more} and {@code next} are written only when set. */
    public static byte[] writeEnvelope(Collection<StixObject> objects, boolean more, String next) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + objects.size() * 512);
        try (JsonGenerator generator = MAPPER.createGenerator(out)) {
            generator.writeStartObject();
            if (more) generator.writeBooleanProperty("more", true);
            if (next != null) generator.writeStringProperty("next", next);
            if (!objects.isEmpty()) {
                generator.writeName("objects");
                writeObjects(generator, objects);
            }
            generator.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void writeObjects(JsonGenerator generator, Collection<StixObject> objects) {
        generator.writeStartArray();
        for (StixObject object : objects) MAPPER.writeTree(generator, object.node());
        generator.writeEndArray();
    }

    /**
     * A TAXII 2.1 envelope from objects already serialised as JSON (for example as stored),
     * copied through without parsing. The caller vouches that each element is one valid
     * JSON object; this is the fast path for serving pages.
     */
    public static byte[] writeEnvelopeOfJson(List<byte[]> objectsJson, boolean more, String next) {
        int size = 64;
        for (byte[] object : objectsJson) size += object.length + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes("{".getBytes(StandardCharsets.UTF_8));
        boolean first = true;
        if (more) {
            out.writeBytes("\"more\":true".getBytes(StandardCharsets.UTF_8));
            first = false;
        }
        if (next != null) {
            if (!first) out.write(',');
            out.writeBytes(("\"next\":" + MAPPER.writeValueAsString(next)).getBytes(StandardCharsets.UTF_8));
            first = false;
        }
        if (!objectsJson.isEmpty()) {
            if (!first) out.write(',');
            out.writeBytes("\"objects\":[".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < objectsJson.size(); i++) {
                if (i > 0) out.write(',');
                out.writeBytes(objectsJson.get(i));
            }
            out.write(']');
        }
        out.write('}');
        return out.toByteArray();
    }

    /** One object as compact JSON bytes. */
    public static byte[] write(StixObject object) {
        return object.toJsonBytes();
    }

    /** Reads trusted JSON (our own resources); not for request bodies. */
    static ObjectNode readTrusted(String json) {
        return (ObjectNode) MAPPER.readTree(json.getBytes(StandardCharsets.UTF_8));
    }
}
