package dev.evalbox.unittests.artifactsbench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One page's blocked attempts (a URL each, in the order first seen), merged from the observers that report them.
 * Several observers see the same attempt (request interception and the browser's network events both see a fetch; the
 * WebSocket event and the console's "WebSocket connection to ... failed" both see a WebSocket), so a URL is listed as many
 * times as the observer that saw it most often saw it: once for one fetch seen twice, twice for two fetches of one URL.
 */
final class BlockedAttempts {
    /** Who saw an attempt. */
    enum Observer {
        /** Playwright's request interception, which aborts the request. */
        INTERCEPTION,
        /** The browser's network events of the page's frames ({@code Network.requestWillBeSent}). */
        NETWORK,
        /** The browser's WebSocket events ({@code Network.webSocketCreated}). */
        WEBSOCKET,
        /** The browser's console messages of a failed WebSocket, which workers forward to their page. */
        CONSOLE,
        /** Targets the browser creates for the page: a service worker's script, a shared worker's attempts. */
        TARGET,
        /** evalbox's wrapper of the WebRTC and WebTransport constructors in the page. */
        PAGE_SCRIPT
    }

    // Chromium's console message for a WebSocket that failed, opened by the page or by any of its workers (a dedicated worker's
    // reach its page's console; a WebSocket a worker opens as it starts is created before a late debugger can see the event)
    private static final Pattern FAILED_WEBSOCKET = Pattern.compile("^WebSocket connection to '(.+)' failed(?::.*)?$", Pattern.DOTALL);

    private final List<String> urls = new ArrayList<>();
    private final Map<String, Integer> listed = new HashMap<>();
    private final Map<Observer, Map<String, Integer>> seen = new EnumMap<>(Observer.class);

    /** Records that {@code observer} saw an attempt at {@code url}; it is listed again only when no observer already accounts for it. */
    void add(Observer observer, String url) {
        int count = seen.computeIfAbsent(observer, o -> new HashMap<>()).merge(url, 1, Integer::sum);
        if (count > listed.getOrDefault(url, 0)) {
            listed.put(url, count);
            urls.add(url);
        }
    }

    List<String> list() {
        return List.copyOf(urls);
    }

    /**
     * Records what a DevTools event of the page, or of one of its workers, shows of an attempt: a request about to be sent
     * (except data: and blob: URLs, which reach no network, CORS preflights, which stand for a request already seen, and what
     * {@code skip} says is not an attempt: the page itself, its own navigations), a WebSocket created, or the console's
     * message of a WebSocket that failed.
     */
    void onEvent(String method, JsonObject params, Predicate<JsonObject> skip) {
        switch (method) {
            case "Network.requestWillBeSent" -> {
                JsonObject request = params.getAsJsonObject("request");
                if (request == null || "Preflight".equals(text(params.get("type"))) || skip.test(params)) return;
                String url = text(request.get("url")) + text(request.get("urlFragment"));
                if (!url.isEmpty() && !url.startsWith("data:") && !url.startsWith("blob:")) add(Observer.NETWORK, url);
            }
            case "Network.webSocketCreated" -> {
                String url = text(params.get("url"));
                if (!url.isEmpty()) add(Observer.WEBSOCKET, url);
            }
            case "Log.entryAdded" -> {
                JsonObject entry = params.getAsJsonObject("entry");
                Matcher failed = FAILED_WEBSOCKET.matcher(entry == null ? "" : text(entry.get("text")));
                if (failed.matches()) add(Observer.CONSOLE, failed.group(1));
            }
            default -> { }
        }
    }

    private static String text(JsonElement element) {
        return element == null || element.isJsonNull() ? "" : element.getAsString();
    }
}
