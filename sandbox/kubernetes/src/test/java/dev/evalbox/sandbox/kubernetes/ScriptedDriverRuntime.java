package dev.evalbox.sandbox.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A pod runtime for the scale test: instead of a Python process per pod (2,000 of them are not what is
 * measured), a scripted stand-in that speaks the driver protocol: it takes the bootstrap's length line and the
 * driver's source as the bootstrap would, says {@code ready}, and answers each execute_request with one stdout
 * stream and an ok execute_reply. What it exercises is the harness's side: pod creation, the informer, the
 * attach connection and the same protocol reader as every backend.
 */
final class ScriptedDriverRuntime extends MockCluster.PodRuntime {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long sourceLeft = -1;
    private int count;

    ScriptedDriverRuntime(Pod pod) { super(pod); }

    @Override
    void start() { }

    @Override
    synchronized void stdin(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (sourceLeft > 0) {
                if (--sourceLeft == 0) send("{\"id\":null,\"msg_type\":\"ready\",\"content\":{\"runner\":\"scripted\",\"python\":\"-\",\"cwd\":\"/work\"}}");
                continue;
            }
            if (b != '\n') {
                pending.write(b);
                continue;
            }
            String line = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            if (sourceLeft < 0) {
                sourceLeft = Long.parseLong(line.trim());
                continue;
            }
            answer(line);
        }
    }

    private void answer(String line) {
        try {
            JsonNode request = JSON.readTree(line);
            String id = request.path("id").asText();
            String type = request.path("msg_type").asText();
            if ("execute_request".equals(type)) {
                count++;
                send("{\"id\":\"" + id + "\",\"msg_type\":\"stream\",\"content\":{\"name\":\"stdout\",\"text\":\"ok\\n\"}}");
                send("{\"id\":\"" + id + "\",\"msg_type\":\"execute_reply\",\"content\":{\"status\":\"ok\",\"execution_count\":" + count + "}}");
            } else {
                send("{\"id\":\"" + id + "\",\"msg_type\":\"" + type.replace("_request", "_reply") + "\",\"content\":{\"status\":\"ok\"}}");
            }
        } catch (IOException e) {
            send("{\"id\":null,\"msg_type\":\"protocol_error\",\"content\":{\"evalue\":\"not JSON\"}}");
        }
    }

    private void send(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        emit(1, bytes, bytes.length);
    }

    @Override
    void kill() { }
}
