package io.truenasgitops.sops;

import java.util.Locale;

/** The file formats whose SOPS encryption is read and written here. */
public enum SopsFormat {
    /** {@code KEY=value} lines; SOPS metadata as flattened {@code sops_*} keys. */
    DOTENV,
    /** A YAML mapping; SOPS metadata under the top-level {@code sops} key. */
    YAML,
    /** A JSON object; SOPS metadata under the top-level {@code sops} key. */
    JSON;

    /** The SOPS release whose file format is written: the {@code version} metadata of files encrypted here. */
    public static final String SOPS_VERSION = "3.13.2";

    /** The format sops itself would pick for a file name (it also goes by the extension). */
    public static SopsFormat forFileName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".yaml") || n.endsWith(".yml")) {
            return YAML;
        }
        if (n.endsWith(".json")) {
            return JSON;
        }
        return DOTENV;
    }
}
