package org.slicelab.ablations.backbone;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Copies a checkpoint directory named by a URI on shared storage ({@code hdfs://},
 * {@code s3a://}, {@code abfs://}, ...) to a local directory, so that {@link Backbones} can load
 * it like a local one. Implementations are found with {@link java.util.ServiceLoader}; the Spark
 * jobs register one backed by Hadoop's FileSystem (any scheme Hadoop is configured for).
 */
public interface RemoteCheckpoints {
  /** Whether this implementation reads URIs of {@code scheme} (lower case). */
  boolean handles(String scheme);

  /**
   * Copies the regular files directly inside the directory {@code source} into {@code target}
   * (an existing empty directory).
   *
   * @throws IOException when the directory cannot be listed or a file cannot be copied
   */
  void copy(URI source, Path target) throws IOException;
}
