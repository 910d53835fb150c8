package io.truenasgitops.git;

import io.truenasgitops.git.GitSourceException.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One fetch at a time per state directory: a lock shared by every source of this JVM on that directory, then
 * the {@code .lock} file against other processes, waited for up to the network timeout.
 */
final class StateDirLock {
    /** One lock per state directory, so two sources on the same directory in this JVM take turns. */
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Path stateDir;
    private final Duration timeout;
    private final Supplier<String> source;
    private final ReentrantLock lock;

    /** {@code source} describes the source for the message when another process holds the directory. */
    StateDirLock(Path stateDir, Duration timeout, Supplier<String> source) {
        this.stateDir = stateDir;
        this.timeout = timeout;
        this.source = source;
        this.lock = LOCKS.computeIfAbsent(stateDir, p -> new ReentrantLock());
    }

    /** The directory, held until {@link Held#close()}. */
    interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    Held acquire() throws IOException {
        lock.lock();
        FileChannel channel = null;
        try {
            channel = openLockFile();
            FileLock fileLock = acquire(channel);
            FileChannel open = channel;
            return () -> {
                try (open; fileLock) {
                    // released in reverse order: the file lock, then the channel
                } finally {
                    lock.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    private FileChannel openLockFile() throws IOException {
        Files.createDirectories(stateDir);
        return FileChannel.open(stateDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    /** Waits for another process using the same state directory, up to the network timeout. */
    private FileLock acquire(FileChannel channel) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            FileLock fileLock = channel.tryLock();
            if (fileLock != null) {
                return fileLock;
            }
            if (System.nanoTime() > deadline) {
                throw new GitSourceException(Kind.IO, "failed to fetch " + source.get() + ": state directory "
                        + stateDir + " is in use by another process; use a separate truenas-gitops.git.state-dir");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + stateDir);
            }
        }
    }
}
