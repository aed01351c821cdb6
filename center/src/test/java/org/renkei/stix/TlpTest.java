package org.renkei.stix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TlpTest {

    @Test
    void recognisesTlp2MarkingIds() {
        assertThat(Tlp.fromMarkingDefinitionId("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487")).hasValue(Tlp.CLEAR);
        assertThat(Tlp.fromMarkingDefinitionId("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb")).hasValue(Tlp.GREEN);
        assertThat(Tlp.fromMarkingDefinitionId("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421")).hasValue(Tlp.AMBER);
        assertThat(Tlp.fromMarkingDefinitionId("marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003")).hasValue(Tlp.AMBER_STRICT);
        assertThat(Tlp.fromMarkingDefinitionId("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1")).hasValue(Tlp.RED);
    }

    @Test
    void recognisesTlp1MarkingIds() {
        assertThat(Tlp.fromMarkingDefinitionId("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9")).hasValue(Tlp.CLEAR);
        assertThat(Tlp.fromMarkingDefinitionId("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da")).hasValue(Tlp.GREEN);
        assertThat(Tlp.fromMarkingDefinitionId("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82")).hasValue(Tlp.AMBER);
        assertThat(Tlp.fromMarkingDefinitionId("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed")).hasValue(Tlp.RED);
    }

    @Test
    void picksTheMostRestrictiveOfSeveral() {
        assertThat(Tlp.fromMarkingRefs(List.of(Tlp.GREEN.markingDefinitionId(), Tlp.AMBER_STRICT.markingDefinitionId(),
                "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"))).hasValue(Tlp.AMBER_STRICT);
        assertThat(Tlp.fromMarkingRefs(List.of("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp.CLEAR.markingDefinitionId())))
                .hasValue(Tlp.RED);
    }

    @Test
    void hasNoLevelWithoutTlpMarking() {
        assertThat(Tlp.fromMarkingRefs(List.of())).isEmpty();
        assertThat(Tlp.fromMarkingRefs(List.of("marking-definition--a8e0f1b2-4b7e-4f6c-9d2e-3c4b5a697081"))).isEmpty();
        assertThat(Tlp.of(SpecExamples.object("indicator"))).isEmpty();
    }

    @Test
    void readsTheLevelOfAnObject() {
        StixObject marked = SpecExamples.object("indicator").with("object_marking_refs",
                StixJson.readTrusted("{\"v\":[\"" + Tlp.AMBER.markingDefinitionId() + "\"]}").get("v"));
        assertThat(Tlp.of(marked)).hasValue(Tlp.AMBER);
    }

    @Test
    void servesTheMarkingDefinitionObjects() {
        StixObject red = Tlp.RED.markingDefinition();
        assertThat(red.rawId()).isEqualTo("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");
        assertThat(red.stringProperty("name")).hasValue("TLP:RED");
        assertThat(red.created().orElseThrow().format()).isEqualTo("2022-10-01T00:00:00.000Z");
        assertThat(red.extensions().get(Tlp.TLP2_EXTENSION_ID).get("tlp_2_0").stringValue()).isEqualTo("red");
        assertThat(Tlp.markingDefinitions()).hasSize(5);
        assertThat(Tlp.tlp1MarkingDefinitions()).hasSize(4);
        assertThat(Tlp.AMBER_STRICT.tlp1MarkingDefinition()).isEmpty();
        assertThat(Tlp.fromMarkingDefinition(SpecExamples.object("marking-definition-tlp2"))).hasValue(Tlp.AMBER_STRICT);
    }

    @Test
    void recognisesTlpMarkingDefinitionsWithForeignIdsByContent() {
        StixObject foreign2 = Tlp.GREEN.markingDefinition().with("id", "marking-definition--11111111-2222-4333-8444-555555555555");
        assertThat(Tlp.fromMarkingDefinition(foreign2)).hasValue(Tlp.GREEN);
        StixObject foreign1 = Tlp.CLEAR.tlp1MarkingDefinition().orElseThrow()
                .with("id", "marking-definition--11111111-2222-4333-8444-555555555555");
        assertThat(Tlp.fromMarkingDefinition(foreign1)).hasValue(Tlp.CLEAR);
        assertThat(Tlp.fromMarkingDefinition(SpecExamples.object("marking-definition-statement"))).isEmpty();
    }

    @Test
    void ordersFromLeastToMostRestrictive() {
        assertThat(Tlp.RED.isMoreRestrictiveThan(Tlp.AMBER_STRICT)).isTrue();
        assertThat(Tlp.AMBER_STRICT.isMoreRestrictiveThan(Tlp.AMBER)).isTrue();
        assertThat(Tlp.CLEAR.isMoreRestrictiveThan(Tlp.GREEN)).isFalse();
    }

    @Test
    void parsesNames() {
        assertThat(Tlp.fromName("TLP:AMBER+STRICT")).hasValue(Tlp.AMBER_STRICT);
        assertThat(Tlp.fromName("amber_strict")).hasValue(Tlp.AMBER_STRICT);
        assertThat(Tlp.fromName("white")).hasValue(Tlp.CLEAR);
        assertThat(Tlp.fromName("purple")).isEmpty();
        assertThat(Tlp.GREEN.label()).isEqualTo("TLP:GREEN");
        assertThat(Tlp.AMBER_STRICT.wireName()).isEqualTo("amber+strict");
    }
}
