package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.evalbox.unittests.artifactsbench.BlockedAttempts.Observer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the observers' reports of one page's attempts merge into its blocked list, and what a DevTools event tells of one. */
class BlockedAttemptsTest {
    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    private static JsonObject request(String url, String type) {
        return json("{\"requestId\":\"1.1\",\"frameId\":\"F\",\"type\":\"" + type + "\",\"request\":{\"url\":\"" + url + "\",\"method\":\"GET\"}}");
    }

    @Test
    void anAttemptTwoObserversSeeIsListedOnceAndTwoAttemptsTwice() {
        BlockedAttempts attempts = new BlockedAttempts();
        attempts.add(Observer.INTERCEPTION, "http://127.0.0.1:9/a");
        attempts.add(Observer.NETWORK, "http://127.0.0.1:9/a");
        attempts.add(Observer.NETWORK, "http://127.0.0.1:9/b");
        attempts.add(Observer.NETWORK, "http://127.0.0.1:9/a");
        attempts.add(Observer.INTERCEPTION, "http://127.0.0.1:9/b");
        attempts.add(Observer.INTERCEPTION, "http://127.0.0.1:9/a");
        assertEquals(List.of("http://127.0.0.1:9/a", "http://127.0.0.1:9/b", "http://127.0.0.1:9/a"), attempts.list());
    }

    @Test
    void aRequestAboutToBeSentIsAnAttemptUnlessItReachesNoNetworkOrStandsForAnother() {
        BlockedAttempts attempts = new BlockedAttempts();
        attempts.onEvent("Network.requestWillBeSent", request("http://127.0.0.1:9/later", "Fetch"), event -> false);
        attempts.onEvent("Network.requestWillBeSent", request("data:text/plain,x", "Fetch"), event -> false);
        attempts.onEvent("Network.requestWillBeSent", request("blob:http://evalbox.localhost/1", "Other"), event -> false);
        attempts.onEvent("Network.requestWillBeSent", request("http://127.0.0.1:9/later", "Preflight"), event -> false);
        attempts.onEvent("Network.requestWillBeSent", request("http://evalbox.localhost/page.html", "Document"), event -> true);
        JsonObject withFragment = request("http://[::1]:9/spec", "Prefetch");
        withFragment.getAsJsonObject("request").addProperty("urlFragment", "#top");
        attempts.onEvent("Network.requestWillBeSent", withFragment, event -> false);
        assertEquals(List.of("http://127.0.0.1:9/later", "http://[::1]:9/spec#top"), attempts.list());
    }

    @Test
    void aWebSocketIsSeenAsCreatedOrByTheConsolesMessageOfItsFailureAndListedOnce() {
        BlockedAttempts attempts = new BlockedAttempts();
        attempts.onEvent("Network.webSocketCreated", json("{\"requestId\":\"1.2\",\"url\":\"ws://127.0.0.1:9/ws\"}"), event -> false);
        attempts.onEvent("Log.entryAdded", json("{\"entry\":{\"source\":\"network\",\"level\":\"error\",\"text\":"
                + "\"WebSocket connection to 'ws://127.0.0.1:9/ws' failed: Error in connection establishment: net::ERR_NAME_NOT_RESOLVED\"}}"), event -> false);
        // a worker's WebSocket, forwarded to its page's console: the only sign of one opened as the worker starts
        attempts.onEvent("Log.entryAdded", json("{\"entry\":{\"source\":\"worker\",\"level\":\"error\",\"text\":"
                + "\"WebSocket connection to 'ws://[::1]:9/worker-ws' failed: \"}}"), event -> false);
        attempts.onEvent("Log.entryAdded", json("{\"entry\":{\"source\":\"network\",\"level\":\"error\",\"text\":"
                + "\"Failed to load resource: net::ERR_FAILED\",\"url\":\"http://127.0.0.1:9/x\"}}"), event -> false);
        assertEquals(List.of("ws://127.0.0.1:9/ws", "ws://[::1]:9/worker-ws"), attempts.list());
    }
}
