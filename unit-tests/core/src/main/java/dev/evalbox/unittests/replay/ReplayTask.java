package dev.evalbox.unittests.replay;

import dev.evalbox.unittests.eval.EvalTask;
import dev.evalbox.unittests.eval.UserException;
import java.util.ArrayList;
import java.util.List;

/** A recorded task to replay, by its id: each of its attempts (one per epoch) is looked up in the recorded run. */
record ReplayTask(String id) implements EvalTask {

    /** The recorded run's tasks, or only those named (in the order named); an unknown name is the user's error. */
    static List<ReplayTask> of(RecordedRun recorded, List<String> only) {
        List<ReplayTask> tasks = new ArrayList<>();
        List<String> known = recorded.taskIds();
        if (only.isEmpty()) {
            known.forEach(id -> tasks.add(new ReplayTask(id)));
            return tasks;
        }
        for (String id : only) {
            if (!known.contains(id)) throw new UserException("--tasks " + id + ": " + recorded.source() + " has no such task");
            tasks.add(new ReplayTask(id));
        }
        return tasks;
    }
}
