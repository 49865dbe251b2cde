package org.slicelab.ablations.select;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slicelab.ablations.backbone.LinearLayer;
import org.slicelab.ablations.backbone.TextClassifier;
import org.slicelab.ablations.cache.AtomicFiles;
import org.slicelab.ablations.cache.CacheDirs;
import org.slicelab.ablations.method.FineTuningMethod;
import org.slicelab.ablations.method.FullFineTuning;
import org.slicelab.ablations.method.MethodContext;
import org.slicelab.ablations.train.Autograd;
import org.slicelab.ablations.train.Trainable;
import org.slicelab.ablations.train.TrainingLoop;
import org.slicelab.ablations.train.TrainingOptions;
import org.slicelab.ablations.trial.TrialSpec;

/**
 * Lottery-ticket masks by iterative magnitude pruning with rewinding (Frankle and Carbin 2019;
 * Chen et al. 2020 for BERT), summarised per row and column, computed once and cached on disk.
 *
 * <p>Procedure, for R = {@code lth_rounds} rounds and target sparsity s = {@code lth_sparsity}:
 * <ol>
 *   <li>build a fresh classifier from the pretrained weights (head drawn with the trial seed, as
 *       in the trial itself) in a child manager and zero the masked entries of the targeted
 *       matrices;</li>
 *   <li>fully fine-tune it ({@link FullFineTuning}, {@link TrainingLoop}) on the trial's training
 *       set with the trial's epochs, batch size, warm-up, weight decay, clipping and seed, at the
 *       full-fine-tuning learning rate ({@link #FULL_FT_LR}, ours: the trial's {@code lr} is the
 *       slice's rate, 20x too high for full fine-tuning). Masked entries are re-zeroed after every
 *       optimizer step (ours), so they stay exactly zero in every forward pass;</li>
 *   <li>prune by global magnitude over all targeted matrices down to
 *       {@code round(N (1 - s)^(k/R))} kept entries after round k: the per-round rate of the
 *       remaining weights is {@code p = 1 - (1 - s)^(1/R)} and the last round lands exactly on s
 *       (ties at the threshold: earlier layer, then lower flat index, are pruned first);</li>
 *   <li>rewind: the next round starts again from the pretrained weights.</li>
 * </ol>
 * The "targeted matrices" are the layers the selector is asked about (the trial's targets, plus
 * the head when {@code head = slice}; the head rewinds to its seeded initial values).
 *
 * <p>Only what selection needs is kept: per layer the number of kept entries of every row and
 * column of the final mask, and the magnitude sums (sum of |W|) of every row and column of the
 * last round's fine-tuned weights (tie-break). The cache file
 * ({@code CacheDirs.dir("lth-masks")/lth-<sha256(key)>.bin}) is keyed by backbone + data
 * ({@link SelectionData#taskKey()}), seed, data seed, train size, max length, sparsity, rounds,
 * the training settings above, the targeted layer names and the number of classes; it is written
 * atomically (temp file + move). In one JVM a key is computed once even when several trials ask
 * at once; across JVMs a lock file next to the cache serialises the computation where the file
 * system supports locks.
 */
public final class LotteryTicketMasks {
  /** Learning rate of the lottery-ticket fine-tuning: the default of {@code method = full}. */
  public static final double FULL_FT_LR = 5e-5;

  private static final System.Logger LOG = System.getLogger(LotteryTicketMasks.class.getName());
  private static final int MAGIC = 0x534c5448; // "SLTH"
  private static final int VERSION = 1;
  private static final ConcurrentHashMap<String, CompletableFuture<Summary>> MEMO =
      new ConcurrentHashMap<>();
  private static final AtomicInteger COMPUTATIONS = new AtomicInteger();
  private static final AtomicInteger FILE_LOADS = new AtomicInteger();

  private LotteryTicketMasks() {
  }

  /**
   * Row and column summaries of one layer's final mask.
   *
   * @param name layer name
   * @param rows d_out
   * @param cols d_in
   * @param rowKept kept entries per row (of {@code cols})
   * @param colKept kept entries per column (of {@code rows})
   * @param rowMagnitude sum of |W| per row of the last round's fine-tuned weights
   * @param colMagnitude sum of |W| per column of the last round's fine-tuned weights
   */
  public record LayerDensity(String name, int rows, int cols, int[] rowKept, int[] colKept,
      float[] rowMagnitude, float[] colMagnitude) {

    /** Kept fraction of every row (ROW) or column (COLUMN). */
    public double[] density(SliceAxis axis) {
      int[] kept = axis == SliceAxis.ROW ? rowKept : colKept;
      int length = axis == SliceAxis.ROW ? cols : rows;
      double[] out = new double[kept.length];
      for (int i = 0; i < kept.length; i++) {
        out[i] = (double) kept[i] / length;
      }
      return out;
    }

    /** Fine-tuned magnitude sum of every row (ROW) or column (COLUMN). */
    public float[] magnitude(SliceAxis axis) {
      return axis == SliceAxis.ROW ? rowMagnitude : colMagnitude;
    }

    /** Kept entries of the whole layer. */
    public long kept() {
      long sum = 0;
      for (int k : rowKept) {
        sum += k;
      }
      return sum;
    }
  }

  /**
   * A computed (or loaded) mask summary.
   *
   * @param key the cache key it was computed for
   * @param layers per-layer summaries by layer name, in target order
   * @param totalEntries entries of all targeted matrices
   * @param keptEntries entries kept by the final mask
   * @param computeSeconds wall time of the computation (as stored; not of loading)
   */
  public record Summary(String key, Map<String, LayerDensity> layers, long totalEntries,
      long keptEntries, double computeSeconds) {

    /** The mask's sparsity: pruned / total. */
    public double sparsity() {
      return totalEntries == 0 ? 0 : 1.0 - (double) keptEntries / totalEntries;
    }
  }

  /**
   * Everything the mask depends on.
   *
   * @param taskKey backbone + data identity
   * @param seed trial seed (head init, shuffling)
   * @param dataSeed split seed
   * @param trainSize training examples
   * @param maxLen sequence length
   * @param sparsity target sparsity
   * @param rounds pruning rounds
   * @param epochs epochs per round
   * @param batchSize batch size
   * @param lr learning rate of the fine-tuning
   * @param warmupFraction warm-up share
   * @param weightDecay AdamW decay
   * @param gradClip clipping norm
   * @param layers targeted layer names
   * @param numClasses classes of the head
   */
  public record Settings(String taskKey, long seed, long dataSeed, int trainSize, int maxLen,
      double sparsity, int rounds, int epochs, int batchSize, double lr, double warmupFraction,
      double weightDecay, double gradClip, List<String> layers, int numClasses) {

    /** The settings of a trial for {@code layers}. */
    public static Settings of(TrialSpec spec, SelectionData data, List<String> layers,
        int numClasses) {
      return new Settings(data.taskKey(), spec.seed(), spec.dataSeed(), spec.trainSize(),
          spec.maxLen(), spec.lthSparsity(), spec.lthRounds(), spec.epochs(), spec.batchSize(),
          FULL_FT_LR, spec.warmupFraction(), spec.weightDecay(), spec.gradClip(),
          List.copyOf(layers), numClasses);
    }

    /** The canonical key string. */
    public String key() {
      return "lth-v" + VERSION + "|task=" + taskKey + "|seed=" + seed + "|data_seed=" + dataSeed
          + "|train_size=" + trainSize + "|max_len=" + maxLen + "|sparsity=" + sparsity
          + "|rounds=" + rounds + "|epochs=" + epochs + "|batch_size=" + batchSize + "|lr=" + lr
          + "|warmup=" + warmupFraction + "|weight_decay=" + weightDecay + "|grad_clip="
          + gradClip + "|classes=" + numClasses + "|layers=" + String.join(",", layers);
    }

    /** The cache file name for this key. */
    public String fileName() {
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256")
            .digest(key().getBytes(StandardCharsets.UTF_8));
        return "lth-" + HexFormat.of().formatHex(digest).substring(0, 32) + ".bin";
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** How many masks this JVM has computed (cache misses that ran the pruning). */
  public static int computations() {
    return COMPUTATIONS.get();
  }

  /** How many masks this JVM has read from a cache file. */
  public static int fileLoads() {
    return FILE_LOADS.get();
  }

  /** Forgets masks held in memory (tests: forces the next request to read the file). */
  static void clearMemory() {
    MEMO.clear();
  }

  /** The cache file for {@code settings} (its directory is created). */
  public static Path cachePath(Settings settings) {
    return CacheDirs.dir("lth-masks").resolve(settings.fileName());
  }

  /**
   * The mask summary for {@code layers} of this trial: from memory, else the cache file, else
   * computed (once per key in this JVM) and written to the cache.
   */
  public static Summary obtain(List<String> layers, int numClasses, MethodContext context) {
    Settings settings = Settings.of(context.spec(), context.selection(), layers, numClasses);
    Path file = cachePath(settings);
    String memoKey = file.toAbsolutePath().toString();
    CompletableFuture<Summary> mine = new CompletableFuture<>();
    CompletableFuture<Summary> existing = MEMO.putIfAbsent(memoKey, mine);
    if (existing != null) {
      try {
        return existing.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw e;
      }
    }
    try {
      Summary summary = loadOrCompute(settings, file, context);
      mine.complete(summary);
      return summary;
    } catch (RuntimeException | Error e) {
      MEMO.remove(memoKey, mine);
      mine.completeExceptionally(e);
      throw e;
    }
  }

  private static Summary loadOrCompute(Settings settings, Path file, MethodContext context) {
    Summary cached = read(file, settings.key());
    if (cached != null) {
      return cached;
    }
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      FileLock lock = tryLock(channel);
      try {
        cached = read(file, settings.key());
        if (cached != null) {
          return cached;
        }
        Summary summary = compute(settings, context);
        write(file, summary);
        LOG.log(System.Logger.Level.INFO, String.format(
            "lottery-ticket mask computed in %.1f s (sparsity %.4f, %d rounds) -> %s",
            summary.computeSeconds(), summary.sparsity(), settings.rounds(), file));
        return summary;
      } finally {
        if (lock != null) {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use lottery-ticket cache " + file, e);
    }
  }

  private static FileLock tryLock(FileChannel channel) {
    try {
      return channel.lock();
    } catch (IOException | UnsupportedOperationException e) {
      LOG.log(System.Logger.Level.DEBUG, "file locks unsupported; continuing without", e);
      return null;
    }
  }

  /** Runs iterative magnitude pruning with rewinding for {@code settings}. */
  static Summary compute(Settings settings, MethodContext context) {
    COMPUTATIONS.incrementAndGet();
    Autograd.ensureEngine();
    long start = System.nanoTime();
    SelectionData data = context.selection();
    List<String> names = settings.layers();
    List<boolean[]> masks = new ArrayList<>();
    List<float[]> tuned = new ArrayList<>();
    int[][] shapes = new int[names.size()][];
    long total = 0;
    boolean recording = Autograd.isRecording();
    Autograd.setRecording(false);
    try {
      for (int round = 1; round <= settings.rounds(); round++) {
        tuned.clear();
        try (NDManager manager = context.manager().newSubManager()) {
          TextClassifier model = TextClassifier.create(manager, data.config(), data.pretrained(),
              settings.numClasses(), settings.seed());
          Map<String, LinearLayer> byName = new LinkedHashMap<>();
          model.allLinearLayers().forEach(l -> byName.put(l.name(), l));
          List<NDArray> weights = new ArrayList<>();
          List<NDArray> maskArrays = new ArrayList<>();
          for (int i = 0; i < names.size(); i++) {
            LinearLayer layer = byName.get(names.get(i));
            if (layer == null) {
              throw new IllegalArgumentException("lottery-ticket target '" + names.get(i)
                  + "' is not a Linear layer of the classifier");
            }
            if (round == 1) {
              shapes[i] = new int[] {layer.outFeatures(), layer.inFeatures()};
              boolean[] all = new boolean[shapes[i][0] * shapes[i][1]];
              Arrays.fill(all, true);
              masks.add(all);
              total += all.length;
            }
            NDArray mask = manager.create(toFloats(masks.get(i)),
                new Shape(shapes[i][0], shapes[i][1]));
            layer.weight().muli(mask);
            weights.add(layer.weight());
            maskArrays.add(mask);
          }
          MaskedFullFineTuning method = new MaskedFullFineTuning(weights, maskArrays);
          method.attach(model, new MethodContext(context.spec(), manager, data));
          TrainingLoop.train(model, method, data.train(), manager, new TrainingOptions(
              settings.epochs(), settings.batchSize(), settings.lr(), settings.warmupFraction(),
              settings.weightDecay(), settings.gradClip(), settings.seed()));
          for (NDArray w : weights) {
            tuned.add(w.toFloatArray());
          }
        }
        long target = Math.round(total * Math.pow(1 - settings.sparsity(),
            (double) round / settings.rounds()));
        prune(masks, tuned, target);
      }
    } finally {
      Autograd.setRecording(recording);
    }
    Map<String, LayerDensity> layers = new LinkedHashMap<>();
    long kept = 0;
    for (int i = 0; i < names.size(); i++) {
      LayerDensity d = summarise(names.get(i), shapes[i][0], shapes[i][1], masks.get(i),
          tuned.get(i));
      kept += d.kept();
      layers.put(d.name(), d);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Summary(settings.key(), Collections.unmodifiableMap(layers), total, kept, seconds);
  }

  private static float[] toFloats(boolean[] mask) {
    float[] out = new float[mask.length];
    for (int i = 0; i < mask.length; i++) {
      out[i] = mask[i] ? 1f : 0f;
    }
    return out;
  }

  /**
   * Prunes (sets to false) the kept entries with the smallest |weight| over all matrices until
   * {@code target} remain; ties at the threshold go in layer order, then flat index. Returns the
   * number kept.
   */
  static long prune(List<boolean[]> masks, List<float[]> weights, long target) {
    long kept = 0;
    for (boolean[] m : masks) {
      for (boolean b : m) {
        kept += b ? 1 : 0;
      }
    }
    long toPrune = kept - Math.max(0, target);
    if (toPrune <= 0) {
      return kept;
    }
    float[] magnitudes = new float[Math.toIntExact(kept)];
    int n = 0;
    for (int l = 0; l < masks.size(); l++) {
      boolean[] m = masks.get(l);
      float[] w = weights.get(l);
      for (int i = 0; i < m.length; i++) {
        if (m[i]) {
          magnitudes[n++] = Math.abs(w[i]);
        }
      }
    }
    Arrays.sort(magnitudes);
    float threshold = magnitudes[(int) toPrune - 1];
    long below = 0;
    while (below < magnitudes.length && magnitudes[(int) below] < threshold) {
      below++;
    }
    long atThreshold = toPrune - below;
    for (int l = 0; l < masks.size(); l++) {
      boolean[] m = masks.get(l);
      float[] w = weights.get(l);
      for (int i = 0; i < m.length; i++) {
        if (!m[i]) {
          continue;
        }
        float a = Math.abs(w[i]);
        if (a < threshold) {
          m[i] = false;
        } else if (a == threshold && atThreshold > 0) {
          m[i] = false;
          atThreshold--;
        }
      }
    }
    return kept - toPrune;
  }

  /** Row/column kept counts of {@code mask} and row/column |W| sums of {@code weight}. */
  static LayerDensity summarise(String name, int rows, int cols, boolean[] mask, float[] weight) {
    int[] rowKept = new int[rows];
    int[] colKept = new int[cols];
    double[] rowMag = new double[rows];
    double[] colMag = new double[cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        int k = i * cols + j;
        if (mask[k]) {
          rowKept[i]++;
          colKept[j]++;
        }
        double a = Math.abs(weight[k]);
        rowMag[i] += a;
        colMag[j] += a;
      }
    }
    return new LayerDensity(name, rows, cols, rowKept, colKept, toFloat(rowMag), toFloat(colMag));
  }

  private static float[] toFloat(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  // ---- cache file ----------------------------------------------------------------------------

  /** Writes {@code summary} to {@code file} atomically (temp file in the same directory + move). */
  static void write(Path file, Summary summary) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    try {
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
          Files.newOutputStream(tmp)))) {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        byte[] key = summary.key().getBytes(StandardCharsets.UTF_8);
        out.writeInt(key.length);
        out.write(key);
        out.writeDouble(summary.computeSeconds());
        out.writeLong(summary.totalEntries());
        out.writeLong(summary.keptEntries());
        out.writeInt(summary.layers().size());
        for (LayerDensity d : summary.layers().values()) {
          out.writeUTF(d.name());
          out.writeInt(d.rows());
          out.writeInt(d.cols());
          writeInts(out, d.rowKept());
          writeInts(out, d.colKept());
          writeFloats(out, d.rowMagnitude());
          writeFloats(out, d.colMagnitude());
        }
      }
      try {
        // createTempFile makes an owner-only file; a cache may be shared by several users
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException | IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "cannot widen permissions of " + tmp, e);
      }
      AtomicFiles.replace(tmp, file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The summary in {@code file} if it exists, is intact and was made for {@code key}; else null. */
  static Summary read(Path file, String key) {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(
        Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        LOG.log(System.Logger.Level.WARNING, file + " is not a lottery-ticket cache file; "
            + "recomputing");
        return null;
      }
      byte[] storedKey = new byte[in.readInt()];
      in.readFully(storedKey);
      if (!new String(storedKey, StandardCharsets.UTF_8).equals(key)) {
        LOG.log(System.Logger.Level.WARNING, file + " holds another key; recomputing");
        return null;
      }
      double seconds = in.readDouble();
      long total = in.readLong();
      long kept = in.readLong();
      int count = in.readInt();
      Map<String, LayerDensity> layers = new LinkedHashMap<>();
      for (int l = 0; l < count; l++) {
        String name = in.readUTF();
        int rows = in.readInt();
        int cols = in.readInt();
        layers.put(name, new LayerDensity(name, rows, cols, readInts(in, rows),
            readInts(in, cols), readFloats(in, rows), readFloats(in, cols)));
      }
      FILE_LOADS.incrementAndGet();
      return new Summary(key, Collections.unmodifiableMap(layers), total, kept, seconds);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "unreadable lottery-ticket cache " + file
          + "; recomputing", e);
      return null;
    }
  }

  private static void writeInts(DataOutputStream out, int[] values) throws IOException {
    for (int v : values) {
      out.writeInt(v);
    }
  }

  private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    for (float v : values) {
      out.writeFloat(v);
    }
  }

  private static int[] readInts(DataInputStream in, int n) throws IOException {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = in.readInt();
    }
    return out;
  }

  private static float[] readFloats(DataInputStream in, int n) throws IOException {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = in.readFloat();
    }
    return out;
  }

  /**
   * Full fine-tuning under a fixed mask: after every optimizer step the masked entries of the
   * targeted weights are set back to zero (in place, autograd off), so the masked network is what
   * trains. Trainables never change, so the optimizer state is kept.
   */
  static final class MaskedFullFineTuning implements FineTuningMethod {
    private final FullFineTuning full = new FullFineTuning();
    private final List<NDArray> weights;
    private final List<NDArray> masks;

    MaskedFullFineTuning(List<NDArray> weights, List<NDArray> masks) {
      this.weights = weights;
      this.masks = masks;
    }

    @Override
    public void attach(TextClassifier model, MethodContext context) {
      full.attach(model, context);
    }

    @Override
    public List<Trainable> trainables() {
      return full.trainables();
    }

    @Override
    public boolean afterStep(int stepsDone) {
      boolean recording = Autograd.isRecording();
      Autograd.setRecording(false);
      try {
        for (int i = 0; i < weights.size(); i++) {
          weights.get(i).muli(masks.get(i));
        }
      } finally {
        Autograd.setRecording(recording);
      }
      return false;
    }

    @Override
    public void merge(TextClassifier model) {
      full.merge(model);
    }
  }
}
