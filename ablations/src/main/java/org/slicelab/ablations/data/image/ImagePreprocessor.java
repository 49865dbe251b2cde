package org.slicelab.ablations.data.image;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decodes and resizes images into {@link ImageExamples} ({@link ImageResizer}: central square,
 * bilinear, gray kept as one plane), keeping the resized pixels of recently used images per
 * (data set, image size, example id) in memory up to a byte budget, least recently used first
 * out: validation and test subsamples are the same for every trial seed, and training
 * subsamples overlap, so most trials after the first decode few images.
 */
public final class ImagePreprocessor {
  /** The default cache budget: 512 MiB of resized pixels. */
  public static final long DEFAULT_CACHE_BYTES = 512L << 20;

  private static final ImagePreprocessor SHARED = new ImagePreprocessor(DEFAULT_CACHE_BYTES);

  private final long budget;
  private final Map<String, byte[]> cache = new LinkedHashMap<>(256, 0.75f, true);
  private long cachedBytes;
  private final AtomicInteger decoded = new AtomicInteger();

  /** A preprocessor caching up to {@code cacheBytes} of resized pixels (0: no cache). */
  public ImagePreprocessor(long cacheBytes) {
    this.budget = cacheBytes;
  }

  /** The per-JVM preprocessor. */
  public static ImagePreprocessor shared() {
    return SHARED;
  }

  /**
   * The images of {@code dataset} (its canonical name: the cache key) at {@code input}'s size,
   * with its normalisation applied at upload.
   *
   * @throws IllegalArgumentException naming the image that cannot be decoded
   */
  public ImageExamples examples(String dataset, List<LabeledImage> images, ImageInput input) {
    byte[][] pixels = new byte[images.size()][];
    int[] labels = new int[images.size()];
    for (int i = 0; i < images.size(); i++) {
      LabeledImage image = images.get(i);
      pixels[i] = pixels(dataset + '\n' + input.size() + '\n' + image.id(), image, input.size());
      labels[i] = image.label();
    }
    return new ImageExamples(input.size(), pixels, labels, input.normalization());
  }

  /** How many images this preprocessor decoded and resized (cache misses). */
  public int decoded() {
    return decoded.get();
  }

  private byte[] pixels(String key, LabeledImage image, int size) {
    synchronized (cache) {
      byte[] hit = cache.get(key);
      if (hit != null) {
        return hit;
      }
    }
    decoded.incrementAndGet();
    byte[] pixels = ImageResizer.pixels(image.source().read(), size);
    synchronized (cache) {
      if (pixels.length <= budget && cache.put(key, pixels) == null) {
        cachedBytes += pixels.length;
        var eldest = cache.entrySet().iterator();
        while (cachedBytes > budget && eldest.hasNext()) {
          cachedBytes -= eldest.next().getValue().length;
          eldest.remove();
        }
      }
    }
    return pixels;
  }
}
