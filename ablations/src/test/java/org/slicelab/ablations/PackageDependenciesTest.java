package org.slicelab.ablations;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * The layering of the ablations module, bottom to top: {@code cache}; {@code backbone},
 * {@code data}; {@code train}; {@code select}; {@code method}; {@code trial}. A package uses only
 * packages below it. The one exception left is {@link TrialSpec}, which {@code method} and
 * {@code select} still read their settings from (until per-method settings records replace it).
 */
class PackageDependenciesTest {
  private static final String ROOT = "org.slicelab.ablations";
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);
  }

  private static String pkg(String name) {
    return ROOT + "." + name + "..";
  }

  @Test
  void lowLevelPackagesDoNotReachUp() {
    noClasses().that().resideInAPackage(pkg("cache")).should().dependOnClassesThat()
        .resideInAnyPackage(pkg("backbone"), pkg("data"), pkg("train"), pkg("select"),
            pkg("method"), pkg("trial"))
        .check(classes);
    noClasses().that().resideInAnyPackage(pkg("backbone"), pkg("data")).should()
        .dependOnClassesThat().resideInAnyPackage(pkg("train"), pkg("select"), pkg("method"),
            pkg("trial"))
        .check(classes);
    noClasses().that().resideInAPackage(pkg("train")).should().dependOnClassesThat()
        .resideInAnyPackage(pkg("data"), pkg("select"), pkg("method"), pkg("trial"))
        .check(classes);
    noClasses().that().resideInAPackage(pkg("select")).should().dependOnClassesThat()
        .resideInAnyPackage(pkg("method"))
        .check(classes);
  }

  @Test
  void packagesAreFreeOfCyclesApartFromTrialSpec() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles()
        .ignoreDependency(alwaysTrue(), equivalentTo(TrialSpec.class))
        .check(classes);
  }
}
