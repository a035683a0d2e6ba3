package io.liquidations.connect.binance.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Confluent Hub component manifest has every field the Hub requires, with meaningful values. */
class ConnectorManifestTest {
    private static final List<String> REQUIRED_TEXT = List.of(
            "name", "version", "title", "description", "documentation_url", "source_url", "release_date");

    private final JsonNode manifest = read();

    @Test
    void requiredTextFieldsArePresentAndNotBlank() {
        for (String field : REQUIRED_TEXT) {
            assertTrue(manifest.path(field).isTextual() && !manifest.path(field).asText().isBlank(), field);
        }
        assertEquals("kafka-connect-binance-liquidations", manifest.path("name").asText());
        assertEquals("${project.version}", manifest.path("version").asText(), "filled in by the build");
        assertTrue(manifest.path("documentation_url").asText().startsWith("https://"));
        assertTrue(manifest.path("source_url").asText().startsWith("https://"));
        assertTrue(manifest.path("release_date").asText().matches("\\d{4}-\\d{2}-\\d{2}"));
    }

    @Test
    void ownerLicenseTypeAndRequirementsAreDeclared() {
        JsonNode owner = manifest.path("owner");
        assertFalse(owner.path("username").asText().isBlank(), "owner.username names the archive prefix");
        assertFalse(owner.path("name").asText().isBlank());
        assertTrue(List.of("organization", "user").contains(owner.path("type").asText()));
        assertEquals("source", manifest.path("component_types").path(0).asText());
        assertEquals(1, manifest.path("component_types").size());
        JsonNode license = manifest.path("license");
        assertTrue(license.isArray() && license.size() > 0);
        assertFalse(license.path(0).path("name").asText().isBlank());
        assertTrue(license.path(0).path("url").asText().startsWith("https://"));
        assertTrue(manifest.path("tags").isArray() && manifest.path("tags").size() > 0);
        assertTrue(manifest.path("features").path("kafka_connect_api").asBoolean());
        String requirements = manifest.path("requirements").toString();
        assertTrue(requirements.contains("Kafka Connect") && requirements.contains("Java 17"), requirements);
        assertFalse(manifest.path("support").path("summary").asText().isBlank());
    }

    @Test
    void theArchivePrefixIsTheOwnersUsername() throws IOException {
        String pom = java.nio.file.Files.readString(Path.of("pom.xml"));
        assertTrue(pom.contains("<finalName>" + manifest.path("owner").path("username").asText()
                + "-${project.artifactId}-${project.version}</finalName>"), "zip named <owner>-<name>-<version>");
    }

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(Path.of("connector-manifest.json").toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
