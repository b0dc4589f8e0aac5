package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatRequest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The in-process judge's measures on real PNGs. */
class MeasuringJudgeTest {
    private static byte[] png(int ballX) throws Exception {
        BufferedImage image = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 200, 100);
        g.setColor(Color.RED);
        g.fillRect(ballX, 20, 60, 60);
        g.setColor(Color.BLUE);
        g.fillRect(0, 90, 200, 10);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static String reply(byte[]... shots) {
        ChatMessage message = ChatMessage.user("judge this");
        for (byte[] shot : shots) message = message.withPng(shot);
        return new MeasuringJudge().complete(new ChatRequest(List.of(message), null)).text();
    }

    @Test
    void scoresWhatItMeasuresInTheJudgesFormat() throws Exception {
        String still = reply(png(10), png(10), png(10));
        String moving = reply(png(10), png(60), png(120));
        assertTrue(still.contains("0.0% of it changed"), still);
        assertTrue(moving.matches("(?s).*, [1-9][0-9.]*% of it changed.*"), moving);
        assertTrue(still.contains(" 3 colours"), "white, red and blue: " + still);
        double stillScore = JudgeScore.parse(still).orElseThrow().value();
        assertEquals(stillScore + 20, JudgeScore.parse(moving).orElseThrow().value(), "motion is worth 20");
        assertEquals(5.0, JudgeScore.parse(reply()).orElseThrow().value(), "nothing rendered");
    }
}
