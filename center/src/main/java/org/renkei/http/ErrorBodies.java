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
            case HttpStatusException e -> { status = e.status(); title = Status.create(e.status()).reasonPhrase(); }
            default -> {
                String id = UUID.randomUUID().toString();
                LOG.error("request {} {} failed (error id {})", req.prologue().method().text(), req.path().absolute().path(), id, t);
                status = 500;
                title = "Internal server error";
                detail = "the server failed to handle this request; report error id " + id + " to the center's operators";
            }
        }
        send(req, res, status, title, detail);
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
