package org.renkei.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.UUID;
import org.renkei.ConflictException;
import org.renkei.ForbiddenException;
import org.renkei.InputException;
import org.renkei.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ObjectNode;

/**
 * Maps every exception a handler throws to the right status and the standard
 * error body: the TAXII 2.1 error object under {@code /taxii2/}, RFC 9457
 * problem+json elsewhere. Unexpected failures answer 500 with an error id that
 * appears in the log, never a stack trace.
 */
public final class ErrorBodies {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorBodies.class);
    public static final String TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1";

    private ErrorBodies() {
    }

    public static void handle(ServerRequest req, ServerResponse res, Throwable t) {
        int status;
        String title;
        String detail = t.getMessage();
        switch (t) {
            case InputException e -> { status = 400; title = "Bad request"; }
            case JacksonException e -> { status = 400; title = "Bad request"; detail = "the body is not valid JSON: " + e.getOriginalMessage(); }
            case UnauthenticatedAccess e -> {
                status = 401; title = "Unauthorized";
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"renkei\", Basic realm=\"renkei\"");
            }
            case UnauthorizedException e -> {
                status = 401; title = "Unauthorized";
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"renkei\", Basic realm=\"renkei\"");
            }
            case ForbiddenException e -> { status = 403; title = "Forbidden"; }
            case NotFoundException e -> { status = 404; title = "Not found"; }
            case ConflictException e -> { status = 409; title = "Conflict"; }
            case HttpStatusException e -> {
                status = e.status();
                title = Status.create(e.status()).reasonPhrase();
                if (e.allow() != null) {
                    res.header(HeaderNames.ALLOW, e.allow());
                }
            }
            default -> {
                String state = sqlState(t);
                if ("22P05".equals(state) || "22021".equals(state)) {
                    // PostgreSQL text cannot hold NUL or invalid characters: the input is at fault
                    send(req, res, 400, "Bad request", "text may not contain the NUL character (\\u0000) or invalid "
                            + "Unicode; remove it and send again");
                    return;
                }
                if ("23505".equals(state)) {
                    // a uniqueness race the pre-check could not see: same answer as the pre-check
                    send(req, res, 409, "Conflict", "it already exists (another request created it at the same moment)");
                    return;
                }
                String id = UUID.randomUUID().toString();
                LOG.error("request {} {} failed (error id {})", req.prologue().method().text(), req.path().absolute().path(), id, t);
                status = 500;
                title = "Internal server error";
                detail = "the server failed to handle this request; report error id " + id + " to the center's operators";
            }
        }
        send(req, res, status, title, detail);
    }

    /** The SQLState of the first SQLException in the cause chain, or null. */
    private static String sqlState(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException e && e.getSQLState() != null) {
                return e.getSQLState();
            }
        }
        return null;
    }

    public static void send(ServerRequest req, ServerResponse res, int status, String title, String detail) {
        if (res.isSent()) {
            return;
        }
        ObjectNode body = Json.object();
        String type;
        if (req.path().absolute().path().startsWith("/taxii2")) {
            body.put("title", title);
            if (detail != null) {
                body.put("description", detail);
            }
            body.put("http_status", String.valueOf(status));
            type = TAXII_MEDIA_TYPE;
        } else {
            body.put("type", "about:blank");
            body.put("title", title);
            body.put("status", status);
            if (detail != null) {
                body.put("detail", detail);
            }
            body.put("instance", req.path().absolute().path());
            type = "application/problem+json";
        }
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, type);
        res.send(Json.bytes(body));
    }
}
