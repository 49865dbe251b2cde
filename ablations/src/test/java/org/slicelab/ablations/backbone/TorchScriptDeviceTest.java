package org.slicelab.ablations.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Every TorchScript module SliceLab ships creates its tensors on its inputs' device: a tensor
 * factory ({@code torch.full}, {@code torch.zeros}, ...) without a {@code device=} argument makes a
 * CPU tensor, which a CUDA kernel fed with GPU parameters reads as device memory (the fused
 * AdamW step's {@code step} counter did: an illegal memory access on the first GPU step). Read
 * from the code each {@code .pt} archive stores, as libtorch compiles it at load time; there is
 * no GPU here to run them on.
 */
class TorchScriptDeviceTest {
  private static final Pattern FACTORY = Pattern.compile(
      "\\btorch\\.(full|zeros|ones|empty|tensor|as_tensor|scalar_tensor|arange|linspace|eye"
          + "|rand|randn|randint)\\(");

  /** Calls of a tensor factory in TorchScript code that leave the device to the default (CPU). */
  static List<String> deviceLessFactories(String code) {
    List<String> found = new ArrayList<>();
    Matcher m = FACTORY.matcher(code);
    while (m.find()) {
      String call = call(code, m.start(), m.end());
      Matcher device = Pattern.compile("\\bdevice=([^,)]+)").matcher(call);
      if (!device.find() || device.group(1).trim().equals("None")) {
        found.add(call);
      }
    }
    return found;
  }

  /** The call text from {@code start} to its closing parenthesis. */
  private static String call(String code, int start, int afterOpen) {
    int depth = 1;
    int i = afterOpen;
    while (i < code.length() && depth > 0) {
      char c = code.charAt(i++);
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    }
    return code.substring(start, i);
  }

  private static String storedCode(Path archive) throws IOException {
    StringBuilder code = new StringBuilder();
    // torch writes stored entries with data descriptors: read through the central directory
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        if (e.getName().contains("/code/") && e.getName().endsWith(".py")) {
          try (InputStream in = zip.getInputStream(e)) {
            code.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
          }
        }
      }
    }
    return code.toString();
  }

  private static List<Path> shippedModules() throws IOException, URISyntaxException {
    // the main classes' directory (test-classes has the same package folders first on the path)
    Path root = Path.of(TorchScriptModules.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI());
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".pt")).sorted().toList();
    }
  }

  @Test
  void everyShippedModuleCreatesItsTensorsOnTheInputsDevice() throws Exception {
    List<Path> modules = shippedModules();
    assertTrue(modules.stream().anyMatch(p -> p.endsWith("train/adamw.pt")), modules::toString);
    for (Path module : modules) {
      String code = storedCode(module);
      assertFalse(code.isBlank(), module + " holds no TorchScript code");
      assertEquals(List.of(), deviceLessFactories(code),
          module + " creates tensors without a device (they land on the CPU)");
    }
  }

  @Test
  void theFusedAdamWStepBuildsItsCounterOnTheParametersDevice() throws Exception {
    Path adamw = shippedModules().stream().filter(p -> p.endsWith("train/adamw.pt"))
        .findFirst().orElseThrow();
    String code = storedCode(adamw);
    assertTrue(code.contains("device=ops.prim.device(param)"), code);
    // settings arrive as a host-side list: no device read-back inside the optimizer step
    assertTrue(code.contains("settings: List[float]"), code);
    assertFalse(code.contains("tolist()"), code);
  }

  @Test
  void recognisesFactoriesWithoutADevice() {
    assertEquals(List.of("torch.full([1], s[5], dtype=6)"),
        deviceLessFactories("step = torch.full([1], s[5], dtype=6)\n"
            + "ok = torch.zeros([2], dtype=6, device=ops.prim.device(param))\n"
            + "same = torch.zeros_like(param)"));
    assertEquals(1, deviceLessFactories("torch.ones([f(1), 2], device=None)").size());
  }
}
