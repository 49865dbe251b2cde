package org.slicelab.ablations.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;

/**
 * Turns a raw RFC-822 e-mail into plain body text: drops the headers, decodes quoted-printable
 * and base64 text parts of simple (possibly nested) multipart MIME, strips HTML with jsoup and
 * collapses whitespace. Non-text parts (images, attachments of other types) are skipped; a body
 * that is itself a whole message (starts with Return-Path: or Received:) loses those headers too.
 * Deliberately modest: it is a data-cleaning step, not a MIME library.
 */
public final class EmailText {
  private static final int MAX_DEPTH = 5;
  private static final Pattern PARAM =
      Pattern.compile("(?i);\\s*([a-z0-9_-]+)\\s*=\\s*(\"([^\"]*)\"|[^;\\s]+)");
  private static final Pattern LOOKS_LIKE_HTML =
      Pattern.compile("(?i)<\\s*(html|body|head|br|font|table|div|p)[\\s>/]");
  private static final Pattern EMBEDDED_MESSAGE =
      Pattern.compile("\\s*(Return-Path|Received):", Pattern.CASE_INSENSITIVE);

  private EmailText() {
  }

  /** The body text of a raw message: headers dropped, decoded, HTML stripped, whitespace collapsed. */
  public static String bodyText(String rawMessage) {
    return collapse(partText(rawMessage.replace("\r\n", "\n"), 0));
  }

  /** Collapses runs of whitespace (including non-breaking spaces) to one space, and trims. */
  static String collapse(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean pendingSpace = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        pendingSpace = out.length() > 0;
      } else {
        if (pendingSpace) {
          out.append(' ');
          pendingSpace = false;
        }
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Text of one entity (a whole message or a MIME part): headers, blank line, body. */
  private static String partText(String entity, int depth) {
    String headerBlock;
    String body;
    if (entity.startsWith("\n")) { // a MIME part without headers
      headerBlock = "";
      body = entity.substring(1);
    } else {
      int split = entity.indexOf("\n\n");
      if (split < 0) {
        return ""; // headers only, no body
      }
      headerBlock = entity.substring(0, split);
      body = entity.substring(split + 2);
    }
    Map<String, String> headers = parseHeaders(headerBlock);
    String contentType = headers.getOrDefault("content-type", "text/plain");
    String mimeType = mimeType(contentType);

    if (mimeType.startsWith("multipart/") && depth < MAX_DEPTH) {
      String boundary = param(contentType, "boundary");
      List<String> parts = boundary == null ? List.of() : splitMultipart(body, boundary);
      if (!parts.isEmpty()) {
        return multipartText(mimeType, parts, depth);
      }
      return maybeHtml(body, false); // broken multipart: keep what is there
    }
    if (!mimeType.equals("text/plain") && !mimeType.equals("text/html")) {
      return "";
    }
    String encoding = headers.getOrDefault("content-transfer-encoding", "").trim()
        .toLowerCase(Locale.ROOT);
    String text = decode(body, encoding, param(contentType, "charset"));
    if (EMBEDDED_MESSAGE.matcher(text).lookingAt() && depth < MAX_DEPTH) {
      return partText(text.stripLeading(), depth + 1); // a whole message pasted into the body
    }
    return maybeHtml(text, mimeType.equals("text/html"));
  }

  /** multipart/alternative: the first part with text (plain comes first by convention); else all. */
  private static String multipartText(String mimeType, List<String> parts, int depth) {
    List<String> texts = new ArrayList<>();
    for (String part : parts) {
      String text = partText(part, depth + 1);
      if (!collapse(text).isEmpty()) {
        texts.add(text);
      }
    }
    if (mimeType.equals("multipart/alternative") && !texts.isEmpty()) {
      return texts.get(0); // plain text conventionally comes first
    }
    return String.join("\n", texts);
  }

  private static String maybeHtml(String text, boolean declaredHtml) {
    if (declaredHtml || LOOKS_LIKE_HTML.matcher(text).find()) {
      return Jsoup.parse(text).text();
    }
    return text;
  }

  /** Header name (lower case) to unfolded value; the first occurrence wins. */
  static Map<String, String> parseHeaders(String headerBlock) {
    Map<String, String> headers = new LinkedHashMap<>();
    String name = null;
    StringBuilder value = new StringBuilder();
    for (String line : headerBlock.split("\n")) {
      if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
        value.append(' ').append(line.trim());
        continue;
      }
      if (name != null) {
        headers.putIfAbsent(name, value.toString());
      }
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("From ")) {
        name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        value.setLength(0);
        value.append(line.substring(colon + 1).trim());
      } else {
        name = null;
      }
    }
    if (name != null) {
      headers.putIfAbsent(name, value.toString());
    }
    return headers;
  }

  private static String mimeType(String contentType) {
    int semi = contentType.indexOf(';');
    String type = semi < 0 ? contentType : contentType.substring(0, semi);
    return type.trim().toLowerCase(Locale.ROOT);
  }

  private static String param(String contentType, String name) {
    Matcher m = PARAM.matcher(contentType);
    while (m.find()) {
      if (m.group(1).equalsIgnoreCase(name)) {
        return m.group(3) != null ? m.group(3) : m.group(2);
      }
    }
    return null;
  }

  /** The parts between "--boundary" lines, up to "--boundary--"; the preamble is dropped. */
  private static List<String> splitMultipart(String body, String boundary) {
    String delimiter = "--" + boundary;
    List<String> parts = new ArrayList<>();
    StringBuilder current = null;
    for (String line : body.split("\n", -1)) {
      String trimmed = line.stripTrailing();
      if (trimmed.equals(delimiter + "--")) {
        break;
      }
      if (trimmed.equals(delimiter)) {
        if (current != null) {
          parts.add(current.toString());
        }
        current = new StringBuilder();
      } else if (current != null) {
        current.append(line).append('\n');
      }
    }
    if (current != null) {
      parts.add(current.toString());
    }
    return parts;
  }

  private static String decode(String body, String encoding, String charsetName) {
    byte[] bytes;
    if (encoding.equals("quoted-printable")) {
      bytes = decodeQuotedPrintable(body);
    } else if (encoding.equals("base64")) {
      try {
        bytes = Base64.getMimeDecoder().decode(body.trim());
      } catch (IllegalArgumentException e) {
        return ""; // not valid base64: better no text than gibberish
      }
    } else {
      return body; // 7bit / 8bit / binary: already text
    }
    return new String(bytes, charset(charsetName)).replace("\r\n", "\n");
  }

  private static Charset charset(String name) {
    if (name != null) {
      try {
        return Charset.forName(name.trim());
      } catch (RuntimeException e) {
        // unknown or illegal charset name: fall through
      }
    }
    return StandardCharsets.ISO_8859_1;
  }

  /** Decodes quoted-printable; a stray '=' not followed by two hex digits is kept as is. */
  static byte[] decodeQuotedPrintable(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '=') {
        int lineEnd = softBreakEnd(text, i + 1);
        if (lineEnd > 0) {
          i = lineEnd;
          continue;
        }
        if (i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
          out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
          i += 3;
          continue;
        }
      }
      if (c < 256) {
        out.write(c);
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
      i++;
    }
    return out.toByteArray();
  }

  /** If only spaces/tabs then a newline follow position {@code from}, the index after the newline; else -1. */
  private static int softBreakEnd(String text, int from) {
    int j = from;
    while (j < text.length() && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) {
      j++;
    }
    if (j < text.length() && text.charAt(j) == '\n') {
      return j + 1;
    }
    return j == text.length() ? j : -1;
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }
}
