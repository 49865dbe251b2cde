package org.slicelab.ablations;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * The packages a training step runs through never hand a {@code Number} to an {@code NDArray}
 * operation: DJL turns each such number into a host array and copies it to the array's device, and
 * on a GPU torch waits for that copy (a synchronisation per operation). They use
 * {@code backbone.Scalars} (scalars filled on the device) instead. One call is allowed: a user
 * model's ReLU with a maximum other than 6 ({@code clip(0, max)}; DJL binds no clamp with array
 * bounds, and no built-in backbone has such a layer).
 */
class NoScalarUploadsTest {
  private static final String ROOT = "org.slicelab.ablations";

  private static final DescribedPredicate<JavaMethodCall> NUMBER_OPERAND =
      new DescribedPredicate<>("a DJL array operation with a Number operand") {
        @Override
        public boolean test(JavaMethodCall call) {
          boolean numberOperand = call.getTarget().getRawParameterTypes().stream()
              .anyMatch(type -> type.isEquivalentTo(Number.class));
          boolean allowed = call.getOriginOwner().getSimpleName().equals("ConvNetwork")
              && call.getName().equals("clip");
          // by owner name as well: ArchUnit resolves no classes outside the project here, so a
          // call on a PtNDArray, an NDManager or NDArrays would not be "assignable to NDArray"
          return call.getTargetOwner().getPackageName().startsWith("ai.djl") && numberOperand
              && !allowed;
        }
      };

  private static final ArchRule RULE = noClasses().that().resideInAnyPackage(
      ROOT + ".model..", ROOT + ".backbone..", ROOT + ".train..", ROOT + ".method..",
      ROOT + ".select..").should().callMethodWhere(NUMBER_OPERAND);

  @Test
  void trainingStepPackagesUploadNoScalars() {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);
    RULE.check(classes);
  }

  @Test
  void theRuleFindsANumberOperand() {
    EvaluationResult result = RULE.evaluate(new ClassFileImporter()
        .importClasses(org.slicelab.ablations.train.ScalarUploadExample.class));
    assertEquals(2, result.getFailureReport().getDetails().size(),
        "both mul(Number) calls in the train package must be flagged: "
            + result.getFailureReport().getDetails());
    assertFalse(RULE.evaluate(new ClassFileImporter().importClasses(org.slicelab.ablations.train.Losses.class))
        .hasViolation());
  }
}
