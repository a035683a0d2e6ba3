package io.liquidations.connect.binance.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code docker/deploy-connector.sh} for real: its JSON extraction against every connector config in
 * {@code config/}, and its PUT and status polling against a stand-in for the Connect REST API on 127.0.0.1. Needs bash
 * and curl, as the script does; skipped where either is missing.
 */
class DeployConnectorScriptTest {

    private static final Path SCRIPT = DockerComposeStructureTest.DOCKER_DIR.resolve("deploy-connector.sh");
    private static final Path DEFAULT_CONFIG = Path.of("config", "binance-liquidations.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> putBodies = Collections.synchronizedList(new ArrayList<>());
    private final List<String> putContentTypes = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void needsBashAndCurl() {
        assumeTrue(onPath("bash"), "bash is not installed");
        assumeTrue(onPath("curl"), "curl is not installed");
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void dryRunExtractsExactlyTheConfigObjectOfEveryShippedConnectorConfig() throws Exception {
        List<Path> configs;
        try (Stream<Path> files = Files.list(Path.of("config"))) {
            configs = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(configs.contains(DEFAULT_CONFIG), "configs: " + configs);
        for (Path config : configs) {
            JsonNode expected = JSON.readTree(config.toFile());
            if (!expected.path("name").isTextual() || !expected.path("config").isObject()) {
                continue; // not a connector config
            }
            Result result = run(Map.of(), "--dry-run", config.toString());
            assertEquals(0, result.exit(), config + ": " + result);
            assertDryRun(expected, result.stdout(), config.toString());
        }
        // Without an argument the script deploys config/binance-liquidations.json, wherever it is called from.
        Result defaulted = run(Map.of(), "--dry-run");
        assertEquals(0, defaulted.exit(), defaulted.toString());
        assertDryRun(JSON.readTree(DEFAULT_CONFIG.toFile()), defaulted.stdout(), "the default config");
    }

    @Test
    void dryRunRefusesAFileWithoutNameOrConfigObject(@TempDir Path dir) throws Exception {
        Path noConfig = Files.writeString(dir.resolve("no-config.json"), "{\"name\": \"x\", \"config\": \"oops\"}");
        Result result = run(Map.of(), "--dry-run", noConfig.toString());
        assertNotEquals(0, result.exit());
        assertTrue(result.stderr().contains("no top-level \"config\" object"), result.toString());

        Path noName = Files.writeString(dir.resolve("no-name.json"), "{\"config\": {\"name\": \"inner\"}}");
        result = run(Map.of(), "--dry-run", noName.toString());
        assertNotEquals(0, result.exit());
        assertTrue(result.stderr().contains("no top-level \"name\" string"), result.toString());
    }

    @Test
    void putsTheConfigAndWaitsUntilConnectorAndTasksAreRunning() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        startConnect(poll -> switch (poll) {
            case 0 -> null; // 404: the worker has not created it yet
            case 1 -> status("RUNNING", "UNASSIGNED", "RUNNING");
            default -> status("RUNNING", "RUNNING", "RUNNING");
        }, 201, polls);

        Result result = run(connectEnv(30), DEFAULT_CONFIG.toString());

        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.stdout().contains("is RUNNING with 2 task(s)"), result.toString());
        assertEquals(1, putBodies.size(), "PUTs: " + requests);
        assertEquals(JSON.readTree(DEFAULT_CONFIG.toFile()).get("config"), JSON.readTree(putBodies.get(0)));
        assertEquals("application/json", putContentTypes.get(0));
        assertTrue(requests.contains("PUT /connectors/binance-liquidations/config"), "requests: " + requests);
        assertTrue(polls.get() >= 3, "status polls: " + polls.get());
    }

    @Test
    void failsWithTheStatusWhenATaskFailed() throws Exception {
        startConnect(poll -> status("RUNNING", "RUNNING", "FAILED"), 200, new AtomicInteger());

        long start = System.nanoTime();
        Result result = run(connectEnv(60), DEFAULT_CONFIG.toString());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        assertNotEquals(0, result.exit(), result.toString());
        assertTrue(result.stderr().contains("or one of its tasks FAILED"), result.toString());
        assertTrue(seconds < 30, "a FAILED task ends the wait at once, not at the timeout; took " + seconds + "s");
        assertTrue(result.stderr().contains("java.lang.IllegalStateException: boom"), "the trace is shown: " + result);
    }

    @Test
    void givesUpAfterTheTimeoutWithTheLastStatus() throws Exception {
        startConnect(poll -> status("RUNNING"), 200, new AtomicInteger());

        long start = System.nanoTime();
        Result result = run(connectEnv(3), DEFAULT_CONFIG.toString());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        assertNotEquals(0, result.exit(), result.toString());
        assertTrue(result.stderr().contains("within 3s"), result.toString());
        assertTrue(result.stderr().contains("\"tasks\":[]"), "the last status is shown: " + result);
        assertTrue(seconds < 30, "took " + seconds + "s");
    }

    @Test
    void reportsARejectedConfig() throws Exception {
        startConnect(poll -> status("RUNNING", "RUNNING"), 400, new AtomicInteger());

        Result result = run(connectEnv(30), DEFAULT_CONFIG.toString());

        assertNotEquals(0, result.exit(), result.toString());
        assertTrue(result.stderr().contains("HTTP 400"), result.toString());
        assertTrue(result.stderr().contains("Connector configuration is invalid"), result.toString());
    }

    // ---------------------------------------------------------------- helpers

    private static void assertDryRun(JsonNode expected, String stdout, String what) throws IOException {
        String[] lines = stdout.split("\n", 2);
        assertEquals("name=" + expected.get("name").asText(), lines[0], what);
        assertEquals(expected.get("config"), JSON.readTree(lines[1]), what + ": extracted config object");
    }

    /** Connect's status body: the connector's state, then one task per further state. */
    private static String status(String connector, String... tasks) {
        StringBuilder json = new StringBuilder("{\"name\":\"binance-liquidations\",\"connector\":{\"state\":\"")
                .append(connector).append("\",\"worker_id\":\"connect:8083\"},\"tasks\":[");
        for (int i = 0; i < tasks.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"id\":").append(i).append(",\"state\":\"").append(tasks[i])
                    .append("\",\"worker_id\":\"connect:8083\"");
            if (tasks[i].equals("FAILED")) {
                json.append(",\"trace\":\"java.lang.IllegalStateException: boom\\n\\tat Task.poll(Task.java:1)\"");
            }
            json.append('}');
        }
        return json.append("],\"type\":\"source\"}").toString();
    }

    /** A stand-in Connect REST API; {@code statusForPoll} answers the n-th status poll (null = 404). */
    private void startConnect(IntFunction<String> statusForPoll, int putStatus, AtomicInteger polls) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.createContext("/", exchange -> {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            requests.add(method + " " + path);
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (method.equals("GET") && path.equals("/connectors")) {
                respond(exchange, 200, "[]");
            } else if (method.equals("PUT") && path.equals("/connectors/binance-liquidations/config")) {
                putBodies.add(new String(body, StandardCharsets.UTF_8));
                putContentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                respond(exchange, putStatus, putStatus < 300
                        ? "{\"name\":\"binance-liquidations\",\"config\":{},\"tasks\":[]}"
                        : "{\"error_code\":400,\"message\":\"Connector configuration is invalid and contains 1 error(s)\"}");
            } else if (method.equals("GET") && path.equals("/connectors/binance-liquidations/status")) {
                String answer = statusForPoll.apply(polls.getAndIncrement());
                if (answer == null) {
                    respond(exchange, 404, "{\"error_code\":404,\"message\":\"No status found\"}");
                } else {
                    respond(exchange, 200, answer);
                }
            } else {
                respond(exchange, 404, "{}");
            }
        });
        server.start();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Map<String, String> connectEnv(int timeoutSeconds) {
        return Map.of(
                "CONNECT_URL", "http://127.0.0.1:" + server.getAddress().getPort(),
                "DEPLOY_TIMEOUT_SECONDS", String.valueOf(timeoutSeconds),
                "POLL_INTERVAL_SECONDS", "1");
    }

    record Result(int exit, String stdout, String stderr) {
    }

    private static Result run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        // The stand-in listens on loopback: keep any configured proxy out of the way.
        for (String proxy : List.of("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")) {
            environment.remove(proxy);
        }
        environment.put("NO_PROXY", "127.0.0.1,localhost");
        environment.put("no_proxy", "127.0.0.1,localhost");
        environment.putAll(env);
        Path out = Files.createTempFile("deploy-out", ".txt");
        Path err = Files.createTempFile("deploy-err", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("deploy-connector.sh did not finish in 90s: " + Files.readString(out)
                        + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
