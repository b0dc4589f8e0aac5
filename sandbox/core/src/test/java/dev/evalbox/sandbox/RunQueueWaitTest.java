package dev.evalbox.sandbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The run-queue wait that lets a starved sandbox keep its session: a process that shares one CPU with
 * two busy loops waits for it, a sleeping one does not.
 */
class RunQueueWaitTest {

    private static Process start(String... command) throws Exception {
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @Test
    void aProcessQueuedBehindBusyLoopsWaitsASleepingOneDoesNot() throws Exception {
        List<Process> started = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) started.add(start("taskset", "-c", "0", "sh", "-c", "while :; do :; done"));
            Process queued = start("taskset", "-c", "0", "sh", "-c", "while :; do :; done");
            started.add(queued);
            Process sleeping = start("sleep", "30");
            started.add(sleeping);
            // the shells' trees: the busy loop is the sh itself, so the root's own threads are measured
            long queuedBefore = RunQueueWait.nanos(queued.pid()).orElseThrow();
            long sleepingBefore = RunQueueWait.nanos(sleeping.pid()).orElseThrow();
            long wall = TimeUnit.SECONDS.toNanos(3);
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wall));
            long queuedWait = RunQueueWait.nanos(queued.pid()).orElseThrow() - queuedBefore;
            long sleepingWait = RunQueueWait.nanos(sleeping.pid()).orElseThrow() - sleepingBefore;
            // three runnable loops on one CPU: each waits about two thirds of the time, and more on a busy machine
            assertTrue(queuedWait > wall / 3, "the queued loop waited " + queuedWait / 1_000_000 + " ms of 3000");
            assertTrue(sleepingWait < wall / 10, "the sleeping process waited " + sleepingWait / 1_000_000 + " ms of 3000");
        } finally {
            started.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void aLiveProcessTreeIsMeasuredAndAGoneOneSaysNothing() throws Exception {
        Process shell = start("sh", "-c", "sleep 30 & sleep 30 & wait");
        try {
            assertTrue(RunQueueWait.nanos(shell.pid()).isPresent());
        } finally {
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly().waitFor();
        }
        assertTrue(RunQueueWait.nanos(shell.pid()).isEmpty(), "a process that is gone has no wait to report");
    }
}
