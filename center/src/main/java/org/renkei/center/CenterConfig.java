package org.renkei.center;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.renkei.InputException;

/**
 * Every setting of the center, with defaults that work on one machine with no setup.
 * Sources, later ones winning: the defaults below, the config file
 * ({@code renkei.properties}, see {@code renkei.example.properties} for every key),
 * environment variables ({@code RENKEI_} + the key upper-cased with dots and dashes
 * as underscores, e.g. {@code RENKEI_SERVER_PORT}), then command-line flags.
 */
public record CenterConfig(Map<String, String> values) {
    /** Every key with its default; null means "not set". */
    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("server.host", "0.0.0.0");
        d.put("server.port", "8080");
        d.put("data.dir", "./data");
        d.put("db.url", null);
        d.put("db.user", null);
        d.put("db.password", null);
        d.put("db.embedded-port", "5433");
        d.put("db.embedded-checksums", "true");
        d.put("db.embedded-settings", null);
        d.put("center.name", "Renkei Center");
        d.put("taxii.title", "Renkei");
        d.put("taxii.contact", null);
        d.put("taxii.max-content-length", String.valueOf(32L << 20));
        d.put("taxii.page-size", "100");
        d.put("taxii.max-page-size", "1000");
        return java.util.Collections.unmodifiableMap(d);
    }

    public CenterConfig {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Defaults, then the file (if it exists), then the environment. */
    public static CenterConfig load(Path file, Map<String, String> env) {
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        if (file != null && Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new InputException("cannot read the config file " + file + ": " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) {
                if (!DEFAULTS.containsKey(k)) {
                    throw new InputException(file + ": unknown key '" + k + "'; known keys are " + DEFAULTS.keySet());
                }
                String value = p.getProperty(k).trim();
                v.put(k, value.isEmpty() ? DEFAULTS.get(k) : value); // "key=" means the default
            }
        }
        for (String k : DEFAULTS.keySet()) {
            String e = env.get(envName(k));
            if (e != null && !e.isBlank()) {
                v.put(k, e.trim());
            }
        }
        return new CenterConfig(v);
    }

    public static CenterConfig defaultsOnly() {
        return new CenterConfig(DEFAULTS);
    }

    public static String envName(String key) {
        return "RENKEI_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public CenterConfig with(String key, String value) {
        if (!DEFAULTS.containsKey(key)) {
            throw new IllegalArgumentException("unknown config key " + key);
        }
        Map<String, String> v = new LinkedHashMap<>(values);
        v.put(key, value);
        return new CenterConfig(v);
    }

    public String get(String key) {
        return values.get(key);
    }

    public int integer(String key) {
        String s = values.get(key);
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new InputException(key, "'" + s + "' is not a whole number (set it in renkei.properties or "
                    + envName(key) + ")");
        }
    }

    /** true/on/yes or false/off/no. */
    public boolean bool(String key) {
        String s = values.get(key);
        return switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw new InputException(key, "'" + s + "' is not true or false (set it in renkei.properties or "
                    + envName(key) + ")");
        };
    }

    public long longValue(String key) {
        String s = values.get(key);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new InputException(key, "'" + s + "' is not a whole number");
        }
    }

    public int port() {
        return integer("server.port");
    }

    public Path dataDir() {
        return Path.of(values.get("data.dir"));
    }

    public String dbUrl() {
        return values.get("db.url");
    }
}
