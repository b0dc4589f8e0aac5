package dev.evalbox.unittests.artifactsbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A browser's processes as /proc shows them: the browser process and all its descendants, each with what the tests check. */
record BrowserProcesses(List<Proc> all) {
    /**
     * One process: its id, command line (arguments joined by spaces), the Uid and NoNewPrivs/Seccomp lines of its status, its
     * namespaces and the network interfaces it sees.
     */
    record Proc(long pid, String cmdline, List<Long> uids, String noNewPrivs, String seccomp, String netNamespace, String userNamespace,
                String pidNamespace, List<String> interfaces) {
        boolean renderer() {
            return cmdline.contains("--type=renderer");
        }
    }

    /** The process {@code root} and its descendants, now; processes that end while being read are left out. */
    static BrowserProcesses of(long root) throws IOException {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    // the command name is in parentheses and may hold anything: the fields after its last ')' are fixed
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    children.computeIfAbsent(Long.parseLong(fields[1]), k -> new ArrayList<>()).add(Long.parseLong(proc.getFileName().toString()));
                } catch (IOException gone) {
                    // ended while the list was read
                }
            }
        }
        List<Proc> all = new ArrayList<>();
        List<Long> pending = new ArrayList<>(List.of(root));
        while (!pending.isEmpty()) {
            long pid = pending.remove(pending.size() - 1);
            pending.addAll(children.getOrDefault(pid, List.of()));
            try {
                all.add(read(pid));
            } catch (IOException gone) {
                // ended while being read
            }
        }
        return new BrowserProcesses(all);
    }

    /** How many processes on this machine are in the PID namespace {@code namespace} (as "pid:[N]"), now. */
    static long inPidNamespace(String namespace) throws IOException {
        long count = 0;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                try {
                    if (Files.readSymbolicLink(proc.resolve("ns/pid")).toString().equals(namespace)) count++;
                } catch (IOException gone) {
                    // ended while the list was read
                }
            }
        }
        return count;
    }

    private static Proc read(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
        List<Long> uids = List.of();
        String noNewPrivs = "";
        String seccomp = "";
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            String[] parts = line.split("\\s+");
            if (line.startsWith("Uid:")) uids = List.of(Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]), Long.parseLong(parts[4]));
            if (line.startsWith("NoNewPrivs:")) noNewPrivs = parts[1];
            if (line.startsWith("Seccomp:")) seccomp = parts[1];
        }
        List<String> interfaces = Files.readAllLines(proc.resolve("net/dev")).stream().skip(2).map(line -> line.strip().split(":")[0]).toList();
        return new Proc(pid, cmdline, uids, noNewPrivs, seccomp, Files.readSymbolicLink(proc.resolve("ns/net")).toString(),
                Files.readSymbolicLink(proc.resolve("ns/user")).toString(), Files.readSymbolicLink(proc.resolve("ns/pid")).toString(), interfaces);
    }
}
