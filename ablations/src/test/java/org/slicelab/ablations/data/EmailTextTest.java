package org.slicelab.ablations.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EmailTextTest {
  private static final String HEADERS = "From spammer@example.com  Thu Aug 22 13:17:22 2002\n"
      + "Return-Path: <spammer@example.com>\n"
      + "Received: from mail.example.com (mail [10.0.0.1])\n"
      + "\tby mx.example.org (Postfix) with ESMTP id 136B943C32\n"
      + "Subject: Cheap watches\n";

  private static String base64(String text) {
    return Base64.getMimeEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void dropsHeadersAndCollapsesWhitespace() {
    String message = HEADERS + "Content-Type: text/plain\n\nHello   there,\n\n  see you\tsoon.\n";
    assertEquals("Hello there, see you soon.", EmailText.bodyText(message));
  }

  @Test
  void handlesCrLfLineEnds() {
    String message = (HEADERS + "\nFirst line\nsecond line\n").replace("\n", "\r\n");
    assertEquals("First line second line", EmailText.bodyText(message));
  }

  @Test
  void decodesQuotedPrintable() {
    String message = HEADERS
        + "Content-Type: text/plain; charset=\"iso-8859-1\"\n"
        + "Content-Transfer-Encoding: quoted-printable\n\n"
        + "Caf=E9 prices: 2+2=3D4, a very long line that is wrapped with a soft brea=\n"
        + "k here. A stray = sign stays.\n";
    assertEquals("Café prices: 2+2=4, a very long line that is wrapped with a soft break here."
        + " A stray = sign stays.", EmailText.bodyText(message));
  }

  @Test
  void stripsHtml() {
    String message = HEADERS
        + "Content-Type: text/html; charset=\"iso-8859-1\"\n"
        + "Content-Transfer-Encoding: quoted-printable\n\n"
        + "<HTML><HEAD><STYLE>p { color: red; }</STYLE><SCRIPT>alert(1)</SCRIPT></HEAD>\n"
        + "<BODY bgcolor=3D\"#FFFFFF\"><P>Buy <B>now</B> &amp; save!</P><BR>"
        + "<a href=3D\"http://x.example/\">Click&nbsp;here</a></BODY></HTML>\n";
    assertEquals("Buy now & save! Click here", EmailText.bodyText(message));
  }

  @Test
  void sniffsUndeclaredHtml() {
    String message = HEADERS + "\n<html><body><p>Hi <i>you</i></p></body></html>\n";
    assertEquals("Hi you", EmailText.bodyText(message));
  }

  @Test
  void prefersPlainPartOfMultipartAlternative() {
    String message = HEADERS
        + "MIME-Version: 1.0\n"
        + "Content-Type: multipart/alternative;\n\tboundary=\"----=_NextPart_000\"\n\n"
        + "This is a multi-part message in MIME format.\n\n"
        + "------=_NextPart_000\n"
        + "Content-Type: text/plain; charset=us-ascii\n"
        + "Content-Transfer-Encoding: quoted-printable\n\n"
        + "Plain =3D version\n\n"
        + "------=_NextPart_000\n"
        + "Content-Type: text/html\n\n"
        + "<p>HTML version</p>\n"
        + "------=_NextPart_000--\n";
    assertEquals("Plain = version", EmailText.bodyText(message));
  }

  @Test
  void keepsTextPartsOfMultipartMixedAndSkipsOthers() {
    String message = HEADERS
        + "Content-Type: multipart/mixed; boundary=outer\n\n"
        + "--outer\n"
        + "Content-Type: text/html; charset=utf-8\n"
        + "Content-Transfer-Encoding: base64\n\n"
        + base64("<div>Größe <b>XL</b></div>") + "\n"
        + "--outer\n"
        + "Content-Type: image/gif; name=\"a.gif\"\n"
        + "Content-Transfer-Encoding: base64\n\n"
        + base64("GIF89a not text") + "\n"
        + "--outer\n"
        + "Content-Type: text/plain\n\n"
        + "Second part.\n"
        + "--outer--\n"
        + "epilogue is ignored\n";
    assertEquals("Größe XL Second part.", EmailText.bodyText(message));
  }

  @Test
  void stripsHeadersOfAMessagePastedIntoTheBody() {
    String message = HEADERS + "\n\nReturn-Path: <a@example.com>\nReceived: from x\n"
        + "Subject: inner\n\nInner body.\n";
    assertEquals("Inner body.", EmailText.bodyText(message));
  }

  @Test
  void headersWithoutBodyGiveEmptyText() {
    assertEquals("", EmailText.bodyText(HEADERS));
    assertEquals("", EmailText.bodyText(HEADERS + "Content-Type: image/png\n\niVBORw0KGgo=\n"));
  }
}
