package io.truenasgitops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truenasgitops.api.V1;
import io.truenasgitops.reconcile.Action;
import io.truenasgitops.reconcile.ActionType;
import io.truenasgitops.reconcile.Plan;
import io.truenasgitops.reconcile.Reason;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The data folders a create would make are printed under it, in the table and in the Markdown comment. */
class PlanDataFoldersTest {

    static Plan plan() {
        Action create = Action.builder(ActionType.CREATE, "db", "default").path("stacks/db")
                .reason(Reason.of("NotDeployed", "app 'db' does not exist on the NAS"))
                .creates(List.of("data folder /mnt/tank/apps/db/data (owner 999:999)")).build();
        return new Plan("0123456789abcdef0123456789abcdef01234567", "file:///repo", Instant.EPOCH, List.of(create),
                List.of());
    }

    @Test
    void theTableShowsEachDataFolderAsALineToBeCreated() {
        StringWriter out = new StringWriter();

        ReconcileCommand.printPlan(new PrintWriter(out), V1.Plan.of(plan()), "file:///repo", "wss://nas", false);

        assertThat(out.toString().lines()).contains("      + data folder /mnt/tank/apps/db/data (owner 999:999)");
    }

    @Test
    void theMarkdownCommentSaysWhatTheCreateMakes() {
        String md = PlanMarkdown.render(plan(), "file:///repo", "wss://nas", false);

        assertThat(md).contains("**creates:** data folder /mnt/tank/apps/db/data (owner 999:999)");
    }
}
