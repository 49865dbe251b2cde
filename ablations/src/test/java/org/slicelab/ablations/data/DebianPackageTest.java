package org.slicelab.ablations.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian data packages: fetched with apt-get download, verified, read without unpacking. */
class DebianPackageTest {
  private static final String CONTENT = "a Debian package";

  private static DebianPackage pinned(String content) {
    return new DebianPackage("dataset-demo", "1.0-1",
        DigestUtils.sha256Hex(content.getBytes(StandardCharsets.UTF_8)), "Demo");
  }

  @Test
  void downloadIsVerifiedAndPutInPlace(@TempDir Path dir) throws IOException {
    Path apt = script(dir, "printf '" + CONTENT + "' > \"$(echo \"$2\" | tr = _)_all.deb\"");
    Path data = dir.resolve("data");
    DebianPackage deb = pinned(CONTENT);
    int runs = DebianPackage.APT_RUNS.get();
    Path file = deb.ensure(data, apt.toString());
    assertEquals(data.resolve("dataset-demo_1.0-1_all.deb"), file);
    assertEquals(CONTENT, Files.readString(file));
    assertEquals(List.of(file), Files.list(data).toList(), "no temporary files left");
    deb.ensure(data, dir.resolve("no-such-apt-get").toString());
    assertEquals(runs + 1, DebianPackage.APT_RUNS.get(), "the verified file is reused");

    // a file with another checksum is neither kept nor used
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> pinned("other content").ensure(dir.resolve("other"), apt.toString()));
    assertTrue(e.getMessage().contains("the downloaded file has sha256 "), e.getMessage());
    assertFalse(Files.exists(dir.resolve("other/dataset-demo_1.0-1_all.deb")));
  }

  @Test
  void missingPackageListsGiveAnErrorSayingWhatToRun(@TempDir Path dir) throws IOException {
    Path apt = script(dir, "echo 'E: Unable to locate package dataset-demo'; exit 100");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> pinned(CONTENT).ensure(dir.resolve("data"), apt.toString()));
    String m = e.getMessage();
    assertTrue(m.startsWith("Demo data package unavailable: " + apt + " download exited with "
        + "100: E: Unable to locate package dataset-demo."), m);
    assertTrue(m.contains("run 'apt-get update' once (as root) and try again"), m);
    assertTrue(m.contains("cd " + dir.resolve("data") + " && apt-get download "
        + "dataset-demo=1.0-1"), m);
    e = assertThrows(IllegalStateException.class, () -> pinned(CONTENT)
        .ensure(dir.resolve("data"), dir.resolve("no-such-apt-get").toString()));
    assertTrue(e.getMessage().contains("could not run " + dir.resolve("no-such-apt-get")),
        e.getMessage());
  }

  @Test
  void archiveMembersAreReadInPlace(@TempDir Path dir) throws IOException {
    Path deb = dir.resolve("demo.deb");
    try (OutputStream out = Files.newOutputStream(deb);
        ArArchiveOutputStream ar = new ArArchiveOutputStream(out)) {
      member(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
      member(ar, "control.tar.xz", xzTar(Map.of("./control", "Package: demo\n")));
      member(ar, "data.tar.xz", xzTar(Map.of("./usr/share/demo/a.txt", "first",
          "./usr/share/demo/b.txt", "second")));
    }
    Map<String, byte[]> files = DebianArchive.read(deb, List.of("/usr/share/demo/b.txt",
        "/usr/share/demo/a.txt"));
    assertEquals(List.of("/usr/share/demo/b.txt", "/usr/share/demo/a.txt"),
        List.copyOf(files.keySet()));
    assertArrayEquals("second".getBytes(StandardCharsets.UTF_8),
        files.get("/usr/share/demo/b.txt"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DebianArchive.read(deb, List.of("/usr/share/demo/c.txt")));
    assertEquals(deb + " has no file /usr/share/demo/c.txt", e.getMessage());
  }

  private static void member(ArArchiveOutputStream ar, String name, byte[] content)
      throws IOException {
    ar.putArchiveEntry(new ArArchiveEntry(name, content.length));
    ar.write(content);
    ar.closeArchiveEntry();
  }

  private static byte[] xzTar(Map<String, String> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
        new XZCompressorOutputStream(bytes))) {
      for (Map.Entry<String, String> f : new java.util.TreeMap<>(files).entrySet()) {
        byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(f.getKey());
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static Path script(Path dir, String body) throws IOException {
    Path file = dir.resolve("fake-apt-get");
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
