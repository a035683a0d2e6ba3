package io.liquidations.connect.binance.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Apicurio Registry's server in a child JVM: an open-source schema registry that serves Confluent's Schema Registry
 * API under {@code /apis/ccompat/v7}. The pom unpacks it from Maven Central into {@code target/apicurio-registry}
 * (the {@code apicurio.registry.dir} system property says where). Both its HTTP listeners are bound to loopback.
 * Storage is in memory unless a data directory is given (an H2 file, as the quick start keeps it across runs).
 */
public final class ApicurioRegistry implements AutoCloseable {
    /** The Confluent-compatible API, where consumers look schemas up by id. */
    public static final String CONFLUENT_API = "/apis/ccompat/v7";
    /** Apicurio's own API, which its serializers and converters talk to. */
    public static final String APICURIO_API = "/apis/registry/v2";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final int port;

    private ApicurioRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the registry on free loopback ports with in-memory storage; returns once it answers. */
    public static ApicurioRegistry start(Path logFile) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaArguments(port, freePort(), null));
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile())).start();
        ApicurioRegistry registry = new ApicurioRegistry(process, port);
        try {
            awaitReady(baseUrl(port), process, START_TIMEOUT, logFile);
        } catch (IOException | InterruptedException | RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /**
     * The {@code java} arguments that run the registry (everything after the {@code java} executable).
     *
     * @param dataDir where to keep the registry's database between runs; {@code null} keeps it in memory
     */
    public static List<String> javaArguments(int httpPort, int managementPort, Path dataDir) {
        List<String> args = new ArrayList<>(List.of(
                "-Xmx384m",
                // A registry that serves a few schemas: the client compiler alone and one GC thread halve the CPU
                // its start takes (about 5 s of it without), which the other processes starting beside it need.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                // No banner and no colour codes in the log file.
                "-Dquarkus.banner.enabled=false",
                "-Dquarkus.log.console.color=false"));
        if (dataDir != null) {
            // The registry's datasource URL defaults to ${REGISTRY_DATASOURCE_URL:jdbc:h2:mem:registry_db}.
            args.add("-DREGISTRY_DATASOURCE_URL=jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("registry_db"));
        }
        args.add("-jar");
        args.add(runnerJar().toString());
        return args;
    }

    /** The server's runner jar in the unpacked distribution; a clear error when the build has not unpacked it. */
    public static Path runnerJar() {
        Path dir = Path.of(System.getProperty("apicurio.registry.dir", "target/apicurio-registry"));
        try (Stream<Path> files = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            return files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("No Apicurio Registry runner jar in "
                            + dir.toAbsolutePath() + ": run 'mvn package' (its prepare-package phase unpacks"
                            + " io.apicurio:apicurio-registry-app:tar.gz:all there)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the Confluent-compatible API answers, failing early if the process exits. */
    public static void awaitReady(String baseUrl, Process process, Duration timeout, Path log)
            throws InterruptedException, IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + CONFLUENT_API + "/subjects"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // retried below
            }
            if (!process.isAlive()) {
                throw new IOException("the schema registry exited with " + process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the schema registry did not answer within " + timeout.toSeconds()
                        + " s; see " + log);
            }
            Thread.sleep(100);
        }
    }

    public static String baseUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}: what Confluent clients call schema.registry.url. */
    public String confluentApiUrl() {
        return baseUrl(port) + CONFLUENT_API;
    }

    /** What Apicurio's converter takes as {@code apicurio.registry.url}. */
    public String apicurioApiUrl() {
        return baseUrl(port) + APICURIO_API;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops the process by its pid (SIGTERM, then SIGKILL if it lingers). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A port free on loopback now; the registry binds it a moment later (a race tests accept). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
