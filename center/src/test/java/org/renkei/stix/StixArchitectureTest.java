package org.renkei.stix;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class StixArchitectureTest {

    private static final JavaClasses STIX = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.renkei.stix");

    @Test
    void dependsOnNoOtherRenkeiPackage() {
        classes().that().resideInAPackage("org.renkei.stix..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("org.renkei.stix..", "java..", "tools.jackson..",
                        "org.antlr.v4.runtime..")
                .check(STIX);
    }

    @Test
    void generatedParserStaysInsideThePatternPackage() {
        classes().that().haveSimpleNameStartingWith("StixPatternGrammar")
                .should().onlyBeAccessed().byClassesThat().resideInAPackage("org.renkei.stix.pattern")
                .check(STIX);
    }
}
