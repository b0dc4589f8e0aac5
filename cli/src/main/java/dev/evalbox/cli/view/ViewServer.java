package dev.evalbox.cli.view;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.evalbox.unittests.view.RunFolder;
import dev.evalbox.unittests.view.RunIndex;
import dev.evalbox.unittests.view.ViewAssets;
import dev.evalbox.unittests.view.ViewData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The viewer's HTTP server: the JDK's own (com.sun.net.httpserver), which needs no dependency and
 * is enough for one reader on loopback. It answers the page, its script and style from the jar, the
 * data scripts from the runs' indexes, and the runs' files. Bound to 127.0.0.1 unless told otherwise;
 * on any other address every request must carry the token printed at start (once, after which a
 * cookie carries it). Only names it knows (run keys, task numbers, asset names) and files inside a run
 * directory are reachable.
 */
public final class ViewServer implements AutoCloseable {
    private static final Pattern RUN = Pattern.compile("/data/run/([0-9a-f]{1,64})\\.js");
    private static final Pattern TASK = Pattern.compile("/data/task/([0-9a-f]{1,64})/(\\d{1,9})\\.js");
    private static final Pattern FILE = Pattern.compile("/files/([0-9a-f]{1,64})/(.+)");
    private static final Pattern COMPARE = Pattern.compile("/data/compare/([0-9a-f]{1,64})/([0-9a-f]{1,64})\\.js");
    private static final Pattern FROM = Pattern.compile("(?:^|&)from=(\\d{1,9})(?:&|$)");
    private static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
            + " frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";
    // a run's files are the model's: a page it wrote runs its scripts with no origin of ours, even opened directly
    private static final String FILE_POLICY = "sandbox allow-scripts";

    private final HttpServer server;
    private final ExecutorService threads;
    private final ViewData data;
    private final String token;
    private final Set<String> hosts;

    private final ExecutorService indexer;

    private ViewServer(HttpServer server, ExecutorService threads, ViewData data, String token, Set<String> hosts, ExecutorService indexer) {
        this.indexer = indexer;
        this.server = server;
        this.threads = threads;
        this.data = data;
        this.token = token;
        this.hosts = hosts;
    }

    /**
     * Serves the runs under {@code folder} on {@code host}:{@code port} (0 for any free port). A host
     * other than a loopback address gets a token, which {@link #url()} carries.
     */
    public static ViewServer start(Path folder, String host, int port) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        String token = address.isLoopbackAddress() ? null : newToken();
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 64);
        ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "evalbox-view");
            t.setDaemon(true);
            return t;
        });
        int bound = server.getAddress().getPort();
        // Host names a page may be reached by: a page on another site that rebinds its name to 127.0.0.1 is refused
        Set<String> hosts = new java.util.HashSet<>(List.of("127.0.0.1:" + bound, "localhost:" + bound, "[::1]:" + bound,
                hostPort(host, bound), hostPort(address.getHostAddress(), bound)));
        ExecutorService indexer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "evalbox-view-index");
            t.setDaemon(true);
            return t;
        });
        ViewData data = new ViewData(new RunFolder(folder), indexer);
        data.warmUp(); // the runs are read as soon as the server starts, not when the first page asks
        ViewServer view = new ViewServer(server, threads, data, token, hosts, indexer);
        server.createContext("/", view::handle);
        server.setExecutor(threads);
        server.start();
        return view;
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host).toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public int port() { return server.getAddress().getPort(); }

    /** The URL to open: the address, and the token where one is needed. */
    public String url() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return "http://" + host + ":" + address.getPort() + "/" + (token == null ? "" : "?token=" + token);
    }

    public Optional<String> token() { return Optional.ofNullable(token); }

    public RunFolder folder() { return data.folder(); }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        indexer.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                send(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String host = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host")).orElse("").toLowerCase(Locale.ROOT);
            // with a token the token is the guard (a remote reader uses whatever name reaches the machine)
            if (token == null && !hosts.contains(host)) {
                send(exchange, 421, "text/plain; charset=utf-8", ("unknown host " + host).getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (token != null && !authorized(exchange)) {
                send(exchange, 403, "text/plain; charset=utf-8",
                        "this viewer needs its token: open the URL `evalbox view` printed".getBytes(StandardCharsets.UTF_8));
                return;
            }
            route(exchange);
        } catch (RuntimeException e) {
            // the page gets a short message; the reason stays on the server's console
            System.err.println("evalbox view: " + exchange.getRequestURI().getRawPath() + ": " + e);
            send(exchange, 500, "text/plain; charset=utf-8", "the viewer could not answer this request".getBytes(StandardCharsets.UTF_8));
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
        for (String part : query.split("&")) {
            if (part.startsWith("token=") && same(part.substring(6), token)) {
                exchange.getResponseHeaders().add("Set-Cookie", "evalbox_token=" + token + "; Path=/; HttpOnly; SameSite=Strict");
                return true;
            }
        }
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String cookie : header.split(";")) {
                String c = cookie.strip();
                if (c.startsWith("evalbox_token=") && same(c.substring(14), token)) return true;
            }
        }
        return false;
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private void route(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath();
        if (path.equals("/") || path.equals("/index.html")) {
            exchange.getResponseHeaders().set("Content-Security-Policy", PAGE_POLICY);
            send(exchange, 200, ViewAssets.contentType("index.html"), ViewAssets.bytes("index.html"));
            return;
        }
        if (path.equals("/live.js")) {
            send(exchange, 200, ViewAssets.contentType("live.js"), ViewAssets.live(true).getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (path.startsWith("/assets/") && ViewAssets.NAMES.contains(path.substring(1))) {
            send(exchange, 200, ViewAssets.contentType(path), ViewAssets.bytes(path.substring(1)));
            return;
        }
        if (path.equals("/data/runs.js")) {
            script(exchange, "data/runs.js", data.runs());
            return;
        }
        Matcher run = RUN.matcher(path);
        if (run.matches()) {
            Matcher from = FROM.matcher(Optional.ofNullable(uri.getRawQuery()).orElse(""));
            byte[] script = data.runScript(path.substring(1), run.group(1), from.find() ? Integer.parseInt(from.group(1)) : 0);
            if (script == null) {
                notFound(exchange);
            } else {
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                send(exchange, 200, "text/javascript; charset=utf-8", script);
            }
            return;
        }
        Matcher task = TASK.matcher(path);
        if (task.matches()) {
            String key = task.group(1);
            ObjectNode payload = data.task(key, Integer.parseInt(task.group(2)), file -> ViewAssets.fileLink(key, file));
            if (payload == null) notFound(exchange);
            else script(exchange, path.substring(1), payload);
            return;
        }
        Matcher compare = COMPARE.matcher(path);
        if (compare.matches()) {
            ObjectNode payload = data.compare(compare.group(1), compare.group(2));
            if (payload == null) notFound(exchange);
            else script(exchange, path.substring(1), payload);
            return;
        }
        Matcher file = FILE.matcher(path);
        if (file.matches()) {
            file(exchange, file.group(1), file.group(2));
            return;
        }
        notFound(exchange);
    }

    private void file(HttpExchange exchange, String key, String rest) throws IOException {
        RunIndex run = data.folder().run(key);
        Optional<Path> file = run == null ? Optional.empty()
                : ServedPath.segments(rest).flatMap(segments -> ServedPath.resolve(data.folder().root(), run.dir(), segments));
        if (file.isEmpty()) {
            notFound(exchange);
            return;
        }
        exchange.getResponseHeaders().set("Content-Security-Policy", FILE_POLICY);
        exchange.getResponseHeaders().set("Content-Type", FileTypes.of(file.get()));
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        long size = Files.size(file.get());
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(200, head ? -1 : size == 0 ? -1 : size);
        if (!head && size > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file.get(), out); // streamed: a large file is never held whole
            }
        }
    }

    private static void script(HttpExchange exchange, String name, ObjectNode payload) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, 200, "text/javascript; charset=utf-8", ViewData.script(name, payload).getBytes(StandardCharsets.UTF_8));
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        send(exchange, 404, "text/plain; charset=utf-8", "not found".getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** For tests and the bench: the runs this server sees. */
    Map<String, RunIndex> runs() { return data.folder().scan(); }
}
