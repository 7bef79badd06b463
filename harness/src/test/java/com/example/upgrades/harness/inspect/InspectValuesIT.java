package com.example.upgrades.harness.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.example.upgrades.harness.cli.HarnessCli;
import com.example.upgrades.harness.project.ProjectLayout;
import com.example.upgrades.harness.run.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * {@code harness inspect --values} on the savepoint job v1 really took for the fixture bank, whose
 * input is known event by event (job-v1's SavepointFixture): 60 events, event i by user-(i % 6) at
 * i s, windows up to 50 s fired. Every value read back is the one that input gives.
 */
class InspectValuesIT {

    @Test
    void readsEachUsersAggregateEachOpenWindowAndEachSplitsOffset() throws Exception {
        Path root = ProjectLayout.findProjectRoot();
        Cli inspect = Cli.execute("inspect", root.resolve("job-v1/src/test/savepoint-fixtures/v1").toString(),
                "--jar", ProjectLayout.jar(root, "v1").toString(), "--values", "--limit", "100", "--json");
        assertEquals(HarnessCli.PASS, inspect.exit(), inspect.out() + inspect.err());
        Map<String, JsonNode> states = new HashMap<>();
        new ObjectMapper().readTree(inspect.out()).get("values").get("states")
                .forEach(s -> states.put(s.get("operator").asText() + " " + s.get("state").asText(), s));

        // The reduce: 10 events per user; user-u's last one is the last i <= 60 with i % 6 == u.
        JsonNode reduce = states.get("user-stats-reduce _op_state (VALUE)");
        assertEquals(6, reduce.get("entries").asLong(), states.keySet().toString());
        for (int u = 0; u < 6; u++) {
            long last = 60 - (60 - u) % 6;
            String line = lineOf(reduce, "user-" + u + " = ");
            assertTrue(line.contains("\"event_count\": 10") && line.contains("\"last_event_id\": " + last), line);
        }

        // The open windows: [50 s, 60 s) holds events 50..59, [60 s, 70 s) event 60 (user-0's).
        JsonNode windows = states.get("user-windows-count window-contents (AGGREGATING)");
        Map<String, Long> counts = new HashMap<>();
        Pattern window = Pattern.compile("(user-\\d) \\[(\\d+), (\\d+)\\) = (\\d+)");
        for (JsonNode line : windows.get("first")) {
            Matcher m = window.matcher(line.asText());
            assertTrue(m.matches(), line.asText());
            counts.put(m.group(1) + "@" + m.group(2), Long.parseLong(m.group(4)));
        }
        Map<String, Long> expected = new HashMap<>();
        for (long i = 50; i <= 60; i++) {
            expected.merge("user-" + i % 6 + "@" + (i / 10 * 10_000), 1L, Long::sum);
        }
        assertEquals(expected, counts);
        assertEquals(expected.size(), windows.get("entries").asLong());

        // The source: each of the 3 partitions resumes past its users' events (10 each), keyed by
        // user id with Kafka's default partitioner; a partition no user hashes to was never read.
        JsonNode splits = states.get("user-events-source SourceReaderState (source splits)");
        assertEquals(3, splits.get("entries").asLong());
        List<String> expectedSplits = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            long records = 0;
            for (int u = 0; u < 6; u++) {
                byte[] key = ("user-" + u).getBytes(StandardCharsets.UTF_8);
                records += Utils.toPositive(Utils.murmur2(key)) % 3 == p ? 10 : 0;
            }
            expectedSplits.add("user-events-" + p + " resumes " + (records > 0 ? "at offset " + records
                    : "at the consumer group's committed offset (no record read from it yet)"));
        }
        List<String> described = new ArrayList<>();
        splits.get("first").forEach(line -> described.add(line.asText()));
        assertEquals(expectedSplits, described);
    }

    private static String lineOf(JsonNode state, String prefix) {
        for (JsonNode line : state.get("first")) {
            if (line.asText().startsWith(prefix)) {
                return line.asText();
            }
        }
        throw new AssertionError("no line " + prefix + " in " + state);
    }
}
