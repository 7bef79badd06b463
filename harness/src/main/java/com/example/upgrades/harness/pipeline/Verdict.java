package com.example.upgrades.harness.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a pipeline's verifier found: counts per kind of violation (the kinds are the pipeline's own,
 * e.g. LOST, DUPLICATE), with a few examples each, and what was checked. It passes only when every
 * count is zero and every check that must have something to check had something: a verification
 * of empty topics proves nothing.
 */
public final class Verdict {

    static final int EXAMPLES_PER_CLASS = 5;

    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, List<String>> examples = new LinkedHashMap<>();
    private final Map<String, Long> checked = new LinkedHashMap<>();
    private final Set<String> required = new LinkedHashSet<>();

    /** A verdict over these kinds of violation, in the order the report lists them. */
    public Verdict(List<String> kinds) {
        for (String kind : kinds) {
            counts.put(kind, 0L);
            examples.put(kind, new ArrayList<>());
        }
    }

    /** A verdict over the constants of an enum, in their order. */
    public static Verdict of(Class<? extends Enum<?>> kinds) {
        List<String> names = new ArrayList<>();
        for (Enum<?> kind : kinds.getEnumConstants()) {
            names.add(kind.name());
        }
        return new Verdict(names);
    }

    /** A verdict on nothing: no verification could be made. */
    public static Verdict none() {
        return new Verdict(List.of());
    }

    public void add(String kind, String example) {
        if (!counts.containsKey(kind)) {
            throw new IllegalArgumentException("Not a kind of violation of this verdict: " + kind + "; it knows " + counts.keySet());
        }
        counts.merge(kind, 1L, Long::sum);
        List<String> list = examples.get(kind);
        if (list.size() < EXAMPLES_PER_CLASS) {
            list.add(example);
        }
    }

    public void add(Enum<?> kind, String example) {
        add(kind.name(), example);
    }

    public void checked(String what, long howMany) {
        checked.put(what, howMany);
    }

    /** This check must have had something to check, or the verification proves nothing. */
    public void require(String what) {
        required.add(what);
    }

    /** True when nothing was found wrong and every required check had something to check. */
    public boolean passed() {
        return clean() && nothingChecked().isEmpty();
    }

    /** No violation of any kind (whether or not anything was checked). */
    public boolean clean() {
        return counts.values().stream().allMatch(n -> n == 0);
    }

    /** The required checks that had nothing to check ("user windows", ...): the verification could not be made. */
    public List<String> nothingChecked() {
        return required.stream().filter(what -> checked.getOrDefault(what, 0L) == 0).toList();
    }

    public long count(String kind) {
        return counts.getOrDefault(kind, 0L);
    }

    public long count(Enum<?> kind) {
        return count(kind.name());
    }

    /** Every kind with its count, in the verdict's order (zeros included). */
    public Map<String, Long> counts() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }

    public List<String> examples(String kind) {
        return List.copyOf(examples.getOrDefault(kind, List.of()));
    }

    public List<String> examples(Enum<?> kind) {
        return examples(kind.name());
    }

    /** What was checked: e.g. "input events" -> 12000. */
    public Map<String, Long> checked() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(checked));
    }

    /** Multi-line, human-readable. */
    public String describe() {
        StringBuilder out = new StringBuilder(!clean() ? "FAIL" : passed() ? "PASS" : "COULD_NOT_VERIFY").append('\n');
        if (clean() && !nothingChecked().isEmpty()) {
            out.append("  nothing to check: ").append(String.join(", ", nothingChecked())).append('\n');
        }
        checked.forEach((what, n) -> out.append(String.format("  checked %-28s %d%n", what, n)));
        counts.forEach((kind, n) -> {
            out.append(String.format("  %-20s %d%n", kind, n));
            for (String example : examples.get(kind)) {
                out.append("      e.g. ").append(example).append('\n');
            }
        });
        return out.toString();
    }
}
