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
    private final Process process;
    private final String restUrl;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    private WorkerProcess(Process process, String restUrl, Path log) {
        this.process = process;
        this.restUrl = restUrl;
        this.log = log;
    }

    /**
     * @param jvmArgs e.g. {@code -javaagent:...}
     * @param workerProps on top of a single-node default (JSON values, string keys, replication factor 1)
     */
    static WorkerProcess start(Path dir, String bootstrapServers, int restPort, List<String> jvmArgs,
            Map<String, String> workerProps) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path properties = dir.resolve("connect-distributed.properties");
        List<String> lines = new ArrayList<>(List.of(
                "bootstrap.servers=" + bootstrapServers,
                "group.id=" + dir.getFileName(),
                "listeners=http://127.0.0.1:" + restPort,
                "key.converter=org.apache.kafka.connect.storage.StringConverter",
                "value.converter=org.apache.kafka.connect.json.JsonConverter",
                "config.storage.topic=" + dir.getFileName() + "-configs",
                "offset.storage.topic=" + dir.getFileName() + "-offsets",
                "status.storage.topic=" + dir.getFileName() + "-status",
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
        command.addAll(jvmArgs);
        command.add("-Dlog4j2.configurationFile=" + log4j);
        command.add("-cp");
        command.add(Files.readString(Path.of("target", "quickstart.classpath")).trim());
        command.add("org.apache.kafka.connect.cli.ConnectDistributed");
        command.add(properties.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(dir.resolve("worker.out").toFile())).start();
        WorkerProcess worker = new WorkerProcess(process, "http://127.0.0.1:" + restPort, log);
        try {
            worker.awaitRest(Duration.ofSeconds(90));
        } catch (IOException | InterruptedException | RuntimeException e) {
            worker.close();
            throw e;
        }
        return worker;
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
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
