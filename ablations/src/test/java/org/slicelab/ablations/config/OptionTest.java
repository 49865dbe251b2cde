package org.slicelab.ablations.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionTest {
  private static final Option<Integer> EPOCHS = Option.positive("epochs", 4, "passes");
  private static final Option<Double> RATE = Option.number("rate", 0.5, "a rate",
      v -> v > 0 && v < 1, "a number in (0, 1)");
  private static final Option<String> MODE = Option.oneOf("mode", "row", "orientation",
      List.of("row", "column"));

  @Test
  void convertsWithoutCoercingScalars() {
    assertEquals(3, EPOCHS.parse(3));
    assertEquals(3, EPOCHS.parse(3L));
    assertEquals(0.25, RATE.parse(0.25));
    assertEquals(0.0 + 1 / 4.0, RATE.parse(0.25f), 1e-12);
    IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
        () -> EPOCHS.parse("3"));
    assertEquals("trial option 'epochs' must be of type integer", text.getMessage());
    IllegalArgumentException flag = assertThrows(IllegalArgumentException.class,
        () -> EPOCHS.parse(true));
    assertEquals("trial option 'epochs' must be of type integer", flag.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> RATE.parse(null));
    assertEquals("trial option 'rate' must be of type number", none.getMessage());
  }

  @Test
  void checksNameTheOptionAndWhatIsAllowed() {
    assertEquals("trial option 'epochs' = 0 is invalid: must be an integer > 0",
        assertThrows(IllegalArgumentException.class, () -> EPOCHS.parse(0)).getMessage());
    assertEquals("trial option 'rate' = 1.0 is invalid: must be a number in (0, 1)",
        assertThrows(IllegalArgumentException.class, () -> RATE.parse(1.0)).getMessage());
    assertEquals("trial option 'rate' = NaN is invalid: must be a number in (0, 1)",
        assertThrows(IllegalArgumentException.class, () -> RATE.parse(Double.NaN)).getMessage());
    assertEquals("trial option 'mode' = diagonal is invalid: must be one of [row, column]",
        assertThrows(IllegalArgumentException.class, () -> MODE.parse("diagonal"))
            .getMessage());
    assertEquals(List.of("row", "column"), MODE.choices());
  }

  @Test
  void readersAndNormalisersRunBeforeTheCheck() {
    Option<String> upper = Option.text("name", "A", "a name", v -> v.equals("A"), "A")
        .normalizeWith(v -> v.toUpperCase(java.util.Locale.ROOT))
        .readWith(String::valueOf);
    assertEquals("A", upper.parse("a"));
    assertEquals("trial option 'name' = 7 is invalid: must be A",
        assertThrows(IllegalArgumentException.class, () -> upper.parse(7)).getMessage());
  }
}
