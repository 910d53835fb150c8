package io.truenasgitops.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.CommitCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.UserConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * A commit of some files of a local working tree (the tool's own edits, such as an image update), and only of
 * them: whatever else the person has changed or staged stays as it was. The author is the repository's
 * {@code user.name}/{@code user.email} or the one given; the message ends with a {@code Signed-off-by} line of it.
 */
public final class WorkingTreeCommit {

    private static final Pattern IDENTITY = Pattern.compile("\\s*(.+?)\\s*<([^<>\\s]+@?[^<>\\s]*)>\\s*");

    private WorkingTreeCommit() {}

    /** A commit that could not be made; the message says why and what to do. */
    public static final class CommitFailedException extends Exception {
        CommitFailedException(String message) {
            super(message);
        }
    }

    /** Who commits. */
    public record Identity(String name, String email) {}

    /** {@code Name <email>} as git writes it, or empty when the text is not that. */
    public static Optional<Identity> identity(String text) {
        Matcher m = text == null ? null : IDENTITY.matcher(text);
        return m != null && m.matches() ? Optional.of(new Identity(m.group(1), m.group(2))) : Optional.empty();
    }

    /**
     * Commits the files (inside {@code workTree}) with the message and a sign-off.
     *
     * @param author who commits, or empty for the repository's configured identity
     * @return the new commit's full id
     */
    public static String commit(Path workTree, List<Path> files, String message, Optional<Identity> author)
            throws CommitFailedException {
        Repository repo;
        try {
            repo = new FileRepositoryBuilder().findGitDir(workTree.toFile()).setMustExist(true).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new CommitFailedException(workTree + " is not in a Git working tree: run it in a clone of the"
                    + " stacks repository, or leave out --commit");
        }
        try (repo; Git git = new Git(repo)) {
            if (repo.isBare()) {
                throw new CommitFailedException(workTree + " is a bare repository: run it in a clone with a working tree");
            }
            PersonIdent who = author.map(a -> new PersonIdent(a.name(), a.email())).orElseGet(() -> configured(repo));
            if (who == null) {
                throw new CommitFailedException("no commit identity: set git config user.name and user.email in "
                        + repo.getWorkTree() + ", or give --author 'Name <email>'");
            }
            Path top = repo.getWorkTree().toPath().toRealPath();
            CommitCommand commit = git.commit().setAuthor(who).setCommitter(who).setSign(false)
                    .setMessage(message.strip() + "\n\nSigned-off-by: " + who.getName() + " <" + who.getEmailAddress()
                            + ">\n");
            for (Path f : files) {
                Path real = f.toAbsolutePath().normalize();
                real = real.getParent().toRealPath().resolve(real.getFileName());
                if (!real.startsWith(top)) {
                    throw new CommitFailedException(f + " is outside the working tree " + top);
                }
                commit.setOnly(top.relativize(real).toString().replace('\\', '/'));
            }
            RevCommit made = commit.call();
            return made.getName();
        } catch (IOException | GitAPIException e) {
            throw new CommitFailedException("the commit in " + workTree + " failed: " + e.getMessage());
        }
    }

    private static PersonIdent configured(Repository repo) {
        UserConfig user = repo.getConfig().get(UserConfig.KEY);
        if (user.isAuthorNameImplicit() || user.isAuthorEmailImplicit()) {
            return null;
        }
        return new PersonIdent(user.getAuthorName(), user.getAuthorEmail());
    }
}
