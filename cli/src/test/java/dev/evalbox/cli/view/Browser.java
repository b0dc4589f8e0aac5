package dev.evalbox.cli.view;

import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.evalbox.unittests.report.ChromiumRequired;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;

/** Headless Chromium through Playwright for the viewer's tests, and raw HTTP requests that no client normalizes. */
public final class Browser implements AutoCloseable {
    private final Playwright playwright;
    private final com.microsoft.playwright.Browser browser;

    public Browser() {
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setHeadless(true).setExecutablePath(ChromiumRequired.CHROMIUM)
                .setArgs(List.of("--no-sandbox", "--disable-gpu")));
    }

    public Page page() {
        return browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions().setViewportSize(1300, 1000)).newPage();
    }

    /** Waits for the viewer to say it rendered {@code name} (a selector wait: the page's CSP forbids waitForFunction's eval). */
    public static void rendered(Page page, String name) {
        page.waitForSelector("body[data-rendered='" + name + "']", new Page.WaitForSelectorOptions().setTimeout(120_000));
    }

    /** Distinct colours in a screenshot: a blank or unstyled page has few. */
    public static int colours(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        Set<Integer> seen = new HashSet<>();
        for (int x = 0; x < image.getWidth(); x += 2) {
            for (int y = 0; y < image.getHeight(); y += 2) seen.add(image.getRGB(x, y));
        }
        return seen.size();
    }

    /** Whether the screenshot has a pixel of {@code rgb} (give or take 8 per channel). */
    public static boolean hasColour(byte[] png, int rgb) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                int p = image.getRGB(x, y);
                if (Math.abs((p >> 16 & 255) - (rgb >> 16 & 255)) <= 8 && Math.abs((p >> 8 & 255) - (rgb >> 8 & 255)) <= 8
                        && Math.abs((p & 255) - (rgb & 255)) <= 8) return true;
            }
        }
        return false;
    }

    /** A GET sent byte for byte as given (the path is not normalized); returns the status line and headers and body. */
    public static String raw(int port, String path, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
            boolean host = false;
            for (String h : headers) {
                request.append(h).append("\r\n");
                host |= h.toLowerCase().startsWith("host:");
            }
            if (!host) request.append("Host: 127.0.0.1:").append(port).append("\r\n");
            request.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
