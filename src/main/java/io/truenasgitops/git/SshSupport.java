package io.truenasgitops.git;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.eclipse.jgit.internal.transport.sshd.OpenSshServerKeyDatabase;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * The SSH client of one source: exactly the configured deploy key and known_hosts file. Nothing comes from
 * {@code ~/.ssh} (config, keys, known_hosts) or an ssh-agent, and an unknown or changed host key is refused
 * with the reason kept for the error message.
 */
final class SshSupport implements AutoCloseable {

    /** Why the last host key was refused. */
    record Rejection(boolean unknown, String host, String offered, List<String> known) {}

    private final HostKeyCheck hostKeys;
    private final SshdSessionFactory factory;

    SshSupport(Path keyFile, Path knownHostsFile, Path sshHome) {
        this.hostKeys = new HostKeyCheck(knownHostsFile);
        File home = sshHome.toFile();
        // A config file that does not exist: no Host/IdentityFile/ProxyCommand surprises from the machine.
        File noConfig = new File(home, "config-none");
        this.factory = new SshdSessionFactoryBuilder()
                .setHomeDirectory(home)
                .setSshDirectory(home)
                .setConfigFile(dir -> noConfig)
                .setDefaultIdentities(dir -> List.of(keyFile))
                .setDefaultKnownHostsFiles(dir -> List.of(knownHostsFile))
                .setServerKeyDatabase((h, s) -> hostKeys)
                .setPreferredAuthentications("publickey")
                .setConnectorFactory(null)
                .build(null);
    }

    /**
     * Why the private key in {@code keyFile} cannot be used (not a key, or protected by a passphrase), or
     * null when it loads. Checked before connecting: the SSH layer would only say "no more authentication
     * methods", which sends people looking at the server instead of at the file.
     */
    static String keyProblem(Path keyFile) {
        try (java.io.InputStream in = Files.newInputStream(keyFile)) {
            Iterable<java.security.KeyPair> keys = org.apache.sshd.common.util.security.SecurityUtils.loadKeyPairIdentities(
                    null, org.apache.sshd.common.NamedResource.ofName(keyFile.toString()), in,
                    org.apache.sshd.common.config.keys.FilePasswordProvider.EMPTY);
            if (keys == null || !keys.iterator().hasNext()) {
                return "it holds no private key in OpenSSH or PEM format";
            }
            return null;
        } catch (java.io.IOException | java.security.GeneralSecurityException | RuntimeException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            return m.contains("password") || m.contains("passphrase") || m.contains("encrypt")
                    ? "it is protected by a passphrase, which the daemon cannot type: use a deploy key without one"
                    : "it is not a private key in OpenSSH or PEM format (" + e.getClass().getSimpleName() + ")";
        }
    }

    SshdSessionFactory factory() {
        return factory;
    }

    /** Forgets the reason of an earlier refusal; called before each fetch. */
    void resetRejection() {
        hostKeys.rejection = null;
    }

    /** Why the host key was refused during the current fetch, or null. */
    Rejection rejection() {
        return hostKeys.rejection;
    }

    @Override
    public void close() {
        factory.close();
    }

    /** Strict known_hosts checking: the OpenSSH file format (hashed names, ports, markers) read by JGit. */
    private static final class HostKeyCheck implements ServerKeyDatabase {
        private final Path knownHostsFile;
        private final OpenSshServerKeyDatabase delegate;
        volatile Rejection rejection;

        HostKeyCheck(Path knownHostsFile) {
            this.knownHostsFile = knownHostsFile;
            this.delegate = new OpenSshServerKeyDatabase(false, List.of(knownHostsFile));
        }

        @Override
        public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
            return delegate.lookup(connectAddress, remoteAddress, strict(config));
        }

        @Override
        public boolean accept(
                String connectAddress,
                InetSocketAddress remoteAddress,
                PublicKey serverKey,
                Configuration config,
                CredentialsProvider provider) {
            Configuration strict = strict(config);
            List<PublicKey> known = Files.isReadable(knownHostsFile)
                    ? delegate.lookup(connectAddress, remoteAddress, strict)
                    : List.of();
            // REQUIRE_MATCH never asks the provider; pass none so nothing can answer "yes".
            boolean ok = !known.isEmpty() && delegate.accept(connectAddress, remoteAddress, serverKey, strict, null);
            if (!ok) {
                rejection = new Rejection(
                        known.isEmpty(),
                        connectAddress,
                        describe(serverKey),
                        known.stream().map(HostKeyCheck::describe).toList());
            }
            return ok;
        }

        private static String describe(PublicKey key) {
            return KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
        }

        private Configuration strict(Configuration config) {
            String file = knownHostsFile.toString();
            return new Configuration() {
                @Override
                public List<String> getUserKnownHostsFiles() {
                    return List.of(file);
                }

                @Override
                public List<String> getGlobalKnownHostsFiles() {
                    return List.of();
                }

                @Override
                public StrictHostKeyChecking getStrictHostKeyChecking() {
                    return StrictHostKeyChecking.REQUIRE_MATCH;
                }

                @Override
                public boolean getHashKnownHosts() {
                    return false;
                }

                @Override
                public String getUsername() {
                    return config == null ? null : config.getUsername();
                }
            };
        }
    }
}
