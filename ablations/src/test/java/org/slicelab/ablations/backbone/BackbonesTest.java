package org.slicelab.ablations.backbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slicelab.ablations.trial.TrialSpec;

/** Backbone names, aliases, the per-JVM cache, and the built-in shapes against their weights. */
class BackbonesTest {

  @Test
  void aliasIsNormalisedSoTrialIdsDoNotChange() {
    TrialSpec byDefault = TrialSpec.builder().build();
    TrialSpec byAlias = TrialSpec.builder().backbone("minilm").build();
    assertEquals("all-minilm-l6-v2", byAlias.backbone());
    assertEquals(byDefault.trialId(), byAlias.trialId());
    assertTrue(byDefault.toJson().contains("\"backbone\":\"all-minilm-l6-v2\""));
    assertSame(Backbones.get("minilm"), Backbones.get("all-minilm-l6-v2"));
  }

  @Test
  void unknownNameIsRejectedWithTheAllowedValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrialSpec.builder().backbone("bert-large").build());
    assertTrue(e.getMessage().contains("'backbone'"), e.getMessage());
    assertTrue(e.getMessage().contains("bge-small") && e.getMessage().contains("e5-small")
        && e.getMessage().contains("checkpoint"), e.getMessage());
  }

  @Test
  void uriSchemesWithoutAReaderAskForOneOrAMount() {
    // this module has no RemoteCheckpoints (the Spark jobs register the Hadoop one)
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Backbones.get("hdfs://namenode/models/bert"));
    assertTrue(e.getMessage().contains("no reader for 'hdfs://'")
        && e.getMessage().contains("mount"), e.getMessage());
  }

  @Test
  void twelveLayerBackbonesHaveTheDeclaredShape() {
    for (String name : new String[] {"bge-small", "e5-small"}) {
      TextBackbone b = Backbones.text(name);
      assertEquals(12, b.config().layers());
      // weights() checks every tensor against the config and fails on a mismatch
      assertEquals(5 + 12 * 16, b.weights().size(), name);
      assertEquals(64, b.weightsSha256().length());
      assertSame(b.weights(), Backbones.get(name).weights(), "read once per JVM");
    }
    assertEquals(BertConfig.miniLm(), Backbones.text("minilm").config());
  }

  @Test
  void shapeMismatchNamesTheTensor() {
    BertConfig wrong = new BertConfig(30522, 384, 6, 12, 1024, 512, 2, 1e-12f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> wrong.checkWeights(Backbones.get("minilm").weights(), "test"));
    assertTrue(e.getMessage().contains("encoder.layer.0.intermediate.dense.weight"),
        e.getMessage());
  }
}
