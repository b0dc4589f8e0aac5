package dev.evalbox.unittests.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.model.SamplingParams;
import dev.evalbox.sandbox.DockerEngine;
import dev.evalbox.sandbox.SandboxLimits;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.RunDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * run.json, the record of what ran: written when the run starts (status {@code running}), again at
 * the end ({@code finished}, {@code interrupted} or {@code failed}) with the metrics. The format is
 * documented in docs/run-directory.md and by docs/schema/run.schema.json; {@link #SCHEMA_VERSION}
 * changes with any change a reader must know about.
 */
public final class RunRecord {
    public static final int SCHEMA_VERSION = 1;

    /** Where a run is. */
    public enum Status { RUNNING, FINISHED, INTERRUPTED, FAILED;
        public String key() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    private final ObjectNode json = RunDirectory.object();

    RunRecord(String benchmark, EvalMode mode, Instant started, List<String> commandLine, String version, String commit) {
        json.put("schema_version", SCHEMA_VERSION).put("kind", mode.verb()).put("benchmark", benchmark)
                .put("status", Status.RUNNING.key()).put("started", started.toString()).putNull("finished");
        json.putNull("dataset");
        json.putNull("model");
        json.putNull("judge");
        json.putNull("sandbox");
        json.putObject("evalbox").put("version", version).put("commit", commit);
        var line = json.putArray("command_line");
        commandLine.forEach(line::add);
        json.putObject("config");
    }

    /** The dataset: the path the user gave, the SHA-256 of {@code hashed} (the file that holds the tasks) and the task count. */
    public RunRecord dataset(Path path, Path hashed, int tasks) {
        json.putObject("dataset").put("path", path.toAbsolutePath().toString()).put("sha256", sha256(hashed)).put("tasks", tasks);
        return this;
    }

    /**
     * A dataset held in several files (a benchmark's own file and a second test set, say): {@code path}
     * and {@code sha256} are the first file's, {@code files} lists each file with its SHA-256.
     */
    public RunRecord dataset(List<Path> files, int tasks) {
        if (files.isEmpty()) throw new IllegalArgumentException("a dataset needs at least one file");
        dataset(files.get(0), files.get(0), tasks);
        if (files.size() > 1) {
            var list = ((ObjectNode) json.get("dataset")).putArray("files");
            files.forEach(f -> list.addObject().put("path", f.toAbsolutePath().toString()).put("sha256", sha256(f)));
        }
        return this;
    }

    /** The model: its name, the server's base URL (credentials removed) and the sampling settings actually sent. */
    public RunRecord model(String name, String baseUrl, SamplingParams sent) {
        json.set("model", endpoint(name, baseUrl, sent));
        return this;
    }

    /** The judge, recorded as the model is. */
    public RunRecord judge(String name, String baseUrl, SamplingParams sent) {
        json.set("judge", endpoint(name, baseUrl, sent));
        return this;
    }

    /** The benchmark's own settings (prompt files, selections, budgets): an object it fills in. */
    public ObjectNode config() { return (ObjectNode) json.get("config"); }

    void sandbox(SandboxProvider provider, SandboxSpec spec) {
        String backend = provider.backend();
        ObjectNode sandbox = json.putObject("sandbox").put("backend", backend);
        if ("docker".equals(backend)) {
            sandbox.put("image", spec.image());
            var identity = DockerEngine.identify(spec.image());
            sandbox.put("image_id", identity.map(DockerEngine.ImageIdentity::id).orElse(null));
            var digests = sandbox.putArray("image_digests");
            identity.ifPresent(i -> i.digests().forEach(digests::add));
        } else if (provider.isolated()) {
            sandbox.put("image", spec.image()); // an image another machine pulls (a cluster's): its id is not known here
        } else {
            sandbox.put("python", spec.pythonExecutable());
        }
        ObjectNode limits = sandbox.putObject("limits");
        limits.put("memory_bytes", spec.memoryBytes()).put("cpus", spec.cpus()).put("pids", spec.pidsLimit())
                .put("cell_timeout_s", spec.defaultTimeout().toMillis() / 1000.0).put("network", spec.networkMode())
                .put("read_only_root", spec.readOnlyRoot());
        // the limits (by their keys here; work_dir_bytes is the work dir's size) that this backend does not hold itself (the local backend's memory, a pod's process count)
        var notEnforced = limits.putArray("not_enforced");
        for (SandboxLimits.Limit limit : SandboxLimits.Limit.values()) {
            if (provider.enforces().contains(limit)) continue;
            notEnforced.add(switch (limit) {
                case MEMORY -> "memory_bytes";
                case CPUS -> "cpus";
                case PIDS -> "pids";
                case TIME -> "cell_timeout_s";
                case NETWORK -> "network";
                case READ_ONLY_ROOT -> "read_only_root";
                case WORK_DIR_SIZE -> "work_dir_bytes";
            });
        }
    }

    /** What the backend counted during the run ({@link SandboxProvider#counters()}), taken at its end. */
    void sandboxCounters(Map<String, Long> counters) {
        if (!(json.get("sandbox") instanceof ObjectNode sandbox)) return;
        ObjectNode node = sandbox.putObject("counters");
        counters.forEach(node::put);
    }

    void concurrency(int tasks) { json.put("concurrency", tasks); }

    /** The model-call cache the run used (null: none): its folder and how long its answers are used. */
    void cache(CacheUse cache) {
        if (cache == null) {
            json.putNull("cache");
        } else {
            json.putObject("cache").put("dir", cache.store().dir().toString()).put("ttl_s", cache.ttl().toSeconds());
        }
    }

    /** The tokens of the run's model and judge calls, paid apart from cached ({@link RunUsage}). */
    void usage(ObjectNode usage) { json.set("usage", usage); }

    void status(Status status, Instant finished) {
        json.put("status", status.key());
        if (finished != null) json.put("finished", finished.toString());
    }

    void error(String message) { json.put("error", message); }

    void metrics(ObjectNode metrics) { json.set("metrics", metrics); }

    /** A copy of the record as it stands. */
    public ObjectNode json() { return json.deepCopy(); }

    /** The model's name in a run.json of any version (an object since schema 1, a string before). */
    public static String modelName(JsonNode run) {
        JsonNode model = run.path("model");
        if (model.isObject()) return model.path("name").asText(null);
        return model.isTextual() ? model.asText() : null;
    }

    /** A benchmark setting in a run.json of any version (under {@code config} since schema 1, at the top before). */
    public static JsonNode setting(JsonNode run, String name) {
        JsonNode inConfig = run.path("config").path(name);
        return inConfig.isMissingNode() ? run.path(name) : inConfig;
    }

    private static ObjectNode endpoint(String name, String baseUrl, SamplingParams sent) {
        ObjectNode node = RunDirectory.object().put("name", name).put("base_url", withoutCredentials(baseUrl));
        ObjectNode sampling = node.putObject("sampling");
        if (sent != null) sent.writeTo(sampling);
        return node;
    }

    /** A base URL with any user:password and query string removed: keys never reach the run record. */
    static String withoutCredentials(String baseUrl) {
        if (baseUrl == null) return null;
        try {
            URI uri = URI.create(baseUrl);
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            return "(not a URL)";
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to record its digest", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
