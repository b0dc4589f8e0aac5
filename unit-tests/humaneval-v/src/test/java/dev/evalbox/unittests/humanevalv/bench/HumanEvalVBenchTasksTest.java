package dev.evalbox.unittests.humanevalv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HumanEvalVBenchTasksTest {
    @Test
    void theSamplesAreTheSameForTheSameSeedAndHaveEveryKind() {
        HumanEvalVBenchTasks.SampleSet first = HumanEvalVBenchTasks.generate(2000, 7);
        assertEquals(first, HumanEvalVBenchTasks.generate(2000, 7));
        assertEquals(2000, first.samples());
        assertEquals(334, first.tasks().size());
        assertEquals(2, first.predictions().get(333).predictions().size(), "the last task takes what is left");
        assertEquals(EnumSet.allOf(HumanEvalVBenchTasks.Kind.class),
                first.kinds().stream().flatMap(List::stream).collect(Collectors.toCollection(() -> EnumSet.noneOf(HumanEvalVBenchTasks.Kind.class))));
    }
}
