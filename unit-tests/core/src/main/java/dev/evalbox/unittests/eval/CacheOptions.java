package dev.evalbox.unittests.eval;

import dev.evalbox.agentloop.cache.ModelCache;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * {@code --cache[=DURATION]} and {@code --cache-dir}: the runner's options that put every model and judge call
 * of a run or grade behind the model-call cache. They belong to the runner rather than to the model's options
 * because a grade calls a judge without a model, and a run may call both.
 */
public final class CacheOptions {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*([smhdw])");

    @Option(names = "--cache", arity = "0..1", fallbackValue = "7d", paramLabel = "DURATION",
            description = {"Answer model and judge calls from the model-call cache when the same request (endpoint, model, every",
                    "message and image, every sampling setting, epoch) was answered within DURATION (e.g. 30m, 12h, 7d, 2w;",
                    "default 7d), and store new answers there. Give the duration with = (--cache=12h)."})
    String cache;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "The model-call cache's folder (default: $" + ModelCache.DIR_VARIABLE + ", else ~/.cache/evalbox).")
    Path cacheDir;

    /** The cache the user asked for, or null without --cache. */
    public CacheUse use() {
        if (cache == null) return null;
        return new CacheUse(ModelCache.open(cacheDir != null ? cacheDir : ModelCache.defaultDir()), parseDuration(cache));
    }

    /** The store's folder: --cache-dir, else the default (for {@code evalbox cache}). */
    public Path dir() { return cacheDir != null ? cacheDir : ModelCache.defaultDir(); }

    /** 30s, 30m, 12h, 7d, 2w, or an ISO-8601 duration (PT90M). */
    public static Duration parseDuration(String text) {
        String given = text.strip().toLowerCase(Locale.ROOT);
        Matcher simple = SIMPLE.matcher(given);
        Duration duration;
        if (simple.matches()) {
            long n = Long.parseLong(simple.group(1));
            duration = switch (simple.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        } else {
            try {
                duration = Duration.parse(given.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new UserException("--cache: \"" + text + "\" is not a duration (like 30m, 12h, 7d or 2w); give it with ="
                        + " (--cache=7d), or put --cache after the command's other arguments");
            }
        }
        if (duration.isNegative() || duration.isZero()) throw new UserException("--cache: the duration must be positive, got \"" + text + "\"");
        return duration;
    }
}
