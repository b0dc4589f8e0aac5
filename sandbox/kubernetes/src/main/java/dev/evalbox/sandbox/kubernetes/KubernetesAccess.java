package dev.evalbox.sandbox.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this machine has a way into a cluster at all, and a cluster's refusals in one readable line. */
public final class KubernetesAccess {
    static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private KubernetesAccess() { }

    /**
     * Null when there are credentials to try (a kubeconfig, in-cluster service account credentials, or an API
     * server named by kubernetes.master / KUBERNETES_MASTER); otherwise what is missing, in one line.
     */
    public static String credentialsProblem() {
        if (present(System.getProperty("kubernetes.master")) || present(System.getenv("KUBERNETES_MASTER"))) return null;
        String kubeconfig = firstPresent(System.getProperty("kubeconfig"), System.getenv("KUBECONFIG"));
        if (kubeconfig != null) {
            for (String path : kubeconfig.split(File.pathSeparator)) {
                if (!path.isBlank() && Files.isReadable(Path.of(path))) return null;
            }
            return "no Kubernetes credentials: the kubeconfig " + kubeconfig + " (KUBECONFIG) does not exist or cannot be read";
        }
        if (Files.isReadable(Path.of(System.getProperty("user.home"), ".kube", "config"))) return null;
        if (present(System.getenv("KUBERNETES_SERVICE_HOST")) && Files.isReadable(SERVICE_ACCOUNT_TOKEN)) return null;
        return "no Kubernetes credentials: no kubeconfig (~/.kube/config or $KUBECONFIG) and not running inside a cluster";
    }

    /** A client failure as one line: what the API server said, or why it could not be reached. */
    public static String describe(Throwable e) {
        if (e instanceof KubernetesClientException k) {
            String said = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage() : root(k);
            return switch (k.getCode()) {
                case 401 -> "the API server refused the credentials (401 Unauthorized): " + said;
                case 403 -> "forbidden (403): " + said;
                case 404 -> "not found (404): " + said;
                case 409 -> "conflict (409): " + said;
                case 422 -> "the API server rejected the object (422): " + said;
                case 429 -> "the API server kept throttling (429) after retries with back-off: " + said;
                case 0, -1 -> root(k);
                default -> said + " (HTTP " + k.getCode() + ")";
            };
        }
        return root(e);
    }

    private static String root(Throwable e) {
        // The JDK HTTP client's failures carry no message ("An error has occurred", then IOException: null, ...): the
        // exception's type along the chain is what says what happened.
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException) return "could not connect (refused, or no route to it)";
            if (t instanceof java.net.http.HttpConnectTimeoutException) return "could not connect within the connection timeout";
            if (t instanceof java.net.http.HttpTimeoutException) return "no answer within the request timeout";
            if (t instanceof java.net.UnknownHostException) return "unknown host " + t.getMessage();
            if (t instanceof javax.net.ssl.SSLException) return "the TLS handshake failed: " + t.getMessage();
        }
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
        String message = cause.getMessage();
        if (message != null && !message.isBlank()) return message;
        if (cause instanceof java.io.IOException) return "the connection failed (" + cause.getClass().getSimpleName() + ")";
        return cause.getClass().getSimpleName();
    }

    private static boolean present(String value) { return value != null && !value.isBlank(); }

    private static String firstPresent(String... values) {
        for (String v : values) if (present(v)) return v;
        return null;
    }
}
