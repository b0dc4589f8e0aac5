package dev.evalbox.unittests.artifactsbench;

import dev.evalbox.agentloop.model.ChatCompletion;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ChatRequest;
import dev.evalbox.agentloop.model.ModelException;
import dev.evalbox.agentloop.model.Usage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A scripted judge that runs in-process, for the demo and for machines without a model server: it
 * reads the screenshots a judge request carries and scores what it can measure (how much of the page
 * is drawn, how many colours, whether it moves between the first and last screenshot), answering in
 * the judge's format ({@code {"Overall Score": "NN"}}). It does not read the checklist: it shows the
 * pipeline working, it is not a quality judgement.
 */
public final class MeasuringJudge implements ChatModel {
    private static final int STEP = 4;

    @Override
    public String name() { return "measuring-judge"; }

    @Override
    public ChatCompletion complete(ChatRequest request) {
        List<BufferedImage> shots = new ArrayList<>();
        for (ChatMessage message : request.messages()) {
            for (String url : message.imageUrls()) shots.add(decode(url));
        }
        String reply;
        if (shots.isEmpty()) {
            reply = "No screenshots: the answer rendered nothing to look at.\n{\"Overall Score\": \"5\"}";
        } else {
            BufferedImage first = shots.get(0);
            double drawn = drawnFraction(first);
            int colours = colours(first);
            double changed = changedFraction(first, shots.get(shots.size() - 1));
            long score = 20 + Math.round(30 * Math.min(1, drawn / 0.3)) + Math.round(30 * Math.min(1, (colours - 1) / 5.0)) + (changed > 0.002 ? 20 : 0);
            reply = String.format(Locale.ROOT, "Measured on %d screenshot(s): %.0f%% of the page drawn over its background, %d colours,"
                    + " %.1f%% of it changed between the first and the last screenshot.%n{\"Overall Score\": \"%d\"}",
                    shots.size(), 100 * drawn, colours, 100 * changed, score);
        }
        return new ChatCompletion(List.of(reply), "stop", Usage.NONE, Duration.ZERO, 1);
    }

    private static BufferedImage decode(String url) {
        int comma = url.indexOf(',');
        try {
            BufferedImage image = comma < 0 ? null : ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(url.substring(comma + 1))));
            if (image == null) throw new IOException("not an image");
            return image;
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelException(ModelException.Kind.MALFORMED_RESPONSE, "the measuring judge cannot read an image part: " + e.getMessage(), 1);
        }
    }

    /** The share of sampled pixels that differ from the most common colour (the background). */
    private static double drawnFraction(BufferedImage image) {
        Map<Integer, Integer> counts = sampleCounts(image, 0);
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        int background = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return total == 0 ? 0 : 1.0 - (double) background / total;
    }

    /** Colours (to 4 bits a channel) that each cover at least 0.2% of the page, so anti-aliasing does not count. */
    private static int colours(BufferedImage image) {
        Map<Integer, Integer> counts = sampleCounts(image, 4);
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        return (int) counts.values().stream().filter(n -> n >= total * 0.002).count();
    }

    private static Map<Integer, Integer> sampleCounts(BufferedImage image, int dropBits) {
        Map<Integer, Integer> counts = new HashMap<>();
        int mask = (0xff >> dropBits << dropBits) * 0x010101;
        for (int y = 0; y < image.getHeight(); y += STEP) {
            for (int x = 0; x < image.getWidth(); x += STEP) counts.merge(image.getRGB(x, y) & mask, 1, Integer::sum);
        }
        return counts;
    }

    private static double changedFraction(BufferedImage a, BufferedImage b) {
        int width = Math.min(a.getWidth(), b.getWidth());
        int height = Math.min(a.getHeight(), b.getHeight());
        int changed = 0;
        int total = 0;
        for (int y = 0; y < height; y += STEP) {
            for (int x = 0; x < width; x += STEP) {
                total++;
                if ((a.getRGB(x, y) & 0xffffff) != (b.getRGB(x, y) & 0xffffff)) changed++;
            }
        }
        return total == 0 ? 0 : (double) changed / total;
    }
}
