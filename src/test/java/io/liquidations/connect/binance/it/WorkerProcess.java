package io.liquidations.connect.binance.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A distributed Connect worker in a child JVM, started as operators start one ({@code ConnectDistributed} with a
 * properties file), from the Maven-resolved Apache Kafka jars ({@code target/quickstart.classpath}) with the
 * packaged plugin on its {@code plugin.path}. For what only a worker process shows: java agents, JMX as a scraper
 * sees it, a process that can be killed.
 */
final class WorkerProcess implements AutoCloseable {
    private final List<String> command;
    private final Path dir;
    private Process process;
    private final String restUrl;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    private WorkerProcess(List<String> command, Path dir, String restUrl, Path log) {
        this.command = command;
        this.dir = dir;
        this.restUrl = restUrl;
        this.log = log;
    }

    /**
     * A worker of its own group, named after {@code dir}.
     *
     * @param jvmArgs e.g. {@code -javaagent:...}
     * @param workerProps on top of a single-node default (JSON values, string keys, replication factor 1)
     */
    static WorkerProcess start(Path dir, String bootstrapServers, int restPort, List<String> jvmArgs,
            Map<String, String> workerProps) throws IOException, InterruptedException {
        return start(dir, dir.getFileName().toString(), bootstrapServers, restPort, jvmArgs, workerProps);
    }

    /** A worker of the Connect cluster {@code cluster}: workers started with the same name form one group. */
    static WorkerProcess start(Path dir, String cluster, String bootstrapServers, int restPort, List<String> jvmArgs,
            Map<String, String> workerProps) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path properties = dir.resolve("connect-distributed.properties");
        List<String> lines = new ArrayList<>(List.of(
                "bootstrap.servers=" + bootstrapServers,
                "group.id=" + cluster,
                "listeners=http://127.0.0.1:" + restPort,
                "key.converter=org.apache.kafka.connect.storage.StringConverter",
                "value.converter=org.apache.kafka.connect.json.JsonConverter",
                "config.storage.topic=" + cluster + "-configs",
                "offset.storage.topic=" + cluster + "-offsets",
                "status.storage.topic=" + cluster + "-status",
                "config.storage.replication.factor=1",
                "offset.storage.replication.factor=1",
                "status.storage.replication.factor=1",
                "offset.flush.interval.ms=1000",
                "plugin.path=" + Path.of("target", "plugin").toAbsolutePath(),
                "plugin.discovery=service_load"));
        workerProps.forEach((key, value) -> lines.add(key + "=" + value));
        Files.write(properties, lines);
        Path log4j = dir.resolve("log4j2.xml");
        Path log = dir.resolve("worker.log");
        Files.writeString(log4j, """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="WARN">
                  <Appenders>
                    <File name="file" fileName="%s" append="true">
                      <PatternLayout pattern="%%d %%-5level [%%t] %%c{1} %%X{connector.context}- %%msg%%n"/>
                    </File>
                  </Appenders>
                  <Loggers><Root level="INFO"><AppenderRef ref="file"/></Root></Loggers>
                </Configuration>
                """.formatted(log));

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        // Quick to start on two shared cores: the client compiler and the serial collector.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.addAll(jvmArgs);
        command.add("-Dlog4j2.configurationFile=" + log4j);
        command.add("-cp");
        command.add(Files.readString(Path.of("target", "quickstart.classpath")).trim());
        command.add("org.apache.kafka.connect.cli.ConnectDistributed");
        command.add(properties.toString());
        WorkerProcess worker = new WorkerProcess(List.copyOf(command), dir, "http://127.0.0.1:" + restPort, log);
        worker.launch();
        return worker;
    }

    /** (Re)starts the process with the same command and waits for its REST API. */
    void launch() throws IOException, InterruptedException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("worker.out").toFile())).start();
        try {
            awaitRest(Duration.ofSeconds(90));
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** SIGKILL: the worker disappears without leaving its group, as in a crash or an OOM kill. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** {@code host:port} as the worker names itself in task status ({@code worker_id}). */
    String workerId() {
        return restUrl.substring("http://".length());
    }

    private void awaitRest(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (get("/connectors").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // retried below
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("the Connect worker did not start; see " + log);
            }
            Thread.sleep(250);
        }
    }

    /** Create or update, as {@code PUT /connectors/{name}/config} does. */
    void putConnector(String name, Map<String, String> config) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(restUrl + "/connectors/" + name
                + "/config")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(config))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException("the worker refused the connector: " + response.body());
        }
    }

    /** Waits until the connector and {@code tasks} tasks are RUNNING; fails with the status otherwise. */
    void awaitRunning(String name, int tasks, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get("/connectors/" + name + "/status");
            status = response.body();
            if (response.statusCode() == 200) {
                JsonNode node = json.readTree(status);
                long running = 0;
                for (JsonNode task : node.path("tasks")) {
                    running += "RUNNING".equals(task.path("state").asText()) ? 1 : 0;
                }
                if ("RUNNING".equals(node.path("connector").path("state").asText()) && running == tasks) {
                    return;
                }
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not RUNNING with " + tasks + " tasks: " + status);
    }

    /** The connector's status as the REST API answers it, or null when it has none (yet). */
    JsonNode status(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/connectors/" + name + "/status");
        return response.statusCode() == 200 ? json.readTree(response.body()) : null;
    }

    void deleteConnector(String name) throws IOException, InterruptedException {
        send("DELETE", "/connectors/" + name);
    }

    void pauseConnector(String name) throws IOException, InterruptedException {
        send("PUT", "/connectors/" + name + "/pause");
    }

    void resumeConnector(String name) throws IOException, InterruptedException {
        send("PUT", "/connectors/" + name + "/resume");
    }

    private void send(String method, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(restUrl + path))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300 && response.statusCode() != 404) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " "
                    + response.body());
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(restUrl + path)).timeout(Duration.ofSeconds(5)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    Path log() {
        return log;
    }

    /** SIGTERM, as an operator stops a worker; killed if it has not stopped in 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
