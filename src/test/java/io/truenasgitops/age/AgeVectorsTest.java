package io.truenasgitops.age;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The C2SP/CCTV age test vectors (vendored in src/test/resources/age/cctv, see its README). */
class AgeVectorsTest {

    static final Path DIR = Path.of("src/test/resources/age/cctv");

    record Vector(String name, String expect, String payload, List<Identity> identities, boolean armored,
            byte[] file) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Vector> vectors() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<Vector> out = new ArrayList<>();
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!name.equals("LICENSE") && !name.equals("README.md")) {
                    out.add(read(p));
                }
            }
            return out.stream();
        }
    }

    static Vector read(Path p) throws IOException {
        byte[] all = Files.readAllBytes(p);
        int pos = 0;
        String expect = null;
        String payload = null;
        boolean armored = false;
        boolean zlib = false;
        List<Identity> ids = new ArrayList<>();
        while (true) {
            int eol = indexOf(all, pos);
            String line = new String(all, pos, eol - pos, StandardCharsets.UTF_8);
            pos = eol + 1;
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(": ");
            String key = line.substring(0, colon);
            String value = line.substring(colon + 2);
            switch (key) {
                case "expect" -> expect = value;
                case "payload" -> payload = value;
                case "identity" -> ids.add(X25519Identity.parse(value));
                case "passphrase" -> ids.add(new ScryptIdentity(value));
                case "armored" -> armored = "yes".equals(value);
                case "compressed" -> zlib = "zlib".equals(value);
                default -> { }
            }
        }
        byte[] file = java.util.Arrays.copyOfRange(all, pos, all.length);
        if (zlib) {
            try (InflaterInputStream in = new InflaterInputStream(new java.io.ByteArrayInputStream(file))) {
                file = in.readAllBytes();
            }
        }
        return new Vector(p.getFileName().toString(), expect, payload, ids, armored, file);
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        throw new IllegalStateException("vector header has no blank line");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everyVectorHasItsExpectedOutcome(Vector v) throws Exception {
        ByteArrayOutputStream released = new ByteArrayOutputStream();
        String outcome;
        try {
            byte[] binary = v.armored() ? AgeArmor.decode(v.file()) : v.file();
            Age.decrypt(binary, v.identities(), released::writeBytes);
            outcome = "success";
        } catch (AgeException e) {
            outcome = switch (e.kind()) {
                case ARMOR -> "armor failure";
                case HEADER -> "header failure";
                case NO_MATCH -> "no match";
                case HMAC -> "HMAC failure";
                case PAYLOAD -> "payload failure";
            };
        }
        assertThat(outcome).as(v.name()).isEqualTo(v.expect());
        if (v.payload() != null) {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(released.toByteArray()));
            assertThat(hash).as(v.name() + " payload").isEqualTo(v.payload());
        } else if (!"success".equals(v.expect()) && released.size() > 0) {
            fail(v.name() + " released plaintext without a payload hash to check it against");
        }
    }

    @Test
    void everySupportedVectorIsVendored() throws IOException {
        assertThat(vectors().count()).isEqualTo(124);
        assertThat(vectors().map(Vector::expect).distinct())
                .containsExactlyInAnyOrder("success", "armor failure", "header failure", "no match", "HMAC failure",
                        "payload failure");
    }
}
