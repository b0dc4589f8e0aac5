package dev.evalbox.kernel;

import dev.evalbox.kernel.wire.ConnectionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One kernel in this JVM and evalbox's test client connected to it, for a whole test class. */
abstract class RunningKernel {
    static JupyterKernel kernel;
    static KernelClient client;

    @BeforeAll
    static void startKernel() throws Exception {
        kernel = new JupyterKernel(ConnectionInfo.loopback(), KernelSettings.defaults()).start();
        client = new KernelClient(kernel.connection());
        client.awaitIopub();
    }

    @AfterAll
    static void stopKernel() {
        client.close();
        kernel.close();
        client = null;
        kernel = null; // what the cells held goes with it, before the next test class runs in this JVM
    }
}
