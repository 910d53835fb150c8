package io.truenasgitops.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommitLinksTest {

    static final String REV = "4f0eadd1c9d1d0c0ffee4f0eadd1c9d1d0c0ffee";
    final CommitLinks links = new CommitLinks(null);

    @Test
    void githubHttpsAndSshUrlsLinkToTheCommitPage() {
        assertThat(links.link("https://github.com/home/stacks.git", REV))
                .contains("https://github.com/home/stacks/commit/" + REV);
        assertThat(links.link("git@github.com:home/stacks.git", REV))
                .contains("https://github.com/home/stacks/commit/" + REV);
        assertThat(links.link("ssh://git@github.com/home/stacks", REV))
                .contains("https://github.com/home/stacks/commit/" + REV);
    }

    @Test
    void gitlabKeepsSubgroupsAndUsesItsDashPath() {
        assertThat(links.link("https://gitlab.com/home/infra/stacks.git", REV))
                .contains("https://gitlab.com/home/infra/stacks/-/commit/" + REV);
        assertThat(links.link("ssh://git@gitlab.home.lan:2222/ops/stacks.git", REV))
                .contains("https://gitlab.home.lan/ops/stacks/-/commit/" + REV);
    }

    @Test
    void giteaForgejoAndBitbucketHaveTheirOwnShapes() {
        assertThat(links.link("https://codeberg.org/me/stacks.git", REV))
                .contains("https://codeberg.org/me/stacks/commit/" + REV);
        assertThat(links.link("https://gitea.home.lan/me/stacks.git", REV))
                .contains("https://gitea.home.lan/me/stacks/commit/" + REV);
        assertThat(links.link("https://forgejo.example.org/me/stacks", REV))
                .contains("https://forgejo.example.org/me/stacks/commit/" + REV);
        assertThat(links.link("git@bitbucket.org:team/stacks.git", REV))
                .contains("https://bitbucket.org/team/stacks/commits/" + REV);
    }

    @Test
    void anUnknownHostALocalPathOrNoRevisionGiveNoLink() {
        assertThat(links.link("https://git.home.lan/me/stacks.git", REV)).isEmpty();
        assertThat(links.link("file:///srv/git/stacks", REV)).isEmpty();
        assertThat(links.link("/srv/git/stacks", REV)).isEmpty();
        assertThat(links.link("https://github.com/home/stacks.git", null)).isEmpty();
    }

    @Test
    void aTemplateLinksAnyHost() {
        CommitLinks custom = new CommitLinks("https://{host}/{repo}/commit/{revision}");

        assertThat(custom.link("ssh://git@git.home.lan:2222/me/stacks.git", REV))
                .contains("https://git.home.lan/me/stacks/commit/" + REV);
    }
}
