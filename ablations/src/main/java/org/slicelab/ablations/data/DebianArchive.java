package org.slicelab.ablations.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * Reads files out of a Debian package without unpacking it: a {@code .deb} is an ar archive
 * whose {@code data.tar.*} member (xz or gzip compressed) holds the installed files.
 */
public final class DebianArchive {
  private DebianArchive() {
  }

  /**
   * The contents of {@code paths} (as installed, e.g. {@code /usr/share/x/y.gz}), in that order.
   *
   * @throws IllegalStateException if the archive has no data member or lacks one of the files
   */
  public static Map<String, byte[]> read(Path deb, List<String> paths) {
    Map<String, byte[]> found = new LinkedHashMap<>();
    try (InputStream file = new BufferedInputStream(Files.newInputStream(deb), 1 << 16);
        ArArchiveInputStream ar = new ArArchiveInputStream(file)) {
      for (ArArchiveEntry member = ar.getNextEntry(); member != null;
          member = ar.getNextEntry()) {
        if (member.getName().startsWith("data.tar")) {
          readData(new BufferedInputStream(ar, 1 << 16), paths, found);
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Debian package " + deb, e);
    } catch (CompressorException e) {
      throw new IllegalStateException(deb + ": the data member's compression is not supported ("
          + e.getMessage() + ")", e);
    }
    Map<String, byte[]> ordered = new LinkedHashMap<>();
    for (String path : paths) {
      byte[] content = found.get(path);
      if (content == null) {
        throw new IllegalStateException(deb + " has no file " + path);
      }
      ordered.put(path, content);
    }
    return ordered;
  }

  private static void readData(InputStream compressed, List<String> paths,
      Map<String, byte[]> found) throws IOException, CompressorException {
    InputStream data = CompressorStreamFactory.getSingleton().createCompressorInputStream(
        compressed);
    TarArchiveInputStream tar = new TarArchiveInputStream(data);
    for (TarArchiveEntry entry = tar.getNextEntry(); entry != null && found.size() < paths.size();
        entry = tar.getNextEntry()) {
      String name = entry.getName().startsWith("./") ? entry.getName().substring(1)
          : "/" + entry.getName();
      if (entry.isFile() && paths.contains(name)) {
        found.put(name, tar.readAllBytes());
      }
    }
  }
}
