package org.slicelab.ablations;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of the ablations module, bottom to top: {@code cache}, {@code config};
 * {@code model} (the architecture seam: weight layers, classifiers, examples); {@code backbone},
 * {@code data}; {@code train}; {@code select}; {@code method}; {@code trial};
 * {@code bench}. A package uses only packages below it: methods and selectors get their own
 * settings records, never the trial spec.
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
    noClasses().that().resideInAnyPackage(pkg("cache"), pkg("config")).should()
        .dependOnClassesThat().resideInAnyPackage(pkg("model"), pkg("backbone"), pkg("data"),
            pkg("train"), pkg("select"), pkg("method"), pkg("trial"), pkg("bench"))
        .check(classes);
    noClasses().that().resideInAPackage(pkg("model")).should()
        .dependOnClassesThat().resideInAnyPackage(pkg("backbone"), pkg("data"), pkg("train"),
            pkg("select"), pkg("method"), pkg("trial"), pkg("bench"))
        .check(classes);
    noClasses().that().resideInAnyPackage(pkg("backbone"), pkg("data")).should()
        .dependOnClassesThat().resideInAnyPackage(pkg("train"), pkg("select"), pkg("method"),
            pkg("trial"), pkg("bench"))
        .check(classes);
    noClasses().that().resideInAPackage(pkg("train")).should().dependOnClassesThat()
        .resideInAnyPackage(pkg("data"), pkg("select"), pkg("method"), pkg("trial"),
            pkg("bench"))
        .check(classes);
    noClasses().that().resideInAPackage(pkg("select")).should().dependOnClassesThat()
        .resideInAnyPackage(pkg("method"), pkg("trial"), pkg("bench"))
        .check(classes);
    noClasses().that().resideInAPackage(pkg("method")).should().dependOnClassesThat()
        .resideInAnyPackage(pkg("trial"), pkg("bench"))
        .check(classes);
    noClasses().that().resideInAPackage(pkg("trial")).should().dependOnClassesThat()
        .resideInAnyPackage(pkg("bench"))
        .check(classes);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }
}
