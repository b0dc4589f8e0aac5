package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.kubernetes.KubernetesAccess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** --backend kubernetes where there is no cluster: one line naming what is missing, no stack trace, on every command. */
class KubernetesBackendCliTest {

    @Test
    void withoutCredentialsEveryCommandSaysSoInOneLine() {
        String problem = KubernetesAccess.credentialsProblem();
        Assumptions.assumeTrue(problem != null, "this machine has Kubernetes credentials; the check is for one without");
        for (String[] command : new String[][] {
                {"sandbox", "run", "--backend", "kubernetes", "-c", "1"},
                {"sandbox", "reap", "--backend", "kubernetes"},
                {"doctor", "--backend", "kubernetes"}}) {
            CommandRunner.Result result = CommandRunner.run(command);
            assertEquals(1, result.exitCode(), String.join(" ", command));
            String said = result.err().strip() + result.out().strip();
            assertTrue(said.contains("no Kubernetes credentials"), String.join(" ", command) + ": " + said);
            assertFalse(said.contains("at dev.evalbox") || said.contains("Exception"), said);
        }
    }
}
