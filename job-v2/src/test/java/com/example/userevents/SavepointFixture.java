package com.example.userevents;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.example.upgrades.kafka.EmbeddedKafka;
import com.example.userevents.avro.UserEvent;
import com.example.userevents.avro.UserStats;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The savepoint fixture bank: savepoints that deployed versions really took, committed to the
 * repository, which every later version's tests restore. A change that breaks one (a uid, a state
 * type, a serializer) fails the build, before it meets a savepoint in production.
 *
 * <p>The fixture of version vN ({@code job-vN/src/test/savepoint-fixtures/vN}): job vN on Flink
 * 2.2.1, heap state backend, parallelism 2, read {@link #EVENTS} events from a 3-partition input
 * topic and was stopped with a canonical savepoint (no drain) once every window up to 50 s had
 * fired. Event {@code i} is {@code user-(i % 6)}'s, at {@code i} s, with action
 * {@code ACTIONS[(i / 6) % 4]}; v1 producers wrote it without a device, v2 producers with
 * {@code DEVICES[(i / 6) % 3]}. The savepoint holds 10 events per user in the reduce's state, the
 * open windows [50 s, 60 s) and [60 s, 70 s) with their timers, and the source's offset of every
 * partition (past all 60 events). Regenerate one with that version's {@code WriteSavepointFixtureIT}.
 */
final class SavepointFixture {

    static final int USERS = 6;
    static final int EVENTS = 60;
    static final int INPUT_PARTITIONS = 3;
    static final List<String> ACTIONS = List.of("click", "view", "purchase", "search");
    static final List<String> DEVICES = List.of("mobile", "desktop", "tablet");

    /** The reduce's keyed state: a ValueState named like this (Flink's name for a reduce's state). */
    static final String REDUCE_STATE = "_op_state";

    private SavepointFixture() {}

    /** Where version {@code version} writes its fixture, from its module's folder (where tests run). */
    static Path home(String version) {
        return Path.of("").toAbsolutePath().resolveSibling("job-" + version).resolve("src/test/savepoint-fixtures/" + version);
    }

    /** The fixture {@code version} wrote, found from any job module's folder. */
    static Path of(String version) {
        Path fixture = home(version);
        if (!Files.isRegularFile(fixture.resolve("_metadata"))) {
            throw new IllegalStateException("No savepoint fixture at " + fixture);
        }
        return fixture;
    }

    static String user(long id) {
        return "user-" + id % USERS;
    }

    static String action(long id) {
        return ACTIONS.get((int) (id / USERS) % ACTIONS.size());
    }

    static long time(long id) {
        return id * 1_000L;
    }

    static String device(long id) {
        return DEVICES.get((int) (id / USERS) % DEVICES.size());
    }

    /** The input of a version's fixture as its producers wrote it: events 1 to 60, in order. */
    static List<ProducerRecord<byte[], byte[]>> input(String topic, String version) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (long id = 1; id <= EVENTS; id++) {
            UserEvent e = TestEvents.event(id, user(id), action(id), time(id));
            byte[] value;
            if (version.equals("v1")) {
                value = TestEvents.encodeAsV1(e);
            } else {
                e.setDeviceType(device(id));
                value = TestEvents.encode(e);
            }
            records.add(new ProducerRecord<>(topic, TestEvents.key(e.getUserId()), value));
        }
        return records;
    }

    /** A user's actions among the fixture's events. */
    static Map<String, Long> actionsOf(String user) {
        Map<String, Long> actions = new TreeMap<>();
        for (long id = 1; id <= EVENTS; id++) {
            if (user(id).equals(user)) {
                actions.merge(action(id), 1L, Long::sum);
            }
        }
        return actions;
    }

    /** A user's devices in a version's fixture: none in v1's (v1 counted none), from v2 on as written. */
    static Map<String, Long> devicesOf(String user, String version) {
        Map<String, Long> devices = new TreeMap<>();
        for (long id = 1; id <= EVENTS && !version.equals("v1"); id++) {
            if (user(id).equals(user)) {
                devices.merge(device(id), 1L, Long::sum);
            }
        }
        return devices;
    }

    /** Each user's aggregate in a version's fixture, computed from its input, as {@link #describe} shows it. */
    static Map<String, String> expectedState(String version) {
        Map<String, String> state = new TreeMap<>();
        for (int u = 0; u < USERS; u++) {
            long last = EVENTS - (EVENTS - u) % USERS;
            String user = user(u);
            state.put(user, describe(user, EVENTS / USERS, last, actionsOf(user), devicesOf(user, version)));
        }
        return state;
    }

    static String describe(String user, long count, long lastEventId, Map<String, Long> actions, Map<String, Long> devices) {
        return user + " event_count=" + count + " last_event_id=" + lastEventId + " action_counts=" + new TreeMap<>(actions)
                + " device_counts=" + new TreeMap<>(devices);
    }

    /** Every user's aggregate in a savepoint, read offline with the State Processor API and this version's classes. */
    static Map<String, String> readState(Path savepoint) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        SavepointReader reader = SavepointReader.read(env, savepoint.toUri().toString());
        Map<String, String> state = new TreeMap<>();
        try (CloseableIterator<String> values = reader.readKeyedState(
                OperatorIdentifier.forUid(UserEventsJob.STATS_REDUCE_UID), new ReadUserStats()).executeAndCollect()) {
            values.forEachRemaining(line -> state.put(line.substring(0, line.indexOf(' ')), line));
        }
        return state;
    }

    /** The reduce's aggregate of each user, described. */
    static final class ReadUserStats extends KeyedStateReaderFunction<String, String> {
        private transient ValueState<UserStats> stats;

        @Override
        public void open(OpenContext context) {
            stats = getRuntimeContext().getState(new ValueStateDescriptor<>(REDUCE_STATE, TypeInformation.of(UserStats.class)));
        }

        @Override
        public void readKey(String user, Context context, Collector<String> out) throws Exception {
            UserStats s = stats.value();
            out.collect(describe(user, s.getEventCount(), s.getLastEventId(), s.getActionCounts(), s.getDeviceCounts()));
        }
    }

    /** Waits until the topic holds at least {@code count} committed records. */
    static void awaitCommitted(EmbeddedKafka kafka, String topic, int count) {
        await(count + " records committed on " + topic).atMost(Duration.ofSeconds(90))
                .until(() -> kafka.readCommitted(topic).size() >= count);
    }
}
