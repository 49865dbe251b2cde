package org.slicelab.spark.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.backbone.TextBackbone;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.cache.CacheDirs;

/**
 * A backbone given as a Hadoop URI: copied once into the cache through Hadoop's FileSystem and
 * loaded with the same weights as the directory itself. The URI names the ablations module's
 * tiny BERT fixture under a test scheme that Hadoop maps to the local disk
 * ({@link LocalTestFileSystem}, test {@code core-site.xml}), so no cluster is needed; hdfs:// or
 * s3a:// take the same path.
 */
class HadoopCheckpointsTest {
  private static final Path TINY = Path.of("../ablations/src/test/resources/checkpoints/tiny-bert")
      .toAbsolutePath().normalize();
  private static final String URI_TINY = LocalTestFileSystem.SCHEME + "://" + TINY;

  @TempDir
  Path cache;

  @AfterEach
  void restoreCache() {
    System.clearProperty(CacheDirs.PROPERTY);
  }

  @Test
  void schemesHadoopKnowsAreHandledExceptPlainFiles() {
    HadoopCheckpoints h = new HadoopCheckpoints();
    assertTrue(h.handles("hdfs"));
    assertTrue(h.handles(LocalTestFileSystem.SCHEME));
    assertFalse(h.handles("file"), "file: URIs are read directly");
    assertFalse(h.handles("nosuchfs"));
  }

  @Test
  void aHadoopUriBackboneIsCopiedOnceAndLoadsLikeTheDirectory() throws Exception {
    System.setProperty(CacheDirs.PROPERTY, cache.toString());
    TextBackbone remote = Backbones.text(URI_TINY);
    TextBackbone local = Backbones.text(TINY.toString());
    assertEquals(local.config(), remote.config());
    assertEquals(local.weightsSha256(), remote.weightsSha256());
    assertEquals(local.weights().keySet(), remote.weights().keySet());
    local.weights().forEach((name, t) -> assertEquals(t, remote.weights().get(name), name));
    try (Stream<Path> copies = Files.list(cache.resolve("checkpoints"))) {
      List<Path> dirs = copies.toList();
      assertEquals(1, dirs.size(), "one copy, no partial directory left: " + dirs);
      assertTrue(Files.isRegularFile(dirs.get(0).resolve("model.safetensors")));
      assertFalse(Files.exists(dirs.get(0).resolve(".model.safetensors.crc")), "no .crc files");
    }
    assertSame(remote, Backbones.get(URI_TINY), "once per JVM");
  }

  @Test
  void aFileIsNotACheckpointDirectory(@TempDir Path target) {
    HadoopCheckpoints h = new HadoopCheckpoints(Configuration::new);
    IOException e = assertThrows(IOException.class,
        () -> h.copy(URI.create(URI_TINY + "/config.json"), target));
    assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
  }

  @Test
  void aSchemeNobodyReadsFailsNamingTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Backbones.get("nosuchfs://host/models/bert"));
    assertTrue(e.getMessage().contains("trial option 'backbone'")
        && e.getMessage().contains("'nosuchfs://'") && e.getMessage().contains("mount"),
        e.getMessage());
  }
}
