package org.renkei;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keeps the arrows of shared/DESIGN.md true: data flows one way through the loop,
 * and nothing downstream is called from upstream.
 */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.renkei");
    }

    @ParameterizedTest(name = "{0} must not depend on {1}")
    @CsvSource({
            "stix, access", "stix, intel", "stix, share", "stix, web", "stix, store", "stix, http", "stix, bus",
            "stix, center", "stix, cli", "stix, sensor",
            "sensor, stix", "sensor, access", "sensor, intel", "sensor, share", "sensor, web", "sensor, store",
            "access, share", "access, web", "access, http", "access, center", "access, cli",
            "intel, share", "intel, web", "intel, http", "intel, center", "intel, cli",
            "store, share", "store, web", "store, access", "store, intel", "store, center",
            "share, web", "share, center", "share, cli",
            "http, web", "http, share", "http, center",
            "bus, access", "bus, intel", "bus, share", "bus, web",
            "web, cli"})
    void packagesDependOnlyDownstream(String from, String to) {
        noClasses().that().resideInAPackage("org.renkei." + from + "..")
                .should().dependOnClassesThat().resideInAPackage("org.renkei." + to + "..")
                .check(classes);
    }
}
