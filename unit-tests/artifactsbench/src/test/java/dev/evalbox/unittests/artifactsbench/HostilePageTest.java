package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.unittests.report.ChromiumRequired;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pages that try every way out of the browser a page has, each against TCP and UDP listeners of its own on
 * the host's loopback (127.0.0.1 and ::1): nothing may reach them, and what a browser API shows of an attempt
 * must be recorded. Each page starts red and turns green once its attempt has run its course (the error event,
 * the rejected promise, the load event after its elements failed) or, where nothing tells the page that, once it
 * is under way (ICE gathering started, a beacon queued, a form submitted), so its last screenshot proves the attempt
 * was made in time.
 */
@Tag("chromium")
class HostilePageTest {
    private static final int GREEN = 0x00cc00;
    // {P} is the page's own listeners' port; done() paints the page green
    private static final String HEAD = "<html><head><meta charset='utf-8'><script>function done(){document.documentElement.style.background="
            + "'#0c0';document.body.style.background='#0c0';}</script>";
    private static final String BODY = "<body style='margin:0;background:#c00;min-height:100vh'>";

    /** One way out: the page, and what must be in its blocked requests and (as prefixes) in its stopped navigations; {P} is the port. */
    private record Hostile(String name, String html, List<String> blocked, List<String> navigations) { }

    private static final List<Hostile> PAGES = List.of(
            new Hostile("fetch", HEAD + "</head>" + BODY + "<script>Promise.allSettled(["
                    + "fetch('http://127.0.0.1:{P}/fetch4'), fetch('http://[::1]:{P}/fetch6', {method:'POST', body:'x'.repeat(1000)}),"
                    + "fetch('http://localhost:{P}/fetch-localhost', {mode:'no-cors'}), fetch('http://sub.localhost:{P}/fetch-sub'),"
                    + "fetch('http://0.0.0.0:{P}/fetch-any'), fetch('http://[::ffff:127.0.0.1]:{P}/fetch-mapped')]).then(done);</script></body></html>",
                    List.of("http://127.0.0.1:{P}/fetch4", "http://[::1]:{P}/fetch6", "http://localhost:{P}/fetch-localhost",
                            "http://sub.localhost:{P}/fetch-sub", "http://0.0.0.0:{P}/fetch-any", "http://[::ffff:7f00:1]:{P}/fetch-mapped"), List.of()),
            new Hostile("xhr", HEAD + "</head>" + BODY + "<script>let n=0;for(const u of ['http://127.0.0.1:{P}/xhr4','http://[::1]:{P}/xhr6']){"
                    + "const x=new XMLHttpRequest();x.open('POST',u);x.onloadend=()=>{if(++n===2)done();};x.send('secret');}</script></body></html>",
                    List.of("http://127.0.0.1:{P}/xhr4", "http://[::1]:{P}/xhr6"), List.of()),
            new Hostile("websocket", HEAD + "</head>" + BODY + "<script>let n=0;const urls=['ws://127.0.0.1:{P}/ws4','ws://[::1]:{P}/ws6',"
                    + "'ws://localhost:{P}/ws-localhost'];for(const u of urls){const w=new WebSocket(u);w.onopen=()=>w.send('secret');"
                    + "w.onclose=()=>{if(++n===urls.length)done();};}</script></body></html>",
                    List.of("ws://127.0.0.1:{P}/ws4", "ws://[::1]:{P}/ws6", "ws://localhost:{P}/ws-localhost"), List.of()),
            new Hostile("webrtc-stun", HEAD + "</head>" + BODY + "<script>(async()=>{const pc=new RTCPeerConnection({iceServers:["
                    + "{urls:'stun:127.0.0.1:{P}'},{urls:['stun:[::1]:{P}','turn:127.0.0.1:{P}?transport=udp'],username:'u',credential:'c'}]});"
                    + "pc.createDataChannel('out');pc.onicegatheringstatechange=()=>{if(pc.iceGatheringState!=='new')done();};"
                    + "await pc.setLocalDescription(await pc.createOffer());if(pc.iceGatheringState!=='new')done();})();</script></body></html>",
                    List.of("stun:127.0.0.1:{P}", "stun:[::1]:{P}", "turn:127.0.0.1:{P}?transport=udp"), List.of()),
            new Hostile("webrtc-turn-tcp", HEAD + "</head>" + BODY + "<script>(async()=>{const pc=new RTCPeerConnection();"
                    + "pc.setConfiguration({iceServers:[{urls:'turn:127.0.0.1:{P}?transport=tcp',username:'u',credential:'c'}]});"
                    + "pc.createDataChannel('out');pc.onicegatheringstatechange=()=>{if(pc.iceGatheringState!=='new')done();};"
                    + "await pc.setLocalDescription(await pc.createOffer());if(pc.iceGatheringState!=='new')done();})();</script></body></html>",
                    List.of("turn:127.0.0.1:{P}?transport=tcp"), List.of()),
            new Hostile("eventsource", HEAD + "</head>" + BODY + "<script>const e=new EventSource('http://127.0.0.1:{P}/events');"
                    + "e.onerror=()=>{e.close();done();};</script></body></html>", List.of("http://127.0.0.1:{P}/events"), List.of()),
            new Hostile("beacon", HEAD + "</head>" + BODY + "<script>navigator.sendBeacon('http://127.0.0.1:{P}/beacon','secret');"
                    + "navigator.sendBeacon('http://[::1]:{P}/beacon6',new Blob(['secret']));done();</script></body></html>",
                    List.of("http://127.0.0.1:{P}/beacon", "http://[::1]:{P}/beacon6"), List.of()),
            // media do not hold the load event: the page is done once they too have failed
            new Hostile("elements", HEAD + "<script src='http://127.0.0.1:{P}/script.js'></script>"
                    + "<link rel=stylesheet href='http://[::1]:{P}/style.css'><script>let left=3;function failed(){if(--left===0)done();}"
                    + "addEventListener('load',failed);</script>"
                    + "</head>" + BODY + "<img src='http://127.0.0.1:{P}/img.png'><iframe src='http://localhost:{P}/frame'></iframe>"
                    + "<video src='http://127.0.0.1:{P}/video.mp4' onerror='failed()'></video><object data='http://[::1]:{P}/object'></object>"
                    + "<audio src='http://127.0.0.1:{P}/audio.ogg' onerror='failed()'></audio></body></html>",
                    List.of("http://127.0.0.1:{P}/script.js", "http://[::1]:{P}/style.css", "http://127.0.0.1:{P}/img.png",
                            "http://localhost:{P}/frame", "http://127.0.0.1:{P}/video.mp4", "http://[::1]:{P}/object",
                            "http://127.0.0.1:{P}/audio.ogg"), List.of()),
            new Hostile("css", HEAD + "<style>@import url('http://127.0.0.1:{P}/import.css');"
                    + "@font-face{font-family:out;src:url('http://[::1]:{P}/font.woff2')}"
                    + "#b{width:50px;height:50px;background:url('http://localhost:{P}/bg.png')}#t{font-family:out}</style></head>" + BODY
                    + "<div id=b></div><p id=t>text</p><script>addEventListener('load',()=>document.fonts.load('16px out').finally(done));</script>"
                    + "</body></html>",
                    List.of("http://127.0.0.1:{P}/import.css", "http://[::1]:{P}/font.woff2", "http://localhost:{P}/bg.png"), List.of()),
            new Hostile("form", HEAD + "</head>" + BODY + "<form id=f method=post action='http://127.0.0.1:{P}/submit'>"
                    + "<input name=q value=secret></form><script>done();f.submit();</script></body></html>",
                    List.of(), List.of("http://127.0.0.1:{P}/submit")),
            new Hostile("window-open", HEAD + "</head>" + BODY + "<script>const w=window.open('http://[::1]:{P}/popup');"
                    + "const v=window.open('');if(v)v.document.write(\"<img src='http://127.0.0.1:{P}/from-blank-popup'>\");done();</script></body></html>",
                    List.of(), List.of("popup: ")),
            new Hostile("location", HEAD + "</head>" + BODY + "<script>done();setTimeout(()=>{location.href='http://[::1]:{P}/away';},50);</script></body></html>",
                    List.of(), List.of("http://[::1]:{P}/away")),
            new Hostile("meta-refresh", HEAD + "<meta http-equiv='refresh' content='0;url=http://127.0.0.1:{P}/refresh'></head>" + BODY
                    + "<script>done();</script></body></html>", List.of(), List.of("http://127.0.0.1:{P}/refresh")),
            // registering goes around Playwright's hiding of register(); the browser fetches a worker's script itself, past
            // request interception, but the script's origin (evalbox.localhost) resolves nowhere: recorded from the worker's target
            new Hostile("service-worker", HEAD + "</head>" + BODY + "<script>Promise.resolve().then(()=>ServiceWorkerContainer.prototype.register.call(navigator.serviceWorker,'sw.js'))"
                    + ".then(r=>fetch('http://127.0.0.1:{P}/after-sw')).catch(()=>fetch('http://127.0.0.1:{P}/no-sw')).catch(()=>{}).finally(done);"
                    + "</script></body></html>", List.of("http://evalbox.localhost/sw.js", "http://127.0.0.1:{P}/no-sw"), List.of()),
            new Hostile("webtransport", HEAD + "</head>" + BODY + "<script>try{const t=new WebTransport('https://127.0.0.1:{P}/wt');"
                    + "t.ready.catch(()=>{});t.closed.catch(()=>{}).finally(done);}catch(e){done();}</script></body></html>",
                    List.of("webtransport: https://127.0.0.1:{P}/wt"), List.of()),
            // preconnect and dns-prefetch make no request that any observer sees (no name resolves, and the namespace has no
            // network): only their zero bytes are asserted
            new Hostile("resource-hints", HEAD + "<link rel=preconnect href='http://127.0.0.1:{P}'><link rel=preconnect href='http://[::1]:{P}'>"
                    + "<link rel=dns-prefetch href='//hints.localhost:{P}'><link rel=prefetch href='http://127.0.0.1:{P}/prefetch'>"
                    + "<link rel=preload as=fetch crossorigin href='http://[::1]:{P}/preload'><link rel=modulepreload href='http://localhost:{P}/mod.js'>"
                    + "</head>" + BODY + "<script>addEventListener('load',done);</script></body></html>",
                    List.of("http://127.0.0.1:{P}/prefetch", "http://[::1]:{P}/preload", "http://localhost:{P}/mod.js"), List.of()),
            new Hostile("a-ping", HEAD + "</head>" + BODY + "<a id=a href='#here' ping='http://127.0.0.1:{P}/ping'>link</a>"
                    + "<script>a.click();done();</script></body></html>", List.of("http://127.0.0.1:{P}/ping"), List.of()),
            new Hostile("worker", HEAD + "</head>" + BODY + "<script>const src=\"Promise.allSettled([fetch('http://127.0.0.1:{P}/worker-fetch'),"
                    + "new Promise(r=>{const w=new WebSocket('ws://[::1]:{P}/worker-ws');w.onclose=r;}),"
                    + "new Promise(r=>{try{importScripts('http://localhost:{P}/import.js')}catch(e){}r()})]).then(()=>postMessage(1));\";"
                    + "const w=new Worker(URL.createObjectURL(new Blob([src])));w.onmessage=done;w.onerror=done;</script></body></html>",
                    List.of("http://127.0.0.1:{P}/worker-fetch", "ws://[::1]:{P}/worker-ws", "http://localhost:{P}/import.js"), List.of()),
            // the WebSocket a shared worker opens as it starts is recorded (from the console's message of its failure); its
            // fetch, made before a debugger can attach to the worker, is refused unrecorded (docs/artifactsbench.md)
            new Hostile("shared-worker", HEAD + "</head>" + BODY + "<script>const src=\"onconnect=e=>{const port=e.ports[0];Promise.allSettled(["
                    + "fetch('http://127.0.0.1:{P}/shared-fetch'),new Promise(r=>{const w=new WebSocket('ws://[::1]:{P}/shared-ws');w.onclose=r;})])"
                    + ".then(()=>port.postMessage(1));};\";const w=new SharedWorker(URL.createObjectURL(new Blob([src],{type:'text/javascript'})));"
                    + "w.port.onmessage=done;w.onerror=done;</script></body></html>",
                    List.of("ws://[::1]:{P}/shared-ws"), List.of()),
            // the browser prefetches a rule set's URLs itself (a cross-site prerender is refused and prefetched instead), past
            // request interception; nothing tells the page, so it is done once the rules are in (they are acted on as they are parsed)
            new Hostile("speculation-rules", HEAD + "<script type=speculationrules>{\"prefetch\":[{\"source\":\"list\",\"urls\":"
                    + "[\"http://127.0.0.1:{P}/spec-prefetch\"]}],\"prerender\":[{\"source\":\"list\",\"urls\":[\"http://[::1]:{P}/spec-prerender\"]}]}"
                    + "</script></head>" + BODY + "<script>addEventListener('load',done);</script></body></html>",
                    List.of("http://127.0.0.1:{P}/spec-prefetch", "http://[::1]:{P}/spec-prerender"), List.of()),
            new Hostile("dynamic-import", HEAD + "</head>" + BODY + "<script>import('http://127.0.0.1:{P}/module.mjs').catch(()=>{}).finally(done);"
                    + "</script></body></html>", List.of("http://127.0.0.1:{P}/module.mjs"), List.of()),
            // a cross-origin <use> is refused by Chromium before any request: only zero bytes are asserted for it
            new Hostile("svg", HEAD + "</head>" + BODY + "<svg width=60 height=60><image href='http://127.0.0.1:{P}/svg-image.png' width=50 height=50 "
                    + "onerror='done()'/><use href='http://[::1]:{P}/sprite.svg#s'/></svg></body></html>",
                    List.of("http://127.0.0.1:{P}/svg-image.png"), List.of()),
            // sent by the browser, past request interception; a page without fetchLater stays red (the test then says so)
            new Hostile("fetch-later", HEAD + "</head>" + BODY + "<script>if(typeof fetchLater==='function'){"
                    + "fetchLater('http://127.0.0.1:{P}/later',{method:'POST',body:'secret',activateAfter:0});done();}</script></body></html>",
                    List.of("http://127.0.0.1:{P}/later"), List.of()),
            new Hostile("websocket-stream", HEAD + "</head>" + BODY + "<script>if(typeof WebSocketStream==='function'){"
                    + "const s=new WebSocketStream('ws://127.0.0.1:{P}/stream');s.opened.catch(()=>{});s.closed.catch(()=>{}).finally(done);}"
                    + "</script></body></html>", List.of("ws://127.0.0.1:{P}/stream"), List.of()),
            new Hostile("iframe-srcdoc", HEAD + "</head>" + BODY + "<iframe id=f srcdoc=\"<img src='http://127.0.0.1:{P}/srcdoc.png'>"
                    + "<script>new WebSocket('ws://127.0.0.1:{P}/srcdoc-ws').onclose=()=>parent.done()</script>\"></iframe></body></html>",
                    List.of("http://127.0.0.1:{P}/srcdoc.png", "ws://127.0.0.1:{P}/srcdoc-ws"), List.of()));

    private static final Map<String, LoopbackListeners> LISTENERS = new LinkedHashMap<>();
    private static final Map<String, ArtifactRenderer.Rendering> RENDERINGS = new LinkedHashMap<>();
    private static ArtifactRenderer renderer;

    @BeforeAll
    static void renderEveryHostilePage(@TempDir Path dir) {
        ChromiumRequired.check();
        renderer = new ArtifactRenderer(new ArtifactRenderer.Settings(ArtifactRenderer.Settings.defaultBrowser(), 400, 300, 3, Duration.ofMillis(300),
                Duration.ofSeconds(30), 6));
        List<ArtifactRenderer.Job> jobs = new ArrayList<>();
        for (Hostile hostile : PAGES) {
            LoopbackListeners listeners = LoopbackListeners.open();
            LISTENERS.put(hostile.name(), listeners);
            jobs.add(new ArtifactRenderer.Job(port(hostile.html(), listeners), dir, hostile.name()));
        }
        List<ArtifactRenderer.Rendering> renderings = renderer.renderAll(jobs);
        for (int i = 0; i < PAGES.size(); i++) RENDERINGS.put(PAGES.get(i).name(), renderings.get(i));
    }

    @AfterAll
    static void stop() {
        LISTENERS.values().forEach(LoopbackListeners::close);
        if (renderer != null) renderer.close();
    }

    private static String port(String text, LoopbackListeners listeners) {
        return text.replace("{P}", Integer.toString(listeners.port()));
    }

    @TestFactory
    Stream<DynamicTest> noWayOutReachesAListenerAndTheAttemptsAreRecorded() {
        return PAGES.stream().map(hostile -> DynamicTest.dynamicTest(hostile.name(), () -> {
            LoopbackListeners listeners = LISTENERS.get(hostile.name());
            ArtifactRenderer.Rendering rendering = RENDERINGS.get(hostile.name());
            assertEquals(3, rendering.screenshots().size(), hostile.name() + ": " + rendering);
            int colour = ImageIO.read(rendering.screenshots().get(2).toFile()).getRGB(200, 290) & 0xffffff;
            assertEquals(GREEN, colour, hostile.name() + ": the page's attempt ran its course before the last screenshot: " + rendering);
            LoopbackListeners.Received received = listeners.received();
            assertTrue(received.nothing(), hostile.name() + ": nothing may reach the host's loopback, but " + received);
            for (String url : hostile.blocked()) {
                String expected = port(url, listeners);
                assertTrue(rendering.blockedRequests().contains(expected), hostile.name() + ": " + expected + " recorded in " + rendering.blockedRequests());
            }
            for (String url : hostile.navigations()) {
                String expected = port(url, listeners);
                assertTrue(rendering.navigations().stream().anyMatch(n -> n.startsWith(expected)),
                        hostile.name() + ": " + expected + " in the stopped navigations " + rendering.navigations());
            }
            assertEquals(hostile.navigations().isEmpty() ? "ok" : "navigation_blocked", rendering.outcome(), hostile.name() + ": " + rendering);
        }));
    }

    @Test
    void theListenersSeeWhatReachesThem() throws Exception {
        // the control: the same listeners, reached from the host, report it (so "nothing reached them" means something)
        try (LoopbackListeners listeners = LoopbackListeners.open()) {
            try (var tcp = new java.net.Socket("::1", listeners.port()); var udp = new java.net.DatagramSocket()) {
                tcp.getOutputStream().write("four".getBytes());
                tcp.getOutputStream().flush();
                byte[] datagram = "sent".getBytes();
                udp.send(new java.net.DatagramPacket(datagram, datagram.length, java.net.InetAddress.getByName("127.0.0.1"), listeners.port()));
                LoopbackListeners.Received received = listeners.received();
                assertFalse(received.nothing(), received.toString());
                assertEquals(1, received.connections());
                assertEquals(1, received.datagrams());
                assertEquals(4, received.udpBytes());
            }
        }
    }
}
