package org.renkei.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.renkei.http.Json;
import tools.jackson.databind.JsonNode;

/**
 * The REST routes as the OpenAPI document describes them (a test keeps the two equal), so
 * that a request with the wrong method on a real path gets 405 and the methods it may use,
 * not 404.
 */
final class RouteTable {
    private record Route(Pattern path, Set<String> methods) {
    }

    private final List<Route> routes;

    private RouteTable(List<Route> routes) {
        this.routes = routes;
    }

    static RouteTable fromOpenApi(byte[] document) {
        List<Route> routes = new ArrayList<>();
        JsonNode paths = Json.MAPPER.readTree(document).get("paths");
        for (Map.Entry<String, JsonNode> p : paths.properties()) {
            Set<String> methods = new TreeSet<>();
            for (String m : p.getValue().propertyNames()) {
                if (!m.equals("parameters")) {
                    methods.add(m.toUpperCase(Locale.ROOT));
                }
            }
            String regex = Pattern.quote(p.getKey()).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            routes.add(new Route(Pattern.compile(regex + "/?"), Set.copyOf(methods)));
        }
        return new RouteTable(routes);
    }

    /** The methods the path answers to; empty when there is no such path. */
    Set<String> methodsFor(String path) {
        Set<String> methods = new TreeSet<>();
        for (Route r : routes) {
            if (r.path().matcher(path).matches()) {
                methods.addAll(r.methods());
            }
        }
        return methods;
    }
}
