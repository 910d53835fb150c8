package io.truenasgitops.sops;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.age.Age;
import io.truenasgitops.age.AgeKeyFile;
import io.truenasgitops.age.X25519Identity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.junit.jupiter.api.Test;

/**
 * Files the real sops wrote (vendored from its repository, see src/test/resources/sops/upstream/README.md):
 * their data keys are opened with the sops test PGP key, the rest is this project's SOPS implementation.
 */
class SopsUpstreamFilesTest {

    static final Path DIR = Path.of("src/test/resources/sops/upstream");

    @Test
    void sopsAgeTestIdentityOpensTheAgeFileSopsEncryptedForIt() throws Exception {
        AgeKeyFile.Keys keys = (AgeKeyFile.Keys) AgeKeyFile.parse(Files.readString(DIR.resolve("keys.txt")));
        X25519Identity id = keys.identities().get(0);
        assertThat(id.recipient().encode()).isEqualTo("age1lzd99uklcjnc0e7d860axevet2cz99ce9pq6tzuzd05l5nr28ams36nvun");
        byte[] plain = Age.decrypt(Files.readAllBytes(DIR.resolve("mock-encrypted-key.age")), keys.identities());
        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo("data");
    }

    @Test
    void dotenvFileSopsWroteDecryptsAndItsMacMatches() throws Exception {
        SopsFile.Decrypted d = open("format.enc.env");
        assertThat(d.format()).isEqualTo(SopsFormat.DOTENV);
        assertThat(d.dotenvText()).startsWith("foo =");
        assertThat(d.secretValues()).hasSize(1);
    }

    @Test
    void jsonAndYamlFilesSopsWroteDecryptAndTheirMacsMatch() throws Exception {
        SopsFile.Decrypted json = open("format.enc.json");
        SopsFile.Decrypted yaml = open("format.enc.yaml");
        assertThat(json.format()).isEqualTo(SopsFormat.JSON);
        assertThat(yaml.format()).isEqualTo(SopsFormat.YAML);
        assertThat(json.variables("x")).containsOnlyKeys("foo");
        assertThat(yaml.variables("x")).containsOnlyKeys("foo");
    }

    @Test
    void nestedExampleWithListsNumbersBooleansAndUnencryptedValuesDecryptsWithItsMac() throws Exception {
        SopsFile.Decrypted yaml = open("example.yaml");
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = (Map<String, Object>) yaml.tree();
        assertThat(tree.get("number")).isInstanceOf(Double.class);
        assertThat((List<?>) tree.get("somebooleans")).allMatch(b -> b instanceof Boolean);
        assertThat(tree.get("somelist_unencrypted")).asList().contains("remain in clear text");
        assertThat(yaml.secretValues()).doesNotContain("remain in clear text");
        SopsFile.Decrypted json = open("example.json");
        assertThat(json.secretValues()).isNotEmpty();
    }

    @Test
    void yamlWithEncryptedCommentsDecryptsWithItsMac() throws Exception {
        assertThat(open("comments.enc.yaml").secretValues()).isNotEmpty();
    }

    @Test
    void aValueSopsWroteThatIsChangedIsRefused() throws Exception {
        String text = Files.readString(DIR.resolve("example.yaml"));
        String changed = text.replaceFirst("data:zlGNmhTYX5xol4ZZFsiaoGkD73nn", "data:zlGNmhTYX5xol4ZZFsiaoGkD73no");
        assertThat(changed).isNotEqualTo(text);
        SopsFile file = SopsFile.detect(changed, "example.yaml").orElseThrow();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> file.decryptWith(pgpDataKey(file, text)))
                .isInstanceOfSatisfying(SopsException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SopsException.Reason.TAMPERED);
                    assertThat(e.getMessage()).startsWith("example.yaml: SOPS file refused").contains("myapp1");
                });
    }

    static SopsFile.Decrypted open(String name) throws Exception {
        String text = Files.readString(DIR.resolve(name));
        SopsFile file = SopsFile.detect(text, name).orElseThrow();
        assertThat(file.recipients()).contains("pgp");
        return file.decryptWith(pgpDataKey(file, text));
    }

    /** The data key sops encrypted for the test PGP key, from the file's first pgp entry. */
    static byte[] pgpDataKey(SopsFile file, String text) throws Exception {
        String enc = firstPgpEnc(file.format(), text);
        PGPSecretKeyRingCollection keys;
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(DIR.resolve(
                "sops_functional_tests_key.asc")))) {
            keys = new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator());
        }
        BcPGPObjectFactory f = new BcPGPObjectFactory(PGPUtil.getDecoderStream(
                new ByteArrayInputStream(enc.getBytes(StandardCharsets.US_ASCII))));
        Object o = f.nextObject();
        PGPEncryptedDataList list = o instanceof PGPEncryptedDataList l ? l : (PGPEncryptedDataList) f.nextObject();
        for (Object item : list) {
            PGPPublicKeyEncryptedData data = (PGPPublicKeyEncryptedData) item;
            PGPSecretKey secret = keys.getSecretKey(data.getKeyID());
            if (secret == null) {
                continue;
            }
            PGPPrivateKey priv = secret.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(
                    new BcPGPDigestCalculatorProvider()).build(new char[0]));
            BcPGPObjectFactory plain = new BcPGPObjectFactory(data.getDataStream(
                    new BcPublicKeyDataDecryptorFactory(priv)));
            Object msg = plain.nextObject();
            if (msg instanceof PGPCompressedData c) {
                msg = new BcPGPObjectFactory(c.getDataStream()).nextObject();
            }
            return ((PGPLiteralData) msg).getInputStream().readAllBytes();
        }
        throw new IOException("no PGP entry for the test key");
    }

    private static String firstPgpEnc(SopsFormat format, String text) {
        if (format == SopsFormat.DOTENV) {
            String line = text.lines().filter(l -> l.startsWith("sops_pgp__list_0__map_enc=")).findFirst().orElseThrow();
            return line.substring(line.indexOf('=') + 1).replace("\\n", "\n");
        }
        Object root = format == SopsFormat.JSON ? SopsFile.parseJson(text)
                : io.truenasgitops.compose.YamlLoader.load(text, "x").root();
        Map<?, ?> sops = (Map<?, ?>) ((Map<?, ?>) root).get("sops");
        return (String) ((Map<?, ?>) ((List<?>) sops.get("pgp")).get(0)).get("enc");
    }
}
