package org.slicelab.spark.backbone;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code slicelabtest://} (registered in the test
 * {@code core-site.xml}): a Hadoop URI that is not {@code file:}, so tests take the path an
 * {@code hdfs://} or {@code s3a://} checkpoint takes, without a cluster.
 */
public class LocalTestFileSystem extends RawLocalFileSystem {
  /** The scheme. */
  public static final String SCHEME = "slicelabtest";

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }
}
