package org.slicelab.spark.backbone;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.slicelab.ablations.backbone.RemoteCheckpoints;
import scala.Tuple2;

/**
 * Checkpoint directories on any storage Hadoop's FileSystem is configured for ({@code hdfs://},
 * {@code s3a://}, {@code abfs://}, {@code viewfs://}, ...), for {@code backbone} values that are
 * such URIs. Registered through {@link java.util.ServiceLoader}. The Hadoop configuration is the
 * usual one ({@code core-site.xml}, {@code hdfs-site.xml} on the classpath or in
 * {@code HADOOP_CONF_DIR}) plus, inside a Spark application, every {@code spark.hadoop.*}
 * property, as Spark itself does for its own file access.
 */
public final class HadoopCheckpoints implements RemoteCheckpoints {
  private final Supplier<Configuration> configuration;

  /** The ServiceLoader constructor: the Hadoop configuration of this JVM. */
  public HadoopCheckpoints() {
    this(HadoopCheckpoints::sparkAwareConfiguration);
  }

  /** With a given configuration source (tests). */
  HadoopCheckpoints(Supplier<Configuration> configuration) {
    this.configuration = configuration;
  }

  @Override
  public boolean handles(String scheme) {
    try {
      FileSystem.getFileSystemClass(scheme, configuration.get());
      return !scheme.equals("file");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void copy(URI source, Path target) throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(source);
    FileSystem fs = dir.getFileSystem(configuration.get());
    if (!fs.getFileStatus(dir).isDirectory()) {
      throw new IOException(source + " is not a directory");
    }
    for (FileStatus file : fs.listStatus(dir)) {
      if (file.isFile()) {
        fs.copyToLocalFile(false, file.getPath(), new org.apache.hadoop.fs.Path(
            target.resolve(file.getPath().getName()).toUri()), true);
      }
    }
  }

  private static Configuration sparkAwareConfiguration() {
    Configuration conf = new Configuration();
    SparkEnv env = SparkEnv.get();
    if (env != null) {
      for (Tuple2<String, String> e : env.conf().getAllWithPrefix("spark.hadoop.")) {
        conf.set(e._1(), e._2());
      }
    }
    return conf;
  }
}
