package com.example.userevents;

import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * How a job takes part in a blue/green upgrade with a gated cutover, so that downstream sees one
 * stream: every output once, per-key order kept, while two versions run side by side.
 *
 * <p>Every job has a <em>generation</em> (--cutover-generation, 0 for the first deployment): green
 * of the n-th blue/green upgrade runs generation n. A control topic (--control-topic), read by
 * every job as broadcast state, carries the cutover of each generation n:
 *
 * <ul>
 *   <li>ANNOUNCE n: where the cut is, once for each kind of output, in terms both versions read
 *       from the records themselves, so that both decide every record alike: {@code first_event_id}
 *       (user-stats: an event at or past it is generation n's; producers make event ids increase),
 *       {@code cut_event_time} (user-windows and late events: a window that ends after it is n's; a
 *       window boundary), {@code cut_timestamp} (dead letters of undecodable records: by their Kafka
 *       timestamp). Chosen ahead of what either job has emitted, which each job checks (its
 *       {@code cutoverKnown} gauge goes negative if it had already passed the cut).
 *   <li>GO n POSITION / GO n TIME: the old version's side is complete and committed (all events
 *       before first_event_id answered, all records before cut_timestamp read; or every window up
 *       to cut_event_time fired and the old version stopped, with the source offsets it stopped at).
 *       Green releases what it held of that kind; blue drops what it held of it.
 *   <li>ABORT n: green was unhealthy; blue releases what it held and goes on alone.
 * </ul>
 *
 * <p>Until GO, green holds everything it would emit (in state, so a failover keeps it); blue holds
 * what is past the cut. Nothing is decided by timing: every record is on one side for both.
 */
public final class Cutover {

    /** The cutover messages seen so far, by "KIND:generation" (GO by "GO:generation:KIND"). */
    public static final MapStateDescriptor<String, String> MESSAGES =
            new MapStateDescriptor<>("cutover-messages", Types.STRING, Types.STRING);

    public static final String CONTROL_SOURCE_UID = "cutover-control-source";

    /** The two kinds of output side: by position in the input, or by event time. */
    public enum Kind {
        POSITION, TIME
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Cutover() {}

    /** Where generation n begins, for each kind of output. */
    public record Cut(int generation, long firstEventId, long cutEventTime, long cutTimestamp) implements Serializable {}

    /**
     * The control topic, from its start (a restored job continues at its checkpointed offset). Its
     * watermark is the end of time, so that joining it never holds back the event time of the
     * records it gates.
     */
    public static KafkaSource<String> controlSource(JobConfig config) {
        return KafkaSource.<String>builder()
                .setProperties(config.kafkaClientProperties())
                .setBootstrapServers(config.bootstrapServers())
                .setTopics(config.controlTopic())
                .setGroupId(config.groupId() + "-control")
                .setClientIdPrefix(config.groupId() + "-control")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .build();
    }

    public static WatermarkStrategy<String> noHoldOnEventTime() {
        return WatermarkStrategy.forGenerator(context -> new WatermarkGenerator<>() {
            @Override
            public void onEvent(String event, long eventTimestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.emitWatermark(new Watermark(Long.MAX_VALUE));
            }
        });
    }

    /** The messages as a job reads them: each cut, and what was decided about it. */
    public static final class View {
        private final Map<Integer, Cut> cuts = new HashMap<>();
        private final Map<Integer, Boolean> aborted = new HashMap<>();
        private final Map<String, Boolean> go = new HashMap<>();
        private final Map<Integer, Map<Integer, Long>> stoppedAt = new HashMap<>();

        /** Parses the stored messages; an unreadable one is ignored (never fails the job). */
        public static View of(Iterable<Map.Entry<String, String>> messages) {
            View v = new View();
            for (Map.Entry<String, String> m : messages) {
                v.add(m.getValue());
            }
            return v;
        }

        void add(String message) {
            JsonNode j;
            try {
                j = JSON.readTree(message);
            } catch (IOException e) {
                return;
            }
            if (j == null || !j.path("generation").canConvertToInt()) {
                return;
            }
            int g = j.get("generation").asInt();
            switch (j.path("kind").asText()) {
                case "ANNOUNCE" -> cuts.put(g, new Cut(g, j.path("first_event_id").asLong(Long.MAX_VALUE),
                        j.path("cut_event_time").asLong(Long.MAX_VALUE), j.path("cut_timestamp").asLong(Long.MAX_VALUE)));
                case "GO" -> {
                    go.put(g + ":" + j.path("outputs").asText(), true);
                    JsonNode offsets = j.path("source_offsets");
                    if (offsets.isObject()) {
                        Map<Integer, Long> q = new HashMap<>();
                        offsets.fields().forEachRemaining(f -> q.put(Integer.parseInt(f.getKey()), f.getValue().asLong()));
                        stoppedAt.put(g, q);
                    }
                }
                case "ABORT" -> aborted.put(g, true);
                default -> {
                    // a kind this version does not know: ignored
                }
            }
        }

        /** The cut of generation n, if announced and not aborted. */
        public Cut cut(int generation) {
            return aborted.containsKey(generation) ? null : cuts.get(generation);
        }

        public boolean go(int generation, Kind kind) {
            return !aborted.containsKey(generation) && go.containsKey(generation + ":" + kind);
        }

        public boolean aborted(int generation) {
            return aborted.containsKey(generation);
        }

        /** The offset, per input partition, at which the old version of generation n stopped; null if not known. */
        public Long stoppedAt(int generation, int partition) {
            Map<Integer, Long> q = stoppedAt.get(generation);
            return q == null ? null : q.get(partition);
        }

        /** How many GO messages were seen: a gauge tells the runner that one has arrived. */
        public int goCount() {
            return go.size();
        }

        /** The highest generation announced, or -1. */
        public int highestAnnounced() {
            return cuts.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        }
    }

    /** The key under which a message is kept: a later message of the same kind and generation replaces it. */
    static String keyOf(String message) {
        try {
            JsonNode j = JSON.readTree(message);
            return j == null ? null : j.path("kind").asText() + ":" + j.path("generation").asText()
                    + (j.has("outputs") ? ":" + j.get("outputs").asText() : "");
        } catch (IOException e) {
            return null;
        }
    }
}
