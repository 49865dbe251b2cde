package org.slicelab.spark.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.spark.sweep.SweepTestSupport;

/**
 * Every relative link in the README and the docs points to a file that exists and, with a
 * {@code #fragment}, to a heading of that Markdown file (GitHub's anchor rule). The README is the
 * front door and the docs are the reference: a moved section must not leave a dead link behind.
 */
class DocsLinksTest {
  static final Path ROOT = SweepTestSupport.ROOT;
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");

  @Test
  void everyRelativeLinkOfTheReadmeAndTheDocsResolves() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"),
        ROOT.resolve("notebooks-zeppelin/README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      broken.addAll(brokenLinks(page));
    }
    assertEquals(List.of(), broken, "broken links in the README or docs/");
  }

  @Test
  void aMissingFileAndAMissingAnchorAreBothFound(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("other.md"), "# Other page\n\n## Failures: what survives what\n");
    Path page = dir.resolve("page.md");
    Files.writeString(page, String.join("\n",
        "[ok](other.md#failures-what-survives-what) [ok too](#local-heading)",
        "[gone](missing.md) [no anchor](other.md#nowhere) [web](https://example.org/x.md)",
        "`[code](missing-too.md)`", "## Local heading", ""));
    assertEquals(List.of("page.md: missing file missing.md",
        "page.md: missing anchor other.md#nowhere"), brokenLinks(page));
  }

  @Test
  void repeatedHeadingsGetNumberedAnchorsAsOnGitHub() {
    Set<String> anchors = anchors(List.of("## Results", "text", "## Results", "```", "# not a",
        "```", "### Speed & memory (2026)"));
    assertTrue(anchors.containsAll(Set.of("results", "results-1", "speed--memory-2026")));
    assertEquals(3, anchors.size());
  }

  static List<String> brokenLinks(Path page) throws IOException {
    String text = Files.readString(page).replaceAll("(?s)```.*?```", "")
        .replaceAll("`[^`\\n]*`", "");
    List<String> broken = new ArrayList<>();
    Matcher m = LINK.matcher(text);
    while (m.find()) {
      String target = m.group(1);
      if (target.matches("^[a-z]+:.*")) {
        continue; // http:, https:, mailto:
      }
      int hash = target.indexOf('#');
      String file = hash < 0 ? target : target.substring(0, hash);
      String fragment = hash < 0 ? "" : target.substring(hash + 1);
      Path dest = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
      String name = page.getFileName().toString();
      if (!Files.exists(dest)) {
        broken.add(name + ": missing file " + target);
      } else if (!fragment.isEmpty() && dest.toString().endsWith(".md")
          && !anchors(Files.readAllLines(dest)).contains(fragment)) {
        broken.add(name + ": missing anchor " + target);
      }
    }
    return broken;
  }

  /** GitHub's heading anchors: lower case, punctuation but - and _ dropped, spaces to -. */
  static Set<String> anchors(List<String> lines) {
    Set<String> out = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fence = false;
    for (String line : lines) {
      if (line.startsWith("```")) {
        fence = !fence;
        continue;
      }
      Matcher m = HEADING.matcher(line);
      if (!fence && m.matches()) {
        String slug = m.group(2).trim().toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
        int n = seen.merge(slug, 1, Integer::sum) - 1;
        out.add(n == 0 ? slug : slug + "-" + n);
      }
    }
    return out;
  }
}
