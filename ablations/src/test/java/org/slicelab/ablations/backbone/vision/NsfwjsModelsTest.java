package org.slicelab.ablations.backbone.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.cache.CacheDirs;

/**
 * The built-in models are converted once per cache and reused while their files keep their
 * checksums; a damaged conversion is redone. Runs in its own cache root, with the package copied
 * from the shared cache (fetched there by npm if needed).
 */
class NsfwjsModelsTest {
  @TempDir
  Path root;
  private String previousRoot;

  @BeforeEach
  void useOwnCache() throws IOException {
    Path tgz = NsfwjsModels.NPM.ensure(CacheDirs.dir("data"), "npm");
    previousRoot = System.getProperty(CacheDirs.PROPERTY);
    System.setProperty(CacheDirs.PROPERTY, root.toString());
    Files.copy(tgz, CacheDirs.dir("data").resolve(tgz.getFileName()));
    NsfwjsModels.CONVERTED.forgetMemory();
  }

  @AfterEach
  void restoreCache() {
    if (previousRoot == null) {
      System.clearProperty(CacheDirs.PROPERTY);
    } else {
      System.setProperty(CacheDirs.PROPERTY, previousRoot);
    }
    NsfwjsModels.CONVERTED.forgetMemory();
  }

  @Test
  void convertsOnceAndRedoesADamagedConversion() throws IOException {
    int before = NsfwjsModels.CONVERTED.computations();
    Path json = NsfwjsModels.modelJson("mobilenet_v2");
    assertTrue(json.startsWith(root), json.toString());
    assertEquals(before + 1, NsfwjsModels.CONVERTED.computations());
    String sha = TfjsModelFile.read(json).weightsSha256();

    NsfwjsModels.CONVERTED.forgetMemory();
    assertEquals(json, NsfwjsModels.modelJson("mobilenet_v2"));
    assertEquals(before + 1, NsfwjsModels.CONVERTED.computations(), "reused from the receipt");

    Files.write(json.resolveSibling("group1-shard1of1.bin"), new byte[] {1},
        StandardOpenOption.APPEND);
    NsfwjsModels.CONVERTED.forgetMemory();
    Path again = NsfwjsModels.modelJson("mobilenet_v2");
    assertEquals(before + 2, NsfwjsModels.CONVERTED.computations(), "converted again");
    assertEquals(sha, TfjsModelFile.read(again).weightsSha256());
  }
}
