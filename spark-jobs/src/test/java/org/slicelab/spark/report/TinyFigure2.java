package org.slicelab.spark.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slicelab.spark.sweep.SweepTestSupport;
import org.slicelab.spark.sweep.SweepTestSupport.CliRun;

/**
 * A real but tiny Figure 2 run ({@code slicelab figure2} on a grid with every Figure 2 panel,
 * train_size 16, max_len 32, one epoch, one seed, plus one trial with an injected fault), made
 * once per test JVM and shared by the end-to-end and notebook tests.
 */
public final class TinyFigure2 {
  /**
   * Every panel of figure2.conf with 1-4 points, and one failing trial: 14 distinct trials (the
   * rank-2 row slice at position 0 is in both the rank and the position panel: position 0.0 and
   * the default 0 are the same spec).
   */
  public static final String GRID = """
      name = figure2-tiny
      description = "every Figure 2 panel with tiny trials, for tests"
      defaults { train_size = 16, val_size = 16, test_size = 16, max_len = 32, epochs = 1,
                 batch_size = 8, seed = 1 }
      panels {
        rank { fixed { method = slicefine, lr = 5e-3 }, axes { rank = [1, 2] } }
        position {
          fixed { method = slicefine, rank = 2, lr = 5e-3 }
          axes { mode = [row, column], position = [0.0, 0.999] }
        }
        wanda {
          fixed { method = slicefine, rank = 2, lr = 5e-3, calib_size = 8 }
          axes { selector = ["wanda:most", "wanda:random"] }
        }
        lth {
          fixed { method = slicefine, rank = 2, lr = 5e-3, lth_rounds = 1 }
          axes { selector = ["lth:good", "lth:bad"] }
        }
        sift { fixed { method = sift, lr = 1e-3 }, axes { sift_rate = [0.01] } }
        reference_head { fixed { method = head, lr = 5e-3 } }
        reference_full { fixed { method = full, lr = 5e-5 } }
        reference_lora { fixed { method = lora, rank = 2, lr = 1e-3 } }
        faults { fixed { method = head, fault = throw } }
      }
      """;
  public static final int TRIALS = 14;


  /** The shared run. */
  public record Run(Path dir, Path grid, Path out, CliRun first) {
  }

  private static Run run;

  private TinyFigure2() {
  }

  /** Runs {@code slicelab figure2} on the tiny grid the first time; later calls reuse it. */
  public static synchronized Run get() {
    if (run == null) {
      ReportTestSupport.quietLogs();
      try {
        Path dir = Files.createTempDirectory("slicelab-tiny-figure2");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        Path grid = dir.resolve("figure2-tiny.conf");
        Files.writeString(grid, GRID);
        Path out = dir.resolve("results");
        CliRun first = SweepTestSupport.cli("figure2", "--grid", grid.toString(), "--out", out.toString(),
            "--master", "local[2]");
        run = new Run(dir, grid, out, first);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return run;
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
