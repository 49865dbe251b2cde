package org.slicelab.spark.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slicelab.ablations.cache.AtomicFiles;

/**
 * The generated claims section of a Markdown file (the README): the lines between a line
 * starting with {@value #BEGIN} (the rest of that comment may say how the section is generated)
 * and the line {@value #END}. {@code slicelab report --claims-markdown --update-readme FILE}
 * replaces it; a test compares it with {@link ClaimsMarkdown}.
 */
public final class ClaimsSection {
  /** How the first marker line starts. */
  public static final String BEGIN = "<!-- claims-table:begin";
  /** The last marker line. */
  public static final String END = "<!-- claims-table:end -->";

  private ClaimsSection() {
  }

  /**
   * The text between the markers, without the blank lines around it.
   *
   * @param source names the text in errors (e.g. the option and file)
   * @throws IllegalArgumentException when the markers are missing, repeated or out of order
   */
  public static String read(String markdown, String source) {
    List<String> lines = markdown.lines().toList();
    int[] at = markers(lines, source);
    return String.join("\n", lines.subList(at[0] + 1, at[1])).strip();
  }

  /**
   * {@code markdown} with the text between the markers replaced by {@code text} (one blank line
   * after the first marker and before the last); everything else is kept as it was.
   *
   * @throws IllegalArgumentException as {@link #read}
   */
  public static String replace(String markdown, String text, String source) {
    List<String> lines = markdown.lines().toList();
    int[] at = markers(lines, source);
    List<String> out = new ArrayList<>(lines.subList(0, at[0] + 1));
    out.add("");
    out.addAll(text.strip().lines().toList());
    out.add("");
    out.addAll(lines.subList(at[1], lines.size()));
    return String.join("\n", out) + (markdown.endsWith("\n") ? "\n" : "");
  }

  /**
   * Reads {@code file} and checks its markers (before any work).
   *
   * @param option the option that named the file, for errors
   * @throws IllegalArgumentException naming the option when the file is unreadable or its
   *     markers are wrong
   */
  public static String readFile(Path file, String option) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("option '" + option + "' = " + file + " cannot be read ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + "); give the README that holds "
          + "the claims section", e);
    }
    read(text, "option '" + option + "' = " + file);
    return text;
  }

  /**
   * Replaces the section of {@code file} with {@code text}, atomically, when it differs.
   *
   * @return whether the file changed
   */
  public static boolean update(Path file, String text, String option) {
    String before = readFile(file, option);
    String after = replace(before, text, "option '" + option + "' = " + file);
    if (after.equals(before)) {
      return false;
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      Path tmp = Files.createTempFile(dir, ".claims-section", ".tmp");
      Files.writeString(tmp, after);
      try {
        Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the temporary file's permissions stay
      }
      AtomicFiles.replace(tmp, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return true;
  }

  /** The indexes of the two marker lines. */
  private static int[] markers(List<String> lines, String source) {
    List<Integer> begins = new ArrayList<>();
    List<Integer> ends = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith(BEGIN) && line.endsWith("-->")) {
        begins.add(i);
      } else if (line.equals(END)) {
        ends.add(i);
      }
    }
    if (begins.size() != 1 || ends.size() != 1 || begins.get(0) > ends.get(0)) {
      throw new IllegalArgumentException(source + " must hold exactly one line starting with '"
          + BEGIN + "' (ending with '-->') and, after it, one line '" + END + "'; found "
          + begins.size() + " begin and " + ends.size() + " end markers"
          + (begins.size() == 1 && ends.size() == 1 ? " in the wrong order" : ""));
    }
    return new int[] {begins.get(0), ends.get(0)};
  }
}
