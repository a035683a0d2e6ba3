package io.liquidations.connect.binance.bench;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every benchmark of {@code bench/run}, at tiny sizes, so that none of them can rot: each must run to the end and
 * write its report with sane figures. Timing is not asserted (benchmarks are not timed tests); what is asserted is
 * correctness: no event lost or duplicated on any path, every paced event measured, the Jackson baseline building
 * the very records the connector builds (checked before JMH runs), every stream subscribed.
 */
class BenchmarkSmokeIT {
    private static final Path OUT = Path.of("target", "bench-smoke");
    private static JsonNode sections;

    @BeforeAll
    static void runEveryBenchmarkAtTinySizes() throws Exception {
        // JMH's machine-wide lock keeps two timed runs from skewing each other; the smoke run times nothing, and must
        // not fail because a real benchmark runs elsewhere on the machine.
        System.setProperty("jmh.ignoreLock", "true");
        BenchmarkMain.run(true, new LinkedHashSet<>(BenchmarkMain.ALL), OUT, "bench/run --smoke");
        sections = new ObjectMapper().readTree(Files.readString(OUT.resolve("results.json"))).get("sections");
        assertTrue(Files.readString(OUT.resolve("results.md")).contains("| benchmark | figure | value | goal |"));
    }

    @Test
    void everyBenchmarkWroteItsSection() {
        List<String> ids = new ArrayList<>();
        sections.forEach(s -> ids.add(s.get("id").asText()));
        assertEquals(BenchmarkMain.ALL, ids);
    }

    @Test
    void decodeReportsTimeAndAllocationOfBothPaths() {
        JsonNode decode = section("decode");
        assertAll(
                positive(decode, "connector ns/event"),
                positive(decode, "Jackson tree baseline ns/event"),
                positive(decode, "speed-up over baseline"),
                positive(decode, "connector allocation/event"),
                positive(decode, "baseline allocation/event"));
    }

    @Test
    void endToEndLosesAndDuplicatesNothingOnAnyPath() {
        JsonNode e2e = section("e2e");
        EndToEndBenchmark.Sizes sizes = EndToEndBenchmark.Sizes.SMOKE;
        int warmup = sizes.events() / 4;
        int paced = sizes.pacedPerSecond() * sizes.pacedSeconds();
        JsonNode connectorDelivery = figure(e2e, "connector lost").get("details").get("delivery");
        assertAll(
                () -> assertEquals(0, value(e2e, "connector lost")),
                () -> assertEquals(0, value(e2e, "connector duplicated")),
                () -> assertEquals(0, value(e2e, "baselines lost + duplicated")),
                () -> assertEquals(warmup + sizes.rounds() * sizes.events() + paced, connectorDelivery.get("received").asLong()),
                positive(e2e, "connector sustained rate"),
                positive(e2e, "do-nothing task sustained rate"),
                positive(e2e, "plain KafkaProducer sustained rate"),
                positive(e2e, "generator → do-nothing Netty reader"),
                positive(e2e, "connector CPU per event (event loop + task thread + producer I/O)"),
                positive(e2e, "RSS after the rounds (same JVM)"),
                () -> assertEquals(paced, figure(e2e, "latency p50 at 1000/s").get("details").get("samples").asInt(),
                        "every paced event has its latency"),
                () -> assertTrue(value(e2e, "latency p50 at 1000/s") <= value(e2e, "latency p99 at 1000/s")
                        && value(e2e, "latency p99 at 1000/s") <= value(e2e, "latency max at 1000/s")));
    }

    @Test
    void idleMeasuresTheTasksThreads() {
        JsonNode idle = section("idle");
        double cpu = value(idle, "task CPU (event loop + task thread)");
        assertTrue(cpu >= 0 && Double.isFinite(cpu), "idle CPU " + cpu);
    }

    @Test
    void scaleSubscribesEveryStreamOfEverySize() {
        JsonNode scale = section("scale");
        for (int n : ScaleBenchmark.Sizes.SMOKE.streams()) {
            assertAll(
                    positive(scale, n + " streams: PUT → all subscribed (streams never followed)"),
                    positive(scale, n + " streams: restart → all subscribed (streams with checkpoints)"),
                    () -> assertTrue(value(scale, n + " streams: connections") >= ScaleBenchmark.Sizes.SMOKE.tasks(),
                            "a connection per task at least"),
                    positive(scale, n + " streams: threads per task"));
        }
    }

    @Test
    void cascadeLosesAndDuplicatesNothingOnEitherStream() {
        JsonNode cascade = section("cascade");
        CascadeBenchmark.Sizes sizes = CascadeBenchmark.Sizes.SMOKE;
        for (String path : List.of("per-symbol", "all-market")) {
            assertAll(
                    () -> assertEquals(0, value(cascade, path + " lost + duplicated"), path),
                    () -> assertEquals(sizes.symbols() * sizes.seconds(),
                            figure(cascade, path + " latency p50").get("details").get("samples").asInt(), path));
        }
    }

    private static JsonNode section(String id) {
        for (JsonNode s : sections) {
            if (s.get("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no section " + id);
    }

    private static JsonNode figure(JsonNode section, String name) {
        for (JsonNode f : section.get("figures")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no figure '" + name + "' in " + section.get("id"));
    }

    private static double value(JsonNode section, String name) {
        JsonNode v = figure(section, name).get("value");
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }

    private static Executable positive(JsonNode section, String name) {
        return () -> {
            double v = value(section, name);
            assertTrue(Double.isFinite(v) && v > 0, name + " = " + v);
        };
    }

}
