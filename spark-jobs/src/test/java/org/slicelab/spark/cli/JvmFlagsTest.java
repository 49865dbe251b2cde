package org.slicelab.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The launcher's JVM flags (conf/jvm.options) and Surefire's (pom.xml) must be the same list. */
class JvmFlagsTest {

  @Test
  void launcherAndBuildUseTheSameJvmFlags() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<String> launcher = Files.readAllLines(root.resolve("conf/jvm.options")).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    Matcher m = Pattern.compile("<slicelab.jvm.flags>(.*?)</slicelab.jvm.flags>")
        .matcher(Files.readString(root.resolve("pom.xml")));
    assertTrue(m.find(), "pom.xml defines slicelab.jvm.flags");
    List<String> build = Arrays.asList(m.group(1).strip().split("\\s+"));
    assertEquals(launcher, build);
    assertTrue(launcher.contains("-Dai.djl.offline=true"), "DJL must run offline");
  }
}
