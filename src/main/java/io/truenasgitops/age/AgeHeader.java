package io.truenasgitops.age;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The textual header of an age v1 file: version line, recipient stanzas (arguments, then a base64 body wrapped at
 * 64 columns ending with a shorter line) and the MAC line. Parsing is strict: anything the specification's ABNF
 * does not allow is refused.
 *
 * @param stanzas the recipient stanzas, in file order
 * @param macInput the header bytes the MAC covers (up to and including {@code ---})
 * @param mac the MAC as written
 * @param payloadOffset where the payload (nonce, then STREAM chunks) starts
 */
public record AgeHeader(List<Stanza> stanzas, byte[] macInput, byte[] mac, int payloadOffset) {

    static final String VERSION_LINE = "age-encryption.org/v1";
    private static final int COLUMNS = 64;

    public AgeHeader {
        stanzas = List.copyOf(stanzas);
    }

    /** Parses the header at the start of {@code file}. */
    public static AgeHeader parse(byte[] file) throws AgeException {
        int[] pos = {0};
        String version = line(file, pos);
        if (!VERSION_LINE.equals(version)) {
            throw header(version.startsWith("age-encryption.org/") ? "unsupported age version (only v1 is read)"
                    : "not an age file: it does not start with the age version line");
        }
        List<Stanza> stanzas = new ArrayList<>();
        while (true) {
            int lineStart = pos[0];
            String l = line(file, pos);
            if (l.startsWith("-> ")) {
                stanzas.add(stanza(l, file, pos));
            } else if (l.startsWith("---")) {
                if (!l.startsWith("--- ") || l.length() != 4 + 43) {
                    throw header("the MAC line is not '--- ' followed by a 43-character base64 MAC");
                }
                byte[] mac = AgeBase64.decode(l.substring(4), 32)
                        .orElseThrow(() -> header("the header MAC is not canonical base64"));
                if (stanzas.isEmpty()) {
                    throw header("the header has no recipient stanza");
                }
                return new AgeHeader(stanzas, Arrays.copyOfRange(file, 0, lineStart + 3), mac, pos[0]);
            } else {
                throw header("a header line is neither a stanza ('-> ') nor the MAC line ('--- ')");
            }
        }
    }

    private static Stanza stanza(String argLine, byte[] file, int[] pos) throws AgeException {
        String[] args = argLine.substring(3).split(" ", -1);
        for (String a : args) {
            if (a.isEmpty()) {
                throw header("a stanza has an empty argument");
            }
            for (int i = 0; i < a.length(); i++) {
                char c = a.charAt(i);
                if (c < 0x21 || c > 0x7e) {
                    throw header("a stanza argument has a character that is not printable ASCII");
                }
            }
        }
        StringBuilder body = new StringBuilder();
        while (true) {
            String l = line(file, pos);
            if (l.length() > COLUMNS) {
                throw header("a stanza body line is longer than 64 columns");
            }
            for (int i = 0; i < l.length(); i++) {
                if (!AgeBase64.isBase64Char(l.charAt(i))) {
                    throw header("a stanza body line has a character that is not base64");
                }
            }
            body.append(l);
            if (l.length() < COLUMNS) {
                break;
            }
        }
        byte[] decoded = AgeBase64.decode(body.toString())
                .orElseThrow(() -> header("a stanza body is not canonical base64"));
        return new Stanza(args[0], List.of(args).subList(1, args.length), decoded);
    }

    /** The next LF-terminated line (without the LF); a header that ends without one is cut short. */
    private static String line(byte[] file, int[] pos) throws AgeException {
        int start = pos[0];
        for (int i = start; i < file.length; i++) {
            if (file[i] == '\n') {
                pos[0] = i + 1;
                return new String(file, start, i - start, StandardCharsets.ISO_8859_1);
            }
        }
        throw header("the header ends before its MAC line (the file is cut short)");
    }

    private static AgeException header(String message) {
        return new AgeException(AgeException.Kind.HEADER, message);
    }

    /** Checks the MAC with the file key: HMAC-SHA-256 keyed with HKDF(file key, "header"). */
    boolean macMatches(byte[] fileKey) {
        byte[] key = Primitives.hkdf(fileKey, new byte[0], "header");
        byte[] expected = Primitives.hmacSha256(key, macInput);
        AgeBase64.wipe(key);
        return java.security.MessageDigest.isEqual(expected, mac);
    }

    /** The encoded header (with its MAC line) for these stanzas and this file key. */
    static byte[] encode(List<Stanza> stanzas, byte[] fileKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, VERSION_LINE + "\n");
        for (Stanza s : stanzas) {
            write(out, "-> " + s.type() + (s.args().isEmpty() ? "" : " " + String.join(" ", s.args())) + "\n");
            String body = AgeBase64.encode(s.body());
            int i = 0;
            while (body.length() - i >= COLUMNS) {
                write(out, body.substring(i, i + COLUMNS) + "\n");
                i += COLUMNS;
            }
            write(out, body.substring(i) + "\n");
        }
        write(out, "---");
        byte[] key = Primitives.hkdf(fileKey, new byte[0], "header");
        byte[] mac = Primitives.hmacSha256(key, out.toByteArray());
        AgeBase64.wipe(key);
        write(out, " " + AgeBase64.encode(mac) + "\n");
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}
