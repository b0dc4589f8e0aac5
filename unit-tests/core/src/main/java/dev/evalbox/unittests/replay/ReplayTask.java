package dev.evalbox.unittests.replay;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.evalbox.unittests.eval.EvalTask;
import dev.evalbox.unittests.eval.UserException;
import java.util.ArrayList;
import java.util.List;

/** A recorded task to replay: its id and its recorded conversation. */
record ReplayTask(String id, ArrayNode messages) implements EvalTask {

    /** The recorded run's tasks, or only those named (in the order named); an unknown name is the user's error. */
    static List<ReplayTask> of(RecordedRun recorded, List<String> only) {
        List<ReplayTask> tasks = new ArrayList<>();
        if (only.isEmpty()) {
            recorded.byTask().forEach((id, messages) -> tasks.add(new ReplayTask(id, messages)));
            return tasks;
        }
        for (String id : only) {
            ArrayNode messages = recorded.byTask().get(id);
            if (messages == null) throw new UserException("--tasks " + id + ": " + recorded.source() + " has no such task");
            tasks.add(new ReplayTask(id, messages));
        }
        return tasks;
    }
}
