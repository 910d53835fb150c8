package io.truenasgitops.age;

import java.util.List;

/**
 * One recipient stanza of an age header: {@code -> TYPE ARG...} and its body.
 *
 * @param type the first argument ({@code X25519}, {@code scrypt}, or anything else, which identities ignore)
 * @param args the arguments after the type
 * @param body the decoded body
 */
public record Stanza(String type, List<String> args, byte[] body) {
    public Stanza {
        args = List.copyOf(args);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
