package io.truenasgitops.git;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.UploadPack;

/**
 * An SSH server on 127.0.0.1 (Apache MINA SSHD) that serves one repository through {@code git-upload-pack}
 * to clients authenticating with one public key.
 */
final class TestGitSshServer implements AutoCloseable {

    private final SshServer sshd;
    final KeyPair hostKey;
    final AtomicInteger uploads = new AtomicInteger();

    TestGitSshServer(Repository repo, PublicKey deployKey) throws IOException, GeneralSecurityException {
        this.hostKey = ecKey();
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        sshd.setPublickeyAuthenticator((user, key, session) -> "git".equals(user) && KeyUtils.compareKeys(key, deployKey));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setCommandFactory((channel, command) -> new UploadPackCommand(repo, command));
        sshd.start();
    }

    int port() {
        return sshd.getPort();
    }

    String url() {
        return "ssh://git@127.0.0.1:" + port() + "/org/repo.git";
    }

    /** A known_hosts line for this server's host key (or another key), as ssh-keyscan writes it. */
    String knownHostsLine(PublicKey key) {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(key) + "\n";
    }

    static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    /** Writes the private key in OpenSSH format, as ssh-keygen does. */
    static void writePrivateKey(KeyPair key, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            new OpenSSHKeyPairResourceWriter().writePrivateKey(key, "deploy-key", null, out);
        }
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }

    private final class UploadPackCommand implements Command {
        private final Repository repo;
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        UploadPackCommand(Repository repo, String command) {
            this.repo = repo;
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback exit) {
            this.exit = exit;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread worker = new Thread(() -> {
                List<String> words = List.of(command.split(" ", 2));
                if (!words.get(0).equals("git-upload-pack") || !words.get(1).contains("org/repo.git")) {
                    exit.onExit(127, "unknown command " + command);
                    return;
                }
                uploads.incrementAndGet();
                try {
                    new UploadPack(repo).upload(in, out, err);
                    out.flush();
                    exit.onExit(0);
                } catch (IOException e) {
                    exit.onExit(1, e.toString());
                }
            }, "test-ssh-upload-pack");
            worker.setDaemon(true);
            worker.start();
        }

        @Override
        public void destroy(ChannelSession channel) {
            // the worker ends with the streams
        }
    }
}
