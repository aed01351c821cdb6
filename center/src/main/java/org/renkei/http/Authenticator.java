package org.renkei.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.renkei.ForbiddenException;
import org.renkei.access.Principal;
import org.renkei.access.Role;
import org.renkei.access.TokenService;

/**
 * Turns the Authorization header into a {@link Principal}. A token works as HTTP
 * Bearer and as the password of HTTP Basic (TAXII clients speak Basic; the user
 * name is ignored). No header means the public caller; a header with a wrong or
 * revoked token is a 401, never a silent downgrade to public.
 */
public final class Authenticator {
    private final TokenService tokens;

    public Authenticator(TokenService tokens) {
        this.tokens = tokens;
    }

    public Principal principal(ServerRequest req) {
        var header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty()) {
            return Principal.PUBLIC;
        }
        String value = header.get().trim();
        String token;
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        String rest = space < 0 ? "" : value.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer")) {
            token = rest;
        } else if (scheme.equalsIgnoreCase("Basic")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(rest), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new UnauthorizedException("the Basic credentials are not valid base64");
            }
            int colon = decoded.indexOf(':');
            token = colon < 0 ? decoded : decoded.substring(colon + 1);
        } else {
            throw new UnauthorizedException("unsupported authorization scheme '" + scheme
                    + "': send 'Authorization: Bearer <token>' or HTTP Basic with the token as password");
        }
        return tokens.authenticate(token)
                .orElseThrow(() -> new UnauthorizedException("the token is not valid or has been revoked; ask the center's "
                        + "administrator for a new one"));
    }

    /** The caller, who must be authenticated. */
    public Principal required(ServerRequest req) {
        Principal p = principal(req);
        if (!p.isAuthenticated()) {
            throw new UnauthorizedException("this resource needs a token: send 'Authorization: Bearer <token>'");
        }
        return p;
    }

    /** The caller, who must hold one of the roles. */
    public Principal requireRole(ServerRequest req, Role... roles) {
        Principal p = required(req);
        for (Role r : roles) {
            if (p.role() == r) {
                return p;
            }
        }
        StringBuilder names = new StringBuilder();
        for (Role r : roles) {
            names.append(names.isEmpty() ? "" : " or ").append(r.wire());
        }
        throw new ForbiddenException("this needs a token with role " + names + "; yours has role " + p.role().wire());
    }
}
