package dev.evalbox.cli;

import dev.evalbox.agentloop.cache.CacheEntry;
import dev.evalbox.agentloop.cache.ModelCache;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Looks after the model-call cache that {@code --cache} reads and fills: what it holds, and removing entries. */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = {"The model-call cache of `run ... --cache` and `grade ... --cache`: list what it holds, prune expired",
                "entries, or clear it (all of it, or one model's answers)."},
        subcommands = {CacheCommand.ListEntries.class, CacheCommand.Prune.class, CacheCommand.Clear.class})
final class CacheCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    /** Which store, and which model's entries. */
    static final class Selection {
        @Option(names = "--cache-dir", paramLabel = "DIR",
                description = "The cache's folder (default: $" + ModelCache.DIR_VARIABLE + ", else ~/.cache/evalbox).")
        Path dir;

        @Option(names = "--model", paramLabel = "M", description = "Only the answers of model M (as its --model or --judge named it).")
        String model;

        ModelCache store() { return ModelCache.open(dir != null ? dir : ModelCache.defaultDir()); }

        Predicate<String> models() { return model == null ? m -> true : model::equals; }

        String which() { return model == null ? "" : " of " + model; }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The cached answers per model and endpoint: how many, how many still live, their size and age.")
    static final class ListEntries implements Callable<Integer> {
        @Mixin Selection selection;

        /** The entries of one model at one endpoint. */
        private static final class Group {
            int entries;
            int live;
            long tokens;
            Instant oldest = Instant.MAX;
            Instant newest = Instant.MIN;
        }

        @Override
        public Integer call() {
            ModelCache store = selection.store();
            List<CacheEntry> entries = store.entries(selection.models());
            System.out.println("model-call cache: " + store.dir());
            if (entries.isEmpty()) {
                System.out.println("no cached answers" + selection.which());
                return 0;
            }
            Instant now = store.now();
            Map<String, Group> groups = new TreeMap<>();
            for (CacheEntry e : entries) {
                Group g = groups.computeIfAbsent(e.model() + "\t" + e.endpoint(), k -> new Group());
                g.entries++;
                if (e.liveAt(now)) g.live++;
                g.tokens += e.usage().total();
                if (e.created().isBefore(g.oldest)) g.oldest = e.created();
                if (e.created().isAfter(g.newest)) g.newest = e.created();
            }
            System.out.printf("%-28s %-40s %8s %8s %12s  %-20s  %s%n", "MODEL", "ENDPOINT", "ANSWERS", "LIVE", "TOKENS", "OLDEST", "NEWEST");
            int live = 0;
            for (var group : groups.entrySet()) {
                String[] key = group.getKey().split("\t", 2);
                Group g = group.getValue();
                live += g.live;
                System.out.printf("%-28s %-40s %8d %8d %12d  %-20s  %s%n", key[0], key[1], g.entries, g.live, g.tokens,
                        g.oldest.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), g.newest.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            }
            System.out.printf("%d answer(s), %d live, %d expired (`evalbox cache prune` removes those)%n", entries.size(), live, entries.size() - live);
            return 0;
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = {"Remove expired answers, unreadable entries and the temporary files of writers that were killed",
                    "(those older than an hour: a younger one may belong to a run writing now)."})
    static final class Prune implements Callable<Integer> {
        @Mixin Selection selection;

        @Override
        public Integer call() {
            ModelCache store = selection.store();
            ModelCache.Removed removed = store.prune(selection.models());
            System.out.printf("pruned %d expired answer(s)%s and %d leftover file(s), %.1f MB, from %s%n", removed.entries(), selection.which(),
                    removed.leftovers(), removed.bytes() / 1e6, store.dir());
            return 0;
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = "Remove every cached answer (with --model, that model's); the next run with --cache asks the server again.")
    static final class Clear implements Callable<Integer> {
        @Mixin Selection selection;

        @Override
        public Integer call() {
            ModelCache store = selection.store();
            ModelCache.Removed removed = store.clear(selection.models());
            System.out.printf("cleared %d answer(s)%s, %.1f MB, from %s%n", removed.entries(), selection.which(), removed.bytes() / 1e6, store.dir());
            return 0;
        }
    }
}
