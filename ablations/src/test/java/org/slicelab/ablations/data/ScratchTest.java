package org.slicelab.ablations.data;

import org.junit.jupiter.api.Test;
import java.util.*;

class ScratchTest {
  @Test
  void explore() throws Exception {
    SpamAssassinCorpus c = SpamAssassinCorpus.get();
    var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(new org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream(java.nio.file.Files.newInputStream(c.source())));
    var om = new com.fasterxml.jackson.databind.ObjectMapper();
    Map<String,String> raw = new TreeMap<>();
    for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
      String[] p = e.getName().split("/");
      if (p.length==4 && p[3].endsWith(".json")) raw.put(p[2]+"/"+p[3].replace(".json",""), om.readTree(tar.readAllBytes()).path("text").asText());
    }
    Map<String,String> first = new HashMap<>();
    Set<String> rawSeen = new HashSet<>();
    java.io.PrintWriter out = new java.io.PrintWriter("/tmp/sa/pairs.txt");
    for (var en : raw.entrySet()) {
      String t = en.getValue(); int i = t.indexOf("\n\n"); String rb = i < 0 ? "" : t.substring(i+2).replaceAll("\\s+"," ").trim();
      boolean rawDup = !rawSeen.add(rb);
      String b = EmailText.bodyText(t);
      if (b.isEmpty()) continue;
      String prev = first.putIfAbsent(b, en.getKey());
      if (prev != null && !rawDup) out.println(en.getKey() + " " + prev + " :: " + b.length() + " :: " + b.substring(0, Math.min(160, b.length())));
    }
    out.close();
  }
}
