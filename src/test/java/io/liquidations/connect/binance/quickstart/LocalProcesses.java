package io.liquidations.connect.binance.quickstart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The child JVMs of the quick start. Each logs to its own file; {@link #stopAll()} stops them newest first (the
 * worker before the broker and the registry it depends on), waiting for each so none is left behind.
 */
final class LocalProcesses {
    private static final long STOP_WAIT_SECONDS = 30;

    private final Path logDir;
    private final String classpath;
    private final Deque<Started> started = new ArrayDeque<>();

    record Started(String name, Process process) {
    }

    LocalProcesses(Path logDir, String classpath) {
        this.logDir = logDir;
        this.classpath = classpath;
    }

    /** Runs a Java main class in a child JVM and returns once it is launched. */
    Process startJava(String name, String heap, String mainClass, List<String> args) throws IOException {
        return startJava(name, heap, "", mainClass, args);
    }

    /** @param classpathPrefix entries before the Kafka jars, e.g. the simulator's classes; empty for none */
    Process startJava(String name, String heap, String classpathPrefix, String mainClass, List<String> args)
            throws IOException {
        List<String> javaArguments = new ArrayList<>();
        javaArguments.add("-Xmx" + heap);
        // A demo's load is light: the client compiler alone and one GC thread leave the CPU to the processes
        // starting beside each other (on two cores they compete for it), which gets the first liquidation on
        // screen sooner.
        javaArguments.add("-XX:TieredStopAtLevel=1");
        javaArguments.add("-XX:+UseSerialGC");
        javaArguments.add("-Dlog4j2.configurationFile=" + logDir.resolveSibling("config").resolve("log4j2.xml"));
        javaArguments.add("-Dquickstart.log=" + logDir.resolve(name + ".log"));
        javaArguments.add("-cp");
        javaArguments.add(classpathPrefix.isEmpty() ? classpath
                : classpathPrefix + java.io.File.pathSeparator + classpath);
        javaArguments.add(mainClass);
        javaArguments.addAll(args);
        return startJava(name, javaArguments);
    }

    /** Runs {@code java} with these arguments (e.g. {@code -jar} and a server's jar); output to {@code <name>.out}. */
    Process startJava(String name, List<String> javaArguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaArguments);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".out").toFile()))
                .start();
        started.push(new Started(name, process));
        return process;
    }

    /** Runs a Java main class to completion (a setup step); fails with its log if it fails. */
    void runJava(String name, String mainClass, List<String> args) throws IOException, InterruptedException {
        Process process = startJava(name, "256m", mainClass, args);
        started.remove(new Started(name, process));
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(name + " failed; see " + logDir.resolve(name + ".out"));
        }
    }

    List<Started> running() {
        return List.copyOf(started);
    }

    void stopAll() {
        while (!started.isEmpty()) {
            Started child = started.pop();
            child.process().destroy();
            try {
                if (!child.process().waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    System.err.println(child.name() + " did not stop in " + STOP_WAIT_SECONDS + " s; killing it");
                    child.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                child.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
