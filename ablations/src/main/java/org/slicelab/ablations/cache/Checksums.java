package org.slicelab.ablations.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** SHA-256 checksums of files, lower-case hex, for provenance records and cache checks. */
public final class Checksums {
  private Checksums() {
  }

  /** SHA-256 of a file. */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest = newDigest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * SHA-256 of one file, or for several the SHA-256 of their "file-name sha256" lines in the
   * given order (so a set of shards or data files has one checksum).
   */
  public static String sha256(List<Path> files) {
    try {
      if (files.size() == 1) {
        return sha256(files.get(0));
      }
      StringBuilder lines = new StringBuilder();
      for (Path f : files) {
        lines.append(f.getFileName()).append(' ').append(sha256(f)).append('\n');
      }
      return HexFormat.of().formatHex(newDigest().digest(
          lines.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hash " + files, e);
    }
  }

  /** A fresh SHA-256 digest. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
