package org.renkei.stix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Properties over generated input; see {@link SeededCases} for replaying a failure. */
class StixPropertyTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static Stream<Long> roundTripSeeds() { return SeededCases.seeds("customPropertiesSurviveRoundTrip", 300); }
    static Stream<Long> idSeeds() { return SeededCases.seeds("identifiersRoundTrip", 300); }
    static Stream<Long> mutationSeeds() { return SeededCases.seeds("validatorNeverThrowsOnWrongShapes", 1000); }

    static Stream<Long> garbageSeeds() { return SeededCases.seeds("damagedBodiesFailOnlyWithParseException", 500); }

    private static String randomName(Random random, int min, int max) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_";
        int length = min + random.nextInt(max - min + 1);
        StringBuilder name = new StringBuilder("x_");
        for (int i = 2; i < length; i++) name.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return name.toString();
    }

    private static String randomString(Random random) {
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(20);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            s.append(switch (kind) {
                case 0 -> (char) random.nextInt(0x20);             // control characters
                case 1 -> '"';
                case 2 -> '\\';
                case 3 -> "\uD83D\uDE00";                           // surrogate pair
                case 4 -> (char) (0x3040 + random.nextInt(0x60));  // kana
                default -> (char) (0x20 + random.nextInt(0x5f));
            });
        }
        return s.toString();
    }

    private static JsonNode randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 6 : 8);
        return switch (kind) {
            case 0 -> NODES.stringNode(randomString(random));
            case 1 -> NODES.numberNode(random.nextLong());
            case 2 -> NODES.numberNode(new java.math.BigDecimal(random.nextInt(100000) + "." + random.nextInt(1000) + "0"));
            case 3 -> NODES.booleanNode(random.nextBoolean());
            case 4 -> NODES.nullNode();
            case 5 -> NODES.numberNode(new java.math.BigInteger(90, random));
            case 6 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) array.add(randomValue(random, depth + 1));
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) object.set(randomString(random), randomValue(random, depth + 1));
                yield object;
            }
        };
    }

    @ParameterizedTest
    @MethodSource("roundTripSeeds")
    void customPropertiesSurviveRoundTrip(long seed) {
        Random random = new Random(seed);
        ObjectNode json = SpecExamples.object("indicator").json();
        for (int i = 1 + random.nextInt(6); i > 0; i--) {
            String name = randomName(random, 3, 40);
            if (name.endsWith("_ref") || name.endsWith("_refs")) name = name + "x";
            json.set(name, randomValue(random, 0));
        }
        ObjectNode extension = NODES.objectNode();
        extension.put("extension_type", "property-extension");
        extension.set("payload", randomValue(random, 0));
        UUID extensionId = new UUID((random.nextLong() & ~0xf000L) | 0x4000L, (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L);
        json.putObject("extensions").set("extension-definition--" + extensionId, extension);

        StixObject original = StixObject.of(json);
        byte[] envelope = StixJson.writeEnvelope(java.util.List.of(original), false, null);
        StixObject back = StixJson.withDefaultLimits().parseEnvelope(envelope).objects().getFirst();
        assertThat(back).as("seed %d", seed).isEqualTo(original);
        assertThat(back.toJson()).as("seed %d", seed).isEqualTo(original.toJson());
        assertThat(StixValidator.standard().validate(back)).as("seed %d", seed).noneMatch(ValidationError::isError);
    }

    @ParameterizedTest
    @MethodSource("idSeeds")
    void identifiersRoundTrip(long seed) {
        Random random = new Random(seed);
        String type = "x-" + randomName(random, 3, 20).substring(2).replace('_', 'a');
        UUID uuid = random.nextBoolean() ? new UUID(random.nextLong(), random.nextLong()) : UUID.nameUUIDFromBytes(new byte[] {(byte) seed});
        boolean rfc4122 = uuid.variant() == 2;
        String text = type + "--" + uuid;
        assertThat(StixId.isValid(text)).as("seed %d: %s", seed, text).isEqualTo(rfc4122);
        if (rfc4122) assertThat(StixId.parse(text).toString()).isEqualTo(text);
    }

    @ParameterizedTest
    @MethodSource("garbageSeeds")
    void damagedBodiesFailOnlyWithParseException(long seed) {
        Random random = new Random(seed);
        byte[] body = ("{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\",\"objects\":["
                + SpecExamples.text("indicator") + "," + SpecExamples.text("custom-properties") + "]}").getBytes(StandardCharsets.UTF_8);
        byte[] damaged = switch (random.nextInt(3)) {
            case 0 -> java.util.Arrays.copyOf(body, random.nextInt(body.length));
            case 1 -> {
                byte[] copy = body.clone();
                for (int i = 1 + random.nextInt(5); i > 0; i--) copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                yield copy;
            }
            default -> {
                byte[] copy = body.clone();
                int at = random.nextInt(copy.length);
                copy[at] = (byte) "{}[],:\"".charAt(random.nextInt(7));
                yield copy;
            }
        };
        try {
            StixEnvelope envelope = StixJson.withDefaultLimits().parseEnvelope(damaged);
            // whatever survived parsing must validate without blowing up
            for (StixObject object : envelope.objects()) StixValidator.standard().validate(object);
        } catch (StixParseException expected) {
            assertThat(expected.getMessage()).doesNotContain("\tat ").isNotBlank();
        } catch (RuntimeException e) {
            fail("seed " + seed + ": unexpected " + e, e);
        }
    }

    /** Every property of every example replaced by values of random shape: findings, never exceptions. */
    @ParameterizedTest
    @MethodSource("mutationSeeds")
    void validatorNeverThrowsOnWrongShapes(long seed) {
        Random random = new Random(seed);
        String name = SpecExamples.NAMES.get(random.nextInt(SpecExamples.NAMES.size()));
        ObjectNode json = SpecExamples.object(name).json();
        java.util.List<String> properties = new java.util.ArrayList<>(json.propertyNames());
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            String property = properties.get(random.nextInt(properties.size()));
            json.set(property, randomValue(random, 0));
        }
        try {
            StixValidator.standard().validate(StixObject.of(json));
            DeterministicId.compute(StixObject.of(json));
            Tlp.of(StixObject.of(json));
        } catch (RuntimeException e) {
            fail("seed " + seed + " (" + name + "): " + json + " threw " + e, e);
        }
    }
}
