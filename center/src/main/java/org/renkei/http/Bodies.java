package org.renkei.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.renkei.InputException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Reads request bodies with an explicit size limit. */
public final class Bodies {
    private Bodies() {
    }

    /** The body, refused with 413 when it is (or turns out to be) larger than {@code max} bytes. */
    public static byte[] read(ServerRequest req, long max) {
        var length = req.headers().first(HeaderNames.CONTENT_LENGTH);
        if (length.isPresent()) {
            try {
                if (Long.parseLong(length.get().trim()) > max) {
                    throw tooLarge(max);
                }
            } catch (NumberFormatException e) {
                throw new InputException("Content-Length '" + length.get() + "' is not a number");
            }
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
            if (body.length > max) {
                throw tooLarge(max);
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON object body. */
    public static ObjectNode readObject(ServerRequest req, long max) {
        byte[] body = read(req, max);
        if (body.length == 0) {
            throw new InputException("the request has no body; send a JSON object");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new InputException("the body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        }
        if (!(node instanceof ObjectNode o)) {
            throw new InputException("the body must be a JSON object, not " + node.getNodeType().name().toLowerCase());
        }
        return o;
    }

    /**
     * Refuses a property the body's kind does not have (a misspelt "recipents" silently
     * ignored would share an object with the wrong audience). {@code alsoAccepted} are
     * properties a client may echo back from a GET (id, created, ...) that are ignored.
     */
    public static ObjectNode onlyKnown(ObjectNode body, String kind, List<String> known, String... alsoAccepted) {
        for (String name : body.propertyNames()) {
            if (!known.contains(name) && !List.of(alsoAccepted).contains(name)) {
                throw new InputException(name, "is not a property of " + kind + "; known are " + String.join(", ", known));
            }
        }
        return body;
    }

    private static HttpStatusException tooLarge(long max) {
        return new HttpStatusException(413, "the body is larger than the limit of " + max + " bytes; split it into "
                + "smaller requests");
    }
}
