package io.truenasgitops.compose;

/** TEMPORARY stand-in until branch compose is merged (replaced by theirs). */
public interface SecretMasker {
    String mask(String text);

    SecretMasker NONE = t -> t;
}
