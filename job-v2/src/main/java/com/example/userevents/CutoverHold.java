package com.example.userevents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.example.userevents.avro.UserEvent;
import com.example.userevents.avro.UserStats;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The gate in front of a sink: emits what is this generation's side of every cutover, drops what
 * is not, and holds what is not decided yet (see {@link Cutover}). A job's own outputs, before the
 * first cutover or with the gate off, pass straight through.
 *
 * <p>What is held is operator state, in arrival order, released in that order: per-key order is
 * kept, and a failover or a savepoint keeps it. It is kept as bytes beside the snapshot of the
 * serializer that wrote them, not as a state of the record's type: outside a cutover nothing is
 * held, and a later version whose record type changed incompatibly (and whose savepoint was
 * repaired for it) must not be refused for a copy of that type that holds nothing. When something
 * is held, the new version's serializer decides whether it can read it, as Flink would. Its gauge {@code cutoverKnown} is the highest
 * generation this subtask has seen announced, or -1 - that generation when the announcement came
 * after this subtask had already emitted something past the cut (the upgrade must then be aborted).
 */
public abstract class CutoverHold<T> extends BroadcastProcessFunction<T, String, T> implements CheckpointedFunction {

    private final int generation;
    private final boolean gated;
    private final TypeInformation<T> type;

    private transient ListState<byte[]> heldRecords;
    private transient ListState<byte[]> heldSerializer;
    private transient List<T> held;
    private transient Cutover.View view;
    private transient long maxEmittedPosition;
    private transient long maxEmittedTime;
    private transient volatile int known;
    private transient volatile int released;
    private transient TypeSerializer<T> copier;

    protected CutoverHold(JobConfig config, TypeInformation<T> type) {
        this.generation = config.cutoverGeneration();
        this.gated = config.cutoverGate();
        this.type = type;
    }

    /** Which kind of side the record is on, and where it is in that kind's terms. */
    protected abstract Cutover.Kind kind(T record);

    /** Which GO releases the record on the new side (dead letters: the last one, nobody waits for them). */
    protected Cutover.Kind releasedBy(T record) {
        return kind(record);
    }

    /** The record's coordinate: an event id, an event time, a Kafka timestamp. */
    protected abstract long coordinate(T record);

    /** The cut's coordinate for a kind of record. */
    protected abstract long cutOf(Cutover.Kind kind, Cutover.Cut cut);

    private long cutCoordinate(T record, Cutover.Cut cut) {
        return cutOf(kind(record), cut);
    }

    private enum Decision {
        EMIT, DROP, HOLD
    }

    /** Where the record falls; overridden by records that decide otherwise (late events past a cutover). */
    Decision decide(T record, Cutover.View v) {
        Cutover.Kind kind = releasedBy(record);
        if (generation > 0) {
            Cutover.Cut mine = v.cut(generation);
            if (mine == null) {
                return v.aborted(generation) ? Decision.DROP : Decision.HOLD;
            }
            if (coordinate(record) < cutCoordinate(record, mine)) {
                return Decision.DROP;
            }
            if (!v.go(generation, kind)) {
                return Decision.HOLD;
            }
        }
        Cutover.Cut next = v.cut(generation + 1);
        if (next != null && coordinate(record) >= cutCoordinate(record, next)) {
            return v.go(generation + 1, kind) ? Decision.DROP : Decision.HOLD;
        }
        return Decision.EMIT;
    }

    @Override
    public void open(OpenContext context) {
        getRuntimeContext().getMetricGroup().gauge("cutoverKnown", (Gauge<Integer>) () -> known);
        getRuntimeContext().getMetricGroup().gauge("cutoverReleased", (Gauge<Integer>) () -> released);
    }

    @Override
    public void processElement(T record, ReadOnlyContext ctx, Collector<T> out) throws Exception {
        if (!gated) {
            out.collect(record);
            return;
        }
        if (view == null) {
            view = Cutover.View.of(ctx.getBroadcastState(Cutover.MESSAGES).immutableEntries());
        }
        switch (decide(record, view)) {
            case EMIT -> emit(record, out);
            // Held across calls: a copy, as the record given may be reused (object reuse is on, and
            // the reduce hands on its own state object, which the next event of the user changes).
            case HOLD -> held.add(copier.copy(record));
            case DROP -> { }
        }
    }

    @Override
    public void processBroadcastElement(String message, Context ctx, Collector<T> out) throws Exception {
        String key = Cutover.keyOf(message);
        if (key == null) {
            return;
        }
        ctx.getBroadcastState(Cutover.MESSAGES).put(key, message);
        view = Cutover.View.of(ctx.getBroadcastState(Cutover.MESSAGES).immutableEntries());
        int announced = view.highestAnnounced();
        released = view.goCount();
        Cutover.Cut next = view.cut(generation + 1);
        if (next != null && known != -1 - next.generation()) {
            boolean passed = (maxEmittedPosition != Long.MIN_VALUE && maxEmittedPosition >= cutOf(Cutover.Kind.POSITION, next))
                    || (maxEmittedTime != Long.MIN_VALUE && maxEmittedTime >= cutOf(Cutover.Kind.TIME, next));
            known = passed ? -1 - next.generation() : Math.max(known, announced);
        } else if (known >= 0) {
            known = Math.max(known, announced);
        }
        if (!gated) {
            return;
        }
        for (Iterator<T> it = held.iterator(); it.hasNext(); ) {
            T record = it.next();
            Decision d = decide(record, view);
            if (d == Decision.EMIT) {
                emit(record, out);
                it.remove();
            } else if (d == Decision.DROP) {
                it.remove();
            }
        }
    }

    /** What the gauge cutoverKnown reports. */
    int cutoverKnown() {
        return known;
    }

    private void emit(T record, Collector<T> out) {
        if (kind(record) == Cutover.Kind.POSITION) {
            maxEmittedPosition = Math.max(maxEmittedPosition, coordinate(record));
        } else {
            maxEmittedTime = Math.max(maxEmittedTime, coordinate(record));
        }
        out.collect(record);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (held.isEmpty()) {
            heldRecords.clear();
            heldSerializer.clear();
            return;
        }
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, copier.snapshotConfiguration());
        heldSerializer.update(List.of(out.getCopyOfBuffer()));
        List<byte[]> records = new ArrayList<>(held.size());
        for (T record : held) {
            out.clear();
            copier.serialize(record, out);
            records.add(out.getCopyOfBuffer());
        }
        heldRecords.update(records);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // The runtime context is set before state is initialized (and before open).
        copier = getRuntimeContext().createSerializer(type);
        heldRecords = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("held-records", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        heldSerializer = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("held-serializer", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        held = new ArrayList<>();
        List<byte[]> records = new ArrayList<>();
        heldRecords.get().forEach(records::add);
        if (!records.isEmpty()) {
            TypeSerializer<T> reader = readerOfHeld(records.size());
            for (byte[] bytes : records) {
                held.add(reader.deserialize(new DataInputDeserializer(bytes)));
            }
        }
        maxEmittedPosition = Long.MIN_VALUE;
        maxEmittedTime = Long.MIN_VALUE;
    }

    /** The serializer that reads what an earlier job held, or why this version cannot. */
    private TypeSerializer<T> readerOfHeld(int count) throws Exception {
        Iterator<byte[]> snapshots = heldSerializer.get().iterator();
        if (!snapshots.hasNext()) {
            throw new IllegalStateException(count + " held records without the serializer that wrote them");
        }
        TypeSerializerSnapshot<T> written = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(snapshots.next()), Thread.currentThread().getContextClassLoader());
        TypeSerializerSchemaCompatibility<T> compatibility =
                copier.snapshotConfiguration().resolveSchemaCompatibility(written);
        if (compatibility.isCompatibleAsIs()) {
            return copier;
        }
        if (compatibility.isCompatibleAfterMigration()) {
            // As Flink migrates state: read with the serializer that wrote it, write with the new one.
            return written.restoreSerializer();
        }
        throw new IllegalStateException("This job cannot read the " + count + " records that " + getClass().getSimpleName()
                + " held at the savepoint (their type changed incompatibly): nothing is lost, they are in the savepoint. "
                + "Restore the version that wrote it, let its cutover finish (GO or ABORT), and take the savepoint again.");
    }

    /** user-stats: an aggregate is on the side of the event that made it (its last_event_id). */
    public static class Stats extends CutoverHold<UserStats> {
        public Stats(JobConfig config) {
            super(config, TypeInformation.of(UserStats.class));
        }

        @Override
        protected Cutover.Kind kind(UserStats s) {
            return Cutover.Kind.POSITION;
        }

        @Override
        protected long coordinate(UserStats s) {
            return s.getLastEventId();
        }

        @Override
        protected long cutOf(Cutover.Kind kind, Cutover.Cut cut) {
            return cut.firstEventId();
        }
    }

    /** user-windows: a window is on the side of its last instant (it ends after the cut: the new side). */
    public static class Windows extends CutoverHold<WindowCount> {
        public Windows(JobConfig config) {
            super(config, TypeInformation.of(WindowCount.class));
        }

        @Override
        protected Cutover.Kind kind(WindowCount w) {
            return Cutover.Kind.TIME;
        }

        @Override
        protected long coordinate(WindowCount w) {
            return w.windowEnd - 1;
        }

        @Override
        protected long cutOf(Cutover.Kind kind, Cutover.Cut cut) {
            return cut.cutEventTime();
        }
    }

    /**
     * Dead letters: a late event is on the side of the window it missed (its event time); an
     * undecodable record on the side of its Kafka timestamp; a late event past a cutover (see
     * {@link LateAfterCutover}) is the new side's only if the old version never read it.
     */
    public static class DeadLetters extends CutoverHold<DeadLetter> {
        private final int generation;

        public DeadLetters(JobConfig config) {
            super(config, TypeInformation.of(DeadLetter.class));
            this.generation = config.cutoverGeneration();
        }

        @Override
        protected Cutover.Kind kind(DeadLetter d) {
            return d.reason == DeadLetter.Reason.LATE ? Cutover.Kind.TIME : Cutover.Kind.POSITION;
        }

        @Override
        protected Cutover.Kind releasedBy(DeadLetter d) {
            return Cutover.Kind.TIME;
        }

        @Override
        protected long coordinate(DeadLetter d) {
            return d.reason == DeadLetter.Reason.LATE ? d.eventTime : d.writtenAt;
        }

        @Override
        protected long cutOf(Cutover.Kind kind, Cutover.Cut cut) {
            return kind == Cutover.Kind.TIME ? cut.cutEventTime() : cut.cutTimestamp();
        }

        @Override
        Decision decide(DeadLetter d, Cutover.View v) {
            if (!d.afterCutover) {
                return super.decide(d, v);
            }
            Cutover.Cut mine = v.cut(generation);
            if (mine == null || d.eventTime >= mine.cutEventTime()) {
                return mine == null && !v.aborted(generation) ? Decision.HOLD : Decision.DROP;
            }
            if (!v.go(generation, Cutover.Kind.TIME)) {
                return Decision.HOLD;
            }
            Long stoppedAt = v.stoppedAt(generation, d.partition);
            return stoppedAt != null && d.offset >= stoppedAt ? Decision.EMIT : Decision.DROP;
        }
    }

    /**
     * In a green job (generation > 0): every event dated before its cut_event_time could be one
     * that arrived after the old version stopped, too late for any window of the old side, which
     * the old version would have dead-lettered as LATE. This emits it as such a candidate; the
     * dead-letter gate keeps it only if its source offset is at or past where the old version
     * stopped (GO n TIME says where), so that each such event is dead-lettered by exactly one job.
     */
    public static class LateAfterCutover extends BroadcastProcessFunction<Decoded, String, DeadLetter> {
        private final int generation;
        private final boolean gated;

        public LateAfterCutover(JobConfig config) {
            this.generation = config.cutoverGeneration();
            this.gated = config.cutoverGate();
        }

        private transient Cutover.View view;

        @Override
        public void processElement(Decoded record, ReadOnlyContext ctx, Collector<DeadLetter> out) throws Exception {
            if (!gated || generation == 0 || record.event == null) {
                return;
            }
            if (view == null) {
                view = Cutover.View.of(ctx.getBroadcastState(Cutover.MESSAGES).immutableEntries());
            }
            Cutover.View v = view;
            Cutover.Cut mine = v.cut(generation);
            if (mine != null && record.event.getEventTime() >= mine.cutEventTime()) {
                return;
            }
            if (v.go(generation, Cutover.Kind.TIME)) {
                Long stoppedAt = v.stoppedAt(generation, record.partition);
                if (stoppedAt == null || record.offset < stoppedAt) {
                    return;
                }
            }
            UserEvent event = record.event;
            byte[] value;
            try {
                ByteBuffer encoded = event.toByteBuffer();
                value = new byte[encoded.remaining()];
                encoded.get(value);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot encode late event " + event.getEventId(), e);
            }
            DeadLetter late = new DeadLetter(event.getUserId().getBytes(StandardCharsets.UTF_8), value, DeadLetter.Reason.LATE,
                    "event_time " + java.time.Instant.ofEpochMilli(event.getEventTime()) + " is before the cutover of "
                            + "generation " + generation + " and the previous version had stopped: its window is closed",
                    null, record.partition, record.offset);
            late.eventTime = event.getEventTime();
            late.afterCutover = true;
            out.collect(late);
        }

        @Override
        public void processBroadcastElement(String message, Context ctx, Collector<DeadLetter> out) throws Exception {
            String key = Cutover.keyOf(message);
            if (key != null) {
                ctx.getBroadcastState(Cutover.MESSAGES).put(key, message);
                view = null;
            }
        }
    }
}
