package dev.evalbox.unittests.artifactsbench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * evalbox's own small ArtifactsBench-format sample (its wording, pages it writes itself): tasks with
 * checklists and answers of every kind the grader meets (an HTML tool, an SVG, a canvas animation,
 * prose with no page), for the demo; and any number of distinct pages for the rendering benchmark.
 */
public final class ArtifactsSample {
    private ArtifactsSample() { }

    /** The sample tasks, each with the answer a model might have given. */
    public static List<ArtifactsAnswer> entries() {
        return List.of(
                new ArtifactsAnswer(task("1", "Build a tip calculator page: the bill amount, a tip percentage slider, and the tip and total shown as the inputs change.",
                        "Web Applications-Tools", "easy", "Inputs for bill and tip", "Live total", "Clean layout"),
                        "Here is the page:\n```html\n" + calculator() + "\n```\nIt needs no libraries."),
                new ArtifactsAnswer(task("2", "Draw an SVG landscape: a sun above two green hills under a blue sky.",
                        "SVG Generation-Scenes", "easy", "Sun, hills and sky present", "Pleasant colours", "Valid SVG"),
                        landscape()),
                new ArtifactsAnswer(task("3", "Make a canvas animation of coloured balls bouncing off the edges of the window.",
                        "Game Development-Animation", "medium", "Balls are drawn", "They move and bounce", "Smooth animation"),
                        "```html\n" + bouncingBalls(12, 0) + "\n```"),
                new ArtifactsAnswer(task("4", "Make an interactive bar chart of monthly rainfall with a tooltip on hover.",
                        "Data Visualization-Charts", "medium", "Bars for each month", "Tooltip on hover", "Axis labels"),
                        "A bar chart needs a charting library; you could use one from a CDN and bind the data to it."));
    }

    /** Writes tasks.jsonl and answers.jsonl (the benchmark's formats) into {@code dir}; returns {@code dir}. */
    public static Path write(Path dir) {
        StringBuilder tasks = new StringBuilder();
        StringBuilder answers = new StringBuilder();
        for (ArtifactsAnswer entry : entries()) {
            ArtifactsTask task = entry.task();
            ObjectNode line = RunDirectory.object().put("index", Integer.parseInt(task.index())).put("question", task.question())
                    .put("class", task.category()).put("difficulty", task.difficulty());
            ArrayNode checklist = line.putArray("checklist");
            for (ArtifactsTask.ChecklistItem item : task.checklist()) {
                checklist.addObject().put("id", item.id()).put("title", item.title()).put("description", item.description()).put("maxScore", item.maxScore());
            }
            tasks.append(line).append('\n');
            answers.append(RunDirectory.object().put("index", Integer.parseInt(task.index())).put("answer", entry.answer())).append('\n');
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tasks.jsonl"), tasks);
            Files.writeString(dir.resolve("answers.jsonl"), answers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ArtifactsBench sample into " + dir, e);
        }
        return dir;
    }

    /** {@code count} distinct pages for the rendering benchmark: tools, SVGs and canvas animations in turn, each with its own colours. */
    public static List<String> pages(int count) {
        List<String> pages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            pages.add(switch (i % 3) {
                case 0 -> calculator().replace("#2563eb", colour(i));
                case 1 -> "<html><body style='margin:0'>" + landscape().replace("#7dd3fc", colour(i)) + "</body></html>";
                default -> bouncingBalls(6 + i % 10, i);
            });
        }
        return pages;
    }

    private static String colour(int i) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", (37 * i) % 200 + 40, (91 * i) % 200 + 40, (53 * i) % 200 + 40);
    }

    private static ArtifactsTask task(String index, String question, String category, String difficulty, String... checks) {
        List<ArtifactsTask.ChecklistItem> checklist = new ArrayList<>();
        for (int i = 0; i < checks.length; i++) {
            checklist.add(new ArtifactsTask.ChecklistItem(i, checks[i], "Score how well the page meets: " + checks[i].toLowerCase(Locale.ROOT) + ".",
                    i == 0 ? 40 : 30));
        }
        return new ArtifactsTask(index, question, checklist, category, difficulty);
    }

    private static String calculator() {
        return """
                <html><head><style>
                body{font-family:sans-serif;background:#f8fafc;margin:0;display:flex;justify-content:center;padding-top:60px}
                .card{background:white;border-radius:12px;box-shadow:0 4px 20px #0002;padding:28px;width:340px}
                h1{color:#2563eb;font-size:24px;margin-top:0}label{display:block;margin:14px 0 4px}
                input[type=number]{width:100%;font-size:18px;padding:6px}.out{font-size:22px;margin-top:18px}
                </style></head><body><div class="card"><h1>Tip calculator</h1>
                <label>Bill <input id="bill" type="number" value="48.50"></label>
                <label>Tip <span id="pct">15</span>% <input id="tip" type="range" min="0" max="30" value="15"></label>
                <div class="out">Tip: <b id="t"></b><br>Total: <b id="total"></b></div></div>
                <script>
                function update(){const b=+bill.value||0,p=+tip.value;pct.textContent=p;
                t.textContent=(b*p/100).toFixed(2);total.textContent=(b*(1+p/100)).toFixed(2);}
                bill.oninput=update;tip.oninput=update;update();
                </script></body></html>""";
    }

    private static String landscape() {
        return """
                <svg xmlns="http://www.w3.org/2000/svg" width="640" height="400" viewBox="0 0 640 400">
                  <rect width="640" height="400" fill="#7dd3fc"/>
                  <circle cx="470" cy="110" r="56" fill="#facc15"/>
                  <ellipse cx="170" cy="420" rx="300" ry="170" fill="#22c55e"/>
                  <ellipse cx="500" cy="440" rx="320" ry="180" fill="#15803d"/>
                </svg>""";
    }

    private static String bouncingBalls(int count, int seed) {
        return """
                <html><body style="margin:0;background:#0f172a"><canvas id="c"></canvas><script>
                const c=document.getElementById('c'),g=c.getContext('2d');c.width=innerWidth;c.height=innerHeight;
                let s=%d;function rnd(){s=(s*9301+49297)%%233280;return s/233280;}
                const balls=[];for(let i=0;i<%d;i++)balls.push({x:40+rnd()*(c.width-80),y:40+rnd()*(c.height-80),
                vx:(rnd()-.5)*14,vy:(rnd()-.5)*14,r:25+rnd()*45,h:Math.floor(rnd()*360)});
                function frame(){g.fillStyle='#0f172a';g.fillRect(0,0,c.width,c.height);
                for(const b of balls){b.x+=b.vx;b.y+=b.vy;if(b.x<b.r||b.x>c.width-b.r)b.vx*=-1;if(b.y<b.r||b.y>c.height-b.r)b.vy*=-1;
                g.fillStyle='hsl('+b.h+',80%%,60%%)';g.beginPath();g.arc(b.x,b.y,b.r,0,7);g.fill();}
                requestAnimationFrame(frame);}
                frame();
                </script></body></html>""".formatted(seed + 1, count);
    }
}
