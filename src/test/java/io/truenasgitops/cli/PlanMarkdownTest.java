package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a stack's name, a reason or a diff holds never turns into Markdown or HTML of its own in the comment. */
class PlanMarkdownTest {

    @Test
    void aDiffHoldingBackticksGetsALongerFence() {
        assertThat(PlanMarkdown.fenceFor("+ command: echo ok")).isEqualTo("```");
        assertThat(PlanMarkdown.fenceFor("+ command: echo ```` done")).isEqualTo("`````");
    }

    @Test
    void reasonsAndNamesAreTakenLiterally() {
        assertThat(PlanMarkdown.text("app <b>x</b> [link](http://evil) *now*\nnext line"))
                .isEqualTo("app &lt;b&gt;x&lt;/b&gt; \\[link\\](http://evil) \\*now\\* next line");
        assertThat(PlanMarkdown.html("a<script>&")).isEqualTo("a&lt;script&gt;&amp;");
        assertThat(PlanMarkdown.code("a`b")).isEqualTo("``a`b``");
    }
}
