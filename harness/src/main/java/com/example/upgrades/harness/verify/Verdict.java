package com.example.upgrades.harness.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts per violation class with a few examples each, and what was checked. It passes only when
 * every count is zero and every check that must have something to check had something: a
 * verification of empty topics proves nothing.
 */
public final class Verdict {

    static final int EXAMPLES_PER_CLASS = 5;

    private final Map<Violation, Long> counts = new EnumMap<>(Violation.class);
    private final Map<Violation, List<String>> examples = new EnumMap<>(Violation.class);
    private final Map<String, Long> checked = new LinkedHashMap<>();
    private final java.util.Set<String> required = new java.util.LinkedHashSet<>();

    Verdict() {
        for (Violation v : Violation.values()) {
            counts.put(v, 0L);
            examples.put(v, new ArrayList<>());
        }
    }

    /** A verdict on nothing: no verification could be made. */
    public static Verdict none() {
        return new Verdict();
    }

    void add(Violation violation, String example) {
        counts.merge(violation, 1L, Long::sum);
        List<String> list = examples.get(violation);
        if (list.size() < EXAMPLES_PER_CLASS) {
            list.add(example);
        }
    }

    void checked(String what, long howMany) {
        checked.put(what, howMany);
    }

    /** This check must have had something to check, or the verification proves nothing. */
    void require(String what) {
        required.add(what);
    }

    /** True when nothing was found wrong and every required check had something to check. */
    public boolean passed() {
        return clean() && nothingChecked().isEmpty();
    }

    /** No violation of any class (whether or not anything was checked). */
    public boolean clean() {
        return counts.values().stream().allMatch(n -> n == 0);
    }

    /** The required checks that had nothing to check ("user windows", ...): the verification could not be made. */
    public List<String> nothingChecked() {
        return required.stream().filter(what -> checked.getOrDefault(what, 0L) == 0).toList();
    }

    public long count(Violation violation) {
        return counts.get(violation);
    }

    /** Every class with its count, in contract order (zeros included). */
    public Map<Violation, Long> counts() {
        return Collections.unmodifiableMap(new EnumMap<>(counts));
    }

    public List<String> examples(Violation violation) {
        return List.copyOf(examples.get(violation));
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
        for (Violation v : Violation.values()) {
            out.append(String.format("  %-20s %d%n", v, counts.get(v)));
            for (String example : examples.get(v)) {
                out.append("      e.g. ").append(example).append('\n');
            }
        }
        return out.toString();
    }
}
