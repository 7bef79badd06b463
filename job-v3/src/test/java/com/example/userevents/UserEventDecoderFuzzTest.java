package com.example.userevents;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static com.example.userevents.TestEvents.encode;
import static com.example.userevents.TestEvents.event;
import static com.example.userevents.TestEvents.key;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.example.userevents.avro.UserEvent;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;

/**
 * 10,000 seeded random mutations of valid records (flipped bits, cut ends, extra bytes, huge
 * varints, spliced records) through the decoder: each one is either a valid event or a dead letter
 * with a reason and its original bytes. Never an exception: a record that throws in the source
 * would fail the task on every restart.
 */
class UserEventDecoderFuzzTest {

    private static final int MUTATIONS = 10_000;

    @Test
    void everyMutationDecodesOrIsDeadLetteredWithAReason() {
        Random random = new Random(20261125L);
        BinaryMessageDecoder<UserEvent> decoder = UserEventDecoder.newDecoder();
        List<byte[]> seeds = SEEDS;
        Map<DeadLetter.Reason, Integer> reasons = new EnumMap<>(DeadLetter.Reason.class);
        int events = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] value = mutate(seeds.get(random.nextInt(seeds.size())), seeds.get(random.nextInt(seeds.size())), random);
            byte[] key = random.nextInt(10) == 0 ? key("mallory") : key(random.nextBoolean() ? "alice" : "bob");
            Decoded decoded = UserEventDecoder.decode(decoder, UserEventDecoder.Bounds.of(JobConfig.defaults()), key, value,
                    random.nextLong(), "user-events", 0, i);
            if (decoded.event != null) {
                assertNull(decoded.deadLetter);
                assertEquals(new String(key, java.nio.charset.StandardCharsets.UTF_8), decoded.event.getUserId(),
                        "a decoded event is filed under its own user");
                events++;
            } else {
                DeadLetter letter = decoded.deadLetter;
                assertNotNull(letter, "mutation " + i + " gave neither an event nor a dead letter");
                assertNotNull(letter.reason);
                assertNotNull(letter.detail);
                assertArrayEquals(value, letter.value, "the dead letter keeps the original bytes");
                reasons.merge(letter.reason, 1, Integer::sum);
            }
        }
        assertEquals(MUTATIONS, events + reasons.values().stream().mapToInt(n -> n).sum());
        // The fuzzer must reach past the header into the datum, or it proves little.
        assertTrue(reasons.getOrDefault(DeadLetter.Reason.CORRUPT_DATUM, 0) > MUTATIONS / 10, reasons.toString());
    }

    /** Valid records of every writer schema the decoder reads, and one of an unknown schema. */
    static final List<byte[]> SEEDS = List.of(encode(event(1, "alice", "click", TestEvents.T_1S, "mobile")), encode(event(123456789, "bob", "view", TestEvents.T_12S)),
                TestEvents.encodeAsV1(event(5, "alice", "purchase", TestEvents.T_2S)), TestEvents.encodedWithUnknownSchema("carol"));

    static byte[] mutate(byte[] seed, byte[] other, Random random) {
        byte[] v = seed.clone();
        switch (random.nextInt(6)) {
            case 0 -> { // flip one to three bits or bytes anywhere
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    v[random.nextInt(v.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> v = Arrays.copyOf(v, random.nextInt(v.length)); // cut the end
            case 2 -> { // extra bytes at the end
                v = Arrays.copyOf(v, v.length + 1 + random.nextInt(8));
                for (int i = seed.length; i < v.length; i++) {
                    v[i] = (byte) random.nextInt(256);
                }
            }
            case 3 -> { // a huge varint (up to 10 bytes) over the datum
                int at = 10 + random.nextInt(Math.max(1, v.length - 10));
                for (int i = at; i < Math.min(v.length, at + 1 + random.nextInt(10)); i++) {
                    v[i] = (byte) (0x80 | random.nextInt(128));
                }
            }
            case 4 -> { // the head of one record, the tail of another
                int cut = random.nextInt(Math.min(v.length, other.length));
                v = Arrays.copyOf(v, cut + other.length - cut);
                System.arraycopy(other, cut, v, cut, other.length - cut);
            }
            default -> v[10 + random.nextInt(Math.max(1, v.length - 10))] = (byte) random.nextInt(256);
        }
        return v;
    }
}
