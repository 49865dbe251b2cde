package org.slicelab.ablations.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.apache.commons.codec.binary.Hex;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * SHA-256 of an ordered list of example ids: two trials with the same fingerprint for a split
 * saw exactly the same examples in the same order, so their per-example predictions can be
 * paired index by index.
 */
public final class ExampleFingerprint {
  private ExampleFingerprint() {
  }

  /** SHA-256 (hex) of the ids, each followed by a newline, in order. */
  public static String of(List<String> ids) {
    MessageDigest digest = DigestUtils.getSha256Digest();
    for (String id : ids) {
      digest.update(id.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) '\n');
    }
    return Hex.encodeHexString(digest.digest());
  }

  /** The ids of {@code examples}, in order. */
  public static List<String> ids(List<? extends LabeledExample> examples) {
    return examples.stream().map(LabeledExample::id).toList();
  }
}
