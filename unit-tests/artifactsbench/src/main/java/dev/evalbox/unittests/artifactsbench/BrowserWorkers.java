package dev.evalbox.unittests.artifactsbench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.PlaywrightException;
import java.util.HashMap;
import java.util.Map;

/**
 * Watches, for one browser, the workers that belong to no page: shared workers and service workers. No page's
 * DevTools session sees them (a page's requests and the WebSockets of its dedicated workers reach its own session),
 * and Playwright lets them run unwatched, so their attempts go to the {@link BlockedAttempts} of the browser context
 * (one per rendered page) that started them.
 *
 * <p>A service worker's script is the attempt recorded for it: its origin is the page's own, which nothing serves, so the
 * worker never runs. A shared worker is attached to (in the protocol's non-flat mode, the one whose messages Playwright
 * passes on to this session) and its console and network events are read: the console's messages come with those
 * sent before the attach, which records a WebSocket the worker opened as it started; a request it makes before the
 * attach is done is refused unrecorded (Playwright has already let the worker run by then, and Chromium's console
 * has no message for a failed worker fetch).
 */
final class BrowserWorkers {
    private final CDPSession session;
    private final Map<String, BlockedAttempts> byContext = new HashMap<>();
    private final Map<String, BlockedAttempts> bySession = new HashMap<>();
    private int lastId;

    private BrowserWorkers(CDPSession session) {
        this.session = session;
    }

    /** Starts watching {@code browser}'s shared and service workers. */
    static BrowserWorkers watch(Browser browser) {
        BrowserWorkers workers = new BrowserWorkers(browser.newBrowserCDPSession());
        workers.session.on("Target.targetCreated", workers::created);
        workers.session.on("Target.receivedMessageFromTarget", workers::message);
        workers.session.on("Target.detachedFromTarget", event -> workers.bySession.remove(event.get("sessionId").getAsString()));
        JsonObject discover = new JsonObject();
        discover.addProperty("discover", true);
        // only these kinds: every page, frame and dedicated worker of every context would be reported otherwise
        JsonArray filter = new JsonArray();
        for (String type : new String[] {"shared_worker", "service_worker"}) {
            JsonObject kind = new JsonObject();
            kind.addProperty("type", type);
            kind.addProperty("exclude", false);
            filter.add(kind);
        }
        discover.add("filter", filter);
        workers.session.send("Target.setDiscoverTargets", discover);
        return workers;
    }

    /** The attempts of the workers of browser context {@code contextId} go to {@code attempts} from now on. */
    void watch(String contextId, BlockedAttempts attempts) {
        byContext.put(contextId, attempts);
    }

    /** The context's page is done: what its workers try from now on is no longer recorded. */
    void forget(String contextId) {
        byContext.remove(contextId);
        bySession.values().removeIf(attempts -> !byContext.containsValue(attempts));
    }

    private void created(JsonObject event) {
        JsonObject target = event.getAsJsonObject("targetInfo");
        BlockedAttempts attempts = byContext.get(target.has("browserContextId") ? target.get("browserContextId").getAsString() : "");
        if (attempts == null) return;
        String type = target.get("type").getAsString();
        String url = target.get("url").getAsString();
        if (type.equals("service_worker")) {
            if (!url.isEmpty()) attempts.add(BlockedAttempts.Observer.TARGET, url);
            return;
        }
        try {
            JsonObject attach = new JsonObject();
            attach.addProperty("targetId", target.get("targetId").getAsString());
            attach.addProperty("flatten", false);
            String sessionId = session.send("Target.attachToTarget", attach).get("sessionId").getAsString();
            bySession.put(sessionId, attempts);
            for (String method : new String[] {"Log.enable", "Network.enable"}) {
                JsonObject message = new JsonObject();
                message.addProperty("id", ++lastId);
                message.addProperty("method", method);
                JsonObject send = new JsonObject();
                send.addProperty("sessionId", sessionId);
                send.addProperty("message", message.toString());
                session.send("Target.sendMessageToTarget", send);
            }
        } catch (PlaywrightException gone) {
            // the worker ended (or its context closed) before it could be attached to: it tried nothing more
        }
    }

    private void message(JsonObject event) {
        BlockedAttempts attempts = bySession.get(event.get("sessionId").getAsString());
        if (attempts == null) return;
        JsonObject message = JsonParser.parseString(event.get("message").getAsString()).getAsJsonObject();
        if (message.has("method") && message.has("params")) {
            attempts.onEvent(message.get("method").getAsString(), message.getAsJsonObject("params"), request -> false);
        }
    }
}
