package org.renkei.stix.pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.renkei.stix.SeededCases;

/**
 * Generated patterns: the normalised form must not depend on whitespace, operand order of
 * AND/OR, redundant parentheses or operator spelling, must be a fixed point, and random
 * text must fail with {@link PatternSyntaxException} only.
 */
class PatternPropertyTest {

    static Stream<Long> equivalenceSeeds() { return SeededCases.seeds("equivalentSpellingsNormaliseAlike", 500); }
    static Stream<Long> simpleFormSeeds() { return SeededCases.seeds("simpleFormParsesAsTheGrammarDoes", 2000); }
    static Stream<Long> garbageSeeds() { return SeededCases.seeds("arbitraryTextFailsOnlyWithSyntaxException", 500); }

    /** A tiny pattern tree that can print itself in canonical-ish and scrambled forms. */
    private sealed interface Node permits Leaf, Op {}
    private record Leaf(String path, String op, String altOp, String value) implements Node {}
    private record Op(String operator, List<Node> children, boolean observationLevel, String qualifier) implements Node {}

    private static final String[] PATHS = {"ipv4-addr:value", "file:name", "file:hashes.'SHA-256'", "x-a:list[*].v",
            "network-traffic:dst_port", "url:value"};
    private static final String[][] OPS = {{"=", "=="}, {"!=", "<>"}, {"<", "<"}, {">=", ">="}, {"LIKE", "LIKE"}};
    private static final String[] VALUES = {"'1.2.3.4'", "'a b'", "'it\\'s'", "42", "-7", "3.25", "true", "h'ff00'",
            "t'2020-01-01T00:00:00Z'"};

    private static Node comparison(Random random, int depth) {
        if (depth > 2 || random.nextInt(3) == 0) {
            String[] op = OPS[random.nextInt(OPS.length)];
            String value = op[0].equals("LIKE") ? "'%x%'" : VALUES[random.nextInt(VALUES.length)];
            if (op[0].equals("<") || op[0].equals(">=")) value = value.equals("true") ? "1" : value;
            return new Leaf(PATHS[random.nextInt(PATHS.length)], op[0], op[1], value);
        }
        List<Node> children = new ArrayList<>();
        for (int i = 2 + random.nextInt(2); i > 0; i--) children.add(comparison(random, depth + 1));
        return new Op(random.nextBoolean() ? "AND" : "OR", children, false, null);
    }

    private static Node observation(Random random, int depth) {
        if (depth > 1 || random.nextInt(2) == 0) {
            String qualifier = switch (random.nextInt(5)) {
                case 0 -> "WITHIN 60 SECONDS";
                case 1 -> "REPEATS 3 TIMES";
                default -> null;
            };
            return new Op("[]", List.of(comparison(random, 0)), true, qualifier);
        }
        List<Node> children = new ArrayList<>();
        for (int i = 2 + random.nextInt(2); i > 0; i--) children.add(observation(random, depth + 1));
        String[] ops = {"AND", "OR", "FOLLOWEDBY"};
        return new Op(ops[random.nextInt(3)], children, true, random.nextInt(4) == 0 ? "WITHIN 5 SECONDS" : null);
    }

    private static String space(Random random, boolean scramble) {
        if (!scramble) return " ";
        return switch (random.nextInt(4)) {
            case 0 -> " ";
            case 1 -> "  ";
            case 2 -> "\n\t";
            default -> " /* c */ ";
        };
    }

    /** Prints fully parenthesised, so precedence never changes meaning; scrambles when asked. */
    private static String print(Node node, Random random, boolean scramble) {
        return switch (node) {
            case Leaf l -> l.path() + space(random, scramble) + (scramble && random.nextBoolean() ? l.altOp() : l.op())
                    + space(random, scramble) + l.value();
            case Op o when o.operator().equals("[]") -> {
                String text = "[" + (scramble ? space(random, true) : "") + print(o.children().getFirst(), random, scramble)
                        + (scramble ? space(random, true) : "") + "]";
                yield o.qualifier() == null ? text : "(" + text + ")" + space(random, scramble) + o.qualifier();
            }
            case Op o -> {
                List<Node> children = new ArrayList<>(o.children());
                if (scramble && !o.operator().equals("FOLLOWEDBY")) Collections.shuffle(children, random);
                List<String> parts = new ArrayList<>();
                for (Node child : children) {
                    String printed = print(child, random, scramble);
                    parts.add(child instanceof Op c && !c.operator().equals("[]") || (scramble && random.nextInt(4) == 0)
                            ? "(" + printed + ")" : printed);
                }
                String text = String.join(space(random, scramble) + o.operator() + space(random, scramble), parts);
                yield o.qualifier() == null ? text : "(" + text + ")" + space(random, scramble) + o.qualifier();
            }
        };
    }

    @ParameterizedTest
    @MethodSource("equivalenceSeeds")
    void equivalentSpellingsNormaliseAlike(long seed) {
        Random random = new Random(seed);
        Node tree = observation(random, 0);
        String plain = print(tree, random, false);
        String scrambled = print(tree, random, true);
        String normalized = StixPattern.normalize(plain);
        assertThat(StixPattern.normalize(scrambled)).as("seed %d\n%s\n%s", seed, plain, scrambled).isEqualTo(normalized);
        assertThat(StixPattern.normalize(normalized)).as("seed %d fixed point", seed).isEqualTo(normalized);
    }

    @ParameterizedTest
    @MethodSource("garbageSeeds")
    void arbitraryTextFailsOnlyWithSyntaxException(long seed) {
        Random random = new Random(seed);
        String base = print(observation(random, 0), random, false);
        StringBuilder text = new StringBuilder(base);
        String alphabet = "[]()':=!<>.*,-+ \\'ANDORhbtXYZ0123456789";
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            int at = random.nextInt(text.length() + 1);
            switch (random.nextInt(3)) {
                case 0 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 1 -> { if (at < text.length()) text.deleteCharAt(at); }
                default -> { if (at < text.length()) text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length()))); }
            }
        }
        try {
            StixPatternParser.parse(text.toString()).normalized();
        } catch (PatternSyntaxException e) {
            assertThat(e.position()).as("seed %d: %s", seed, text).isBetween(0, text.length());
            assertThat(e.getMessage()).startsWith("at position " + e.position() + ": ");
        } catch (RuntimeException e) {
            fail("seed " + seed + " pattern " + text + ": unexpected " + e, e);
        }
    }

    private static final String[] TYPE_PARTS = {"ipv4-addr", "domain-name", "url", "x-a1", "a--b", "a-", "-a", "1a",
            "A", "in", "or", "and", "true", "t", "h", "b", "x_y", "file", "", "ipv6-addr", "email-addr", "x-b-c", "a1"};
    private static final String[] NAME_PARTS = {"value", "name", "_x", "a_b2", "start", "in", "true", "Value", "a-b",
            "x.y", "'value'", "v[0]", "", "9a", "value", "hashes", "x_1", "stop"};
    private static final String[] VALUE_PARTS = {"1.2.3.4", "a b", "\\'", "\\\\", "\\x", "'", "]", "[", "é", "\n",
            "/* c */", "//", "", "t'2020-01-01T00:00:00Z'"};
    private static final String[] SPACES = {"", " ", "", " ", "", " ", "  ", "\t"};
    private static final String[] EQUALS = {"=", "=", "=", "=", "=", "==", "!=", "LIKE"};

    /**
     * The hand-written path for {@code [type:property = 'string']} must give exactly what the
     * grammar gives, or step aside (null): near-miss spellings around the simple form.
     */
    @ParameterizedTest
    @MethodSource("simpleFormSeeds")
    void simpleFormParsesAsTheGrammarDoes(long seed) {
        Random random = new Random(seed);
        String text = (random.nextInt(20) == 0 ? " " : "") + "[" + pick(random, TYPE_PARTS) + ":" + pick(random, NAME_PARTS)
                + pick(random, SPACES) + pick(random, EQUALS) + pick(random, SPACES) + "'"
                + pick(random, VALUE_PARTS) + pick(random, VALUE_PARTS) + "'" + (random.nextInt(10) == 0 ? " " : "") + "]"
                + (random.nextInt(20) == 0 ? " WITHIN 5 SECONDS" : "");
        StixPattern fast = StixPatternParser.parseSimple(text);
        StixPattern full;
        try {
            full = StixPatternParser.parseWithGrammar(text);
        } catch (PatternSyntaxException e) {
            assertThat(fast).as("the grammar refuses %s (%s)", text, e.getMessage()).isNull();
            return;
        }
        if (fast != null) {
            assertThat(fast).as(text).isEqualTo(full);
        }
        assertThat(StixPatternParser.parse(text)).as(text).isEqualTo(full);
    }

    @org.junit.jupiter.api.Test
    void simpleFormTakesTheCommonIndicators() {
        for (String text : List.of("[ipv4-addr:value = '198.51.100.7']", "[domain-name:value = 'a.example']",
                "[url:value = 'https://a.example/x?y=\\'z\\'']", "[x-custom:name='v']")) {
            assertThat(StixPatternParser.parseSimple(text)).as(text).isNotNull()
                    .isEqualTo(StixPatternParser.parseWithGrammar(text));
        }
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }
}
