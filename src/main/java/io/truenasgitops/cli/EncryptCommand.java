package io.truenasgitops.cli;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.truenasgitops.sops.SopsConfig;
import io.truenasgitops.sops.SopsEncryptor;
import io.truenasgitops.sops.SopsException;
import io.truenasgitops.sops.SopsFormat;
import jakarta.enterprise.context.Dependent;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code encrypt FILE}: encrypts a plain dotenv, YAML or JSON file (or one value read from standard input) the way
 * {@code sops --encrypt} does, for the age recipients of the repository's {@code .sops.yaml}, so that people without
 * the sops binary can add a secret. Needs no private key.
 */
@Dependent
@Command(name = "encrypt", mixinStandardHelpOptions = true,
        description = {"Encrypt a file, or one value, with SOPS for the age recipients in .sops.yaml.",
            "FILE is where the encrypted file lives in the repository: the first creation_rules entry of the"
                + " nearest .sops.yaml whose path_regex matches it gives the recipients (and encrypted_regex etc.).",
            "Without --name, FILE is a plain dotenv, YAML or JSON file (by its extension; dotenv otherwise); the"
                + " encrypted file goes to standard output, or replaces FILE with --in-place.",
            "With --name NAME, the value is read from standard input (never from the command line, which shell"
                + " history keeps) and FILE is created holding NAME=value encrypted; FILE must not exist yet.",
            "The result is a regular sops file: sops -d and truenas-gitops decrypt it with the matching age key."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  encrypted", "  1  the file or .sops.yaml could not be used (the error says why)",
            "  2  usage error"})
public class EncryptCommand implements TopLevelCommand, Callable<Integer> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Largest file or value encrypted: the bound of an env file. */
    static final int MAX_BYTES = 256 * 1024;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to encrypt, or (with --name) to create.")
    Path file;

    @Option(names = {"-i", "--in-place"}, description = "Replace FILE with its encrypted form instead of printing it.")
    boolean inPlace;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Create FILE holding this one variable, its value read from standard input.")
    String name;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "dotenv, yaml or json (default: by FILE's extension, dotenv otherwise).")
    String format;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The sops configuration to use (default: the nearest .sops.yaml above FILE).")
    Path config;

    InputStream stdin = System.in;

    @Override
    public Integer call() throws Exception {
        SopsFormat fmt = format();
        Path sopsConfig = config != null ? config : SopsConfig.find(file).orElseThrow(() -> new UsageException(
                "encrypt: no .sops.yaml found in " + file.toAbsolutePath().getParent() + " or above: add one with"
                + " creation_rules listing your age recipients, or give --config"));
        if (!Files.isRegularFile(sopsConfig)) {
            throw new UsageException("encrypt: --config " + sopsConfig + " is not a file");
        }
        String plain;
        if (name != null) {
            if (!NAME.matcher(name).matches()) {
                throw new UsageException("encrypt: --name " + name + " is not a variable name (letters, digits,"
                        + " '_', not starting with a digit)");
            }
            if (Files.exists(file)) {
                throw new UsageException("encrypt: " + file + " already exists: --name creates a new file; add the"
                        + " variable to the plain file and encrypt it, or edit the encrypted one with sops");
            }
            plain = readValue();
        } else {
            if (!Files.isRegularFile(file)) {
                throw new UsageException("encrypt: " + file + " is not a file: give the plain file to encrypt, or"
                        + " --name NAME to create one from a value on standard input");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new UsageException("encrypt: " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            plain = utf8(Files.readAllBytes(file), file.toString());
        }
        PrintWriter err = spec.commandLine().getErr();
        String encrypted;
        try {
            SopsConfig.Rule rule = SopsConfig.ruleFor(sopsConfig, file);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            encrypted = name != null
                    ? encryptValue(fmt, rule, now, plain)
                    : SopsEncryptor.encrypt(fmt, plain, file.toString(), rule.recipients(), rule.rules(), now);
            err.println("encrypted " + file + " for " + rule.recipients().size() + " age recipient"
                    + (rule.recipients().size() == 1 ? "" : "s") + " (" + sopsConfig + ")");
        } catch (SopsException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return ExitCodes.FAILED;
        }
        if (name != null || inPlace) {
            write(file, encrypted);
        } else {
            PrintWriter out = spec.commandLine().getOut();
            out.print(encrypted);
            out.flush();
        }
        err.flush();
        return ExitCodes.OK;
    }

    private String encryptValue(SopsFormat fmt, SopsConfig.Rule rule, OffsetDateTime now, String value)
            throws SopsException {
        if (fmt == SopsFormat.DOTENV) {
            return SopsEncryptor.encryptValue(name, value, rule.recipients(), rule.rules(), now);
        }
        String doc = fmt == SopsFormat.JSON
                ? "{\"" + name + "\": " + jsonString(value) + "}"
                : name + ": " + jsonString(value) + "\n";
        return SopsEncryptor.encrypt(fmt, doc, file.toString(), rule.recipients(), rule.rules(), now);
    }

    private SopsFormat format() {
        if (format == null) {
            return SopsFormat.forFileName(file.getFileName().toString());
        }
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "dotenv", "env" -> SopsFormat.DOTENV;
            case "yaml", "yml" -> SopsFormat.YAML;
            case "json" -> SopsFormat.JSON;
            default -> throw new UsageException("encrypt: unknown --format '" + format + "': use dotenv, yaml or json");
        };
    }

    /** The text of {@code bytes}, or a usage error naming the line and byte offset of the first byte that is not UTF-8. */
    static String utf8(byte[] bytes, String where) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.charset.CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new UsageException("encrypt: " + where + ":" + line + ": byte " + at + " (0x"
                    + String.format("%02x", bytes[at] & 0xff) + ") is not UTF-8 text: save the file as UTF-8"
                    + " (e.g. iconv -f latin1 -t utf-8) and encrypt it again");
        }
        out.flip();
        return out.toString();
    }

    private String readValue() throws IOException {
        byte[] bytes = stdin.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw new UsageException("encrypt: the value on standard input is larger than " + MAX_BYTES + " bytes");
        }
        String v = utf8(bytes, "the value on standard input");
        if (v.endsWith("\r\n")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("\n")) {
            v = v.substring(0, v.length() - 1);
        }
        if (v.isEmpty()) {
            throw new UsageException("encrypt: no value on standard input: pipe it in, e.g. printf '%s' \"$VALUE\" |"
                    + " truenas-gitops encrypt --name " + name + " " + file);
        }
        return v;
    }

    /** A JSON string literal (also a YAML double-quoted scalar): quotes, backslashes and control characters escaped. */
    private static String jsonString(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    /** Writes through a temporary file in the same folder, so FILE is either the old or the new content. */
    private static void write(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".encrypt-", ".tmp");
        try {
            Files.writeString(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
